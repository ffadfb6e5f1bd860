"""The command line: a parser with one subcommand per module in argmap.commands.

Each command module has ``add_parser(subparsers)`` and ``run(args) -> int``.
Only the module of the command being run is imported (the others appear in
``argmap --help`` through the one-line help below), so ``argmap check`` never
loads the engine or the renderers. This module only dispatches and turns
exceptions into exit codes, in one place (:func:`exit_code`): 0 success,
1 the input has problems, 2 usage error, 3 a bug in argmap.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from argmap import __version__
from argmap._exceptions import ArgmapError, MapError, UsageError
from argmap._words import cli_words
from argmap.io import check_output
from argmap.render.terminal import sanitize

# command -> its one-line help, in the order of `argmap --help`; its module is
# argmap.commands.<command> (or MODULES' name). Each help must be the module's own
# (tests/test_api.py checks): to add a command, add its module and a line here.
COMMANDS: dict[str, str] = {
    "check": "validate maps; report every problem as path:line:col: message",
    "eval": "compute every claim's credence, per frame",
    "render": "draw the map with its credences: svg, png, pdf, dot, mmd (Mermaid) or html",
    "report": "a Markdown report: diagram, credences per frame, explanations, frame weights",
    "serve": "a live explorer in the browser: redrawn on save, with what-if controls",
    "diff": "how claims' credences moved between two git revisions, and why",
    "history": "a claim's credence at every commit that touched its map",
    "sensitivity": "which parameters move a claim most (a tornado table or chart)",
    "cruxes": "which claims would move a claim most if learned",
    "disagree": "where two people's credences in a claim part ways, and their double cruxes",
    "schema": "print the JSON Schema of the map format",
    "textconv": "print a map file followed by its claims' credences (a git diff textconv)",
    "import": "read an Argdown, AIF or Kialo file into a map",
    "export": "write a map as Argdown, AIF, BIF/XMLBIF/XDSL or Squiggle",
}
# where a module's name is not the command's (`import` is a Python keyword)
MODULES = {"import": "importing"}

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


def _chosen(argv: Sequence[str]) -> str | None:
    """The listed command named in ``argv`` (its first word that is not an option);
    None for help, no command, or a command COMMANDS does not list."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; the command named in ``argv`` (every command when None) in full."""
    parser = argparse.ArgumentParser(
        prog="argmap",
        description="Argument maps as YAML: check, evaluate, render and diff them.",
    )
    parser.add_argument("--version", action="version", version=f"argmap {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = _chosen(argv) if argv is not None else None
    for name, summary in COMMANDS.items():
        if argv is None or name == chosen:
            module = MODULES.get(name, name)
            importlib.import_module(f"argmap.commands.{module}").add_parser(sub)
        else:
            sub.add_parser(name, help=summary)
    if chosen is None:
        # A command module not (yet) listed above still works: it is imported when
        # no listed command was asked for (help, or its own name).
        for module in _unlisted():
            importlib.import_module(f"argmap.commands.{module}").add_parser(sub)
    return parser


def _unlisted() -> list[str]:
    """Modules of argmap/commands/ that COMMANDS does not list (found without importing)."""
    listed = {MODULES.get(name, name) for name in COMMANDS}
    here = Path(__file__).resolve().parent / "commands"
    found = sorted(p.stem for p in here.glob("*.py") if not p.stem.startswith("_"))
    return [m for m in found if m not in listed]


def cli_message(exc: UsageError) -> str:
    """The library's message in the command line's words: ``set x: ...`` -> ``--set x: ...``,
    ``max_memory=`` -> ``--max-memory`` (:mod:`argmap._words`)."""
    text = cli_words(str(exc))
    option = exc.option
    if option is None:
        return text
    if text.startswith((f"{option} ", f"{option}:")):
        return f"--{text}"
    return f"{text} (--{option})"


def exit_code(command: str, exc: BaseException) -> int:
    """Report ``exc`` on stderr as the command line does; the exit code it maps to.
    Messages quote map content (keys, values, ids): sanitised, as every text output."""
    if isinstance(exc, MapError):
        for problem in exc.problems:
            print(sanitize(cli_words(str(problem))), file=sys.stderr)
        return EXIT_PROBLEMS
    if isinstance(exc, UsageError):
        print(sanitize(f"argmap {command}: error: {cli_message(exc)}"), file=sys.stderr)
        return EXIT_USAGE
    if isinstance(exc, ArgmapError):  # EvaluationError, RenderError, OutputError: the input's
        print(sanitize(f"argmap {command}: {cli_words(str(exc))}"), file=sys.stderr)
        return EXIT_PROBLEMS
    if isinstance(exc, KeyboardInterrupt):
        return 130
    if isinstance(exc, BrokenPipeError):
        # `argmap eval ... | head`: the reader left; that is not an error.
        sys.stderr.close()
        return EXIT_OK
    print(
        sanitize(
            f"argmap {command}: internal error (a bug in argmap, please report it): "
            f"{type(exc).__name__}: {exc}"
        ),
        file=sys.stderr,
    )
    if os.environ.get("ARGMAP_DEBUG"):
        traceback.print_exception(exc)
    else:
        print("set ARGMAP_DEBUG=1 to see the traceback", file=sys.stderr)
    return EXIT_BUG


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    args = parser.parse_args(args_list)  # exits 2 on a usage error, as argparse does
    if args.command != "serve" and argv is None:
        # A command is one short process: Python's cyclic collector would spend a third
        # of a 10,000-claim evaluation rescanning the loaded map, to free nothing.
        gc.disable()
    try:
        # Before any work: a run must not compute for minutes and then fail to write.
        check_output(getattr(args, "output", None))
        code: int = args.run(args)
        return code
    except (Exception, KeyboardInterrupt) as exc:
        return exit_code(args.command, exc)
