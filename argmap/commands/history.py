"""`argmap history [MAP] CLAIM`: a claim's credence at every commit that touched its map."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any, TypeVar

from argmap.api import evaluate
from argmap.engine.memory import DEFAULT_MAX_MEMORY
from argmap.engine.people import evaluate_people
from argmap.git import Commit, Repo, open_repo
from argmap.gitmaps import Side, load_side, load_side_people, read_files, repo_path, side_files
from argmap.io import emit, is_chart, write_chart
from argmap.maps import DEFAULT_ROOT, PEOPLE_SUFFIX, group_maps
from argmap.options import add_memory_option, add_output_option, table_width
from argmap.render.history import (
    HistoryPoint,
    PeoplePoint,
    headline,
    history_csv,
    history_json,
    history_markdown,
    history_people_json,
    history_svg,
    history_text,
    people_points,
)
from argmap.schema import ArgmapError, Problem, UsageError
from argmap.schema.loader import YAML_SUFFIXES
from argmap.schema.models import ID_RE
from argmap.schema.people import POOLED, person_map


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "history",
        help="a claim's credence at every commit that touched its map",
        description=(
            "Evaluate the map at every commit (from HEAD) that touched it and show CLAIM's "
            "credence at each, oldest first. MAP is the map (default: the map under "
            "arguments/ that has CLAIM). -o FILE.svg (.png, .pdf) draws a line chart."
        ),
    )
    p.add_argument("path", nargs="?", metavar="MAP", help="the map (a file or directory)")
    p.add_argument("claim", metavar="CLAIM")
    p.add_argument("--since", metavar="DATE", help="only commits after DATE (as git log --since)")
    p.add_argument("--max-count", type=int, metavar="N", help="only the N most recent commits")
    p.add_argument("--format", choices=["text", "md", "csv", "json"], default="text")
    p.add_argument(
        "--as",
        dest="as_",
        metavar="ID",
        help=(
            "that person's credence: the map with their overlay at each commit "
            "(the map's own numbers before the overlay existed)"
        ),
    )
    p.add_argument(
        "--people",
        action="store_true",
        help=(
            "each person's credence and the pooled one (mean of log-odds) at each commit, "
            "as eval --people: a column (a line in the chart) per person; a commit where "
            "a person's overlay is absent or invalid leaves their cell empty, with a note"
        ),
    )
    p.add_argument(
        "--frame",
        action="append",
        default=[],
        metavar="NAME",
        help="evaluate only this frame (repeatable), as eval --frame",
    )
    add_output_option(p, "FILE")
    add_memory_option(p)
    p.set_defaults(run=run)


def _find_map(repo: Repo, claim: str) -> PurePosixPath:
    """The map under arguments/ in the working tree that has ``claim``."""
    root = PurePosixPath(DEFAULT_ROOT)
    here = Side("working tree", None)
    files = side_files(repo, here, root)
    groups = group_maps(f.relative_to(root) for f in files)
    # An invalid map cannot say what it holds: look for the id written as a key instead.
    written = re.compile(rf"^[ \t]+{re.escape(claim)}[ \t]*:", re.M)
    for key, members in groups.items():
        problems: list[Problem] = []
        amap, _ = load_side(repo, here, root / key, problems)
        if amap is not None and claim in amap.claims:
            return root / key
        if amap is None:
            chosen = [root / rel for rel in members]
            texts = [t for t in read_files(repo, files, chosen).values() if isinstance(t, bytes)]
            if any(written.search(t.decode("utf-8", "replace")) for t in texts):
                return root / key
    raise UsageError(f"no map under {DEFAULT_ROOT}/ has a claim '{claim}'; name the map as PATH")


def _point(
    repo: Repo,
    commit: Commit,
    path: PurePosixPath,
    claim: str,
    max_memory: int = DEFAULT_MAX_MEMORY,
    person: str | None = None,
    frames: Sequence[str] = (),
) -> HistoryPoint:
    side = Side(commit.id[:10], commit.id)
    problems: list[Problem] = []
    amap, files = load_side(repo, side, path, problems)
    point = HistoryPoint(commit.id, commit.date, commit.subject, None, author=commit.author)
    if amap is None:
        note = f"invalid map ({len(problems)} problem(s))" if files else "no map"
        return replace(point, note=note)
    if claim not in amap.claims:
        return replace(point, note="no such claim")
    if person is not None and person in amap.people:
        amap = person_map(amap, person)
    try:
        ev = evaluate(amap, band_draws=0, max_memory=max_memory, frames=frames or None)
    except ArgmapError as exc:
        return replace(point, note=str(exc)[:60])
    return replace(point, credence=dict(ev.claims[claim].credence))


def _people_point(
    repo: Repo,
    commit: Commit,
    path: PurePosixPath,
    claim: str,
    max_memory: int = DEFAULT_MAX_MEMORY,
    frames: Sequence[str] = (),
) -> PeoplePoint:
    """Every person's credence in ``claim`` at ``commit``, as ``eval --people`` gives it
    there; an overlay that is invalid there (or whose numbers cannot be evaluated)
    leaves only that person out, with the reason."""
    side = Side(commit.id[:10], commit.id)
    problems: list[Problem] = []
    amap, files, bad = load_side_people(repo, side, path, problems)
    point = PeoplePoint(commit.id, commit.date, commit.subject, author=commit.author)
    if amap is None:
        note = f"invalid map ({len(problems)} problem(s))" if files else "no map"
        return replace(point, note=note)
    if claim not in amap.claims:
        return replace(point, note="no such claim")
    missing: dict[str, str] = {}
    remarks: list[str] = []
    for key, found in bad.items():
        # a file whose `person:` cannot be read names no column: a remark for the row
        if ID_RE.match(key):
            missing[key] = f"invalid overlay ({len(found)} problem(s))"
        else:
            remarks.append(f"invalid overlay {key} ({len(found)} problem(s))")
    problem_texts = {k: [str(p) for p in v] for k, v in bad.items() if k in missing}
    options: dict[str, Any] = {"band_draws": 0, "max_memory": max_memory, "frames": frames or None}
    ids = sorted(amap.people)
    if not ids:
        return replace(point, missing=missing, problems=problem_texts, remarks=tuple(remarks))
    try:
        pe = evaluate_people(amap, ids, **options)
    except ArgmapError:
        # someone's numbers cannot be evaluated there: leave them out, keep the others
        ok = []
        for pid in ids:
            try:
                evaluate(person_map(amap, pid), **options)
                ok.append(pid)
            except ArgmapError as exc:
                missing[pid] = str(exc)[:60]
        if not ok:
            return replace(point, missing=missing, problems=problem_texts, remarks=tuple(remarks))
        pe = evaluate_people(amap, ok, **options)
    return replace(
        point,
        people={pid: dict(ev.claims[claim].credence) for pid, ev in pe.people.items()},
        pooled=dict(pe.pooled[claim]),
        missing=missing,
        problems=problem_texts,
        remarks=tuple(remarks),
    )


def _absent(points: list[PeoplePoint]) -> tuple[list[PeoplePoint], list[str]]:
    """The points with a reason for each person who has no overlay at a commit, and every
    person seen, in id order."""
    people = sorted({pid for p in points for pid in (*p.people, *p.missing)})
    first = {
        pid: next(i for i, p in enumerate(points) if pid in p.people or pid in p.missing)
        for pid in people
    }
    out = []
    for i, p in enumerate(points):
        if p.note:
            out.append(p)
            continue
        missing = dict(p.missing)
        for pid in people:
            if pid not in p.people and pid not in missing:
                missing[pid] = "no overlay yet" if i < first[pid] else "no overlay"
        out.append(replace(p, missing={k: missing[k] for k in sorted(missing)}))
    return out, people


T = TypeVar("T")


def _with_progress(commits: list[Commit], work: Callable[[Commit], T]) -> list[T]:
    """Run ``work`` on each commit, with a progress bar on stderr when it is a terminal."""
    if not sys.stderr.isatty() or len(commits) < 5:
        return [work(c) for c in commits]
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("evaluating commits", total=len(commits))
        out = []
        for c in commits:
            out.append(work(c))
            progress.advance(task)
        return out


def run(args: argparse.Namespace) -> int:
    if args.path is not None and not os.path.exists(args.path) and os.path.exists(args.claim):
        # the old order, CLAIM MAP: unambiguous, so understood, with the new one
        print(
            f"argmap history: note: the map comes first; "
            f"did you mean `argmap history {args.claim} {args.path}`?",
            file=sys.stderr,
        )
        args.path, args.claim = args.claim, args.path
    if args.people and args.as_:
        raise UsageError("--people and --as exclude each other: all people, or one")
    repo = open_repo()
    if args.max_count is not None and args.max_count < 1:
        raise UsageError("--max-count must be 1 or more")
    path = repo_path(repo, args.path) if args.path else _find_map(repo, args.claim)
    # a one-file map's overlays live beside it, in NAME.people/
    also = [path.with_name(path.stem + PEOPLE_SUFFIX)] if path.suffix in YAML_SUFFIXES else []
    commits = repo.log(path, since=args.since, max_count=args.max_count, also=also)
    if not commits:
        raise UsageError(f"no commit touched {path}")
    commits.reverse()  # oldest first
    if args.people:
        return _run_people(args, repo, path, commits)
    points = _with_progress(
        commits,
        lambda c: _point(repo, c, path, args.claim, args.max_memory, args.as_, args.frame),
    )
    if all(p.credence is None for p in points):
        raise UsageError(
            f"claim '{args.claim}' is in {path} at none of its {len(points)} commit(s)"
        )
    out = args.output or ""
    if is_chart(out):
        write_chart(out, history_svg(args.claim, points))
        return 0
    if args.format == "json":
        text = history_json(args.claim, str(path), points)
    elif args.format == "md":
        text = history_markdown(args.claim, points)
    elif args.format == "csv":
        text = history_csv(points)
    else:
        text = history_text(args.claim, points)
    emit(text, args.output)
    return 0


def _run_people(
    args: argparse.Namespace, repo: Repo, path: PurePosixPath, commits: list[Commit]
) -> int:
    """`history --people`: a column (a line) per person and the pooled one."""
    found = _with_progress(
        commits,
        lambda c: _people_point(repo, c, path, args.claim, args.max_memory, args.frame),
    )
    if all(p.note for p in found):
        raise UsageError(f"claim '{args.claim}' is in {path} at none of its {len(found)} commit(s)")
    points, people = _absent(found)
    if not people:
        raise UsageError(
            f"{path} has no person overlays at any of its {len(points)} commit(s); "
            "see docs/people.md"
        )
    column = headline(points)
    if args.format == "json" and not is_chart(args.output or ""):
        emit(history_people_json(args.claim, str(path), points, people, column), args.output)
        return 0
    shown = people_points(points, people, column or "")
    columns = [*people, POOLED]
    title = f"{args.claim}: credence by commit, per person ({column})"
    out = args.output or ""
    if is_chart(out):
        write_chart(
            out, history_svg(args.claim, shown, title=title, columns=columns, dashed={POOLED})
        )
        return 0
    footer = [f"{POOLED}: the mean of log-odds of the people with a credence at that commit"]
    if args.format == "md":
        text = history_markdown(
            args.claim, shown, columns=columns, title=title, missing="-", footer=footer
        )
    elif args.format == "csv":
        text = history_csv(shown, columns=columns)
    else:
        # as wide as the terminal, or unlimited into a file or a pipe: subjects in full
        width = table_width(args.output)[0]
        text = history_text(
            args.claim, shown, width=width, columns=columns, title=title, missing="-", footer=footer
        )
    emit(text, args.output)
    return 0
