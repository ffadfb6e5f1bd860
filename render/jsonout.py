"""The JSON document of an evaluation (docs/format.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from argmap.engine.result import Evaluation


def evaluation_document(ev: Evaluation, claims: Sequence[str] | None = None) -> dict[str, Any]:
    """The evaluation as JSON. Extensions: ``title``; per frame ``method``,
    ``samples`` and ``effective_samples``; ``warnings`` (how the
    numbers were computed, when the reader must know); per claim ``label`` (when
    the claim has one), ``stderr`` and ``explanation`` when present;
    ``given``/``set`` when used; and ``band`` (how
    the intervals were drawn, with each column's largest Monte Carlo standard
    error of an interval end) when some claim has an interval; ``groups`` (each
    group's ``kind`` and ``members``) when the map has groups."""
    doc: dict[str, Any] = {"map": ev.map.name}
    if ev.map.title:
        doc["title"] = ev.map.title
    frames: dict[str, Any] = {}
    for name, fr in ev.frames.items():
        entry: dict[str, Any] = {"weight": fr.weight, "posterior_weight": fr.posterior_weight}
        entry["method"] = fr.method
        if fr.samples is not None:
            entry["samples"] = fr.samples
        if fr.effective_samples is not None:
            entry["effective_samples"] = round(fr.effective_samples, 1)
        frames[name] = entry
    doc["frames"] = frames
    out: dict[str, Any] = {}
    for cid in claims if claims is not None else ev.claims:
        res = ev.claims[cid]
        entry = {"text": res.text}
        label = ev.map.claims[cid].label if cid in ev.map.claims else None
        if label:  # the claim's short name (docs/format.md), only when it has one
            entry["label"] = label
        entry["credence"] = dict(res.credence)
        if res.interval:
            entry["interval"] = {f: [lo, hi] for f, (lo, hi) in res.interval.items()}
        if res.stderr:
            entry["stderr"] = dict(res.stderr)
        if res.explanation:
            entry["explanation"] = {f: dict(d) for f, d in res.explanation.items()}
        out[cid] = entry
    doc["claims"] = out
    if ev.band is not None and any("interval" in e for e in out.values()):
        doc["band"] = {
            "draws": ev.band.draws,
            "used": ev.band.used,
            "seed": ev.band.seed,
            "percentiles": [5, 95],
            "stderr": dict(ev.band.stderr),
        }
    if ev.map.groups:
        doc["groups"] = {
            gid: {"kind": g.kind, "members": list(g.members)} for gid, g in ev.map.groups.items()
        }
    if ev.warnings:
        doc["warnings"] = list(ev.warnings)
    if ev.given:
        doc["given"] = dict(ev.given)
    if ev.overrides:
        doc["set"] = {k: str(v) for k, v in ev.overrides.items()}
    return doc


def to_json(ev: Evaluation, claims: Sequence[str] | None = None) -> str:
    """Deterministic JSON text: map order, floats as floats, a trailing newline."""
    return (
        json.dumps(evaluation_document(ev, claims), indent=2, ensure_ascii=False, allow_nan=False)
        + "\n"
    )
