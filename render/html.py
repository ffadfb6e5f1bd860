"""The explorer page: one HTML app for `argmap serve` and the static `render -o map.html`.

Pure functions from an :class:`Evaluation` (and SVG text laid out elsewhere)
to JSON-ready documents and to the page. The page's skeleton, style and
script (``widgets.js`` then ``explorer.js``) are package data in ``explorer/``.
Map data travels only as JSON inside ``<script type="application/json">``,
escaped so that no text can end that element, and the script sets it with
``textContent``. A Content-Security-Policy admits only the page's own script
and style (by hash) and no network, so even a text that slipped through could
not run or fetch anything.
"""

from __future__ import annotations

import base64
import difflib
import functools
import hashlib
import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any, Literal

from argmap.engine.result import Evaluation
from argmap.engine.sensitivity import Crux
from argmap.schema import ArgumentMap, Beta, Interval
from argmap.schema.people import Person

from . import marks
from .fmt import band, flat, moving, percent, points
from .style import frame_labels

Mode = Literal["live", "static"]
ALL = ""  # the view key of the picture with every column
_MARKER = re.compile(r"<!--argmap:([A-Z]+)-->")


@functools.cache
def _asset(name: str) -> str:
    return (resources.files("argmap.render") / "explorer" / name).read_text(encoding="utf-8")


def script_json(doc: object) -> str:
    """JSON text that is safe inside a ``<script>`` element: no ``<``, ``>``, ``&`` or
    line separators appear literally, so nothing in it can close the element."""
    text = json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(ch, esc)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def page(doc: Mapping[str, Any], mode: Mode) -> str:
    """The explorer page around ``doc`` (the boot document: everything for ``static``,
    the title for ``live``, which fetches the rest from the server)."""
    css, js = _asset("explorer.css"), _asset("widgets.js") + _asset("explorer.js")
    connect = "'self'" if mode == "live" else "'none'"
    csp = (
        f"default-src 'none'; script-src {_hash(js)}; style-src {_hash(css)}; "
        f"img-src data:; connect-src {connect}; base-uri 'none'; form-action 'none'"
    )
    title = str(doc.get("title") or doc.get("name") or "argmap")
    parts = {
        "CSP": html.escape(csp, quote=False),  # no double quote in it; single ones stay legible
        "TITLE": html.escape(title),
        "STYLE": css,
        "DATA": script_json({**doc, "mode": mode}),
        "SCRIPT": js,
    }
    # One pass, so that nothing inserted is scanned for markers again.
    return _MARKER.sub(lambda m: parts[m[1]], _asset("explorer.html"))


def frames_document(ev: Evaluation) -> dict[str, Any]:
    """Each frame's text, label, notes and prior and posterior weight, in map order."""
    labels = frame_labels(list(ev.frames))
    out: dict[str, Any] = {}
    for name, fr in ev.frames.items():
        frame = ev.map.frames.get(name)
        out[name] = {
            "text": frame.text if frame else None,
            "source": frame.source if frame else None,
            "notes": frame.notes if frame else None,
            "label": labels[name],
            "weight": fr.weight,
            "written_weight": frame.weight if frame else None,
            "posterior_weight": fr.posterior_weight,
            "possible": fr.possible,
            "set": f"{name}.weight" in ev.overrides,
        }
    return out


def _touching(amap: ArgumentMap) -> dict[str, list[tuple[str, str]]]:
    """Claim -> (argument, relation) for each argument aimed at it (``supports``,
    ``attacks``) or using it as a premise (``premise``, ``negated-premise``), in map
    order. One pass over the arguments (a scan per claim is quadratic)."""
    out: dict[str, list[tuple[str, str]]] = {cid: [] for cid in amap.claims}
    for aid, arg in amap.arguments.items():
        if arg.kind != "undercuts" and arg.target in out:
            out[arg.target].append((aid, arg.kind))
        for prem in arg.premises:
            if prem.claim in out:
                out[prem.claim].append((aid, "negated-premise" if prem.negated else "premise"))
    return out


def _value(value: object) -> dict[str, Any] | None:
    """A parameter as written and as the engine uses it (its mean)."""
    if value is None:
        return None
    return {"value": str(value), "p": _mean(value), "uncertain": isinstance(value, Interval | Beta)}


def _located(amap: ArgumentMap, *path: str) -> str | None:
    loc = amap.locate(*path)
    return str(loc) if loc else None


def interval_keys(interval: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """A claim's ``interval`` and ``interval_shown`` (the page's and `/api/claim`'s):
    columns where nothing uncertain reaches the claim (a flat band) are left out."""
    bands = {col: lh for col, lh in interval.items() if not flat(*lh)}
    return {
        "interval": {col: [lo, hi] for col, (lo, hi) in bands.items()},
        "interval_shown": {col: band(lo, hi) for col, (lo, hi) in bands.items()},
    }


def explanation_keys(explanation: dict[str, dict[str, float]]) -> dict[str, Any]:
    """A claim's ``explanation`` (column -> argument -> change) and ``explanation_shown``."""
    return {
        "explanation": explanation,
        "explanation_shown": {
            col: {aid: points(d) for aid, d in deltas.items()}
            for col, deltas in explanation.items()
        },
    }


def claims_document(ev: Evaluation) -> dict[str, Any]:
    """Per claim: what the panel shows (docs/explorer.md lists every key). Numbers are
    numbers (probabilities in [0, 1], changes as differences of probabilities); the
    ``*_shown`` keys hold the same numbers as the command line prints them."""
    amap, out = ev.map, {}
    touching = _touching(amap)
    for cid, claim in amap.claims.items():
        res = ev.claims[cid]
        key = f"{cid}.credence"
        bits_key = f"{cid}.evidence"
        total = ev.overrides.get(bits_key)
        written_bits = math.fsum(e.ratio.bits for e in claim.evidence)
        moved = {col: marks.moved(ev, cid, col) for col in res.credence}
        explanation = moving(res.explanation)
        out[cid] = {
            "label": claim.label,
            "name": marks.name(amap, cid),
            "text": claim.text or "",
            "source": claim.source,
            "notes": claim.notes,
            "tags": list(claim.tags),
            "marks": list(marks.claim_marks(amap, cid)),
            "location": _located(amap, "claims", cid),
            "credence": dict(res.credence),
            "shown": {col: percent(p) for col, p in res.credence.items()},
            "prior": {col: p for col, p in moved.items() if p is not None},
            "prior_shown": {
                col: marks.prior_text(ev, cid, col) for col, p in moved.items() if p is not None
            },
            **interval_keys(res.interval),
            **explanation_keys(explanation),
            "given": ev.given.get(cid),
            "base": _value(ev.overrides.get(key, claim.credence)),
            "base_set": key in ev.overrides,
            "evidence": {
                "items": [
                    {
                        "text": e.text,
                        "source": e.source,
                        "notes": e.notes,
                        "tags": list(e.tags),
                        "ratio": marks.evidence_ratio(e),
                        "bits": e.ratio.bits,
                    }
                    for e in claim.evidence
                ],
                "bits": float(total) if isinstance(total, int | float) else written_bits,
                "written_bits": written_bits,
                "set": bits_key in ev.overrides,
            },
            "arguments": [{"id": aid, "relation": relation} for aid, relation in touching[cid]],
        }
        groups: list[dict[str, Any]] = [
            {"id": gid, "phrase": g.phrase, "members": list(g.members), "text": g.text}
            for gid, g in amap.groups.items()
            if cid in g.members
        ]
        if groups:  # only then: a map without groups keeps its document as it was
            out[cid] = {**out[cid], "groups": groups}
    return out


def arguments_document(ev: Evaluation) -> dict[str, Any]:
    """Per argument: its target, premises, texts, strength (as written, as used, per
    frame), whether it is on, and the arguments that undercut it."""
    amap, out = ev.map, {}
    undercut_by: dict[str, list[str]] = {aid: [] for aid in amap.arguments}
    for aid, arg in amap.arguments.items():
        if arg.kind == "undercuts" and arg.target in undercut_by:
            undercut_by[arg.target].append(aid)
    for aid, arg in amap.arguments.items():
        strength_key, enabled_key = f"{aid}.strength", f"{aid}.enabled"
        enabled = ev.overrides.get(enabled_key, arg.enabled)
        frames: dict[str, Any] = {}
        for name, fo in arg.frames.items():
            entry: dict[str, Any] = {}
            if fo.strength is not None:
                entry["strength"] = _value(fo.strength)
            if fo.enabled is not None:
                entry["enabled"] = fo.enabled
            frames[name] = entry
        out[aid] = {
            "kind": arg.kind,
            "target": arg.target,
            "premises": [{"claim": p.claim, "negated": p.negated} for p in arg.premises],
            "text": arg.text,
            "source": arg.source,
            "notes": arg.notes,
            "tags": list(arg.tags),
            "marks": list(marks.argument_marks(amap, aid)),
            "location": _located(amap, "arguments", aid),
            "strength": _value(ev.overrides.get(strength_key, arg.strength))
            or {"value": "1 (default)", "p": 1.0, "uncertain": False},
            "strength_set": strength_key in ev.overrides,
            "enabled": bool(enabled),
            "written_enabled": arg.enabled,
            "enabled_set": enabled_key in ev.overrides,
            "frames": frames,
            "undercut_by": undercut_by[aid],
        }
    return out


def _mean(value: object) -> float:
    mean = getattr(value, "mean", None)
    return float(mean().p) if callable(mean) else float(value)  # type: ignore[arg-type]


def evaluation_document(ev: Evaluation) -> dict[str, Any]:
    """What the page shows of one evaluation, for either mode; ``warnings`` (why
    a map was sampled...) only when there are some."""
    doc = {
        "name": ev.map.name,
        "title": ev.map.title,
        "source": ev.map.source,
        "columns": ev.columns,
        "labels": frame_labels(ev.columns),
        "frames": frames_document(ev),
        "claims": claims_document(ev),
        "arguments": arguments_document(ev),
        "given": {k: "true" if v else "false" for k, v in ev.given.items()},
        "set": {k: str(v) for k, v in ev.overrides.items()},
    }
    if ev.warnings:
        doc["warnings"] = list(ev.warnings)
    return doc


def add_number_sources(doc: dict[str, Any], person: Person) -> dict[str, Any]:
    """``doc`` (an evaluation document of ``person``'s numbers) with, on each claim and
    argument whose numbers their overlay sets with a ``source`` or ``notes``, the keys
    ``numbers_source`` and ``numbers_notes``: where that person's numbers come from."""
    for section, overlays in (("claims", person.claims), ("arguments", person.arguments)):
        entries = doc.get(section) or {}
        for nid, overlay in overlays.items():
            if nid in entries and (overlay.source or overlay.notes):
                entries[nid] = {
                    **entries[nid],
                    "numbers_source": overlay.source,
                    "numbers_notes": overlay.notes,
                }
    return doc


def cruxes_document(found: Sequence[Crux]) -> list[dict[str, Any]]:
    """Rows of the cruxes table: numbers, and under ``shown`` as `argmap cruxes` prints them."""

    def side(p: float | None) -> str:
        return "-" if p is None else percent(p)

    return [
        {
            "claim": c.claim,
            "text": c.text or "",
            "p": c.probability,
            "if_true": c.if_true,
            "if_false": c.if_false,
            "change": c.expected_change,
            "column": c.column,
            "shown": {
                "p": percent(c.probability),
                "if_true": side(c.if_true),
                "if_false": side(c.if_false),
                "change": points(c.expected_change).removeprefix("+"),
            },
        }
        for c in found
    ]


def _units(text: str) -> int:
    """The length of ``text`` in UTF-16 code units, as the page's script counts it."""
    return len(text.encode("utf-16-le")) // 2


def _common(a: str, b: str) -> int:
    """The length of the longest common prefix of ``a`` and ``b``."""
    n = min(len(a), len(b))
    return next((i for i in range(n) if a[i] != b[i]), n)


def _line_edit(old: str, new: str) -> str | list[Any]:
    """``new`` as ``[head, tail, middle]``: ``old``'s first ``head`` and last ``tail``
    code units around ``middle``; or ``new`` itself when that is no shorter."""
    head = _common(old, new)
    rest_old, rest_new = old[head:], new[head:]
    tail = _common(rest_old[::-1], rest_new[::-1])
    middle = rest_new[: len(rest_new) - tail]
    edit = [_units(old[:head]), _units(old[len(old) - tail :]) if tail else 0, middle]
    return edit if len(middle) + 12 < len(new) else new


def svg_patch(base: str, other: str) -> list[list[Any]]:
    """``other`` as edits of ``base``, line by line: ``[start, end, lines]`` replaces
    ``base``'s lines ``start`` to ``end`` (0-based, end excluded), in order. Where as
    many lines replace as are replaced, a line may be ``[head, tail, middle]``: the old
    line's first ``head`` and last ``tail`` UTF-16 code units around ``middle``.

    A person's picture is the map's own recoloured (:mod:`.recolour`): only fills,
    badges and strengths differ, so the patch is a small fraction of the picture.

    >>> svg_patch("a\\nb\\nc", "a\\nB\\nc")
    [[1, 2, ['B']]]
    >>> old, new = '<path fill="#aaaaaa" d="M0,0 L9,9"/>', '<path fill="#bbbbbb" d="M0,0 L9,9"/>'
    >>> svg_patch(old, new)
    [[0, 1, [[13, 17, 'bbbbbb']]]]
    """
    old, new = base.split("\n"), other.split("\n")
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    out: list[list[Any]] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        lines: list[Any] = new[j1:j2]
        if i2 - i1 == j2 - j1:
            lines = [_line_edit(a, b) for a, b in zip(old[i1:i2], lines, strict=True)]
        out.append([i1, i2, lines])
    return out


def apply_patch(base: str, patch: Sequence[Sequence[Any]]) -> str:
    """The inverse of :func:`svg_patch`, as the page's script applies it.

    >>> apply_patch("a\\nb\\nc", [[1, 2, ["B"]]])
    'a\\nB\\nc'
    """
    old, out, last = base.split("\n"), [], 0
    for start, end, lines in patch:
        out += old[last:start]
        for k, line in enumerate(lines):
            if isinstance(line, str):
                out.append(line)
                continue
            head, tail, middle = line
            was = old[start + k].encode("utf-16-le")
            before, after = was[: 2 * head], was[len(was) - 2 * tail :]
            out.append(before.decode("utf-16-le") + middle + after.decode("utf-16-le"))
        last = end
    return "\n".join(out + old[last:])


_ENTRIES = ("frames", "claims", "arguments")


def document_patch(base: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    """What ``other`` (a person's evaluation document) changes in ``base`` (the map's
    own): per frame, claim and argument only the keys whose value differs; at the top
    only the keys that differ (``None`` for one ``other`` lacks). Texts are shared.

    >>> old, new = {"text": "A", "p": 1}, {"text": "A", "p": 2}
    >>> document_patch({"claims": {"a": old}}, {"claims": {"a": new}})
    {'claims': {'a': {'p': 2}}}
    """
    out: dict[str, Any] = {}
    for key in sorted(set(base) | set(other), key=lambda k: (k not in base, k)):
        mine, theirs = base.get(key), other.get(key)
        if key in _ENTRIES and isinstance(mine, Mapping) and isinstance(theirs, Mapping):
            entries = {}
            for eid, entry in theirs.items():
                was = mine.get(eid, {})
                changed = {k: v for k, v in entry.items() if was.get(k) != v}
                changed |= {k: None for k in was if k not in entry}
                if changed:
                    entries[eid] = changed
            if entries:
                out[key] = entries
        elif mine != theirs:
            out[key] = theirs
    return out


def static_html(
    ev: Evaluation,
    views: Mapping[str, str],
    people: Mapping[str, Mapping[str, Any]] | None = None,
    person: str = "",
) -> str:
    """A self-contained page: ``views`` maps ``""`` (every column) and each frame name to
    its SVG; claim details on click and the frame switch work offline.

    ``people`` maps a person id (or ``pooled``) to ``{"label", "doc", "views"}``:
    :func:`document_patch` and :func:`svg_patch` of their evaluation and pictures
    against the map's own; the page's person switch applies them. ``person`` is the
    one shown first (``render --as``)."""
    doc = evaluation_document(ev)
    doc["views"] = dict(views)
    if people:
        doc["people_static"] = {pid: dict(p) for pid, p in people.items()}
        doc["person"] = person
    return page(doc, "static")
