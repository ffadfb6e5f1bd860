"""`argmap render MAP -o FILE`: draw the map with its credences (SVG, PNG, PDF, DOT, Mermaid,
or a self-contained HTML explorer page)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from argmap.api import evaluate
from argmap.engine.people import POOLED, evaluate_people, pooled_evaluation
from argmap.engine.result import OVERALL, Evaluation
from argmap.io import write_output
from argmap.maps import publishable
from argmap.options import (
    add_evaluation_options,
    add_people_options,
    add_renderer_option,
    default_band_draws,
    existing_path,
    in_cli_words,
    load_map,
    parse_given,
    parse_set,
    print_warnings,
)
from argmap.progress import working
from argmap.render import graphviz
from argmap.render.dot import drawing, heading_dot, legend_dot, to_dot
from argmap.render.graphviz import Picture, compose, draw, slow_layout, stderr_log
from argmap.render.html import (
    ALL,
    add_number_sources,
    document_patch,
    evaluation_document,
    static_html,
    svg_patch,
)
from argmap.render.mermaid import to_mermaid, too_big
from argmap.render.recolour import recolour
from argmap.render.terminal import sanitize
from argmap.render.view import Direction, View, auto_direction, make_view
from argmap.schema import ArgmapError, ArgumentMap, UsageError
from argmap.schema.people import person_map

FORMATS = ("svg", "png", "pdf", "dot", "mmd", "html")
_EXTENSIONS = {
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mmd",
    ".html": "html",
    ".htm": "html",
}
_BINARY = {"png", "pdf"}


def add_view_options(p: argparse.ArgumentParser) -> None:
    """--focus, --depth, --direction, --renderer, --person, --as, --verbose (shared with
    `argmap report`)."""
    p.add_argument(
        "--focus",
        action="append",
        default=[],
        metavar="ID",
        help="draw only the neighbourhood of this claim, argument or group (repeatable)",
    )
    p.add_argument(
        "--depth",
        type=int,
        default=2,
        metavar="N",
        help="with --focus: how far to draw; claim -> argument -> claim is 2 steps (default 2)",
    )
    p.add_argument(
        "--direction",
        choices=["auto", "LR", "TB"],
        default="auto",
        help="left to right, top to bottom, or whichever fits a page better (default)",
    )
    add_renderer_option(p)
    add_people_options(p)
    p.add_argument("-v", "--verbose", action="store_true", help="say on stderr which renderer ran")


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "render",
        help="draw the map with its credences: svg, png, pdf, dot, mmd (Mermaid) or html",
        description=(
            "Draw the map: claims coloured by credence, arguments as junctions, support, attack "
            "and undercut edges, evidence, and a legend. Every frame is shown side by side "
            "unless --frame picks some. The format comes from the extension of -o or --format; "
            "html is a self-contained page: the picture, claim details on click and a frame switch."
        ),
    )
    p.add_argument("map", type=existing_path, metavar="MAP", help="a .yaml file or a directory")
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write FILE (atomically); `-` or none: stdout"
    )
    p.add_argument(
        "--format", choices=FORMATS, help="svg, png, pdf, dot, mmd or html (default: from -o)"
    )
    add_evaluation_options(p)
    add_view_options(p)
    p.add_argument(
        "--no-people",
        action="store_true",
        help="html: leave the people's numbers out of the page (no person switch)",
    )
    p.set_defaults(run=run)


def output_format(output: str | None, fmt: str | None) -> str:
    """The format asked for by --format, else by the extension of -o."""
    if fmt:
        return fmt
    if output and output != "-":
        ext = Path(output).suffix.lower()
        if ext in _EXTENSIONS:
            return _EXTENSIONS[ext]
        raise UsageError(
            f"cannot tell the format from {output!r}: use --format {{{','.join(FORMATS)}}}"
        )
    raise UsageError("writing to stdout needs --format")


def build_view(args: argparse.Namespace, *, explain: bool = False, band: bool = False) -> View:
    """Load, evaluate and select what to draw, as the shared options ask. The
    percentile band of uncertain parameters (``band``) is for reports: pictures
    do not show it, so they skip its work."""
    # Names and locations relative to the repository: pages get published.
    amap = publishable(load_map(args), args.map)
    ev = in_cli_words(
        evaluate(
            amap,
            given=parse_given(args.given),
            set=parse_set(args.set_),
            frames=args.frame or None,
            explain=explain,
            band_draws=default_band_draws(args.command, amap, args.frame, args.max_memory)
            if band
            else 0,
            max_memory=args.max_memory,
        )
    )
    print_warnings(args.command, ev.warnings)
    return make_view(ev, columns=args.frame or None, focus=args.focus, depth=args.depth)


def nodes(view: View) -> int:
    """The claims and arguments a picture of ``view`` lays out."""
    return len(view.claims) + len(view.arguments)


@contextmanager
def layout_feedback(count: int, prefix: str) -> Iterator[None]:
    """Around a Graphviz layout of ``count`` nodes: a warning naming --focus when it will
    take a while, and a spinner on a terminal once it passes a second."""
    if warning := slow_layout(count):
        print(f"{prefix}: {warning}", file=sys.stderr)
    with working(f"{prefix}: laying out {count:,} claims and arguments"):
        yield


def direction(args: argparse.Namespace, view: View) -> Direction:
    if args.direction in ("LR", "TB"):
        return args.direction  # type: ignore[no-any-return]
    return auto_direction(view)


def _views(args: argparse.Namespace, ev: Evaluation) -> dict[str, View]:
    """The pictures of the page: every column (``""``), and each frame alone."""
    views = {ALL: make_view(ev, columns=args.frame or None, focus=args.focus, depth=args.depth)}
    frames = [c for c in ev.columns if c != OVERALL]
    if len(frames) > 1:
        for name in frames:
            views[name] = make_view(ev, columns=[name], focus=args.focus, depth=args.depth)
    return views


def _people(args: argparse.Namespace, amap: ArgumentMap) -> dict[str, Evaluation]:
    """Each person's evaluation (with the page's what-ifs and frames), then the pooled
    one when there are two or more; a person whose numbers fail is left out, with a
    warning (the page still shows the others)."""
    given, sets = parse_given(args.given), parse_set(args.set_)
    out: dict[str, Evaluation] = {}
    for pid in sorted(amap.people):
        pmap = person_map(amap, pid)
        try:
            out[pid] = in_cli_words(
                evaluate(
                    pmap,
                    given=given,
                    set=sets,
                    frames=args.frame or None,
                    explain=True,
                    band_draws=default_band_draws(args.command, pmap, args.frame, args.max_memory),
                    max_memory=args.max_memory,
                )
            )
        except ArgmapError as exc:
            print(f"argmap render: warning: {pid} is left out of the page: {exc}", file=sys.stderr)
    if len(out) > 1:
        pooled = evaluate_people(
            amap,
            list(out),
            given=given,
            set=sets,
            frames=args.frame or None,
            band_draws=0,
            max_memory=args.max_memory,
        )
        out[POOLED] = pooled_evaluation(pooled)
    return out


def _person_document(amap: ArgumentMap, pid: str, ev: Evaluation) -> dict[str, Any]:
    """The page's document of one person's evaluation, with their numbers' sources."""
    doc = evaluation_document(ev)
    return doc if pid == POOLED else add_number_sources(doc, amap.people[pid])


def html_page(args: argparse.Namespace, view: View, log: Callable[[str], None] | None) -> str:
    """The static explorer page: the picture of every column, and of each frame alone;
    with people (docs/people.md), each person's numbers and pictures as patches of the
    map's own, for the page's person switch."""
    ev = view.ev
    views = _views(args, ev)
    views[ALL] = view
    people = _people(args, ev.map) if ev.map.people and not args.no_people else {}
    shown = (args.as_ or "") if people else ""
    engine = graphviz.layout(args.renderer)  # looked up when called: tests replace it
    if log:
        log(f"layout: {engine.name}")
    svgs: dict[str, str] = {}
    maps: dict[str, str] = {}
    with layout_feedback(sum(nodes(v) for v in views.values()), "argmap render"):
        for key, v in views.items():
            d = drawing(v, rankdir=direction(args, v))
            maps[key] = engine.svg(d.map)
            svgs[key] = compose(engine.svg(d.heading), maps[key], engine.svg(d.legend))
    base_doc = evaluation_document(ev)
    patches: dict[str, dict[str, Any]] = {}
    relaid = 0
    for pid, pev in people.items():
        pictures: dict[str, Any] = {}
        for key, pview in _views(args, pev).items():
            if key not in views:
                continue  # a frame impossible for the map's own numbers
            recoloured = recolour(maps[key], views[key], pview)
            if recoloured is None:  # the person's picture needs its own layout
                relaid += 1
                d = drawing(pview, rankdir=direction(args, pview))
                recoloured = engine.svg(d.map)
            svg = compose(engine.svg(heading_dot(pview)), recoloured, engine.svg(legend_dot(pview)))
            pictures[key] = svg_patch(svgs[key], svg)
        label = "pooled (mean log-odds)" if pid == POOLED else ev.map.people[pid].label
        patches[pid] = {
            "label": label,
            "doc": document_patch(base_doc, _person_document(ev.map, pid, pev)),
            "views": pictures,
        }
    if log:
        log(f"html: {len(svgs)} picture(s) and the explorer script, inlined; no network needed")
        if people:
            log(
                f"html: {len(people)} person view(s) as patches of those pictures "
                f"({relaid} laid out again)"
            )
    return static_html(ev, svgs, patches, shown)


def run(args: argparse.Namespace) -> int:
    fmt = output_format(args.output, args.format)
    to_stdout = args.output in (None, "-")
    if fmt in _BINARY and to_stdout:
        raise UsageError(f"{fmt} output needs -o FILE")
    if fmt == "html" and args.as_ and not args.no_people:
        # The page holds the map's own numbers and every person's; --as picks the one
        # it opens on (its address can pick another).
        own = argparse.Namespace(**{**vars(args), "as_": None})
        view = build_view(own, explain=True, band=True)
        person_map(view.ev.map, args.as_)  # an unknown id: its error, before any layout
    else:
        # The page shows bands on click; pictures do not, so skip their work.
        view = build_view(args, explain=fmt == "html", band=fmt == "html")
    log = stderr_log("argmap render") if args.verbose else None
    rankdir = direction(args, view)
    data: str | bytes
    # A RenderError (no Graphviz, no fonts, a layout that failed) reaches cli.exit_code:
    # exit 1 with its message, as every other error of the input's.
    if fmt == "html":
        data = html_page(args, view, log)
    elif fmt == "dot":
        data = to_dot(view, rankdir=rankdir)
        if log:
            log("dot: the DOT source itself (no layout ran)")
    elif fmt == "mmd":
        data = to_mermaid(view, direction=rankdir)
        if log:
            log("mmd: Mermaid flowchart text (no layout ran)")
        if problem := too_big(data):
            print(f"argmap render: warning: {problem}; draw less with --focus", file=sys.stderr)
    else:
        picture = cast(Picture, fmt)
        with layout_feedback(nodes(view), "argmap render"):
            data = draw(
                drawing(view, rankdir=rankdir),
                picture,
                renderer=args.renderer,
                log=log,
                warn=stderr_log("argmap render"),
            )
    if to_stdout:
        # Text for a terminal (binary formats were refused above): no escape sequence
        # or bidi override from the map reaches it; in a file, each format escapes its own.
        data = sanitize(data if isinstance(data, str) else data.decode("utf-8"))
    write_output(args.output, data)
    if not to_stdout and log:
        log(f"wrote {args.output}")
    return 0
