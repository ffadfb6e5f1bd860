"""`argmap sensitivity` and `argmap cruxes` output: tables, Markdown, JSON, a tornado chart.

Pure functions of the engine's :class:`Swing` and :class:`Crux` lists. Markdown
text goes through :mod:`.mdquote`, SVG text through :func:`.svg.xml`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from argmap.engine.sensitivity import Crux, Swing
from argmap.schema import ArgumentMap

from . import mdquote
from .fmt import percent, points
from .svg import COLOURS, svg_open, xml
from .table import Cell, aligned, console_text, new_console

LOW_COLOUR, HIGH_COLOUR = COLOURS[1], COLOURS[0]  # vermillion for the low end, blue for the high


Units = Mapping[str, str]  # parameter -> "lr" for evidence its author wrote as ratios


def value_text(kind: str, x: float, unit: str = "bits") -> str:
    """A parameter's value in its own unit: a probability, a weight, or evidence in
    bits or, where the map wrote likelihood ratios (``unit="lr"``), as one."""
    if kind == "weight":
        return f"{x:.4g}"
    if kind == "evidence":
        if unit != "lr":
            return f"{x:g} bits"
        if abs(x) >= 20 and x == int(x):
            return f"lr 2^{x:g}"
        return f"lr {2.0**x:.4g}"
    return percent(x)


def _unit(s: Swing, units: Units | None) -> str:
    return (units or {}).get(s.parameter, "bits")


def _range(s: Swing, units: Units | None = None) -> str:
    u = _unit(s, units)
    text = f"{value_text(s.kind, s.low_value, u)} → {value_text(s.kind, s.high_value, u)}"
    # Frames that set the parameter differently swing their own values (``frames``).
    own = any(ends != (s.low_value, s.high_value) for ends in s.frames.values())
    return f"{text} (per frame)" if own else text


def _value(s: Swing, units: Units | None) -> str:
    """The parameter's value as the table shows it (evidence in its author's unit)."""
    if s.kind == "evidence" and _unit(s, units) == "lr":
        # An evidence swing is its total ±1 bit: the middle is the total.
        return value_text(s.kind, (s.low_value + s.high_value) / 2, "lr")
    return s.value


def evidence_units(amap: ArgumentMap) -> dict[str, str]:
    """``claim.evidence`` -> ``"lr"`` for each claim whose evidence is all written as
    likelihood ratios (``lr:``), so that swings show in the unit its author wrote."""
    return {
        f"{cid}.evidence": "lr"
        for cid, claim in amap.claims.items()
        if claim.evidence and all(e.lr is not None for e in claim.evidence)
    }


def _pp(delta: float) -> str:
    """A non-negative change in percentage points, without the sign."""
    return points(delta).removeprefix("+")


Asked = Mapping[str, object]  # ``given`` or ``set`` as the user wrote them


def _asked(given: Asked | None, sets: Asked | None, *, md: bool = False) -> list[str]:
    """The ``given:`` / ``set:`` lines under a table, so its numbers say what they assume."""
    lines = []
    for label, items in (("given", given), ("set", sets)):
        if items:
            pairs = [
                f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in items.items()
            ]
            if md:
                lines.append(f"{label.capitalize()}: " + ", ".join(mdquote.code(p) for p in pairs))
            else:
                lines.append(f"{label}: " + ", ".join(pairs))
    return lines


def _asked_json(given: Asked | None, sets: Asked | None) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if given:
        doc["given"] = dict(given)
    if sets:
        doc["set"] = {k: str(v) for k, v in sets.items()}
    return doc


def _opt(p: float | None) -> str:
    return "-" if p is None else percent(p)


def sensitivity_text(
    claim: str,
    swings: Sequence[Swing],
    *,
    width: int = 100,
    given: Asked | None = None,
    sets: Asked | None = None,
    units: Units | None = None,
) -> str:
    """The tornado as an aligned table, largest swing first; ``units`` from
    :func:`evidence_units` shows evidence in the unit the map wrote."""
    base = swings[0].baseline if swings else math.nan
    column = swings[0].column if swings else ""
    rows: list[list[Cell]] = [
        [
            s.parameter,
            _value(s, units),
            _range(s, units),
            percent(s.low),
            percent(s.high),
            _pp(s.swing),
        ]
        for s in swings
    ]
    # no column may give way here: the console is as wide as the table needs
    console = new_console(max(width, 1000), color=False)
    console.print(
        aligned(
            ["parameter", "value", "low → high", "at low", "at high", "swing"],
            rows,
            width=width,
            right=(3, 4, 5),
            title=f"{claim} ({column}): {percent(base)}; each parameter swung alone",
        )
    )
    return console_text(console) + "".join(line + "\n" for line in _asked(given, sets))


def sensitivity_markdown(
    claim: str,
    swings: Sequence[Swing],
    *,
    given: Asked | None = None,
    sets: Asked | None = None,
    units: Units | None = None,
) -> str:
    base = swings[0].baseline if swings else math.nan
    column = swings[0].column if swings else ""
    lines = [
        f"**{mdquote.code(claim)}** ({mdquote.text(column)}): {percent(base)}; "
        "each parameter swung alone",
        "",
        "| parameter | value | low → high | at low | at high | swing |",
        "|---|---|---|---:|---:|---:|",
    ]
    for s in swings:
        lines.append(
            f"| {mdquote.code(s.parameter)} | {mdquote.cell(_value(s, units))} "
            f"| {mdquote.cell(_range(s, units))} "
            f"| {percent(s.low)} | {percent(s.high)} | {_pp(s.swing)} |"
        )
    extra = _asked(given, sets, md=True)
    return "\n".join(lines + (["", *extra] if extra else [])) + "\n"


def _document(
    claim: str,
    map_name: str,
    rows: Sequence[Swing] | Sequence[Crux],
    given: Asked | None,
    sets: Asked | None,
    key: str,
    items: list[dict[str, Any]],
    labels: Mapping[str, str],
) -> str:
    """The JSON shared by sensitivity and cruxes: what was asked, then ``key``: items."""
    doc = {
        "claim": claim,
        **_label(labels, claim),
        "map": map_name,
        "column": rows[0].column if rows else None,
        "baseline": rows[0].baseline if rows else None,
        **_asked_json(given, sets),
        key: items,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _label(labels: Mapping[str, str], cid: str) -> dict[str, str]:
    """``{"label": ...}`` when the claim ``cid`` has a label, else nothing (as eval's JSON)."""
    label = labels.get(cid)
    return {"label": label} if label else {}


def claim_labels(amap: ArgumentMap) -> dict[str, str]:
    """Each labelled claim's label (docs/format.md): what the JSON documents carry."""
    return {cid: c.label for cid, c in amap.claims.items() if c.label}


def sensitivity_json(
    claim: str,
    map_name: str,
    swings: Sequence[Swing],
    *,
    given: Asked | None = None,
    sets: Asked | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The JSON of ``argmap sensitivity`` (docs/analysis.md); ``labels`` (claim id ->
    label, :func:`claim_labels`) adds a ``label`` beside each claim named."""
    known = labels or {}
    items = [
        {
            "parameter": s.parameter,
            # a claim's credence or evidence names that claim (a strength names an
            # argument, a weight a frame: they carry no label)
            **(
                _label(known, s.parameter.rsplit(".", 1)[0])
                if s.kind in ("credence", "evidence")
                else {}
            ),
            "kind": s.kind,
            "value": s.value,
            "low_value": s.low_value,
            "high_value": s.high_value,
            "low": s.low,
            "high": s.high,
            "swing": s.swing,
            # a parameter the frames set differently: each frame's own low and high
            **({"frames": {k: list(v) for k, v in s.frames.items()}} if s.frames else {}),
        }
        for s in swings
    ]
    return _document(claim, map_name, swings, given, sets, "parameters", items, known)


def cruxes_text(
    claim: str,
    cruxes: Sequence[Crux],
    *,
    width: int = 100,
    given: Asked | None = None,
    sets: Asked | None = None,
) -> str:
    """Claims by how much learning them would move CLAIM, as an aligned table."""
    base = cruxes[0].baseline if cruxes else math.nan
    column = cruxes[0].column if cruxes else ""
    rows: list[list[Cell]] = [
        [
            c.claim,
            percent(c.probability),
            _opt(c.if_true),
            _opt(c.if_false),
            _pp(c.expected_change),
            c.text or "",
        ]
        for c in cruxes
    ]
    console = new_console(width, color=False)
    console.print(
        aligned(
            ["claim X", "P(X)", "if X", "if not X", "E|change|", "text"],
            rows,
            width=width,
            right=(1, 2, 3, 4),
            text_column=True,
            title=f"{claim} ({column}): {percent(base)}; what learning each claim would do",
        )
    )
    return console_text(console) + "".join(line + "\n" for line in _asked(given, sets))


def cruxes_markdown(
    claim: str, cruxes: Sequence[Crux], *, given: Asked | None = None, sets: Asked | None = None
) -> str:
    base = cruxes[0].baseline if cruxes else math.nan
    column = cruxes[0].column if cruxes else ""
    lines = [
        f"**{mdquote.code(claim)}** ({mdquote.text(column)}): {percent(base)}; "
        "what learning each claim would do",
        "",
        "| claim X | P(X) | if X | if not X | E\\|change\\| | text |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for c in cruxes:
        lines.append(
            f"| {mdquote.code(c.claim)} | {percent(c.probability)} | {_opt(c.if_true)} "
            f"| {_opt(c.if_false)} | {_pp(c.expected_change)} "
            f"| {mdquote.cell(c.text or '')} |"
        )
    extra = _asked(given, sets, md=True)
    return "\n".join(lines + (["", *extra] if extra else [])) + "\n"


def cruxes_json(
    claim: str,
    map_name: str,
    cruxes: Sequence[Crux],
    *,
    given: Asked | None = None,
    sets: Asked | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The JSON of ``argmap cruxes`` (docs/analysis.md); ``labels`` (claim id -> label,
    :func:`claim_labels`) adds a ``label`` beside each claim named."""
    known = labels or {}
    items = [
        {
            "claim": c.claim,
            **_label(known, c.claim),
            "text": c.text,
            "probability": c.probability,
            "if_true": c.if_true,
            "if_false": c.if_false,
            "expected_change": c.expected_change,
        }
        for c in cruxes
    ]
    return _document(claim, map_name, cruxes, given, sets, "cruxes", items, known)


def tornado_svg(
    claim: str, swings: Sequence[Swing], *, text: str | None = None, units: Units | None = None
) -> str:
    """A tornado chart: one bar per parameter around CLAIM's baseline, largest on top."""
    row, left, right, top = 26, 330, 40, 96
    w = 960
    h = top + row * max(1, len(swings)) + 60
    pw = w - left - right
    base = swings[0].baseline if swings else 0.5
    column = swings[0].column if swings else ""
    ends = [base, *(x for s in swings for x in (s.low, s.high))]
    # the axis: whole multiples of 5 pp around every bar, so small swings stay visible
    lo = max(0.0, math.floor(min(ends) * 20 - 0.5) / 20)
    hi = min(1.0, math.ceil(max(ends) * 20 + 0.5) / 20)

    def x(p: float) -> float:
        return left + pw * (p - lo) / (hi - lo)

    out = svg_open(w, h, f"{claim}: what moves it ({column}, {percent(base)})", x=20)
    if text:
        short = text if len(text) <= 140 else text[:139] + "…"
        out.append(f'<text x="20" y="40" fill="#444444">{xml(short)}</text>')
    out.append(
        f'<text x="20" y="60" fill="#444444">each parameter swung alone; bar ends: '
        f'<tspan fill="{LOW_COLOUR}">■ at its low value</tspan>, '
        f'<tspan fill="{HIGH_COLOUR}">■ at its high value</tspan></text>'
    )
    bottom = top + row * len(swings)
    steps = round((hi - lo) * 20)
    every = max(1, math.ceil(steps / 10))  # at most about ten ticks
    for k in range(0, steps + 1, every):
        p = lo + k / 20
        out.append(
            f'<line x1="{x(p):.1f}" y1="{top - 6}" x2="{x(p):.1f}" y2="{bottom}" '
            f'stroke="#dddddd" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{x(p):.1f}" y="{bottom + 16}" text-anchor="middle">{round(p * 100)}%</text>'
        )
    for i, s in enumerate(swings):
        y = top + row * i
        out.append(f'<text x="{left - 8}" y="{y + 12}" text-anchor="end">{xml(s.parameter)}</text>')
        out.append(
            f'<text x="{left - 8}" y="{y + 23}" text-anchor="end" font-size="9" '
            f'fill="#666666">{xml(_range(s, units))}</text>'
        )
        for end, at, colour in (
            (s.low, s.low_value, LOW_COLOUR),
            (s.high, s.high_value, HIGH_COLOUR),
        ):
            a, b = sorted((x(base), x(end)))
            shown = value_text(s.kind, at, _unit(s, units))
            tip = f"{s.parameter} = {shown}: {claim} {percent(end)}"
            out.append(
                f'<rect x="{a:.1f}" y="{y + 4}" width="{max(b - a, 0.5):.1f}" height="{row - 8}" '
                f'fill="{colour}" fill-opacity="0.8">'
                f"<title>{xml(tip)}</title></rect>"
            )
        label_x = x(max(s.low, s.high, base)) + 4
        out.append(f'<text x="{label_x:.1f}" y="{y + 16}">{_pp(s.swing)}</text>')
    out.append(
        f'<line x1="{x(base):.1f}" y1="{top - 10}" x2="{x(base):.1f}" y2="{bottom}" '
        f'stroke="#000000" stroke-width="1.5"/>'
    )
    out.append(
        f'<text x="{x(base):.1f}" y="{top - 14}" text-anchor="middle">'
        f"baseline {percent(base)}</text>"
    )
    out.append(
        f'<text x="{left + pw / 2:.1f}" y="{bottom + 36}" text-anchor="middle">'
        f"{xml(claim)} credence ({xml(column)})</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
