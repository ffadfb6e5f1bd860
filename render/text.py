"""The terminal table of an evaluation (rich), rendered to a string."""

from __future__ import annotations

import io
from collections.abc import Sequence

from argmap.engine.result import OVERALL, Evaluation
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .fmt import moving, percent, points, weight


def _credence_cell(ev: Evaluation, cid: str, col: str) -> str:
    res = ev.claims[cid]
    cell = percent(res.credence[col])
    if col in res.stderr:
        cell += f" ±{res.stderr[col] * 100:.2g}"
    if col in res.interval:
        lo, hi = res.interval[col]
        cell += f" [{percent(lo, 0)}, {percent(hi, 0)}]"
    return cell


def eval_table(
    ev: Evaluation, claims: Sequence[str] | None = None, *, width: int = 100, color: bool = False
) -> str:
    """An aligned table, one column per frame; then frame weights and explanations."""
    ids = list(claims if claims is not None else ev.claims)
    console = Console(
        file=io.StringIO(),
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        highlight=False,
        soft_wrap=False,
    )
    title = ev.map.title or ev.map.name
    table = Table(
        title=Text(title, style="bold"), title_justify="left", show_edge=False, pad_edge=False
    )
    rows = [
        [
            cid,
            *(_credence_cell(ev, cid, c) for c in ev.columns),
            " ".join((ev.claims[cid].text or "").split()),
        ]
        for cid in ids
    ]
    headers = ["claim", *ev.columns]
    # Ids and numbers keep their full width; only the text gives way, one line per
    # claim (the full text is in --format md/json): wrapped, it made tables tall.
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    text_width = max(12, width - sum(widths) - 3 * len(widths))
    table.add_column("claim", style="bold", no_wrap=True, width=widths[0])
    for col, w in zip(ev.columns, widths[1:], strict=True):
        table.add_column(
            col, justify="right", no_wrap=True, width=w, style="cyan" if col == OVERALL else None
        )
    table.add_column("text", style="dim", no_wrap=True, overflow="ellipsis", max_width=text_width)
    for row in rows:
        table.add_row(*row[:-1], Text(row[-1]))
    console.print(table)

    lines: list[str] = []
    if any(f.weight is not None for f in ev.frames.values()):
        parts = [
            f"{name} {weight(f.weight)} -> {weight(f.posterior_weight)}"
            for name, f in ev.frames.items()
        ]
        lines.append("frame weights (prior -> posterior): " + ", ".join(parts))
    impossible = [n for n, f in ev.frames.items() if not f.possible]
    if impossible:
        lines.append(
            "no column for "
            + ", ".join(impossible)
            + ": the evidence and given are impossible there"
        )
    sampled = [n for n, f in ev.frames.items() if f.method == "sampled"]
    if sampled:
        lines.append(
            "sampled (the exact computation would not fit in memory; ± is the standard error, "
            "in percentage points): " + ", ".join(sampled)
        )
    if ev.given:
        lines.append(
            "given: " + ", ".join(f"{k}={'true' if v else 'false'}" for k, v in ev.given.items())
        )
    if ev.overrides:
        lines.append("set: " + ", ".join(f"{k}={v}" for k, v in ev.overrides.items()))
    for cid in ids:
        expl = moving(ev.claims[cid].explanation)
        if not expl:
            continue
        lines.append(f"\n{cid}: what each argument contributes (with it minus without it)")
        for col, deltas in expl.items():
            if deltas:
                lines.append(
                    f"  {col}: " + ", ".join(f"{a} {points(d)}" for a, d in deltas.items())
                )
    # rich pads every line to the full width; trailing blanks only get in the way.
    table_text = "".join(line.rstrip() + "\n" for line in console.file.getvalue().splitlines())  # type: ignore[attr-defined]
    return table_text + ("\n".join(lines).lstrip("\n") + "\n" if lines else "")
