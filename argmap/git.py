"""Git access: the only module that runs git.

Every call is an argument list (never a shell), revision names are checked with
``git rev-parse --verify --end-of-options`` and only their commit ids are passed
on, and pathspecs are literal (``--literal-pathspecs``), so no name a user or a
branch can carry is ever read as an option, a shell word or pathspec magic.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from argmap._exceptions import GitError

DEFAULT_BRANCHES = ("origin/HEAD", "main", "master")


def _git(args: list[str], cwd: Path, *, stdin: bytes | None = None) -> bytes:
    env = dict(os.environ, GIT_LITERAL_PATHSPECS="1", LC_ALL="C")
    env.pop("GIT_DIR", None)  # the repository is the one at cwd, not an inherited one
    try:
        proc = subprocess.run(
            ["git", "--no-pager", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return proc.stdout


@dataclass(frozen=True)
class Repo:
    """A work tree: ``root`` is its top directory, ``prefix`` where the user stands in it."""

    root: Path
    prefix: PurePosixPath

    def resolve(self, rev: str) -> str:
        """The commit id that ``rev`` names; GitError when it names no commit."""
        if not rev or "\0" in rev or "\n" in rev:
            raise GitError(f"not a revision: {rev!r}")
        try:
            out = _git(
                ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
                self.root,
            )
        except GitError:
            hint = (
                "; this is a shallow clone, so older commits are missing: fetch the history "
                "(git fetch --unshallow, or `fetch-depth: 0` with actions/checkout)"
                if self.shallow()
                else ""
            )
            raise GitError(f"unknown revision {rev!r} (no such commit){hint}") from None
        return out.decode().strip()

    def default_base(self) -> tuple[str, str]:
        """(label, commit): the merge-base of HEAD with origin/HEAD, else main, else master."""
        head = self.resolve("HEAD")
        for name in DEFAULT_BRANCHES:
            try:
                other = self.resolve(name)
            except GitError:
                continue
            try:
                base = _git(["merge-base", head, other], self.root).decode().strip()
            except GitError:
                if not self.shallow():
                    raise
                raise GitError(
                    f"no common ancestor of HEAD and {name} in this shallow clone: fetch the "
                    "history (git fetch --unshallow, or `fetch-depth: 0` with actions/checkout)"
                ) from None
            return f"merge-base with {name}", base
        raise GitError(
            "no default branch to compare with (origin/HEAD, main or master); name a BASE revision"
        )

    def ls_tree(self, commit: str, path: PurePosixPath) -> dict[PurePosixPath, str]:
        """Repository-relative path -> blob id of every file at or under ``path`` in ``commit``."""
        return {p: e.oid for p, e in self.tree_entries(commit, path).items()}

    def tree_entries(self, commit: str, path: PurePosixPath) -> dict[PurePosixPath, TreeEntry]:
        """Like :meth:`ls_tree`, with each blob's mode: ``120000`` is a symbolic link
        (its content is the link's target), ``100644``/``100755`` a regular file."""
        spec = "." if str(path) in ("", ".") else str(path)
        out = _git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", spec], self.root)
        files: dict[PurePosixPath, TreeEntry] = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            mode, kind, oid = meta.decode().split()
            if kind == "blob":
                files[PurePosixPath(name.decode("utf-8", "surrogateescape"))] = TreeEntry(mode, oid)
        return files

    def blob_sizes(self, oids: list[str]) -> dict[str, int]:
        """The size in bytes of each blob, read without reading the blobs."""
        if not oids:
            return {}
        out = _git(
            ["cat-file", "--batch-check"],
            self.root,
            stdin="".join(f"{o}\n" for o in oids).encode(),
        )
        sizes: dict[str, int] = {}
        for line in out.decode().splitlines():
            parts = line.split()
            if len(parts) == 3:
                sizes[parts[0]] = int(parts[2])
        return sizes

    def read_blobs(self, oids: list[str]) -> dict[str, bytes]:
        """The contents of these blobs, in one ``git cat-file --batch``."""
        if not oids:
            return {}
        out = _git(
            ["cat-file", "--batch"], self.root, stdin="".join(f"{o}\n" for o in oids).encode()
        )
        blobs: dict[str, bytes] = {}
        pos = 0
        for _ in oids:
            end = out.index(b"\n", pos)
            header = out[pos:end].decode().split()
            if len(header) != 3:  # "<oid> missing"
                raise GitError(f"git object {header[0]} is missing from the repository")
            oid, size = header[0], int(header[2])
            start = end + 1
            blobs[oid] = out[start : start + size]
            pos = start + size + 1  # the content is followed by a newline
        return blobs

    def renames(
        self, base: str, head: str | None, paths: list[PurePosixPath]
    ) -> list[tuple[str, PurePosixPath, PurePosixPath | None]]:
        """(status A/D/M/R, path, new path for R) of files changed from ``base`` to ``head``
        (a commit, or None for the working tree), with git's rename detection."""
        revs = [base] if head is None else [base, head]
        specs = [str(p) or "." for p in paths]
        out = _git(
            [
                "diff",
                "--name-status",
                "-z",
                "--find-renames",
                "--find-copies-harder",
                *revs,
                "--",
                *specs,
            ],
            self.root,
        )
        fields = [f for f in out.split(b"\0")]
        result: list[tuple[str, PurePosixPath, PurePosixPath | None]] = []
        i = 0
        while i < len(fields) and fields[i]:
            status = fields[i].decode()[0]
            if status in "RC":
                old, new = fields[i + 1], fields[i + 2]
                result.append((status, _posix(old), _posix(new)))
                i += 3
            else:
                result.append((status, _posix(fields[i + 1]), None))
                i += 2
        return result

    def untracked(self, path: PurePosixPath) -> list[PurePosixPath]:
        """Files at or under ``path`` in the working tree that git does not track (not ignored)."""
        spec = str(path) or "."
        out = _git(
            ["ls-files", "-z", "--others", "--exclude-standard", "--full-name", "--", spec],
            self.root,
        )
        return [_posix(f) for f in out.split(b"\0") if f]

    def log(
        self,
        path: PurePosixPath,
        *,
        since: str | None = None,
        max_count: int | None = None,
        also: Sequence[PurePosixPath] = (),
    ) -> list[Commit]:
        """The commits from HEAD that touched ``path`` (or a path in ``also``), newest first.
        ``since`` is a date as ``git log --since`` reads it; one that git cannot read is a
        GitError."""
        args = ["log", "-z", "--format=%H%x00%aI%x00%an%x00%s"]
        if since:
            self.check_date(since)
            args.append(f"--since={since}")  # one argument: a value, never another option
        if max_count is not None:
            args.append(f"--max-count={int(max_count)}")
        out = _git([*args, "HEAD", "--", str(path) or ".", *map(str, also)], self.root)
        fields = out.decode("utf-8", "replace").split("\0")
        commits = []
        for i in range(0, len(fields) - 3, 4):
            commits.append(Commit(fields[i].strip(), fields[i + 1], fields[i + 3], fields[i + 2]))
        return commits

    def check_date(self, text: str) -> None:
        """GitError unless git reads ``text`` as a date. git reads what it cannot parse as
        "now", so a date that lands on now must say so ("now", "today", "0 days ago")."""
        out = _git(["rev-parse", f"--since={text}"], self.root).decode().strip()
        stamp = int(out.rpartition("=")[2] or 0)
        says_now = re.fullmatch(r"\s*(now|today|0+\s*\w+\s+ago)\s*", text, re.I) is not None
        if abs(stamp - time.time()) <= 5 and not says_now:
            raise GitError(
                f"--since {text!r} is not a date git can read "
                "(e.g. 2026-01-31, '2 weeks ago', yesterday)"
            )

    def shallow(self) -> bool:
        """Whether this is a shallow clone (history cut off, as CI checkouts often are)."""
        try:
            out = _git(["rev-parse", "--is-shallow-repository"], self.root)
        except GitError:
            return False
        return out.decode().strip() == "true"


@dataclass(frozen=True)
class TreeEntry:
    """A blob in a commit's tree: its mode (``120000`` for a symbolic link) and id."""

    mode: str
    oid: str

    @property
    def link(self) -> bool:
        return self.mode == "120000"


@dataclass(frozen=True)
class Commit:
    """One commit of ``git log``: its id, author date and time (ISO 8601, with the
    author's offset), subject line and author name."""

    id: str
    date: str
    subject: str
    author: str = ""


def _posix(raw: bytes) -> PurePosixPath:
    return PurePosixPath(raw.decode("utf-8", "surrogateescape"))


def open_repo(cwd: Path | None = None) -> Repo:
    """The repository that contains ``cwd``; GitError (exit 2) outside one."""
    where = Path.cwd() if cwd is None else cwd
    try:
        out = _git(["rev-parse", "--show-toplevel", "--show-prefix"], where).decode()
    except GitError:
        raise GitError(f"not a git repository: {where}") from None
    lines = out.split("\n")
    return Repo(Path(lines[0]), PurePosixPath(lines[1]) if lines[1] else PurePosixPath())
