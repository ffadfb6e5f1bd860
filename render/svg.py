"""Small helpers shared by the hand-written SVG charts (history, tornado)."""

from __future__ import annotations

import re

# Okabe-Ito: colour-blind safe, as the diagrams' edges.
COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml(s: str) -> str:
    """``s`` escaped for SVG text and attribute values; characters XML forbids dropped."""
    s = _NOT_XML.sub("", s)
    return (
        s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def svg_open(w: int, h: int, title: str, *, x: int) -> list[str]:
    """The opening of a chart: the root element, a white background and a bold title."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" font-family="Helvetica, Arial, sans-serif" font-size="11">',
        f'<rect width="{w}" height="{h}" fill="#ffffff"/>',
        f'<text x="{x}" y="22" font-size="14" font-weight="bold">{xml(title)}</text>',
    ]
