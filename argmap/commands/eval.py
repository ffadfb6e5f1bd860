"""`argmap eval MAP`: every claim's credence, per frame."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from typing import Any

from argmap.api import evaluate
from argmap.engine.evaluate import MAX_SAMPLES, MAX_SEED
from argmap.engine.people import PeopleEvaluation, evaluate_people
from argmap.engine.result import Evaluation
from argmap.formats import Formats
from argmap.io import emit
from argmap.options import (
    add_evaluation_options,
    add_output_option,
    add_people_options,
    bounded_int,
    default_band_draws,
    existing_path,
    in_cli_words,
    load_map,
    parse_given,
    parse_set,
    print_warnings,
    table_width,
)
from argmap.progress import progress_bar
from argmap.render.csvout import to_csv
from argmap.render.jsonout import to_json
from argmap.render.markdown import eval_markdown
from argmap.render.people import people_csv, people_json, people_markdown, people_table
from argmap.render.text import eval_table
from argmap.schema import UsageError
from argmap.schema.suggest import did_you_mean


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "eval",
        help="compute every claim's credence, per frame",
        description=(
            "Compute every claim's credence (docs/semantics.md), one column per frame: "
            "exactly, or by Monte Carlo sampling with standard errors."
        ),
    )
    p.add_argument("map", type=existing_path, metavar="MAP", help="a .yaml file or a directory")
    FORMATS.add_option(p)
    add_evaluation_options(p)
    p.add_argument(
        "--claim",
        action="append",
        default=[],
        metavar="ID",
        help="show only this claim (repeatable); the whole map is still evaluated",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help=(
            "for each claim, what each argument touching it contributes "
            "(with --claim, only for those claims, which is far cheaper on a large map)"
        ),
    )
    p.add_argument(
        "--method",
        choices=["auto", "exact", "sampled"],
        default="auto",
        help=(
            "exact inference, Monte Carlo sampling (each credence with its standard error), "
            "or exact unless it needs more than --max-memory, said on stderr and in the "
            "output (default)"
        ),
    )
    p.add_argument(
        "--samples",
        type=bounded_int(0, MAX_SAMPLES),
        default=None,
        metavar="N",
        help=(
            "Monte Carlo draws: for exact inference, the parameter draws behind the "
            "5th-95th percentile band of uncertain values (default 1000, 0 skips the band); "
            "when sampling, the samples per frame (default 100000)"
        ),
    )
    p.add_argument(
        "--seed",
        type=bounded_int(0, MAX_SEED),
        default=0,
        help="random seed of those draws (default 0)",
    )
    add_people_options(p)
    p.add_argument(
        "--people",
        action="store_true",
        help=(
            "a column per person (the map's overlays and --person files) and a pooled "
            "column (mean of log-odds), per frame and overall"
        ),
    )
    add_output_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.samples is not None and args.samples < 0:
        raise UsageError("--samples must be 0 or more")
    if args.method == "sampled" and args.samples is not None and args.samples < 2:
        raise UsageError("--method sampled needs --samples 2 or more")
    if args.people and args.as_:
        raise UsageError("--people and --as exclude each other: all people, or one")
    amap = load_map(args)
    for cid in args.claim:
        if cid not in amap.claims:
            raise UsageError(
                f"--claim: no claim '{cid}' in {amap.name}{did_you_mean(cid, amap.claims)}"
            )
    options: dict[str, Any] = {
        "given": parse_given(args.given),
        "set": parse_set(args.set_),
        "frames": args.frame or None,
        "explain": args.explain,
        "method": args.method,
        "max_memory": args.max_memory,
        "samples": args.samples if args.samples else 100_000,
        "band_draws": (
            default_band_draws(args.command, amap, args.frame, args.max_memory)
            if args.samples is None
            else args.samples
        ),
        "seed": args.seed,
    }
    if args.people:
        return _people(args, amap, options)
    if args.explain and args.claim:
        # only the rows shown are explained: the arguments touching them, not every one
        options["explain"] = list(args.claim)
    with progress_bar("Monte Carlo") as progress:
        ev = in_cli_words(evaluate(amap, progress=progress, **options))
    print_warnings("eval", ev.warnings)
    if args.as_ and args.format in ("text", "md"):
        person = f"{args.as_}"
        ev = replace(ev, map=replace(ev.map, title=f"{ev.map.title or ev.map.name} (as {person})"))
    text = FORMATS.write(args.format, ev, args.claim or None, args.output)
    if args.as_ and args.format == "json":
        # the same document, saying whose numbers these are
        text = text.replace('{\n  "map"', f'{{\n  "person": {json.dumps(args.as_)},\n  "map"', 1)
    # a table for a terminal carries colour codes (emit keeps them there only)
    styled = args.format == "text" and _coloured(args.output)
    emit(text, args.output, styled=styled)
    return 0


def _people(args: argparse.Namespace, amap: Any, options: dict[str, Any]) -> int:
    """`eval --people`: every person's credences and the pooled ones."""
    with progress_bar("Monte Carlo") as progress:
        pe = evaluate_people(amap, progress=progress, **options)
    for ev in pe.people.values():
        print_warnings("eval", ev.warnings)
    text = PEOPLE_FORMATS.write(args.format, pe, args.claim or None, args.output)
    emit(text, args.output, styled=args.format == "text" and _coloured(args.output))
    return 0


def _coloured(output: str | None) -> bool:
    return output in (None, "-") and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _width(output: str | None) -> int:
    return table_width(output)[0]


def _table(ev: Evaluation, claims: list[str] | None, output: str | None) -> str:
    return eval_table(ev, claims, width=_width(output), color=_coloured(output))


def _json(ev: Evaluation, claims: list[str] | None, _output: str | None) -> str:
    return to_json(ev, claims)


def _csv(ev: Evaluation, claims: list[str] | None, _output: str | None) -> str:
    return to_csv(ev, claims)


def _markdown(ev: Evaluation, claims: list[str] | None, _output: str | None) -> str:
    return eval_markdown(ev, claims)


FORMATS = Formats("text", {"text": _table, "md": _markdown, "json": _json, "csv": _csv})


def _people_table(pe: PeopleEvaluation, claims: list[str] | None, output: str | None) -> str:
    width, to_terminal = table_width(output)
    # a people table fits 100 columns off a terminal, as before
    width = width if to_terminal else min(width, 100)
    return people_table(pe, claims, width=width, color=_coloured(output))


def _people_json(pe: PeopleEvaluation, claims: list[str] | None, _output: str | None) -> str:
    return people_json(pe, claims)


def _people_csv(pe: PeopleEvaluation, claims: list[str] | None, _output: str | None) -> str:
    return people_csv(pe, claims)


def _people_markdown(pe: PeopleEvaluation, claims: list[str] | None, _output: str | None) -> str:
    return people_markdown(pe, claims)


# `eval --people`: the same formats, a column per person and the pooled one
PEOPLE_FORMATS = Formats(
    "text",
    {"text": _people_table, "md": _people_markdown, "json": _people_json, "csv": _people_csv},
)
