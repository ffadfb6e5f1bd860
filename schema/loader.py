"""Loading maps: YAML files and directories in, a validated and located ArgumentMap out.

A map is one YAML file, or a directory of ``.yaml``/``.yml`` files read
recursively in sorted order (hidden files and directories skipped). Ids are
unique across the whole map and references work across files. Every file
needs ``argmap: 1``; the map's ``title`` and its ``source`` each come from the
first file, in sorted order, that sets it (a file's ``text`` is not merged).

Files whose top level has ``person:`` are person overlays (:mod:`.people`):
they are checked against the map and kept in ``ArgumentMap.people``, not
merged into it. ``load(path, people=[...])`` adds overlays from other files.

Every problem a user can cause is collected and raised together as one
:class:`MapError`; a path that does not exist is a :class:`UsageError`.
Anything else (a bug) propagates unchanged.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from .checks import check_map, collect
from .errors import MapError, Problem, UsageError
from .models import ArgumentMap, Location, YamlPath
from .people import Person, is_overlay, parse_person
from .reading import Unreadable, read_map_file, root_problem
from .source import Source, decode
from .validate import SECTIONS, FileNodes, validate_source
from .yamlsrc import parse_yaml

__all__ = [
    "YAML_SUFFIXES",
    "check_paths",
    "from_data",
    "load",
    "load_blobs",
    "load_blobs_people",
    "loads",
    "map_files",
    "people_dir",
    "read_map",
]

YAML_SUFFIXES = (".yaml", ".yml")


def from_data(data: dict[str, Any], name: str = "<data>") -> ArgumentMap:
    """Validate one map given as plain data (as YAML would load it); problems at ``name:1:1``."""
    return _build(name, [Source(name, data=data, ok=True)])


def loads(text: str, name: str = "<string>") -> ArgumentMap:
    """Validate one map given as YAML text; ``name`` is the path problems report."""
    return _build(name, [parse_yaml(text, name)])


def load_blobs(
    name: str,
    files: Sequence[tuple[str, bytes | Unreadable]],
    people: Sequence[tuple[str, bytes | Unreadable]] = (),
) -> ArgumentMap:
    """Validate a map whose files are given as ``(path, raw bytes)`` in map order.

    For maps read from somewhere other than the file system (git objects): each
    problem is located at the ``path`` given, e.g. ``HEAD~1:arguments/x.yaml:3:5``.
    A file given as :class:`Unreadable` (see :mod:`.reading`) is a problem at ``path:1:1``.
    ``people`` are files that must be person overlays (``--person``, ``NAME.people/``).
    """
    if not files:
        raise UsageError(f"{name}: no .yaml or .yml files")
    return _build(name, _sources(files), _sources(people))


# A top-level `person: ID` line: a file that does not parse still says it is an overlay.
_PERSON_LINE = re.compile(rb"^person[ \t]*:[ \t]*[\"']?([A-Za-z0-9][A-Za-z0-9_.-]*)", re.M)


def load_blobs_people(
    name: str, files: Sequence[tuple[str, bytes | Unreadable]]
) -> tuple[ArgumentMap, dict[str, list[Problem]]]:
    r"""As :func:`load_blobs`, but an overlay with problems leaves the map valid.

    Returns the map, whose ``people`` are the valid overlays, and the problems of
    each overlay left out, keyed by its person id (its path when the id cannot be
    read); a person id used twice leaves out both files. A file is an overlay when
    its top level has ``person:`` (for a file that does not parse: a line
    ``person: ID`` at its top level). Raises MapError when the map itself has
    problems. (``argmap history --people``: one broken overlay costs one column.)

    >>> m, bad = load_blobs_people("m", [
    ...     ("m/a.yaml", b"argmap: 1\nclaims: {x: {text: X., credence: 40%}}\n"),
    ...     ("m/me.yaml", b"argmap: 1\nperson: me\nclaims: {x: {credence: 30%}}\n"),
    ...     ("m/you.yaml", b"argmap: 1\nperson: you\nclaims: {y: {credence: 30%}}\n")])
    >>> list(m.people), list(bad)
    (['me'], ['you'])
    """
    if not files:
        raise UsageError(f"{name}: no .yaml or .yml files")
    bad: dict[str, list[Problem]] = {}
    sources: list[Source] = []
    for (_path, raw), src in zip(files, _sources(files), strict=True):
        found = _PERSON_LINE.search(raw) if isinstance(raw, bytes) and not src.ok else None
        if found is not None:
            bad.setdefault(found.group(1).decode(), []).extend(src.problems)
        else:
            sources.append(src)
    return _build(name, sources, bad=bad), bad


def _sources(files: Sequence[tuple[str, bytes | Unreadable]]) -> list[Source]:
    sources = []
    for path, raw in files:
        if isinstance(raw, Unreadable):
            src = Source(path)
            src.problem(raw.message)
            sources.append(src)
            continue
        text = decode(raw, path)
        sources.append(text if isinstance(text, Source) else parse_yaml(text, path))
    return sources


def load(path: str | Path, people: Sequence[str | Path] = ()) -> ArgumentMap:
    """Load a map from a YAML file or a directory of them; the map is named ``path`` as given.

    ``people`` names overlay files to add to the overlays found in the map's
    directory (or, for a one-file map ``NAME.yaml``, in ``NAME.people/`` beside
    it). Raises MapError with every problem, UsageError if ``path`` is missing
    or a directory holds no YAML files.
    """
    extra: list[tuple[str, bytes | Unreadable]] = []
    beside = people_dir(path)
    if Path(path).is_file() and beside.is_dir() and any(beside.iterdir()):
        extra += [(os.fspath(f), read_map_file(f, beside)) for f in map_files(beside)]
    for p in people:
        if not Path(p).is_file():
            raise UsageError(f"person overlay {os.fspath(p)}: no such file", option="person")
        extra.append((os.fspath(p), read_map_file(Path(p), Path(p).parent)))
    with _collector_paused():
        return load_blobs(os.fspath(path), read_map(path), extra)


def read_map(path: str | Path) -> list[tuple[str, bytes | Unreadable]]:
    """(name, bytes or why not read) of each file of the map at ``path``, in map order,
    by the reading rules of :mod:`.reading`; names as problems report them."""
    name = os.fspath(path)
    if problem := root_problem(path):
        return [(name, Unreadable(problem))]
    files = map_files(path)
    if files == [Path(path)]:
        # A one-file map's directory is the one that holds it (for symbolic links).
        return [(name, read_map_file(Path(path), Path(path).parent))]
    root = Path(path)
    return [
        (os.path.join(name, f.relative_to(root).as_posix()), read_map_file(f, root)) for f in files
    ]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a map is built: loading creates
    hundreds of thousands of objects at 10,000 claims and frees none of them, and each
    collection would rescan them all (about a third of the loading time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def people_dir(path: str | Path) -> Path:
    """Where the overlays of the one-file map ``path`` live: ``NAME.people/`` beside it."""
    p = Path(path)
    return p.with_name(p.stem + ".people")


def check_paths(paths: Sequence[str | Path]) -> list[Problem]:
    """Every problem of each path, each its own map, sorted; empty when all are valid.

    Raises UsageError, before checking anything, if some path does not exist.
    """
    missing = [os.fspath(p) for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    problems: list[Problem] = []
    for p in paths:
        try:
            load(p)
        except MapError as exc:
            problems += exc.problems
    return sorted(problems)


def map_files(path: str | Path) -> list[Path]:
    """The files of the map at ``path``: itself if a file, else its YAML files in sorted order."""
    root = Path(path)
    if not root.is_dir():
        if not os.path.lexists(root):
            raise UsageError(f"no such file or directory: {os.fspath(path)}")
        return [root]  # a file, or a FIFO, device or link that the reader then refuses
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found += (
            Path(dirpath, f)
            for f in filenames
            if f.endswith(YAML_SUFFIXES) and not f.startswith(".")
        )
    if not found:
        raise UsageError(f"{os.fspath(path)}: no .yaml or .yml files in this directory")
    return sorted(found, key=lambda f: f.relative_to(root).parts)


def _complete(files: Sequence[FileNodes], sources: Sequence[Source]) -> bool:
    """Whether every node of the map could be read, so that absent ids are truly absent."""
    if not all(s.ok for s in sources):
        return False
    for f in files:
        data = f.src.data
        if not isinstance(data, dict):
            return False
        if any(data.get(s) is not None and s not in f.raw for s in SECTIONS):
            return False
    return True


def _build(
    name: str,
    sources: Sequence[Source],
    extra: Sequence[Source] = (),
    bad: dict[str, list[Problem]] | None = None,
) -> ArgumentMap:
    overlays = [s for s in sources if s.ok and is_overlay(s.data)]
    sources = [s for s in sources if not (s.ok and is_overlay(s.data))]
    if not sources:
        where = overlays[0].at() if overlays else Location(name, 1, 1)
        raise MapError(
            [
                Problem(
                    where,
                    "only person overlays here (files with `person:`); an overlay needs "
                    "the map it applies to: give the map, and the overlay with people=[FILE]",
                )
            ]
        )
    amap = _build_map(name, sources)
    for src in extra:
        if src.ok and not is_overlay(src.data):
            raise MapError(
                [
                    Problem(
                        src.at(),
                        "not a person overlay: files given with people=[FILE] or kept in a "
                        "NAME.people/ directory need a top-level `person: ID`",
                    )
                ]
            )
    return _with_people(amap, [*overlays, *extra], bad)


def _person_key(src: Source) -> str:
    pid = src.data.get("person") if isinstance(src.data, dict) else None
    return pid if isinstance(pid, str) and pid else src.path


def _with_people(
    amap: ArgumentMap, sources: Sequence[Source], bad: dict[str, list[Problem]] | None = None
) -> ArgumentMap:
    """The map with its overlays checked against it; a person id used twice is a problem.

    With ``bad``, an overlay's problems are added there (by person id) and the
    overlay left out, instead of raised."""
    if not sources:
        return amap
    problems: list[Problem] = []
    people: dict[str, Person] = {}
    for src in sources:
        try:
            person = parse_person(src, amap)
        except MapError as exc:
            if bad is not None:
                bad.setdefault(_person_key(src), []).extend(exc.problems)
            problems += exc.problems
            continue
        first = people.get(person.id)
        if first is not None:
            message = f"person '{person.id}' is used twice"
            got = [
                Problem(person.where, f"{message}, first at {first.where}"),
                Problem(first.where, f"{message}, again at {person.where}"),
            ]
            if bad is not None:
                bad.setdefault(person.id, []).extend(got)
            problems += got
            continue
        people[person.id] = person
    if bad is not None:
        return replace(amap, people={p: v for p, v in people.items() if p not in bad})
    if problems:
        raise MapError(problems)
    return replace(amap, people=people)


def _build_map(name: str, sources: Sequence[Source]) -> ArgumentMap:
    problems = [p for s in sources for p in s.problems]
    files = [validate_source(s) for s in sources if s.ok]
    for f in files:
        problems += f.problems
    nodes = collect(files, problems)
    if _complete(files, sources):
        problems += check_map(nodes)
    if problems:
        raise MapError(problems)
    headers = [f.header for f in files if f.header is not None]
    locations: dict[YamlPath, Location]
    if len(sources) == 1:
        locations = sources[0].locations
    else:
        locations = {}
        for s in reversed(sources):  # the first file's section keys win
            locations.update(s.locations)
    return ArgumentMap(
        name=name,
        title=next((h.title for h in headers if h.title is not None), None),
        source=next((h.source for h in headers if h.source is not None), None),
        frames=nodes.frame_models,
        claims=nodes.claims,
        arguments=nodes.arguments,
        locations=locations,
        groups=nodes.groups,
    )
