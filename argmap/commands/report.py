"""`argmap report MAP -o report.md`: a Markdown page with diagram, credences, explanations."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from argmap.commands.render import (
    add_view_options,
    build_view,
    direction,
    layout_feedback,
    nodes,
)
from argmap.io import check_output, write_output
from argmap.options import add_evaluation_options, existing_path
from argmap.render.dot import drawing
from argmap.render.graphviz import draw, stderr_log
from argmap.render.mermaid import to_mermaid, too_big
from argmap.render.report import report_markdown
from argmap.render.terminal import sanitize
from argmap.schema import UsageError


def people_section(args: argparse.Namespace) -> str:
    """The report's People section: the people table and each pair's disagreements."""
    from argmap.engine.people import disagree, evaluate_people
    from argmap.options import load_map, parse_given, parse_set
    from argmap.render.people import people_report

    amap = load_map(args)
    given, sets = parse_given(args.given), parse_set(args.set_)
    frames = args.frame or None
    budget = args.max_memory
    pe = evaluate_people(
        amap, given=given, set=sets, frames=frames, band_draws=0, max_memory=budget
    )
    used = {p.claim for a in amap.arguments.values() for p in a.premises}
    conclusions = [
        c
        for c in amap.claims
        if c not in used and c not in given and any(a.target == c for a in amap.arguments.values())
    ][:3]
    ids = list(pe.people)
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]][:3]
    found = [
        disagree(amap, c, a, b, given=given, set=sets, frames=frames, top=5, max_memory=budget)
        for c in conclusions
        for a, b in pairs
    ]
    return people_report(pe, found, given=given, sets=sets)


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "report",
        help="a Markdown report: diagram, credences per frame, explanations, frame weights",
        description=(
            "Write a Markdown report of MAP. The diagram is an SVG written beside the report "
            "(REPORT with the extension .svg) and linked from it, or with --mermaid a Mermaid "
            "flowchart inside the page, which GitHub draws."
        ),
    )
    p.add_argument("map", type=existing_path, metavar="MAP", help="a .yaml file or a directory")
    p.add_argument("-o", "--output", metavar="REPORT", required=True, help="the .md file to write")
    p.add_argument(
        "--mermaid", action="store_true", help="draw the map inline as Mermaid, no SVG file"
    )
    add_evaluation_options(p)
    add_view_options(p)
    p.add_argument(
        "--people",
        action="store_true",
        help=(
            "add a People section: every person's credences and the pooled ones, and where "
            "each pair disagrees on the map's conclusions (docs/people.md)"
        ),
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = Path(args.output)
    if args.output == "-" or report.suffix.lower() != ".md":
        raise UsageError(f"-o {args.output!r}: the report is a Markdown file ending in .md")
    if not args.mermaid:
        check_output(report.with_suffix(".svg"))
    view = build_view(args, explain=True, band=True)
    log = stderr_log("argmap report") if args.verbose else None
    rankdir = direction(args, view)
    claims = view.claims if args.focus else None
    if args.mermaid:
        flowchart = to_mermaid(view, direction=rankdir)
        if problem := too_big(flowchart):
            print(f"argmap report: warning: {problem}; draw less with --focus", file=sys.stderr)
        text = report_markdown(view.ev, mermaid=flowchart, claims=claims)
    else:
        svg = report.with_suffix(".svg")
        # a RenderError reaches cli.exit_code (exit 1), before anything is written
        with layout_feedback(nodes(view), "argmap report"):
            picture = draw(drawing(view, rankdir=rankdir), "svg", renderer=args.renderer, log=log)
        write_output(svg, picture)
        text = report_markdown(view.ev, image=svg.name, claims=claims)
    if args.people:
        if args.as_:
            raise UsageError("--people and --as exclude each other: all people, or one")
        text = text.rstrip("\n") + "\n\n" + people_section(args)
    write_output(report, sanitize(text))
    if log:
        log(f"wrote {report}" + ("" if args.mermaid else f" and {report.with_suffix('.svg')}"))
    return 0
