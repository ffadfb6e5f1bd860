"""`argmap export MAP -o FILE`: write a map as Argdown, AIF, a Bayesian network or Squiggle."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any

from argmap.interop import EXPORTERS, export_format, export_map
from argmap.io import emit
from argmap.options import add_output_option, add_people_options, existing_path, load_map
from argmap.render.terminal import sanitize


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "export",
        help="write a map as Argdown, AIF, BIF/XMLBIF/XDSL or Squiggle",
        description=(
            "Write MAP in another tool's format (from the ending of -o, or --format). "
            "Bayesian networks (bif, bifxml, xdsl) reproduce argmap's credences once their "
            "e_ evidence nodes are set to true; docs/interop.md has each mapping table. "
            "--as ID writes one person's numbers (docs/people.md)."
        ),
    )
    p.add_argument("map", type=existing_path, metavar="MAP")
    p.add_argument("--format", choices=sorted(EXPORTERS), help="the format to write")
    p.add_argument(
        "--frame",
        metavar="FRAME",
        help="one frame (bif, bifxml, xdsl, squiggle); the networks default to the weighted mix",
    )
    add_people_options(p)
    add_output_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    fmt = export_format(args.output if args.output != "-" else None, args.format)
    amap = load_map(args)  # with --person overlays; as --as ID sees it when given
    notes: list[str] = []
    if args.as_:
        # the file says whose numbers it holds (its title names the person), as `eval --as`
        amap = replace(amap, title=f"{amap.title or amap.name} (as {args.as_})")
        notes.append(f"the numbers are {args.as_}'s: the map with their overlay applied")
    text, more = export_map(amap, fmt, args.frame)
    notes += more
    emit(text, args.output, data=True)
    for note in notes:
        print(sanitize(f"argmap export: {note}"), file=sys.stderr)
    return 0
