"""`argmap sensitivity MAP CLAIM`: every parameter swung alone, largest effect first."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from argmap.engine.sensitivity import Swing, sensitivity
from argmap.formats import Formats
from argmap.io import emit, is_chart, write_chart
from argmap.options import (
    add_evaluation_options,
    add_output_option,
    add_people_options,
    load_map,
    map_and_claim,
    parse_given,
    parse_set,
)
from argmap.render.sensitivity import (
    Units,
    claim_labels,
    evidence_units,
    sensitivity_json,
    sensitivity_markdown,
    sensitivity_text,
    tornado_svg,
)
from argmap.schema import ArgumentMap, UsageError


def positive(text: str) -> int:
    """argparse type: an integer of at least 1."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {n}")
    return n


def add_common(p: argparse.ArgumentParser) -> None:
    """MAP CLAIM, --format, --top and the evaluation options (shared with `cruxes`)."""
    p.add_argument("map", metavar="MAP", help="a .yaml file or a directory")
    p.add_argument("claim", metavar="CLAIM")
    p.add_argument("--format", choices=["text", "md", "json"], default="text")  # both registries
    p.add_argument(
        "--top", type=positive, default=20, metavar="N", help="show the N largest (default 20)"
    )
    add_evaluation_options(p)
    add_people_options(p)


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "sensitivity",
        help="which parameters move a claim most (a tornado table or chart)",
        description=(
            "Swing every parameter alone (base credences, strengths, frame weights, evidence) "
            "and show CLAIM's credence at each end, largest swing first. Default swings: "
            "an uncertain value over its 90%% interval, a point value by +-1 bit of log-odds, "
            "a frame weight from 0 to double, evidence by +-1 bit (docs/analysis.md). "
            "-o FILE.svg, .png or .pdf draws a tornado chart."
        ),
    )
    add_common(p)
    add_output_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    args.map, args.claim = map_and_claim("sensitivity", args.map, args.claim)
    amap = load_map(args)
    given, sets = parse_given(args.given), parse_set(args.set_)
    swings = sensitivity(
        amap,
        args.claim,
        given=given,
        set=sets,
        frames=args.frame or None,
        max_memory=args.max_memory,
    )[: args.top]
    out = args.output or ""
    units = evidence_units(amap)  # evidence as its author wrote it: lr or bits
    if is_chart(out):
        if args.format != "text":
            raise UsageError(f"--format {args.format} does not apply to a chart ({out})")
        text = amap.claims[args.claim].text
        write_chart(out, tornado_svg(args.claim, swings, text=text, units=units))
        return 0
    emit(
        FORMATS.write(args.format, args.claim, amap, swings, given, sets, units),
        args.output,
    )
    return 0


Asked = Mapping[str, object]


def _text(
    claim: str, _map: ArgumentMap, rows: list[Swing], given: Asked, sets: Asked, units: Units
) -> str:
    return sensitivity_text(claim, rows, given=given, sets=sets, units=units)


def _markdown(
    claim: str, _map: ArgumentMap, rows: list[Swing], given: Asked, sets: Asked, units: Units
) -> str:
    return sensitivity_markdown(claim, rows, given=given, sets=sets, units=units)


def _json(
    claim: str, amap: ArgumentMap, rows: list[Swing], given: Asked, sets: Asked, _units: Units
) -> str:
    return sensitivity_json(
        claim, amap.name, rows, given=given, sets=sets, labels=claim_labels(amap)
    )


FORMATS = Formats("text", {"text": _text, "md": _markdown, "json": _json})
