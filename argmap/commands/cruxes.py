"""`argmap cruxes MAP CLAIM`: which claims, once learned, would move CLAIM most."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from argmap.engine.sensitivity import Crux, cruxes
from argmap.formats import Formats
from argmap.io import emit
from argmap.options import add_output_option, load_map, map_and_claim, parse_given, parse_set
from argmap.render.sensitivity import claim_labels, cruxes_json, cruxes_markdown, cruxes_text
from argmap.schema import ArgumentMap

from .sensitivity import add_common


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "cruxes",
        help="which claims would move a claim most if learned",
        description=(
            "For every other claim X: P(X), CLAIM's credence given X and given not X, and the "
            "expected absolute change in CLAIM from learning whether X, largest first "
            "(docs/analysis.md)."
        ),
    )
    add_common(p)
    add_output_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    args.map, args.claim = map_and_claim("cruxes", args.map, args.claim)
    amap = load_map(args)
    given, sets = parse_given(args.given), parse_set(args.set_)
    found = cruxes(
        amap,
        args.claim,
        given=given,
        set=sets,
        frames=args.frame or None,
        max_memory=args.max_memory,
    )[: args.top]
    emit(FORMATS.write(args.format, args.claim, amap, found, given, sets), args.output)
    return 0


Asked = Mapping[str, object]


def _text(claim: str, _map: ArgumentMap, rows: list[Crux], given: Asked, sets: Asked) -> str:
    return cruxes_text(claim, rows, given=given, sets=sets)


def _markdown(claim: str, _map: ArgumentMap, rows: list[Crux], given: Asked, sets: Asked) -> str:
    return cruxes_markdown(claim, rows, given=given, sets=sets)


def _json(claim: str, amap: ArgumentMap, rows: list[Crux], given: Asked, sets: Asked) -> str:
    return cruxes_json(claim, amap.name, rows, given=given, sets=sets, labels=claim_labels(amap))


FORMATS = Formats("text", {"text": _text, "md": _markdown, "json": _json})
