"""`argmap check PATH...`: validate maps and report every problem, located."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import Any

from argmap._words import cli_words
from argmap.io import emit
from argmap.options import existing_path
from argmap.render.problems import (
    MapSummary,
    problems_github,
    problems_json,
    problems_text,
    summary_text,
)
from argmap.render.terminal import sanitize
from argmap.schema import MapError, Problem
from argmap.schema.loader import load


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "check",
        help="validate maps; report every problem as path:line:col: message",
        description=(
            "Validate each PATH (a .yaml file or a directory of them, which is one map). "
            "Exit 0 when all are valid, 1 when any has problems."
        ),
    )
    p.add_argument("paths", nargs="+", type=existing_path, metavar="PATH")
    p.add_argument(
        "--format",
        choices=["text", "json", "github"],
        default="text",
        help="text (problems on stderr), json (stdout), or github workflow annotations (stdout)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    maps: list[MapSummary] = []
    for path in args.paths:
        try:
            amap = load(path)
        except MapError as exc:
            problems.extend(exc.problems)
            continue
        maps.append(
            MapSummary(
                str(path),
                len(amap.claims),
                len(amap.arguments),
                len(amap.frames),
                len(amap.groups),
            )
        )
    # in the command line's words: "which a --set key reads as", not "set= key"
    problems = sorted(replace(p, message=cli_words(p.message)) for p in problems)
    if args.format == "json":
        emit(problems_json(problems, maps), None)
    elif args.format == "github":
        emit(problems_github(problems), None)
        if problems:
            print(f"{len(problems)} problem(s)", file=sys.stderr)
    else:
        sys.stderr.write(sanitize(problems_text(problems)))
        emit(summary_text(maps), None)
        if problems:
            print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0
