"""Shared by the benchmarks (run as scripts, so this imports as `_timing`)."""

from __future__ import annotations

import math
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def best(fn: Callable[[], T], repeat: int = 3) -> tuple[float, T]:
    """The fastest of ``repeat`` runs of ``fn`` in seconds, and what the last run returned."""
    fastest = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest, out


SOURCE = Path(__file__).resolve().parent.parent
# the source layout: schema/, engine/ and render/ install as argmap.schema and so on
PACKAGES = {
    "argmap": "argmap",
    "schema": "argmap/schema",
    "engine": "argmap/engine",
    "render": "argmap/render",
}


def previous_tree(rev: str, into: Path) -> Path:
    """argmap at ``rev`` (from ``git archive``) laid out as an importable package in a
    directory of its own below ``into``: put the returned path first on PYTHONPATH."""
    archive = subprocess.run(
        ["git", "archive", rev, *PACKAGES], cwd=SOURCE, check=True, capture_output=True
    ).stdout
    raw = into / "raw"
    raw.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(raw)], input=archive, check=True)
    tree = into / "tree"
    for src, dst in PACKAGES.items():
        shutil.copytree(raw / src, tree / dst, dirs_exist_ok=True)
    return tree
