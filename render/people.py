"""Several people on one map: ``eval --people`` tables and ``disagree`` reports.

Pure functions of :class:`~argmap.engine.people.PeopleEvaluation` and
:class:`~argmap.engine.people.Disagreement`. Markdown text goes through
:mod:`.mdquote`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text

from argmap.engine.people import POOLED, Disagreement, PeopleEvaluation
from argmap.engine.result import Evaluation

from . import mdquote
from .fmt import credence_cell, percent, points
from .jsonout import evaluation_document
from .table import Cell, aligned, console_text, new_console

Asked = Mapping[str, object]


def _cell(pe: PeopleEvaluation, pid: str, cid: str, col: str) -> str:
    res = pe.people[pid].claims[cid]
    return credence_cell(res, col) if col in res.credence else "-"


def _pooled(p: float | None) -> str:
    return "undefined" if p is None else percent(p)


def _asked(ev: Evaluation, md: bool = False) -> list[str]:
    out = []
    if ev.given:
        items = [f"{k}={'true' if v else 'false'}" for k, v in ev.given.items()]
        out.append(
            ("Given: " + ", ".join(mdquote.code(i) for i in items))
            if md
            else "given: " + ", ".join(items)
        )
    if ev.overrides:
        items = [f"{k}={v}" for k, v in ev.overrides.items()]
        out.append(
            ("Set: " + ", ".join(mdquote.code(i) for i in items))
            if md
            else "set: " + ", ".join(items)
        )
    return out


POOL_NOTE = (
    "pooled: the mean of the people's log-odds (the geometric mean of their odds); "
    "undefined when some hold 0% and others 100%"
)


def people_table(
    pe: PeopleEvaluation,
    claims: Sequence[str] | None = None,
    *,
    width: int = 100,
    color: bool = False,
) -> str:
    """One table per column (each frame, then overall): a column per person, then pooled."""
    ids = list(claims if claims is not None else pe.map.claims)
    console = new_console(width, color)
    people = list(pe.people)
    for col in pe.columns:
        rows: list[list[Cell]] = [
            [
                cid,
                *(_cell(pe, pid, cid, col) for pid in people),
                _pooled(pe.pooled[cid][col]),
                Text(" ".join((pe.map.claims[cid].text or "").split())),
            ]
            for cid in ids
        ]
        title = pe.map.title or pe.map.name
        if len(pe.columns) > 1 or col != "default":
            title += f" — {col}"
        console.print(
            aligned(
                ["claim", *people, POOLED, "text"],
                rows,
                width=width,
                right=range(1, len(people) + 2),
                styles={0: "bold", len(people) + 1: "cyan", len(people) + 2: "dim"},
                text_column=True,
                title=Text(title, style="bold"),
            )
        )
        console.print()
    lines = [POOL_NOTE]
    for pid, ev in pe.people.items():
        person = pe.map.people[pid]
        label = f"{pid}: {person.name}" if person.name else pid
        lines.append(f"{label} ({person.path})")
        if any(f.weight is not None for f in ev.frames.values()):
            parts = [
                f"{n} {f.posterior_weight:.4g}" if f.posterior_weight is not None else n
                for n, f in ev.frames.items()
            ]
            lines.append("  posterior frame weights: " + ", ".join(parts))
    first = next(iter(pe.people.values()))
    lines += _asked(first)
    return console_text(console).rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"


def people_markdown(pe: PeopleEvaluation, claims: Sequence[str] | None = None) -> str:
    """A Markdown table per column: a column per person, then pooled."""
    ids = list(claims if claims is not None else pe.map.claims)
    people = list(pe.people)
    out = [f"### {mdquote.text(pe.map.title or pe.map.name)}: people", ""]
    for col in pe.columns:
        if len(pe.columns) > 1 or col != "default":
            out += [f"#### {mdquote.text(col)}", ""]
        out.append(
            "| claim | " + " | ".join(mdquote.cell(p) for p in people) + f" | {POOLED} | text |"
        )
        out.append("|---|" + "---:|" * (len(people) + 1) + "---|")
        for cid in ids:
            cells = [_cell(pe, pid, cid, col) for pid in people]
            out.append(
                f"| {mdquote.code(cid)} | "
                + " | ".join(cells)
                + f" | {_pooled(pe.pooled[cid][col])} | "
                + f"{mdquote.cell(pe.map.claims[cid].text or '')} |"
            )
        out.append("")
    out.append(mdquote.text(POOL_NOTE[0].upper() + POOL_NOTE[1:]) + ".")
    out.append("")
    for pid in people:
        person = pe.map.people[pid]
        name = f": {mdquote.text(person.name)}" if person.name else ""
        out.append(f"- {mdquote.code(pid)}{name} ({mdquote.code(person.path)})")
    asked = _asked(next(iter(pe.people.values())), md=True)
    if asked:
        out += ["", *asked]
    return "\n".join(out) + "\n"


def people_document(pe: PeopleEvaluation, claims: Sequence[str] | None = None) -> dict[str, Any]:
    """The JSON object of ``eval --people`` (docs/people.md).

    ``people``: per person, their name, source, file and the same object
    ``eval --format json`` prints for them; ``pooled``: per claim the pooled
    credence per column (null when undefined); ``claims``: per claim, the same
    numbers side by side (``people`` -> person -> column, and ``pooled``).
    """
    ids = list(claims if claims is not None else pe.map.claims)
    doc: dict[str, Any] = {"map": pe.map.name}
    if pe.map.title:
        doc["title"] = pe.map.title
    doc["columns"] = list(pe.columns)
    people: dict[str, Any] = {}
    for pid, ev in pe.people.items():
        person = pe.map.people[pid]
        entry: dict[str, Any] = {"name": person.name, "file": person.path}
        if person.source:
            entry["source"] = person.source
        body = evaluation_document(ev, ids)
        body.pop("map", None)
        body.pop("title", None)
        entry.update(body)
        people[pid] = entry
    doc["people"] = people
    doc["pooled"] = {
        "method": "mean of log-odds",
        "claims": {cid: {"credence": dict(pe.pooled[cid])} for cid in ids},
    }
    doc["claims"] = {}
    for cid in ids:
        claim = pe.map.claims[cid]
        side: dict[str, Any] = {"text": claim.text}
        if claim.label:  # as in `eval --format json`: only when the claim has one
            side["label"] = claim.label
        side["people"] = {pid: dict(ev.claims[cid].credence) for pid, ev in pe.people.items()}
        side["pooled"] = dict(pe.pooled[cid])
        doc["claims"][cid] = side
    return doc


def people_json(pe: PeopleEvaluation, claims: Sequence[str] | None = None) -> str:
    return (
        json.dumps(people_document(pe, claims), indent=2, ensure_ascii=False, allow_nan=False)
        + "\n"
    )


def people_csv(pe: PeopleEvaluation, claims: Sequence[str] | None = None) -> str:
    """One row per claim and column: claim, column, each person, pooled, text (full precision;
    an empty cell where a person has no credence or the pool is undefined)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    people = list(pe.people)
    writer.writerow(["claim", "column", *people, POOLED, "text"])
    for cid in claims if claims is not None else pe.map.claims:
        for col in pe.columns:
            vals = [pe.people[p].claims[cid].credence.get(col) for p in people]
            pooled = pe.pooled[cid][col]
            writer.writerow(
                [
                    cid,
                    col,
                    *("" if v is None else repr(v) for v in vals),
                    "" if pooled is None else repr(pooled),
                    pe.map.claims[cid].text or "",
                ]
            )
    return buf.getvalue()


# ------------------------------------------------------------------ disagree


def _opt(p: float | None) -> str:
    return "-" if p is None else percent(p)


def _method_note(d: Disagreement) -> str:
    n = len(d.contributions)
    if d.method == "exact":
        return (
            f"exact Shapley values over the {n} parameter{'s' if n != 1 else ''} on which "
            "they differ (every subset evaluated); they add up to the gap"
        )
    return (
        f"Shapley values estimated from {d.orders} random orders of the {n} parameters on "
        f"which they differ (seed {d.seed}; ± is the standard error); they add up to the gap"
    )


def disagree_text(
    d: Disagreement, *, width: int = 100, given: Asked | None = None, sets: Asked | None = None
) -> str:
    """The two credences, the gap, its attribution and the double cruxes, as tables."""
    console = new_console(width, False)
    head = [
        f"{d.claim}: {' '.join((d.text or '').split())}",
        f"  {d.a}: {percent(d.credence_a)}",
        f"  {d.b}: {percent(d.credence_b)}",
        f"  gap ({d.a} - {d.b}): {points(d.gap)}"
        + (f"  [{d.column}]" if d.column != "default" else ""),
        "",
        "",
    ]
    rows: list[list[Cell]] = [
        [
            c.key,
            c.a,
            c.b,
            points(c.value) + (f" ± {c.stderr * 100:.2g}" if c.stderr is not None else ""),
        ]
        for c in d.contributions
    ]
    console.print(
        aligned(
            ["parameter", d.a, d.b, "contribution"],
            rows,
            width=width,
            right=[3],
            title=Text("Where the gap comes from", style="bold"),
        )
    )
    console.print()
    crows: list[list[Cell]] = [
        [
            x.claim,
            f"{percent(x.a)} / {percent(x.b)}",
            f"{_opt(x.a_if_true)} / {_opt(x.b_if_true)}",
            f"{_opt(x.a_if_false)} / {_opt(x.b_if_false)}",
            points(x.remaining).removeprefix("+"),
        ]
        for x in d.cruxes
    ]
    console.print(
        aligned(
            ["claim X", "P(X)", f"{d.claim} if X", "if not X", "gap left"],
            crows,
            width=width,
            right=range(1, 5),
            title=Text(
                "Double cruxes (the expected gap left once X is known, smallest first)",
                style="bold",
            ),
        )
    )
    notes = [
        _method_note(d),
        f"each cell: {d.a} / {d.b}",
        "gap left: q·|P_A(C|X) - P_B(C|X)| + (1-q)·|P_A(C|not X) - P_B(C|not X)|, "
        "q = (P_A(X) + P_B(X)) / 2",
    ]
    for label, items in (("given", given), ("set", sets)):
        if items:
            notes.append(f"{label}: " + ", ".join(f"{k}={v}" for k, v in items.items()))
    return "\n".join(head) + console_text(console).rstrip("\n") + "\n\n" + "\n".join(notes) + "\n"


def disagree_markdown(
    d: Disagreement, *, given: Asked | None = None, sets: Asked | None = None
) -> str:
    """The same report as :func:`disagree_text`, as Markdown (for a PR comment or a report)."""
    a, b = mdquote.code(d.a), mdquote.code(d.b)
    out = [
        f"### Disagreement on {mdquote.code(d.claim)}",
        "",
        mdquote.text(d.text or ""),
        "",
        f"- {a}: **{percent(d.credence_a)}**",
        f"- {b}: **{percent(d.credence_b)}**",
        f"- gap: **{points(d.gap)}**"
        + (f" ({mdquote.code(d.column)})" if d.column != "default" else ""),
        "",
        "#### Where the gap comes from",
        "",
        f"| parameter | {mdquote.cell(d.a)} | {mdquote.cell(d.b)} | contribution |",
        "|---|---|---|---:|",
    ]
    for c in d.contributions:
        err = f" ± {c.stderr * 100:.2g}" if c.stderr is not None else ""
        out.append(
            f"| {mdquote.code(c.key)} | {mdquote.cell(c.a)} | {mdquote.cell(c.b)} | "
            f"{points(c.value)}{err} |"
        )
    out += ["", mdquote.text(_method_note(d)[0].upper() + _method_note(d)[1:]) + ".", ""]
    out += [
        "#### Double cruxes",
        "",
        "Claims whose answer would leave the smallest expected gap, smallest first.",
        "",
        f"Each cell: {mdquote.code(d.a)} / {mdquote.code(d.b)}.",
        "",
        f"| claim X | P(X) | {mdquote.cell(d.claim)} if X | if not X | gap left |",
        "|---|---:|---:|---:|---:|",
    ]
    for x in d.cruxes:
        out.append(
            f"| {mdquote.code(x.claim)} | {percent(x.a)} / {percent(x.b)} | "
            f"{_opt(x.a_if_true)} / {_opt(x.b_if_true)} | "
            f"{_opt(x.a_if_false)} / {_opt(x.b_if_false)} | "
            f"{points(x.remaining).removeprefix('+')} |"
        )
    lines = []
    for label, items in (("Given", given), ("Set", sets)):
        if items:
            lines.append(
                f"{label}: " + ", ".join(mdquote.code(f"{k}={v}") for k, v in items.items())
            )
    if lines:
        out += ["", *lines]
    return "\n".join(out) + "\n"


def disagreement_document(
    d: Disagreement, map_name: str, *, given: Asked | None = None, sets: Asked | None = None
) -> dict[str, Any]:
    """The JSON object of ``argmap disagree`` (docs/people.md)."""
    doc: dict[str, Any] = {
        "map": map_name,
        "claim": d.claim,
        "text": d.text,
        "column": d.column,
        "a": {"person": d.a, "credence": d.credence_a},
        "b": {"person": d.b, "credence": d.credence_b},
        "gap": d.gap,
        "attribution": {
            "method": d.method,
            **({"orders": d.orders, "seed": d.seed} if d.method == "sampled" else {}),
            "contributions": [
                {
                    "parameter": c.key,
                    "a": c.a,
                    "b": c.b,
                    "contribution": c.value,
                    **({"stderr": c.stderr} if c.stderr is not None else {}),
                }
                for c in d.contributions
            ],
        },
        "double_cruxes": [
            {
                "claim": x.claim,
                "text": x.text,
                "a": {"probability": x.a, "if_true": x.a_if_true, "if_false": x.a_if_false},
                "b": {"probability": x.b, "if_true": x.b_if_true, "if_false": x.b_if_false},
                "remaining_gap": x.remaining,
            }
            for x in d.cruxes
        ],
    }
    if given:
        doc["given"] = dict(given)
    if sets:
        doc["set"] = {k: str(v) for k, v in sets.items()}
    return doc


def disagree_json(
    d: Disagreement, map_name: str, *, given: Asked | None = None, sets: Asked | None = None
) -> str:
    doc = disagreement_document(d, map_name, given=given, sets=sets)
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def people_report(
    pe: PeopleEvaluation,
    disagreements: Sequence[Disagreement],
    *,
    given: Asked | None = None,
    sets: Asked | None = None,
) -> str:
    """``report --people``: a People section with the table and each disagreement."""
    out = ["## People", "", people_markdown(pe).rstrip("\n"), ""]
    for d in disagreements:
        out += [disagree_markdown(d, given=given, sets=sets).rstrip("\n"), ""]
    return "\n".join(out)
