"""Memory-budget benchmark: hard maps exactly, against pyAgrum and the previous argmap.

    .venv/bin/python bench/memory.py [--previous REF] [--previous-exact] [--stars 1000 10000]

Maps (``argmap.engine.generate``):

- ``grid``: ``grid_map(1000, 12, 1)``, 1,000 claims 12 wide, junction-tree
  cliques of 22 variables, evidence on a tenth of the claims;
- ``star N``: one claim with evidence, the premise of N arguments each
  supporting its own claim (fan-out: it underflowed from N = 1,050 and took
  super-linear time before).

Rows, each in its own subprocess so "peak MB" is that process's peak resident
set size (``ru_maxrss``, Python and imports included, about 70 MB):

- ``argmap``: this checkout, ``evaluate(amap, band_draws=0)`` with the default
  1 GB budget (``method`` says whether it stayed exact);
- ``argmap@REF``: the same call on the previous version (default ``d831ab5``,
  the last commit before the memory budget), unpacked from git into a
  temporary directory; with ``--previous-exact`` also that version forced
  exact with its limits raised (about 5 GB on the grid);
- ``pyAgrum``: LazyPropagation on the same network (bench/engine.py's builder),
  build + inference + every posterior.

"max err" is the largest |difference| from pyAgrum's marginals on the grid,
and from the closed form on stars (pyAgrum's time grows quadratically there).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _timing import previous_tree

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PREVIOUS = "d831ab5"


def star_data(n: int) -> dict[str, Any]:
    claims: dict[str, Any] = {"r": {"credence": 0.3, "evidence": [{"bits": 2}]}}
    args: dict[str, Any] = {}
    for i in range(n):
        claims[f"l{i}"] = {"credence": 0.2}
        args[f"a{i}"] = {"premises": ["r"], "supports": f"l{i}", "strength": 0.5}
    return {"argmap": 1, "claims": claims, "arguments": args}


def star_closed_form(n: int) -> dict[str, float]:
    """Nothing below the root has evidence: its posterior is prior odds times the
    ratio, and each leaf is 1 - (1 - 0.2)(1 - 0.5 P(root))."""
    odds = 0.3 / 0.7 * 2.0**2
    root = odds / (1 + odds)
    leaf = 1 - 0.8 * (1 - 0.5 * root)
    return {"r": root} | {f"l{i}": leaf for i in range(n)}


def load_map(name: str) -> Any:
    # The maps come from this checkout's generator, whichever engine evaluates them.
    from argmap.schema.loader import from_data

    if name == "grid":
        sys.path.insert(0, str(ROOT / "engine"))
        from generate import grid_map_data  # type: ignore[import-not-found]

        return from_data(grid_map_data(1000, 12, 1), name="grid")
    return from_data(star_data(int(name.split()[1])), name=name)


def child(tool: str, name: str) -> None:
    amap = load_map(name)
    out: dict[str, Any] = {}
    start = time.perf_counter()
    if tool == "pyagrum":
        sys.path.insert(0, str(HERE))
        from engine import run_pyagrum

        res = run_pyagrum(amap, 1)
        out["marginals"] = res["marginals"]
        out["method"] = "exact"
    else:
        from argmap.engine import evaluate

        kwargs: dict[str, Any] = {"band_draws": 0}
        if tool == "previous-exact":
            kwargs.update(method="exact", max_clique_vars=40, max_entries=2**40)
        try:
            ev = evaluate(amap, **kwargs)
        except Exception as exc:  # the previous version's failures are results too
            out["error"] = f"{type(exc).__name__}: {str(exc)[:60]}"
        else:
            out["marginals"] = {c: r.credence["default"] for c, r in ev.claims.items()}
            out["method"] = ev.frames["default"].method
    out["seconds"] = time.perf_counter() - start
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(out, sys.stdout)


def run(tool: str, name: str, pythonpath: str | None, timeout: float) -> dict[str, Any]:
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    cmd = [sys.executable, __file__, "--child", tool, name]
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, check=False, env=env, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {timeout:.0f} s"}
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or ["?"]
        return {"error": lines[-1][:80]}
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--previous", default=PREVIOUS, help="git ref of the previous version")
    ap.add_argument(
        "--previous-exact",
        action="store_true",
        help="also force the previous version exact with raised limits (~5 GB on the grid)",
    )
    ap.add_argument("--stars", type=int, nargs="*", default=[1000, 1100, 5000, 10_000])
    ap.add_argument("--skip-grid", action="store_true", help="only the stars")
    ap.add_argument("--timeout", type=float, default=120, help="seconds per row (default 120)")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0
    maps = ([] if args.skip_grid else ["grid"]) + [f"star {n}" for n in args.stars]
    head = "{:<11} {:<21} {:>9} {:>8} {:>8} {:>9}  note".format(
        "map", "tool", "seconds", "peak MB", "method", "max err"
    )
    print(head)
    print("-" * len(head))
    bad = False
    with tempfile.TemporaryDirectory() as tmp:
        old = str(previous_tree(args.previous, Path(tmp)))
        for name in maps:
            tools = [("argmap", None), (f"argmap@{args.previous}", old)]
            if args.previous_exact and name == "grid":
                tools.append((f"argmap@{args.previous} exact", old))
            tools.append(("pyAgrum", None))
            results = {}
            for label, path in tools:
                tool = "pyagrum" if label == "pyAgrum" else "argmap"
                if label.endswith(" exact"):
                    tool = "previous-exact"
                results[label] = run(tool, name, path, args.timeout)
            # Stars have a closed form (and pyAgrum takes quadratic time on them).
            if name.startswith("star"):
                ref = star_closed_form(int(name.split()[1]))
            else:
                ref = results["pyAgrum"].get("marginals", {})
            for label, res in results.items():
                if "seconds" not in res:
                    print(f"{name:<11} {label:<21} failed: {res.get('error')}")
                    bad |= label == "argmap"
                    continue
                marg = res.get("marginals")
                err = "-"
                if marg and ref and (label != "pyAgrum" or name.startswith("star")):
                    worst = max(abs(marg[c] - ref[c]) for c in ref)
                    err = f"{worst:.1e}"
                    bad |= label == "argmap" and worst > 1e-9
                note = res.get("error", "")
                print(
                    f"{name:<11} {label:<21} {res['seconds']:>9.2f} {res['peak_mb']:>8.0f} "
                    f"{res.get('method', '-'):>8} {err:>9}  {note}"
                )
                sys.stdout.flush()
    if bad:
        print("argmap DISAGREES with pyAgrum or failed (tolerance 1e-9)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
