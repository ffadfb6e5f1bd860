"""Hostile-input benchmark: a claim whose text is one long word, this version against the
previous one (``--previous``, default ``main``) in the same run.

    .venv/bin/python bench/hostile.py [--megabytes 1] [--previous main]

Rows, each the best of ``--repeat`` runs in a fresh process (``argmap`` at this
version, and at the previous revision laid out from ``git archive``):

- wrap: ``argmap.render.style.wrap`` of the word alone, timed inside the process
  (textwrap breaks a long word in quadratic time; only the lines shown are wrapped now);
- render svg: ``argmap render MAP -o map.svg --renderer wasm`` of a two-claim map
  whose first claim's text is the word (the tooltip carried the whole word into
  Graphviz's layout).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import previous_tree


def timed(code: str, tree: Path | None, cwd: Path, repeat: int) -> float:
    """Best seconds of ``python -c code`` with argmap from ``tree`` (None: this one): the
    number the code prints, else the process's wall time."""
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=cwd, env=env, check=True, capture_output=True
        )
        wall = time.perf_counter() - start
        printed = done.stdout.decode().strip()
        times.append(float(printed) if printed else wall)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=2.0, help="length of the word")
    parser.add_argument("--previous", default="main", help="argmap revision to compare with")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    n = int(args.megabytes * 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        prev = previous_tree(args.previous, work)
        word_map = work / "word.yaml"
        word_map.write_text(
            "argmap: 1\nclaims:\n  a: {credence: 0.5, text: " + "x" * n + "}\n  b: {}\n"
            "arguments:\n  ab: {premises: [a], supports: b, strength: 0.5}\n"
        )
        wrap = (
            "import time; from argmap.render import style; word = 'x' * "
            f"{n}; t = time.perf_counter(); style.wrap(word); print(time.perf_counter() - t)"
        )
        render = (
            "from argmap.cli import main; "
            f"main(['render', {str(word_map)!r}, '-o', 'map.svg', '--renderer', 'wasm'])"
        )
        rows = []
        for label, code in (("wrap", wrap), ("render svg", render)):
            for who, tree in (("this version", None), (f"previous ({args.previous})", prev)):
                rows.append((f"{label}: {who}", timed(code, tree, work, args.repeat)))
    print(f"one word of {n:,} characters; best of {args.repeat} fresh processes")
    for label, seconds in rows:
        print(f"  {label:<32} {seconds:8.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
