"""`argmap history` output: a claim's credence commit by commit, as a table, Markdown, CSV,
JSON or an SVG chart.

Pure functions of a list of :class:`HistoryPoint` (one column per frame and overall)
or, for ``history --people``, of :class:`PeoplePoint` (each person's credences and
the pooled ones), shown one column per person through :func:`people_points`. The
chart is small hand-written SVG; every text in it goes through :func:`.svg.xml`.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text

from argmap.engine.result import OVERALL
from argmap.schema.people import POOLED

from . import mdquote
from .fmt import percent
from .svg import COLOURS, svg_open, xml
from .table import Cell, aligned, console_text, new_console
from .terminal import sanitize


@dataclass(frozen=True)
class HistoryPoint:
    """The claim at one commit: credences per column, or None with a ``note`` saying why.

    ``remarks`` say why some columns have no value at a commit that has others
    (``history --people``: a person without an overlay there)."""

    commit: str
    date: str
    subject: str
    credence: dict[str, float] | None
    note: str = ""
    author: str = ""
    remarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeoplePoint:
    """Every person's credences in the claim at one commit, and the pooled ones.

    ``people``: person -> column -> credence, for each person whose overlay is
    valid there (as ``eval --people``); ``pooled``: column -> the pool of those
    people (None when undefined); ``missing``: person -> why they have no
    credence here (no overlay yet, an invalid overlay, ...), with the overlay's
    problems in ``problems``; ``note``: why no one has one (the map invalid,
    absent, or without the claim).
    """

    commit: str
    date: str
    subject: str
    author: str = ""
    people: dict[str, dict[str, float]] = field(default_factory=dict)
    pooled: dict[str, float | None] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)
    problems: dict[str, list[str]] = field(default_factory=dict)
    remarks: tuple[str, ...] = ()
    note: str = ""


def headline(points: Sequence[PeoplePoint]) -> str | None:
    """The column the people's table and chart show: the one frame when there is one,
    else ``overall`` (None when no one has a credence anywhere).

    >>> p = PeoplePoint("c", "d", "s", people={"a": {"hi": 0.1, "lo": 0.2, "overall": 0.15}})
    >>> headline([p])
    'overall'
    """
    cols: dict[str, None] = {}
    for p in points:
        for per in p.people.values():
            for c in per:
                cols.setdefault(c)
    frames = [c for c in cols if c != OVERALL]
    if len(frames) == 1:
        return frames[0]  # one frame (or one selected with --frame): its name says more
    if OVERALL in cols:
        return OVERALL
    return next(iter(cols), None)


def people_points(
    points: Sequence[PeoplePoint], people: Sequence[str], column: str
) -> list[HistoryPoint]:
    """Each commit as a :class:`HistoryPoint` with a column per person, then ``pooled``,
    holding that ``column``; what is missing and why goes to the remarks."""
    out = []
    for p in points:
        credence: dict[str, float] = {}
        remarks: list[str] = list(p.remarks)
        for pid in people:
            got = p.people.get(pid)
            if got is not None and column in got:
                credence[pid] = got[column]
            elif got is not None:
                remarks.append(f"{pid}: no credence in {column}")
            elif pid in p.missing:
                remarks.append(f"{pid}: {p.missing[pid]}")
        pooled = p.pooled.get(column)
        if pooled is not None:
            credence[POOLED] = pooled
        elif p.people:
            remarks.append(f"{POOLED}: undefined")
        out.append(
            HistoryPoint(
                p.commit,
                p.date,
                p.subject,
                credence if not p.note else None,
                note=p.note,
                author=p.author,
                remarks=tuple(remarks) if not p.note else (),
            )
        )
    return out


def _last(p: HistoryPoint) -> str:
    """The last column: the note, or the subject with the remarks."""
    if p.note:
        return p.note
    return p.subject + (" [" + "; ".join(p.remarks) + "]" if p.remarks else "")


def when(date: str) -> str:
    """An ISO 8601 date and time as the table shows it: ``2026-11-25 23:37``."""
    return date[:16].replace("T", " ")


def axis(values: Sequence[float]) -> tuple[float, float, float]:
    """(low, high, step) of a value axis that fits ``values`` (probabilities), with round
    ticks: a move of half a point is not flattened against a 0-100% axis.

    >>> axis([0.61, 0.63])
    (0.605, 0.635, 0.005)
    >>> axis([0.0, 1.0])
    (0.0, 1.0, 0.2)
    """
    if not values:
        return 0.0, 1.0, 0.25
    lo, hi = min(values), max(values)
    pad = max((hi - lo) * 0.1, 0.002)
    lo, hi = max(0.0, lo - pad), min(1.0, hi + pad)
    for step in (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25):
        if (hi - lo) / step <= 6:
            break
    low = max(0.0, math.floor(lo / step + 1e-9) * step)
    high = min(1.0, math.ceil(hi / step - 1e-9) * step)
    return round(low, 6), round(high, 6), step


def columns_of(points: Sequence[HistoryPoint]) -> list[str]:
    """Every column seen, in order of first appearance."""
    cols: dict[str, None] = {}
    for p in points:
        for c in p.credence or {}:
            cols.setdefault(c)
    return list(cols)


def _cells(p: HistoryPoint, cols: Sequence[str], missing: str) -> list[str]:
    if p.credence is None:
        return ["" for _ in cols]
    return [percent(p.credence[c]) if c in p.credence else missing for c in cols]


def history_text(
    claim: str,
    points: Sequence[HistoryPoint],
    *,
    width: int = 100,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    missing: str = "",
    footer: Sequence[str] = (),
) -> str:
    """An aligned table, oldest commit first (``columns``: default, every one seen;
    ``missing``: the cell of a column without a value at a commit that has others),
    then each commit's remarks and the ``footer`` lines."""
    cols = list(columns) if columns is not None else columns_of(points)
    rows: list[list[Cell]] = [
        [
            when(p.date),
            p.commit[:10],
            sanitize(p.author),
            *_cells(p, cols, missing),
            # Text, not str: a subject such as "[wip] x" is not Rich markup to drop
            Text(sanitize(p.note or p.subject)),
        ]
        for p in points
    ]
    table = aligned(
        ["date", "commit", "author", *cols, "subject"],
        rows,
        width=width,
        right=range(3, len(cols) + 3),
        text_column=True,
        title=title or f"{claim}: credence by commit",
    )
    # wider than ``width`` when the columns need it (many people, long ids): never cut off
    console = new_console(max(width, table.needed), color=False)
    console.print(table)
    # what some columns lack, in full below the table (the subject column is cut to fit)
    below = [f"{p.commit[:10]}: {sanitize('; '.join(p.remarks))}" for p in points if p.remarks]
    lines = [*below, *footer]
    return console_text(console) + ("\n" + "\n".join(lines) + "\n" if lines else "")


def history_markdown(
    claim: str,
    points: Sequence[HistoryPoint],
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    missing: str = "",
    footer: Sequence[str] = (),
) -> str:
    """A Markdown table, oldest commit first (the same columns as :func:`history_text`)."""
    cols = list(columns) if columns is not None else columns_of(points)
    out = [
        f"**{mdquote.text(title or claim + ': credence by commit')}**",
        "",
        "| date | commit | author | "
        + "".join(f"{mdquote.cell(c)} | " for c in cols)
        + "subject |",
        "|---|---|---|" + "---:|" * len(cols) + "---|",
    ]
    for p in points:
        cells = _cells(p, cols, missing)
        out.append(
            f"| {when(p.date)} | {mdquote.code(p.commit[:10])} | {mdquote.cell(p.author)} | "
            + "".join(f"{c} | " for c in cells)
            + f"{mdquote.cell(_last(p))} |"
        )
    if footer:
        out += ["", *(mdquote.text(line) for line in footer)]
    return "\n".join(out) + "\n"


def history_csv(points: Sequence[HistoryPoint], *, columns: Sequence[str] | None = None) -> str:
    """One row per commit: commit, date, author, subject, each column (full precision;
    empty where there is none), note (why some or all are missing)."""
    cols = list(columns) if columns is not None else columns_of(points)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["commit", "date", "author", "subject", *cols, "note"])
    for p in points:
        values = [repr(p.credence[c]) if p.credence and c in p.credence else "" for c in cols]
        note = p.note or "; ".join(p.remarks)
        writer.writerow([p.commit, p.date, p.author, p.subject, *values, note])
    return buf.getvalue()


def history_people_json(
    claim: str,
    map_name: str,
    points: Sequence[PeoplePoint],
    people: Sequence[str],
    column: str | None,
) -> str:
    """The JSON of ``history --people`` (docs/diff.md): per commit, each person's
    credences per column and the pooled ones, as ``eval --people`` gives a claim's."""
    doc: dict[str, Any] = {
        "claim": claim,
        "map": map_name,
        "people": list(people),
        "column": column,
        "pooled_method": "mean of log-odds",
        "history": [
            {
                "commit": p.commit,
                "date": p.date,
                "author": p.author,
                "subject": p.subject,
                "people": {pid: dict(p.people[pid]) for pid in people if pid in p.people},
                "pooled": dict(p.pooled) if p.people else None,
                **({"missing": dict(p.missing)} if p.missing else {}),
                **({"problems": dict(p.problems)} if p.problems else {}),
                **({"remarks": list(p.remarks)} if p.remarks else {}),
                **({"note": p.note} if p.note else {}),
            }
            for p in points
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def history_json(claim: str, map_name: str, points: Sequence[HistoryPoint]) -> str:
    doc: dict[str, Any] = {
        "claim": claim,
        "map": map_name,
        "history": [
            {
                "commit": p.commit,
                "date": p.date,
                "author": p.author,
                "subject": p.subject,
                "credence": p.credence,
                **({"note": p.note} if p.note else {}),
            }
            for p in points
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def history_svg(
    claim: str,
    points: Sequence[HistoryPoint],
    *,
    title: str | None = None,
    columns: Sequence[str] | None = None,
    dashed: Collection[str] = (),
) -> str:
    """A line chart: one line per column over the commits (evenly spaced, oldest left);
    the columns in ``dashed`` (the pooled one) are drawn dashed."""
    w, h = 800, 400
    left, right, top, bottom = 100, 170, 40, 90  # room for slanted date labels
    pw, ph = w - left - right, h - top - bottom
    n = len(points)

    def x(i: int) -> float:
        return left + (pw * i / (n - 1) if n > 1 else pw / 2)

    low, high, step = axis(
        [v for p in points if p.credence is not None for v in p.credence.values()]
    )

    def y(p: float) -> float:
        return top + ph * (1 - (p - low) / ((high - low) or 1.0))

    digits = max(0, -math.floor(math.log10(step * 100) + 1e-9))
    out = svg_open(w, h, title or claim + ": credence by commit", x=left)
    for k in range(round((high - low) / step) + 1):
        tick = low + k * step
        ty = y(tick)
        out.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + pw}" y2="{ty:.1f}" '
            f'stroke="#dddddd" stroke-width="1"/>'
        )
        label = f"{tick * 100:.{digits}f}%"
        out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end">{label}</text>')
    step = max(1, n // 8)  # at most about eight date labels
    for i, p in enumerate(points):
        if i % step == 0 or i == n - 1:
            out.append(
                f'<text x="{x(i):.1f}" y="{top + ph + 16}" text-anchor="end" '
                f'transform="rotate(-35 {x(i):.1f} {top + ph + 16})">'
                f"{xml(when(p.date))} {xml(p.commit[:7])}</text>"
            )
    for k, col in enumerate(list(columns) if columns is not None else columns_of(points)):
        colour = COLOURS[k % len(COLOURS)]
        dash = ' stroke-dasharray="6 3"' if col in dashed else ""
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
                f"<title>{xml(f'{when(p.date)} {p.commit[:10]} {col} {percent(p.credence[col])}')}"
                f"{xml(chr(10) + p.author + ': ' + p.subject)}</title></circle>"
            )
        for seg in segments:
            if len(seg) > 1:
                out.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dash}/>'
                )
        ly = top + 14 + 18 * k
        out.append(
            f'<line x1="{left + pw + 14}" y1="{ly - 4}" x2="{left + pw + 34}" y2="{ly - 4}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
        )
        out.append(f'<text x="{left + pw + 40}" y="{ly}">{xml(col)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
