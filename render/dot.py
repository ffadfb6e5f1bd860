"""Graphviz DOT source of an argument map: the input of every picture format.

A pure function of a :class:`~argmap.render.view.View`; every piece of text
goes through :mod:`.dotquote`. The look (colours, lines) is in :mod:`.style`
and documented in docs/diagrams.md.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from . import dotquote as q
from . import marks, style
from .groups import group_dot, legend_note
from .view import View

RankDir = Literal["LR", "TB"]

_EV = "_ev"  # prefixes of our own node ids: map ids cannot start with "_"
_LEGEND = "_legend"


def to_dot(view: View, *, rankdir: RankDir = "LR", heading: bool = True) -> str:
    """The DOT source of ``view``, laid out ``rankdir`` (LR: premises left of conclusions).

    With ``heading``, the graph label holds the map's title and source, so the
    file stands alone; pictures draw them as a separate heading instead
    (:func:`drawing`), in two sizes.
    """
    ev = view.ev
    amap = ev.map
    graph: dict[str, str | float | bool] = {
        "rankdir": rankdir,
        "fontname": style.FONT,
        "fontsize": 13,
        "fontcolor": style.TEXT,
        "nodesep": 0.3,
        "ranksep": 0.45,
        "pad": 0.2,
        "bgcolor": "white",
        "charset": "UTF-8",
        "id": "map",
    }
    if heading:
        lines = style.wrap(amap.title or amap.name, 90, 3)
        if amap.source:
            lines += style.wrap(amap.source, 110, 4)
        graph |= {"label": q.label(lines, "l"), "labelloc": "t", "labeljust": "l"}
    out = ["digraph argmap {", f"  graph {q.attrs(graph)};"]
    node = {"fontname": style.FONT, "fontsize": 11, "fontcolor": style.TEXT, "color": style.BORDER}
    out.append(f"  node {q.attrs(node)};")
    edge = {"fontname": style.FONT, "fontsize": 11, "arrowsize": 0.8}
    out.append(f"  edge {q.attrs(edge)};")
    for cid in view.claims:
        out.append(f"  {q.ident(cid)} {q.attrs(_claim_attrs(view, cid, rankdir))};")
        for i, item in enumerate(amap.claims[cid].evidence):
            nid = q.ident(f"{_EV}.{cid}.{i}")
            lines = [f"evidence: {marks.evidence_ratio(item)}"]
            if marks.ILLUSTRATIVE in item.tags:
                lines.append(style.mark_label(marks.ILLUSTRATIVE))
            if item.text:
                lines += style.wrap(item.text, 28, 4)
            note = {
                "shape": "note",
                "style": "filled",
                "fillcolor": style.EVIDENCE_FILL,
                "fontsize": 10,
                "label": q.label(lines),
                "tooltip": q.tooltip(_hover(item.text, item.source, item.notes)),
                "id": q.text(f"evidence-{cid}-{i}"),
            }
            out.append(f"  {nid} {q.attrs(note)};")
            out.append(f"  {nid} -> {q.ident(cid)} {q.attrs(_edge_attrs('evidence'))};")
    for aid in view.arguments:
        out.append(f"  {q.ident(aid)} {q.attrs(_argument_attrs(view, aid))};")
    # An edge `label` makes dot rank every edge as two (its label is a node): a
    # 1,000-claim map took 28 s instead of 5. Large pictures place NOT after the
    # layout (`xlabel`) instead; small ones keep the label's reserved room.
    placed = len(view.claims) + len(view.arguments) > LABELLED_EDGES_UP_TO
    for e in view.edges:
        attrs = _edge_attrs(e.kind, negated=e.negated, placed_after=placed)
        if not view.enabled(e.dst if e.kind == "premise" else e.src):
            attrs["color"] = style.OFF
        out.append(f"  {q.ident(e.src)} -> {q.ident(e.dst)} {q.attrs(attrs)};")
    out += group_dot(view)
    out.append("}")
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Drawing:
    """The DOT sources of one picture: heading, map and legend, laid out separately."""

    heading: str
    map: str
    legend: str


def drawing(view: View, *, rankdir: RankDir = "LR") -> Drawing:
    """The three graphs that :func:`argmap.render.graphviz.draw` composes into a picture."""
    return Drawing(
        heading_dot(view), to_dot(view, rankdir=rankdir, heading=False), legend_dot(view)
    )


def heading_dot(view: View) -> str:
    """The title (large) and source (small, grey) as a graph of two text nodes."""
    amap = view.ev.map
    graph = {"rankdir": "TB", "ranksep": 0.08, "pad": 0.2, "bgcolor": "white", "id": "heading"}
    out = ["digraph heading {", f"  graph {q.attrs(graph)};"]
    node = {
        "shape": "plaintext",
        "fontname": style.FONT,
        "fontcolor": style.TEXT,
        "height": 0.1,
        "margin": 0.02,
    }
    out.append(f"  node {q.attrs(node)};")
    title_lines = style.wrap(amap.title or amap.name, 80, 3)
    source_lines = style.wrap(amap.source, 120, 4) if amap.source else []
    # One width for both nodes, so that their left-justified lines align.
    width = max(_text_width(title_lines, 16), _text_width(source_lines, 10))
    title = {"fontsize": 16, "width": width, "label": q.label(title_lines, "l")}
    out.append(f"  _title {q.attrs(title | {'id': 'title'})};")
    if amap.source:
        source = {
            "fontsize": 10,
            "fontcolor": style.MUTED,
            "width": width,
            "label": q.label(source_lines, "l"),
        }
        out.append(f"  _source {q.attrs(source | {'id': 'source'})};")
        out.append(f"  _title -> _source {q.attrs({'style': 'invis', 'id': 'heading-edge'})};")
    out.append("}")
    return "\n".join(out) + "\n"


def _hover(text: str | None, source: str | None, notes: str | None, head: str = "") -> str:
    """A tooltip (one line: Graphviz tooltips cannot safely hold breaks): text, source, notes."""
    parts = [f"{head}: {text}" if head and text else head or text or ""]
    parts += [f"Source: {source}"] if source else []
    parts += [f"Notes: {notes}"] if notes else []
    return " — ".join(p for p in parts if p)


def _claim_attrs(view: View, cid: str, rankdir: RankDir) -> dict[str, str | float | bool]:
    claim = view.ev.map.claims[cid]
    styles = ["filled", "dashed"] if cid in view.truncated else ["filled"]
    badges = [[b] for b in view.badges(cid)]
    header, lines = view.claim_header(cid), view.claim_lines(cid)
    # A record's fields alternate direction with nesting, starting across the rank
    # direction: the id goes above the text either way, the badges below (TB) or
    # beside it (LR).
    if rankdir == "LR":
        label = q.record([[header, lines], badges])
    else:
        label = q.record([header, lines, badges])
    attrs: dict[str, str | float | bool] = {
        "shape": "Mrecord",
        "style": ",".join(styles),
        "fillcolor": view.fill(cid),
        "label": label,
        "tooltip": q.tooltip(
            _hover(claim.text, claim.source, claim.notes, marks.name(view.ev.map, cid))
        ),
        "id": q.text(f"claim-{cid}"),
    }
    if cid in view.highlight:
        attrs |= {"penwidth": 3, "color": "#000000"}
    elif cid in view.ev.given:
        attrs |= {"penwidth": 2}
    return attrs


def _argument_attrs(view: View, aid: str) -> dict[str, str | float | bool]:
    """A small rounded junction: the argument's id (small), then its strength."""
    arg = view.ev.map.arguments[aid]
    on = view.enabled(aid)
    styles = ["filled", "rounded"] + (["dashed"] if aid in view.truncated else [])
    return {
        "shape": "box",
        "style": ",".join(styles),
        "fillcolor": "white",
        "color": style.EDGES[arg.kind].colour if on else style.OFF,
        "penwidth": 3 if aid in view.highlight else 1.5,
        "fontsize": 8,
        "width": 0.3,
        "height": 0.25,
        "margin": "0.05,0.02",
        # The id names the argument in reports' explanations.
        "label": q.label([aid, *view.argument_lines(aid)]),
        "tooltip": q.tooltip(_hover(arg.text, arg.source, arg.notes, f"argument {aid}")),
        "id": q.text(f"argument-{aid}"),
    }


LABELLED_EDGES_UP_TO = 300  # nodes; above, a negated edge's NOT is an xlabel


def _edge_attrs(
    kind: style.EdgeKind, *, negated: bool = False, placed_after: bool = False
) -> dict[str, str | float | bool]:
    s = style.EDGES[kind]
    attrs: dict[str, str | float | bool] = {
        "color": s.colour,
        "style": s.style,
        "arrowhead": s.arrowhead,
        "penwidth": s.width,
    }
    if kind == "premise":
        attrs["arrowsize"] = 0.6
    if negated:
        # Colour, shape (a double line from an open circle) and a word: legible in
        # greyscale and to a reader who does not know the legend.
        c = style.NEGATED_COLOUR
        attrs |= {
            "color": f"{c}:white:{c}",
            "penwidth": 1.2,
            "dir": "both",
            "arrowtail": "odot",
            "xlabel" if placed_after else "label": q.label([style.NEGATED]),
            "fontsize": 9,
            "fontcolor": c,
        }
    return attrs


def _invisible_chain(nodes: list[str], prefix: str) -> list[str]:
    """Invisible edges a -> b -> c..., one statement each so each has its own SVG id."""
    return [
        f"  {a} -> {b} {q.attrs({'style': 'invis', 'id': q.text(f'{prefix}{i}')})};"
        for i, (a, b) in enumerate(itertools.pairwise(nodes))
    ]


def _text_width(lines: list[str], fontsize: float) -> float:
    """A generous estimate of the width of ``lines`` in inches (about 0.6 em per character)."""
    return round(0.1 + max((len(t) for t in lines), default=0) * 0.6 * fontsize / 72, 2)


def legend_notes(view: View) -> list[str]:
    """The legend's last lines: frame abbreviations, and marks used only sometimes."""
    notes = ["a claim's top line: its label (if any) · its id"]
    ev = view.ev
    if any(
        marks.moved(ev, cid, col) is not None
        for cid in view.claims
        for col in view.columns
        if cid not in ev.given
    ):
        notes.append(f"a → b: credence before {marks.movers(ev)} → after")
    used = {m for cid in view.claims for m in marks.claim_marks(ev.map, cid)}
    used |= {m for aid in view.arguments for m in marks.argument_marks(ev.map, aid)}
    used |= {
        marks.ILLUSTRATIVE
        for cid in view.claims
        for item in ev.map.claims[cid].evidence
        if marks.ILLUSTRATIVE in item.tags
    }
    notes += [f"{style.mark_label(m)}: {marks.MEANING[m].split(': ', 1)[1]}" for m in sorted(used)]
    notes += [f"{short} = {col}" for col, short in view.labels.items() if short != col]
    if view.highlight:
        notes.append("thick black border: in focus")
    if any(cid in view.ev.given for cid in view.claims):
        notes.append("thicker border: fixed by --given")
    if view.truncated:
        notes.append("dashed outline: neighbours not shown")
    notes += legend_note(view)
    return notes


def legend_dot(view: View) -> str:
    """A small graph explaining fills, edges and frame abbreviations.

    Laid out left to right: a row of credence swatches (ranks 0-4), then one
    sample edge per kind from rank 0 to a column of labels at rank 5, which
    all get one width so that their left-justified text lines up. (No
    cluster: a cluster reverses the row order under rankdir=LR. The frame
    around the legend is drawn when composing the picture.)
    """
    labels = view.labels
    headline = view.headline
    texts = [
        f"fill: credence ({labels[headline]})" if headline else "fill: none (frames unweighted)",
        style.EDGES["supports"].legend,
        style.EDGES["attacks"].legend,
        style.EDGES["undercuts"].legend,
        "premise",
        "negated premise (written: not X)",
        "evidence on a claim",
    ]
    notes = legend_notes(view)
    width = _text_width([*texts, *notes], 9)
    graph = {
        "rankdir": "LR",
        "fontname": style.FONT,
        "fontsize": 10,
        "label": q.label(["Legend"], "l"),
        "labelloc": "t",
        "labeljust": "l",
        "ranksep": 0.04,
        "nodesep": 0.06,
        "pad": 0.12,
        "bgcolor": "white",
        "charset": "UTF-8",
        "id": "legend",
    }
    out = ["digraph legend {", f"  graph {q.attrs(graph)};"]
    node = {"fontname": style.FONT, "fontsize": 9, "fontcolor": style.TEXT, "height": 0.22}
    out.append(f"  node {q.attrs(node)};")
    out.append(f"  edge {q.attrs({'fontname': style.FONT, 'fontsize': 9, 'arrowsize': 0.8})};")

    def row(i: int, text: list[str], attrs: Mapping[str, object] | None) -> None:
        """A point at rank 0, an edge drawn with ``attrs`` (None: invisible), a label at rank 5."""
        start, end = q.ident(f"{_LEGEND}.p{i}"), q.ident(f"{_LEGEND}.t{i}")
        shape = "point" if attrs is not None else "none"
        # One group per row: dot keeps the row's edge straight.
        point = {
            "shape": shape,
            "width": 0.05,
            "label": q.label([]),
            "group": f"row{i}",
            "id": q.text(f"legend-p{i}"),
        }
        out.append(f"  {start} {q.attrs(point)};")
        label = {
            "shape": "plaintext",
            "width": width,
            "label": q.label(text, "l"),
            "group": f"row{i}",
        }
        out.append(f"  {end} {q.attrs(label | {'id': q.text(f'legend-t{i}')})};")
        edge = dict(attrs) if attrs is not None else {"style": "invis"}
        edge |= {"minlen": 5, "id": q.text(f"legend-e{i}")}
        out.append(f"  {start} -> {end} {q.attrs(edge)};")

    swatches = []
    for i, p in enumerate(style.legend_stops()):
        nid = q.ident(f"{_LEGEND}.s{i}")
        swatches.append(nid)
        attrs = {
            "shape": "box",
            "style": "filled",
            "fillcolor": style.credence_fill(p),
            "color": style.BORDER,
            "penwidth": 0.5,
            "width": 0.38,
            "label": q.label([f"{p:.0%}"]),
            "id": q.text(f"legend-s{i}"),
            "group": "swatches",
        }
        out.append(f"  {nid} {q.attrs(attrs)};")
    fill = {
        "shape": "plaintext",
        "width": width,
        "label": q.label(texts[:1], "l"),
        "id": "legend-fill",
        "group": "swatches",
    }
    out.append(f"  {q.ident(f'{_LEGEND}.fill')} {q.attrs(fill)};")
    chain = [*swatches, q.ident(f"{_LEGEND}.fill")]
    out += _invisible_chain(chain, "legend-row")
    kinds: list[tuple[style.EdgeKind, bool]] = [
        ("supports", False),
        ("attacks", False),
        ("undercuts", False),
        ("premise", False),
        ("premise", True),
        ("evidence", False),
    ]
    for i, ((kind, negated), text) in enumerate(zip(kinds, texts[1:], strict=True)):
        row(i, [text], _edge_attrs(kind, negated=negated))
    if notes:
        row(len(kinds), notes, None)
    # Disconnected rows come out bottom-up under rankdir=LR; a chain of flat
    # invisible edges in rank 0 fixes their order top-down.
    firsts = [swatches[0]] + [q.ident(f"{_LEGEND}.p{i}") for i in range(len(kinds) + bool(notes))]
    out += ["  {", "  rank=same;", *_invisible_chain(firsts, "legend-column"), "  }"]
    out.append("}")
    return "\n".join(out) + "\n"
