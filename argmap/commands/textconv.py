"""`argmap textconv FILE`: the YAML followed by its claims' credences, for `git diff`.

``argmap textconv --install`` sets it up in the current repository: the git config
``diff.argmap.textconv`` with an absolute path to this argmap (so ``git diff`` works
without a virtual environment on PATH), and ``arguments/**/*.yaml diff=argmap`` in
the repository's own ``info/attributes``; it prints what it wrote. ``--install
--max-memory 4GB`` writes that budget into the command git runs (every map git
shows is then evaluated within it; past it, sampled, and the comment block says so). It must never
break ``git diff``: whatever happens, it prints the file and exits 0. YAML that is
not an argmap map (no top-level ``argmap:`` key) passes through unchanged, silently.

git hands older versions over as temporary files, alone: a file of a directory map
is then evaluated with the rest of its map taken from the working tree (the one
directory under ``arguments/`` with a file of that name), or says once why not.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from argmap._words import cli_words
from argmap.api import evaluate, load
from argmap.engine.memory import DEFAULT_MAX_MEMORY
from argmap.engine.result import Evaluation
from argmap.maps import DEFAULT_ROOT, EXAMPLES, PEOPLE_SUFFIX
from argmap.options import add_memory_option
from argmap.render.fmt import percent
from argmap.schema import ArgmapError, MapError
from argmap.schema.loader import YAML_SUFFIXES, load_blobs
from argmap.schema.people import apply_person
from argmap.schema.reading import Unreadable, read_map_file

MAX_SIBLINGS = 200  # a directory this large is not one map's siblings
ATTRIBUTES = f"{DEFAULT_ROOT}/**/*.yaml diff=argmap"
# A map file has a top-level `argmap:` key; anything else is some other YAML.
_IS_MAP = re.compile(rb"^argmap[ \t]*:", re.M)


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "textconv",
        help="print a map file followed by its claims' credences (a git diff textconv)",
        description=(
            "Print FILE, then a comment block with the evaluated credence of each of its claims: "
            "git diff then shows credence changes beside the YAML changes. Always exits 0. "
            "--install sets this up in the current repository and prints what it wrote."
        ),
    )
    p.add_argument("file", metavar="FILE", nargs="?")
    p.add_argument(
        "--install",
        action="store_true",
        help=(
            "write the git config and attributes for this repository, with this argmap's path "
            "(and --max-memory, when given, in the command git runs)"
        ),
    )
    add_memory_option(p, unset=True)
    p.set_defaults(run=run)


def _command(max_memory: int | None = None) -> str:
    """How git should run this argmap: absolute paths, quoted for the shell git uses,
    and the memory budget when one was given."""
    script = Path(sys.argv[0])
    if script.name == "argmap" and script.is_file():
        command = f"{shlex.quote(str(script.resolve()))} textconv"
    else:
        command = f"{shlex.quote(str(Path(sys.executable).resolve()))} -m argmap textconv"
    if max_memory is not None:
        command += f" --max-memory {size_text(max_memory)}"
    return command


def size_text(n: int) -> str:
    """A budget as the shortest exact words --max-memory reads back.

    >>> size_text(4_000_000_000), size_text(512_000_000), size_text(2**30)
    ('4GB', '512MB', '1073741824')
    """
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6)):
        if n % size == 0:
            return f"{n // size}{unit}"
    return str(n)


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        from argmap.schema import UsageError

        raise UsageError(
            done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "git failed"
        )
    return done.stdout.strip()


def install(max_memory: int | None = None) -> int:
    """Write ``diff.argmap.textconv`` and the attributes line; print both."""
    command = _command(max_memory)
    _git("config", "diff.argmap.textconv", command)
    print(f"git config diff.argmap.textconv {shlex.quote(command)}")
    attributes = Path(_git("rev-parse", "--git-path", "info/attributes"))
    attributes.parent.mkdir(parents=True, exist_ok=True)
    have = attributes.read_text(encoding="utf-8") if attributes.is_file() else ""
    if ATTRIBUTES not in have.splitlines():
        with attributes.open("a", encoding="utf-8") as fh:
            fh.write(("" if not have or have.endswith("\n") else "\n") + ATTRIBUTES + "\n")
        print(f"added to {attributes}: {ATTRIBUTES}")
    else:
        print(f"already in {attributes}: {ATTRIBUTES}")
    print(
        "to share it with everyone who clones the repository, add that line to .gitattributes "
        "(each of them runs argmap textconv --install once)"
    )
    return 0


def _is_temporary(path: Path) -> bool:
    """Whether git made ``path`` for a version that is not in the working tree: git 2.37+
    writes TMP/git-blob-XXXXXX/NAME, older versions TMP/XXXXXX_NAME."""
    tmp = Path(tempfile.gettempdir()).resolve()
    parent = path.resolve().parent
    return parent == tmp or (parent.parent == tmp and parent.name.startswith("git-blob-"))


def _real_name(path: Path) -> str:
    """The file's own name, without the prefix of an old-style temporary copy."""
    if path.resolve().parent == Path(tempfile.gettempdir()).resolve():
        return path.name.split("_", 1)[-1]
    return path.name


def _siblings(path: Path) -> tuple[str, str, list[tuple[str, bytes]]] | str:
    """(the map's name, this file's name in it, its files from the working tree; this
    one's content left empty), or why there are none."""
    if _is_temporary(path):
        # The map is the one directory under arguments/ with a file of that name.
        name = _real_name(path)
        root = Path(DEFAULT_ROOT)
        found = (
            sorted(
                d for d in root.glob(f"**/{name}") if d.parent != root and d.parent.name != EXAMPLES
            )
            if root.is_dir()
            else []
        )
        dirs = sorted({Path(d.relative_to(root).parts[0]) for d in found})
        if len(dirs) != 1:
            how = "none" if not dirs else f"{len(dirs)}"
            return (
                f"git gave this older version alone, and {how} map directories under "
                f"{DEFAULT_ROOT}/ have a file {name} to take the rest of the map from"
            )
        directory = root / dirs[0]
        own = next(f for f in found if f.relative_to(root).parts[0] == dirs[0].name)
    else:
        directory, own = path.parent, path
    files = sorted(
        f
        for f in directory.rglob("*")
        if f.name.endswith(YAML_SUFFIXES)
        and not any(p.startswith(".") for p in f.relative_to(directory).parts)
    )
    if len(files) > MAX_SIBLINGS:
        return f"{directory} has more than {MAX_SIBLINGS} YAML files: not one map"
    out: list[tuple[str, bytes]] = []
    for f in files:
        if f.resolve() == own.resolve():
            out.append((os.fspath(own), b""))  # stands for the file being shown
            continue
        raw = read_map_file(f, directory)
        if isinstance(raw, Unreadable):
            return f"{f}: {raw.message}"
        out.append((os.fspath(f), raw))
    return os.fspath(directory), os.fspath(own), out


class _Alone(Exception):
    """The file is not a map by itself, and the rest of its map is not to be had."""

    def __init__(self, error: MapError, why: str) -> None:
        super().__init__(why)
        self.error, self.why = error, why


def _evaluate(
    path: Path, raw: bytes, max_memory: int = DEFAULT_MAX_MEMORY
) -> tuple[Evaluation, str]:
    """The evaluation of the file alone, else with the rest of its map; and its name there,
    each within the memory budget ``max_memory``.

    A person overlay in ``NAME.people/`` is evaluated as that person sees ``NAME.yaml``."""
    if path.parent.name.endswith(PEOPLE_SUFFIX):
        stem = path.parent.name.removesuffix(PEOPLE_SUFFIX)
        for suffix in YAML_SUFFIXES:
            beside = path.parent.with_name(stem + suffix)
            if beside.is_file():
                amap = load(beside)
                for person in amap.people.values():
                    if Path(person.path).resolve() == path.resolve():
                        ev = evaluate(
                            apply_person(amap, person), band_draws=0, max_memory=max_memory
                        )
                        return ev, os.fspath(beside)
    name = _real_name(path) if _is_temporary(path) else os.fspath(path)
    try:
        return evaluate(load_blobs(name, [(name, raw)]), band_draws=0, max_memory=max_memory), name
    except MapError as alone:
        rest = _siblings(path)
        if isinstance(rest, str):
            raise _Alone(alone, rest) from None
        directory, own, files = rest
        data = [(n, raw if n == own else b) for n, b in files]
        return evaluate(load_blobs(directory, data), band_draws=0, max_memory=max_memory), own


def credence_lines(ev: Evaluation, name: str) -> list[str]:
    """``# argmap: id  62.00%  (f 61.00%, g 63.00%)`` for each claim of the file ``name``."""
    cols = ev.columns
    headline = "overall" if "overall" in cols else cols[0] if cols else None
    lines = []
    for cid, res in ev.claims.items():
        loc = ev.map.locations.get(("claims", cid))
        if loc is not None and loc.path != name:
            continue
        value = percent(res.credence[headline]) if headline in res.credence else "n/a"
        line = f"# argmap: {cid}  {value}"
        others = [c for c in cols if c != headline and c in res.credence]
        if others:
            line += "  (" + ", ".join(f"{c} {percent(res.credence[c])}" for c in others) + ")"
        lines.append(line)
    return lines


def _first_problem(exc: ArgmapError) -> str:
    """The first problem without its file's path (a temporary path would change each run)."""
    if isinstance(exc, MapError) and exc.problems:
        p = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        return f"{p.location.line}:{p.location.col}: {p.message}{more}"
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__


def run(args: argparse.Namespace) -> int:
    if args.install:
        return install(args.max_memory)
    if args.file is None:
        print("argmap textconv: give a FILE, or --install", file=sys.stderr)
        return 2
    path = Path(args.file)
    raw = read_map_file(path, path.parent)
    if isinstance(raw, Unreadable):
        print(f"# argmap: cannot read {path.name}: {raw.message}")
        return 0
    out = sys.stdout.buffer
    out.write(raw)
    if raw and not raw.endswith(b"\n"):
        out.write(b"\n")
    if not _IS_MAP.search(raw):
        out.flush()
        return 0  # some other YAML: shown as it is
    try:
        ev, name = _evaluate(path, raw, args.max_memory or DEFAULT_MAX_MEMORY)
        lines = ["", "# argmap: credences as evaluated (argmap textconv)"]
        # said in the diff itself: sampled numbers are estimates, not the exact ones
        lines += [f"# argmap: warning: {cli_words(w)}" for w in ev.warnings]
        lines += credence_lines(ev, name)
    except _Alone as exc:
        lines = ["", f"# argmap: not evaluated: {_first_problem(exc.error)}; {exc.why}"]
    except ArgmapError as exc:
        lines = ["", f"# argmap: not evaluated ({_first_problem(exc)})"]
    except Exception as exc:  # never break git diff, whatever goes wrong
        lines = ["", f"# argmap: not evaluated (internal error: {type(exc).__name__})"]
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    out.flush()
    return 0
