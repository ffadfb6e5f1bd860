"""A laid-out map picture redrawn for another evaluation of the same map, without layout.

Laying out a 1,000-claim map takes Graphviz seconds; a what-if changes only
colours and numbers. :func:`recolour` takes the map's SVG as laid out for one
view and returns it for another view of the same map: each claim's fill, its
credence badges and its box's border (given claims have a thicker one), and
each argument's strength line. When anything that would move the layout
differs (other nodes or columns, a different number of badges or label lines,
an argument switched on or off, highlights), it returns None and the caller
lays the picture out again.
"""

from __future__ import annotations

import html
import re

from .view import View

_TEXT = re.compile(r"(<text\b[^>]*>)(.*?)(</text>)", re.S)
_SHAPE = re.compile(r"<(path|polygon|polyline)\b[^>]*>")


def _segments(svg: str) -> dict[str, tuple[int, int]]:
    """Node id (``claim-x``, ``argument-y``) -> the span of its group in ``svg``."""
    out: dict[str, tuple[int, int]] = {}
    for m in re.finditer(r'<g id="((?:claim|argument)[^"]*)" class="node">', svg):
        end = svg.find("\n<!--", m.end())
        if end < 0:
            end = svg.find("</svg>", m.end())
        out[html.unescape(m.group(1))] = (m.start(), end)
    return out


def _replace_texts(segment: str, pairs: list[tuple[str, str]]) -> str | None:
    """Each old text (in order) replaced by its new one; None when one is missing."""
    todo = [(old, new) for old, new in pairs if old != new]
    if not todo:
        return segment
    out: list[str] = []
    last = 0
    for m in _TEXT.finditer(segment):
        if todo and html.unescape(m.group(2)) == todo[0][0]:
            out += [segment[last : m.start(2)], html.escape(todo[0][1], quote=False)]
            last = m.end(2)
            todo.pop(0)
    if todo:
        return None
    return "".join(out) + segment[last:]


def _border(segment: str, thick: bool) -> str:
    """The box's border as a given claim has it (stroke-width 2) or not."""

    def one(m: re.Match[str]) -> str:
        tag = m.group(0)
        if 'fill="none"' in tag and m.group(1) != "polyline":
            return tag
        tag = tag.replace(' stroke-width="2"', "")
        if thick:
            tag = re.sub(r'(stroke="[^"]*")', r'\1 stroke-width="2"', tag, count=1)
        return tag

    return _SHAPE.sub(one, segment)


def _drawn_alike(before: View, after: View) -> bool:
    """Whether the two views' maps draw the same texts: the same map, or two people's
    versions of one map (an overlay changes numbers only, but its evidence items and
    a value's marks, such as ``~`` for a range, change what a box says)."""
    a, b = before.ev.map, after.ev.map
    if a is b:
        return True
    if (a.name, a.title, a.source) != (b.name, b.title, b.source):
        return False
    for cid in before.claims:
        ca, cb = a.claims[cid], b.claims[cid]
        if (
            (ca.text, ca.source, ca.notes, ca.label) != (cb.text, cb.source, cb.notes, cb.label)
            or ca.evidence != cb.evidence
            or before.claim_header(cid) != after.claim_header(cid)
        ):
            return False
    for aid in before.arguments:
        xa, xb = a.arguments[aid], b.arguments[aid]
        if (xa.text, xa.source, xa.notes) != (xb.text, xb.source, xb.notes):
            return False
    return True


def recolour(svg: str, before: View, after: View) -> str | None:
    """``svg`` (the map laid out for ``before``) as drawn for ``after``, or None when
    the two views would not share a layout."""
    if (
        before.claims != after.claims
        or before.arguments != after.arguments
        or before.columns != after.columns
        or before.edges != after.edges
        or before.highlight != after.highlight
        or before.truncated != after.truncated
        or not _drawn_alike(before, after)
    ):
        return None
    if any(before.enabled(a) != after.enabled(a) for a in before.arguments):
        return None
    spans = _segments(svg)
    edits: list[tuple[int, int, str]] = []
    for cid in before.claims:
        span = spans.get(f"claim-{cid}")
        old_b, new_b = before.badges(cid), after.badges(cid)
        if span is None or len(old_b) != len(new_b):
            return None
        seg = svg[span[0] : span[1]]
        old_fill, new_fill = before.fill(cid), after.fill(cid)
        if old_fill != new_fill:
            if f'fill="{old_fill}"' not in seg:
                return None
            seg = seg.replace(f'fill="{old_fill}"', f'fill="{new_fill}"', 1)
        replaced = _replace_texts(seg, list(zip(old_b, new_b, strict=True)))
        if replaced is None:
            return None
        seg = replaced
        was, now = cid in before.ev.given, cid in after.ev.given
        if was != now:
            seg = _border(seg, now)
        edits.append((span[0], span[1], seg))
    for aid in before.arguments:
        span = spans.get(f"argument-{aid}")
        old_l, new_l = before.argument_lines(aid), after.argument_lines(aid)
        if span is None or len(old_l) != len(new_l):
            return None
        if old_l != new_l:
            replaced = _replace_texts(svg[span[0] : span[1]], list(zip(old_l, new_l, strict=True)))
            if replaced is None:
                return None
            edits.append((span[0], span[1], replaced))
    out: list[str] = []
    last = 0
    for start, end, seg in sorted(edits):
        out += [svg[last:start], seg]
        last = end
    return "".join(out) + svg[last:]
