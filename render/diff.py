"""`argmap diff` output: text, Markdown (a pull-request comment) and JSON. Pure functions of
a list of :class:`~argmap.engine.diff.MapDiff`."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from rich.text import Text

from argmap.engine.diff import ClaimMove, InputChange, MapDiff
from argmap.engine.result import Evaluation

from . import mdquote
from .fmt import percent, points
from .mermaid import map_mermaid, too_big
from .table import Cell, aligned, console_text, new_console

MARKER = "<!-- argmap-diff -->"  # lets a workflow find and update its own PR comment


def _columns(d: MapDiff) -> list[str]:
    """Every column of either side: the head's order, then columns only the base had."""
    return d.columns_after + [c for c in d.columns_before if c not in d.columns_after]


def _cell(move: ClaimMove, col: str, compact: bool = False) -> str:
    """``before → after (Δ)``; one side alone when the column exists on one side only.
    ``compact`` (the terminal table): ``before → after Δ``, Δ in points without a unit."""
    a, b = move.before.get(col), move.after.get(col)
    if a is None and b is None and col in move.delta:  # headline compared across columns
        a = next(iter(move.before.values()), None)
        b = next(iter(move.after.values()), None)
    if a is None:
        return f"(new) {percent(b)}" if b is not None else ""
    if b is None:
        return f"{percent(a)} (gone)"
    delta = move.delta.get(col, b - a)
    if compact:
        return f"{percent(a)} → {percent(b)} {points(delta).removesuffix(' pp')}"
    return f"{percent(a)} → {percent(b)} ({points(delta)})"


def _headline(credence: dict[str, float]) -> float:
    """``overall`` when there is one, else the first column."""
    return credence.get("overall", next(iter(credence.values()), float("nan")))


def _value(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False)


def change_line(c: InputChange) -> str:
    """One input change in words: ``argument counting: strength 0.9 → 0.7``."""
    what = f"{c.kind} {c.id}"
    if c.op != "changed":
        return f"{what}: {c.op}"
    return f"{what}: {c.field} {_value(c.before)} → {_value(c.after)}"


def headline_column(move: ClaimMove) -> str:
    """The column a claim's move is explained in: ``overall``, else its first column."""
    return "overall" if "overall" in move.delta else next(iter(move.delta), "")


def why_lines(d: MapDiff, move: ClaimMove) -> list[tuple[str, str]]:
    """(``+6.12 pp``, the changes in words) for each unit that moved ``move`` by at
    least 0.01 pp in its headline column, largest first."""
    col = headline_column(move)
    out = []
    for share in move.attribution:
        value = share.delta.get(col, 0.0)
        if abs(value) * 100 < 0.005:
            continue
        words = " + ".join(change_line(d.changes[i]) for i in share.changes)
        out.append((points(value), words))
    return out


def _summary(d: MapDiff) -> str:
    if d.status in ("added", "removed"):
        return f"{d.name}: the map was {d.status} ({len(d.added) + len(d.removed)} claims)"
    if d.status == "unchanged":
        return f"{d.name}: unchanged"
    return (
        f"{d.name}: {len(d.moved)} claim(s) moved by {d.threshold * 100:g} pp or more, "
        f"{len(d.added)} added, {len(d.removed)} removed, {len(d.changes)} input change(s)"
    )


# --- text ------------------------------------------------------------------------------


def diff_text(diffs: Sequence[MapDiff], *, width: int = 100, color: bool = False) -> str:
    """Aligned tables (rich), one per map with moves, then its input changes."""
    console = new_console(width, color)
    if not diffs:
        console.print("no maps")
    else:
        console.print(Text(f"{diffs[0].base} → {diffs[0].head}", style="bold"))
    for d in diffs:
        console.print(Text(_summary(d), style="bold"))
        if d.moved:
            cols = _columns(d)
            rows: list[list[Cell]] = []
            for m in d.moved:
                cells: list[Cell] = [m.id]
                for col in cols:
                    cell = Text(_cell(m, col, compact=True))
                    delta = m.delta.get(col, 0.0)
                    if abs(delta) >= d.threshold:
                        cell.stylize("green" if delta > 0 else "red")
                    cells.append(cell)
                rows.append(cells)
            right = range(1, len(cols) + 1)
            table = aligned(["claim", *cols], rows, width=width, right=right, styles={0: "bold"})
            console.print(table)
            console.print(
                Text("each cell: before → after, change in percentage points", style="dim")
            )
            _why_text(console, d)
        for label, states in (("added", d.added), ("removed", d.removed)):
            for s in states:
                values = ", ".join(f"{k} {percent(v)}" for k, v in s.credence.items())
                console.print(Text(f"{label} claim {s.id}: {values}"))
        if d.changes:
            console.print(Text("input changes:", style="bold"))
            for c in d.changes:
                console.print(Text(f"  {change_line(c)}"))
        console.print()
    return console_text(console).rstrip("\n") + "\n"


def _why_text(console: Any, d: MapDiff) -> None:
    """Which change moved each claim how much (Shapley shares), under the table."""
    explained = [(m, why_lines(d, m)) for m in d.moved if m.attribution]
    explained = [(m, lines) for m, lines in explained if lines]
    if len({words for _, lines in explained for _, words in lines}) <= 1:
        return  # one change moved them all: the list of input changes says it
    console.print(Text("what moved them (each change's share):", style="bold"))
    for m, lines in explained:
        col = headline_column(m)
        total = points(m.delta[col])
        console.print(Text(f"  {m.id} {total} ({col})"))
        for amount, words in lines:
            console.print(Text(f"    {amount.removesuffix(' pp'):>7}  {words}"))


# --- Markdown --------------------------------------------------------------------------


def _diagram(d: MapDiff, limit: int = 60) -> list[str]:
    """A Mermaid neighbourhood of what changed in the head version, changed claims highlighted."""
    ev = d.after
    if ev is None:
        return []
    known = set(ev.map.claims) | set(ev.map.arguments)
    changed = [c.id for c in d.changes if c.kind in ("claim", "argument") and c.id in known]
    for c in d.changes:
        if c.kind == "group" and c.id in ev.map.groups:
            changed += ev.map.groups[c.id].members  # a changed group: draw its claims
    moved = [m.id for m in d.moved] + [s.id for s in d.added]
    focus = list(dict.fromkeys(changed))[:limit]
    nodes = [c for c in dict.fromkeys(moved) if c in known][:limit]
    if not focus and not nodes:
        return []
    # The arguments between drawn claims, so that the moved claims appear connected.
    drawn = set(focus) | set(nodes)
    for aid, arg in ev.map.arguments.items():
        if arg.target in drawn and any(p.claim in drawn for p in arg.premises):
            nodes.append(aid)
    text = map_mermaid(ev, focus=focus, depth=1, nodes=nodes, highlight=moved, legend=False)
    why = too_big(text)
    if why:
        return ["", f"_The diagram of the change is too large for GitHub to draw ({why})._"]
    return [
        "",
        "<details><summary>Diagram of the change</summary>",
        "",
        "```mermaid",
        # Code is never a mention on GitHub; the joiner makes sure of it all the same.
        re.sub(r"@(?=\w)", "@" + mdquote.ZWJ, text.rstrip("\n")),
        "```",
        "",
        "</details>",
    ]


def _why_markdown(d: MapDiff) -> list[str]:
    """Per moved claim, which change moved it how much."""
    out: list[str] = []
    every = {words for m in d.moved for _, words in why_lines(d, m)}
    if len(every) <= 1:
        return []  # one change moved them all: the list of input changes says it
    for m in d.moved:
        lines = why_lines(d, m)
        if not lines:
            continue
        col = headline_column(m)
        parts = [f"{amount} from {mdquote.text(words)}" for amount, words in lines]
        head = f"- {mdquote.code(m.id)} {points(m.delta[col])} ({mdquote.text(col)}): "
        out.append(head + "; ".join(parts))
    if out:
        out = ["", "Which change moved each claim (its share of the move):", "", *out]
    return out


def diff_markdown(diffs: Sequence[MapDiff]) -> str:
    """A pull-request comment: per map, a table of moved claims, the input changes and a diagram."""
    out = [MARKER, "## argmap: how credences moved", ""]
    if diffs:
        out.append(f"Base {mdquote.code(diffs[0].base)}, head {mdquote.code(diffs[0].head)}.")
    if not any(d.status != "unchanged" for d in diffs):
        out += ["", "No map changed."]
    for d in diffs:
        if d.status == "unchanged":
            continue
        out += ["", f"### {mdquote.code(d.name)}", "", mdquote.text(_summary(d))]
        if d.moved:
            cols = _columns(d)
            out += ["", "| claim | " + " | ".join(mdquote.cell(c) for c in cols) + " |"]
            out.append("|---|" + "---:|" * len(cols))
            for m in d.moved:
                cells = [mdquote.cell(_cell(m, c)) for c in cols]
                out.append(f"| {mdquote.code(m.id)} | " + " | ".join(cells) + " |")
        out += _why_markdown(d)
        for label, states in (("Added", d.added), ("Removed", d.removed)):
            if states:
                items = ", ".join(
                    f"{mdquote.code(s.id)} ({percent(_headline(s.credence))})" for s in states
                )
                out += ["", f"{label} claims: {items}"]
        if d.changes:
            out += ["", "Input changes:", ""]
            out += [f"- {mdquote.text(change_line(c))}" for c in d.changes]
        out += _diagram(d)
    return "\n".join(out) + "\n"


# --- JSON ------------------------------------------------------------------------------


def _change_doc(c: InputChange) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "id": c.id,
        "op": c.op,
        "field": c.field,
        "before": c.before,
        "after": c.after,
    }


def _labels(ev: Evaluation | None) -> dict[str, str]:
    return {c: cl.label for c, cl in ev.map.claims.items() if cl.label} if ev else {}


def diff_document(d: MapDiff) -> dict[str, Any]:
    """One map: docs/format.md's ``before``/``after``/``delta`` per claim, keyed by column;
    a claim with a ``label`` has it (its head side's, or for a removed claim its base's)."""
    before, after = _labels(d.before), _labels(d.after)

    def label(cid: str, labels: dict[str, str]) -> dict[str, str]:
        return {"label": labels[cid]} if cid in labels else {}

    return {
        "map": d.name,
        "status": d.status,
        "columns": {"before": d.columns_before, "after": d.columns_after},
        "largest_delta": d.largest,
        "claims": {
            m.id: {
                **label(m.id, after),
                "text": m.text,
                "before": m.before,
                "after": m.after,
                "delta": m.delta,
                "attribution": [
                    {"changes": list(s.changes), "delta": s.delta} for s in m.attribution
                ],
            }
            for m in d.moved
        },
        "added": {
            s.id: {**label(s.id, after), "text": s.text, "credence": s.credence} for s in d.added
        },
        "removed": {
            s.id: {**label(s.id, before), "text": s.text, "credence": s.credence} for s in d.removed
        },
        "changes": [_change_doc(c) for c in d.changes],
    }


def diff_json(diffs: Sequence[MapDiff]) -> str:
    """``{"base", "head", "threshold", "maps": [...]}``, deterministic, a trailing newline."""
    doc = {
        "base": diffs[0].base if diffs else None,
        "head": diffs[0].head if diffs else None,
        "threshold": diffs[0].threshold if diffs else None,
        "maps": [diff_document(d) for d in diffs],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
