"""`argmap history` output: a claim's credence commit by commit, as a table, JSON or an SVG chart.

Pure functions of a list of :class:`HistoryPoint`. The chart is small hand-written
SVG; every text in it goes through :func:`.svg.xml`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .fmt import percent
from .svg import COLOURS, svg_open, xml
from .table import Cell, aligned, console_text, new_console


@dataclass(frozen=True)
class HistoryPoint:
    """The claim at one commit: credences per column, or None with a ``note`` saying why."""

    commit: str
    date: str
    subject: str
    credence: dict[str, float] | None
    note: str = ""


def columns_of(points: Sequence[HistoryPoint]) -> list[str]:
    """Every column seen, in order of first appearance."""
    cols: dict[str, None] = {}
    for p in points:
        for c in p.credence or {}:
            cols.setdefault(c)
    return list(cols)


def history_text(claim: str, points: Sequence[HistoryPoint], *, width: int = 100) -> str:
    """An aligned table, oldest commit first."""
    cols = columns_of(points)
    rows: list[list[Cell]] = [
        [
            p.date,
            p.commit[:10],
            *(percent(p.credence[c]) if p.credence and c in p.credence else "" for c in cols),
            p.note or p.subject,
        ]
        for p in points
    ]
    console = new_console(width, color=False)
    console.print(
        aligned(
            ["date", "commit", *cols, "subject"],
            rows,
            width=width,
            right=range(2, len(cols) + 2),
            text_column=True,
            title=f"{claim}: credence by commit",
        )
    )
    return console_text(console)


def history_json(claim: str, map_name: str, points: Sequence[HistoryPoint]) -> str:
    doc: dict[str, Any] = {
        "claim": claim,
        "map": map_name,
        "history": [
            {
                "commit": p.commit,
                "date": p.date,
                "subject": p.subject,
                "credence": p.credence,
                **({"note": p.note} if p.note else {}),
            }
            for p in points
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def history_svg(claim: str, points: Sequence[HistoryPoint], *, title: str | None = None) -> str:
    """A line chart: one line per column over the commits (evenly spaced, oldest left)."""
    w, h = 800, 400
    left, right, top, bottom = 100, 170, 40, 90  # room for slanted date labels
    pw, ph = w - left - right, h - top - bottom
    n = len(points)

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    def y(p: float) -> float:
        return top + ph * (1 - p)

    out = svg_open(w, h, title or claim + ": credence by commit", x=left)
    for tick in range(0, 101, 25):
        ty = y(tick / 100)
        out.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + pw}" y2="{ty:.1f}" '
            f'stroke="#dddddd" stroke-width="1"/>'
        )
        out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end">{tick}%</text>')
    step = max(1, n // 8)  # at most about eight date labels
    for i, p in enumerate(points):
        if i % step == 0 or i == n - 1:
            out.append(
                f'<text x="{x(i):.1f}" y="{top + ph + 16}" text-anchor="end" '
                f'transform="rotate(-35 {x(i):.1f} {top + ph + 16})">'
                f"{xml(p.date)} {xml(p.commit[:7])}</text>"
            )
    for k, col in enumerate(columns_of(points)):
        colour = COLOURS[k % len(COLOURS)]
        segment: list[str] = []
        segments = [segment]
        for i, p in enumerate(points):
            if p.credence is None or col not in p.credence:
                segment = []
                segments.append(segment)  # a gap where the claim is absent or the map invalid
                continue
            segment.append(f"{x(i):.1f},{y(p.credence[col]):.1f}")
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{y(p.credence[col]):.1f}" r="3" fill="{colour}">'
                f"<title>{xml(f'{p.date} {p.commit[:10]} {col} {percent(p.credence[col])}')}"
                f"{xml(chr(10) + p.subject)}</title></circle>"
            )
        for seg in segments:
            if len(seg) > 1:
                out.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"/>'
                )
        ly = top + 14 + 18 * k
        out.append(
            f'<line x1="{left + pw + 14}" y1="{ly - 4}" x2="{left + pw + 34}" y2="{ly - 4}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        out.append(f'<text x="{left + pw + 40}" y="{ly}">{xml(col)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
