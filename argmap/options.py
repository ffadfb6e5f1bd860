"""Options shared by the commands that evaluate a map (eval, and later render, diff...)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from argmap._words import cli_words
from argmap.schema import ArgumentMap, UsageError
from argmap.schema.values import parse_truth

if TYPE_CHECKING:  # `check` imports this module and must not load the engine
    from argmap.engine.result import Evaluation


def add_evaluation_options(parser: argparse.ArgumentParser) -> None:
    """--frame, --given, --set: what to compute; --max-memory: how."""
    add_memory_option(parser)
    parser.add_argument(
        "--frame",
        action="append",
        default=[],
        metavar="NAME",
        help="compute only this frame (repeatable); default: every frame",
    )
    parser.add_argument(
        "--given",
        action="append",
        default=[],
        metavar="CLAIM=true|false",
        help="condition on a claim being true or false (repeatable); `--given CLAIM` means true",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        dest="set_",
        metavar="KEY=VALUE",
        help=(
            "what-if override (repeatable): CLAIM=0.7 sets a base credence in every frame, "
            "ARGUMENT.strength=20%%, ARGUMENT.enabled=false, FRAME.weight=2, "
            "CLAIM.evidence=BITS (replaces the claim's total evidence)"
        ),
    )


def add_memory_option(parser: argparse.ArgumentParser, *, unset: bool = False) -> None:
    """--max-memory: the budget of exact inference (past it: sampling, said so).
    With ``unset``, leaving it out gives None (the caller tells the default apart)."""
    # Imported here: `argmap check` uses this module and never loads the engine.
    from argmap.engine.memory import DEFAULT_MAX_MEMORY

    parser.add_argument(
        "--max-memory",
        type=memory_size,
        default=None if unset else DEFAULT_MAX_MEMORY,
        metavar="SIZE",
        help=(
            "memory exact inference may use, e.g. 4GB or 512MB (default 1GB); a map "
            "that needs more is sampled, with a warning saying so"
        ),
    )


def memory_size(text: str) -> int:
    """argparse type: ``4GB`` -> 4000000000 (a bad size is a usage error, exit 2)."""
    from argmap.engine.memory import parse_memory

    try:
        return parse_memory(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """argparse type: an integer from ``low`` to ``high``, else a usage error (exit 2)
    saying the range (a 20-digit --samples would otherwise overflow numpy)."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip().replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:,} to {high:,}, not {text}")
        return value

    return parse


def default_band_draws(command: str, amap: ArgumentMap, frames: Sequence[str], budget: int) -> int:
    """1,000 band draws, or as many as the memory budget holds for this map (said
    on stderr): a default must not turn a large map into an error."""
    # Imported here: `argmap check` uses this module and never loads the engine.
    from argmap.engine.uncertain import default_draws

    columns = (len(frames) or len(amap.frames) or 1) + 1
    draws, warning = default_draws(budget, len(amap.claims), columns, amap.uncertain)
    if warning:
        print_warnings(command, [warning])
    return draws


def in_cli_words(ev: Evaluation) -> Evaluation:
    """The evaluation with its warnings in the command line's words (``--max-memory``
    for ``max_memory=``), for the tables, reports and JSON the command line writes."""
    if not ev.warnings:
        return ev
    return replace(ev, warnings=[cli_words(w) for w in ev.warnings])


def print_warnings(command: str, warnings: Sequence[str]) -> None:
    """An evaluation's warnings on stderr: a CSV or a picture has no room for them,
    and a text table may go to a file nobody reads right away."""
    for warning in warnings:
        print(f"argmap {command}: warning: {cli_words(warning)}", file=sys.stderr)


def add_renderer_option(parser: argparse.ArgumentParser) -> None:
    """--renderer: which Graphviz lays a picture out (render, report, serve)."""
    parser.add_argument(
        "--renderer",
        choices=["auto", "system", "wasm"],
        default="auto",
        help="layout by the system Graphviz `dot`, its WebAssembly build, or either (default)",
    )


def add_output_option(parser: argparse.ArgumentParser, what: str = "FILE") -> None:
    """-o/--output: a file written atomically; none (or `-`) means stdout."""
    parser.add_argument(
        "-o", "--output", metavar=what, help=f"write {what} (atomically) instead of stdout"
    )


def parse_given(items: Sequence[str]) -> dict[str, bool]:
    """``["a=true", "b=no", "c"]`` -> ``{"a": True, "b": False, "c": True}``."""
    given: dict[str, bool] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not key:
            raise UsageError(f"--given {item!r}: expected CLAIM=true or CLAIM=false")
        truth = parse_truth(value) if sep else True
        if truth is None:
            raise UsageError(f"--given {item!r}: the value must be true or false, not {value!r}")
        if key in given and given[key] != truth:
            raise UsageError(f"--given {key} is both true and false")
        given[key] = truth
    return given


def parse_set(items: Sequence[str]) -> dict[str, object]:
    """``["a=0.7", "arg.strength=20%"]`` -> ``{"a": "0.7", "arg.strength": "20%"}``.

    Values stay text: the engine parses them with the map's own value syntax,
    so ``--set x=1:2^100`` means exactly what it means in YAML.
    """
    overrides: dict[str, object] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--set {item!r}: expected KEY=VALUE, e.g. --set my-claim=70%")
        overrides[key.strip()] = value.strip()
    return overrides


def map_and_claim(command: str, first: str, second: str) -> tuple[Path, str]:
    """MAP CLAIM, the order of every command. The old order CLAIM MAP is still
    understood when it is unambiguous (only the second word is an existing path),
    with a note saying the new order; otherwise a missing MAP is a usage error."""
    a, b = Path(first), Path(second)
    if a.exists():
        return a, second
    if b.exists():
        print(
            f"argmap {command}: note: the map comes first; "
            f"did you mean `argmap {command} {second} {first}`?",
            file=sys.stderr,
        )
        return b, first
    raise UsageError(f"no such file or directory: {first} (usage: argmap {command} MAP CLAIM)")


def existing_path(text: str) -> Path:
    """argparse type: a path that exists (a missing map is a usage error, exit 2)."""
    path = Path(text)
    # lexists: a dangling symbolic link is the reader's located problem, not "no such file".
    if not os.path.lexists(path):
        raise argparse.ArgumentTypeError(f"no such file or directory: {text}")
    return path


UNLIMITED = 100_000  # a table's width when nothing limits it: nothing is cut


def table_width(output: str | None) -> tuple[int, bool]:
    """The width of a text table and whether it goes to a terminal (for colour).

    To a terminal: its width (``COLUMNS`` when set, as the shell exports it). Anywhere
    else (a pipe, a file): ``COLUMNS`` when set, otherwise no limit, so that text is
    never cut short in a file or by ``less -S``.
    """
    to_terminal = output in (None, "-") and sys.stdout.isatty()
    if to_terminal:
        return shutil.get_terminal_size((100, 24)).columns, True
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns), False
    return UNLIMITED, False


def add_people_options(parser: argparse.ArgumentParser, *, as_person: bool = True) -> None:
    """--person FILE (overlays beyond the map's own) and, with ``as_person``, --as ID."""
    parser.add_argument(
        "--person",
        action="append",
        default=[],
        metavar="FILE",
        help=(
            "a person overlay (a file with `person: ID`) to add to the map's own "
            "(repeatable; docs/people.md)"
        ),
    )
    if as_person:
        parser.add_argument(
            "--as",
            dest="as_",
            metavar="ID",
            help="use that person's numbers: the map with their overlay applied",
        )


def load_map(args: argparse.Namespace) -> ArgumentMap:
    """The map at ``args.map`` with ``--person`` overlays, seen as ``--as`` when given."""
    from argmap.schema.loader import load
    from argmap.schema.people import person_map

    amap = load(args.map, people=getattr(args, "person", []) or [])
    pid = getattr(args, "as_", None)
    return person_map(amap, pid) if pid else amap
