"""Maps as they are at a git revision or in the working tree, read without a checkout.

Both sides follow one rule about what a map file is (as ``check`` does for files on
disk): a regular file, at most :data:`MAX_FILE_BYTES`; a symbolic link only when it
ends inside the map's directory (the directory given, or the one holding a one-file
map) at a regular file. In a commit a symbolic link is a blob of mode 120000 whose
content is its target: the target is resolved in the same commit, by name, and never
on disk. Anything else is a located problem (``REV:path:1:1``) that never shows the
target's content.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from argmap.git import Repo, TreeEntry
from argmap.maps import PEOPLE_SUFFIX, is_map_file, walk_files
from argmap.schema import ArgumentMap, Location, MapError, Problem, UsageError
from argmap.schema.loader import YAML_SUFFIXES, load_blobs, load_blobs_people
from argmap.schema.reading import (
    LINK_OUTSIDE,
    Unreadable,
    link_problem,
    read_map_file,
    size_problem,
)

MAX_LINK_HOPS = 8


def link_target(link: PurePosixPath, target: str, root: PurePosixPath) -> PurePosixPath | None:
    """Where a symbolic link stored as text points (relative to the repository), or None
    when that leaves ``root`` (:func:`argmap.schema.reading.link_problem`'s rule).

    >>> link_target(PurePosixPath("m/a.yaml"), "b.yaml", PurePosixPath("m"))
    PurePosixPath('m/b.yaml')
    >>> link_target(PurePosixPath("arguments/examples/leak.yaml"), "../../../secret.txt",
    ...             PurePosixPath("arguments/examples")) is None
    True
    """
    if "\0" in target or link_problem(link, target, root) is not None:
        return None
    return PurePosixPath(posixpath.normpath(posixpath.join(str(link.parent), target)))


@dataclass(frozen=True)
class _Blob:
    """A file in a commit: where it is, and its tree entry."""

    commit: str
    entry: TreeEntry


@dataclass(frozen=True)
class Side:
    """A version of the repository: a commit (``commit``), or the working tree (None)."""

    label: str
    commit: str | None

    def location(self, path: PurePosixPath) -> str:
        return str(path) if self.commit is None else f"{self.label}:{path}"


Where = _Blob | Path  # a file in a commit, or on disk


def side_files(repo: Repo, side: Side, path: PurePosixPath) -> dict[PurePosixPath, Where]:
    """The files at or under ``path`` on ``side``: path -> a blob (a commit) or a file on
    disk (the working tree, untracked files included). Nothing is read yet."""
    if side.commit is not None:
        commit = side.commit
        return {p: _Blob(commit, e) for p, e in repo.tree_entries(commit, path).items()}
    full = repo.root / path
    if full.is_symlink() or full.is_file() or (full.exists() and not full.is_dir()):
        return {path: full}
    if not full.is_dir():
        return {}
    return {path / rel: full / rel for rel in walk_files(full)}


def map_file_list(files: dict[PurePosixPath, Where], path: PurePosixPath) -> list[PurePosixPath]:
    """The files the loader would read for the map at ``path``, in its order."""
    if list(files) == [path]:
        return [path]
    inside = [f for f in files if is_map_file(f.relative_to(path))]
    return sorted(inside, key=lambda f: f.relative_to(path).parts)


def map_root(files: list[PurePosixPath], path: PurePosixPath) -> PurePosixPath:
    """The map's directory: ``path`` itself, or the directory of a one-file map."""
    return path.parent if files == [path] else path


def _resolve_links(
    repo: Repo, files: dict[PurePosixPath, Where], chosen: list[PurePosixPath], root: PurePosixPath
) -> dict[PurePosixPath, TreeEntry | Unreadable]:
    """For each chosen blob, the regular-file entry it stands for (symbolic links followed
    by name within the same commit and ``root``), or why it is not read."""
    out: dict[PurePosixPath, TreeEntry | Unreadable] = {}
    for f in chosen:
        where = files[f]
        if not isinstance(where, _Blob):
            continue
        entry, at, hops = where.entry, f, 0
        while entry.link:
            hops += 1
            raw = repo.read_blobs([entry.oid])[entry.oid]
            target = raw.decode("utf-8", "surrogateescape")
            nxt = link_target(at, target, root) if hops <= MAX_LINK_HOPS else None
            if nxt is None:
                out[f] = Unreadable(
                    LINK_OUTSIDE if hops <= MAX_LINK_HOPS else "too many levels of symbolic links"
                )
                break
            found = repo.tree_entries(where.commit, nxt).get(nxt)
            if found is None:
                # A directory, or nothing: no regular file by that name.
                out[f] = Unreadable("cannot read the file: the symbolic link points to no file")
                break
            entry, at = found, nxt
        else:
            if entry.mode not in ("100644", "100755"):
                out[f] = Unreadable("a special file is not read: a map file must be a regular file")
            else:
                out[f] = entry
    return out


def read_files(
    repo: Repo,
    files: dict[PurePosixPath, Where],
    chosen: list[PurePosixPath],
    root: PurePosixPath | None = None,
) -> dict[PurePosixPath, bytes | Unreadable]:
    """The contents of ``chosen`` (blobs in one ``git cat-file --batch``, files from disk),
    each read by the rule of this module's docstring, with ``root`` the map's directory
    (default: the common directory of ``chosen``)."""
    if root is None:
        root = PurePosixPath(os.path.commonpath([str(f.parent) for f in chosen] or ["."]))
    entries = _resolve_links(repo, files, chosen, root)
    oids = [e.oid for e in entries.values() if isinstance(e, TreeEntry)]
    sizes = repo.blob_sizes(oids)
    small = [o for o in oids if size_problem(sizes.get(o, 0)) is None]
    blobs = repo.read_blobs(small)
    out: dict[PurePosixPath, bytes | Unreadable] = {}
    for f in chosen:
        where = files[f]
        if isinstance(where, _Blob):
            e = entries[f]
            if isinstance(e, Unreadable):
                out[f] = e
            else:
                problem = size_problem(sizes.get(e.oid, 0))
                out[f] = Unreadable(problem) if problem else blobs[e.oid]
        else:
            out[f] = read_map_file(where, repo.root / root)
    return out


def _side_data(
    repo: Repo, side: Side, path: PurePosixPath, problems: list[Problem]
) -> tuple[list[tuple[str, bytes]] | None, list[PurePosixPath]]:
    """The map's files on ``side`` as (location, bytes), overlays beside a one-file map
    included (None when absent or a file cannot be read), and the files' paths."""
    files = side_files(repo, side, path)
    chosen = map_file_list(files, path)
    if not chosen:
        return None, []
    if chosen == [path] and path.suffix in YAML_SUFFIXES:
        # the person overlays of a one-file map live beside it, in NAME.people/
        beside = path.with_name(path.stem + PEOPLE_SUFFIX)
        extra = side_files(repo, side, beside)
        files = {**files, **extra}
        chosen += map_file_list(extra, beside) if extra else []
    raw = read_files(repo, files, chosen, map_root(chosen, path))
    unread = [
        Problem(Location(side.location(f), 1, 1), r.message)
        for f, r in raw.items()
        if isinstance(r, Unreadable)
    ]
    if unread:
        problems += unread
        return None, chosen
    return [(side.location(f), r) for f in chosen if isinstance(r := raw[f], bytes)], chosen


def load_side(
    repo: Repo, side: Side, path: PurePosixPath, problems: list[Problem]
) -> tuple[ArgumentMap | None, list[PurePosixPath]]:
    """The map at ``path`` on ``side`` (None when absent or invalid: its problems are added
    to ``problems``, located at ``REV:path``), and the files it was read from."""
    data, chosen = _side_data(repo, side, path, problems)
    if data is None:
        return None, chosen
    try:
        return load_blobs(side.location(path), data), chosen
    except MapError as exc:
        problems += exc.problems
        return None, chosen


def load_side_people(
    repo: Repo, side: Side, path: PurePosixPath, problems: list[Problem]
) -> tuple[ArgumentMap | None, list[PurePosixPath], dict[str, list[Problem]]]:
    """As :func:`load_side`, but an invalid person overlay leaves the map valid: the map
    keeps the valid overlays, and the third item holds each left-out overlay's problems
    by person id (:func:`argmap.schema.loader.load_blobs_people`)."""
    data, chosen = _side_data(repo, side, path, problems)
    if data is None:
        return None, chosen, {}
    try:
        amap, bad = load_blobs_people(side.location(path), data)
    except MapError as exc:
        problems += exc.problems
        return None, chosen, {}
    return amap, chosen, bad


def repo_path(repo: Repo, text: str) -> PurePosixPath:
    """A PATH as typed (relative to the current directory) -> relative to the repository root."""
    joined = os.path.normpath(os.path.join(str(repo.prefix), text))
    if joined.startswith("..") or os.path.isabs(text):
        absolute = Path(text).resolve()
        try:
            return PurePosixPath(absolute.relative_to(repo.root.resolve()).as_posix())
        except ValueError:
            raise UsageError(f"{text}: outside the repository {repo.root}") from None
    return PurePosixPath("." if joined == "." else joined)
