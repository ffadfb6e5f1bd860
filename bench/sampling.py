"""Sampling against exact inference: does the ± tell the truth?

    .venv/bin/python bench/sampling.py [--previous REF] [--samples 100000]

For maps with evidence (``argmap.engine.generate``), every claim's sampled
credence (``method="sampled"``) is compared with the exact one, for this
checkout and the previous version (default ``d831ab5``, unpacked from git as
bench/memory.py does). Columns: Kish's effective sample size, the largest and
mean |sampled - exact| (exact: this checkout's, for both versions), and how
many claims are off by more than 4 of their standard errors (about 0 if the ±
is honest). "refused" is the sampler saying
its effective sample size collapsed (exit 1) instead of printing numbers.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MAPS = ["isolated 2^-30", "random 300", "random 1000 x2", "grid 300x8", "grid 1000x12"]


def load_map(name: str) -> Any:
    from argmap.schema.loader import from_data

    sys.path.insert(0, str(ROOT / "engine"))
    # this checkout's generator, whichever version evaluates
    from generate import grid_map_data, random_map_data  # type: ignore[import-not-found]

    if name == "isolated 2^-30":
        data = {"argmap": 1, "claims": {"c": {"credence": "1:2^30", "evidence": [{"bits": 30}]}}}
    elif name.startswith("random"):
        n, *frames = name.split()[1:]
        data = random_map_data(int(n), 2, n_frames=2 if frames else 0)
    else:
        n, w = name.split()[1].split("x")
        data = grid_map_data(int(n), int(w), 1)
    return from_data(data, name=name)


def child(name: str, samples: int) -> None:
    """Sampled credences and standard errors (or the refusal), as JSON."""
    from argmap.engine import evaluate

    amap = load_map(name)
    start = time.perf_counter()
    out: dict[str, Any]
    try:
        sampled = evaluate(amap, method="sampled", samples=samples, band_draws=0)
    except Exception as exc:  # the refusal is a result
        out = {"refused": type(exc).__name__}
    else:
        out = {
            "frames": {
                f: {
                    "ess": fr.effective_samples or 0.0,
                    "credence": [sampled.claims[c].credence[f] for c in amap.claims],
                    "stderr": [sampled.claims[c].stderr[f] for c in amap.claims],
                }
                for f, fr in sampled.frames.items()
            }
        }
    out["seconds"] = time.perf_counter() - start
    json.dump(out, sys.stdout)


def compare(name: str, res: dict[str, Any], samples: int) -> dict[str, Any]:
    """The worst frame's effective sample size and the errors against exact
    inference (this checkout's, for both versions)."""
    import numpy as np

    from argmap.engine import evaluate

    amap = load_map(name)
    exact = evaluate(amap, band_draws=0, method="exact")
    out: dict[str, Any] = {"ess": math.inf, "max": 0.0, "mean": 0.0, "beyond": 0}
    for f, fr in res["frames"].items():
        want = np.array([exact.claims[c].credence[f] for c in amap.claims])
        err = np.abs(np.array(fr["credence"]) - want)
        out["ess"] = min(out["ess"], fr["ess"])
        out["max"] = max(out["max"], float(err.max()))
        out["mean"] = max(out["mean"], float(err.mean()))
        out["beyond"] += int((err > 4 * np.array(fr["stderr"]) + 1e-12).sum())
    out["claims"] = len(amap.claims) * len(res["frames"])
    # both versions warn below 1% of the samples (and below 100)
    out["warned"] = out["ess"] < max(100.0, samples / 100)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--previous", default="d831ab5", help="git ref of the previous version")
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.samples)
        return 0
    sys.path.insert(0, str(HERE))
    from _timing import previous_tree

    head = "{:<15} {:<15} {:>9} {:>8} {:>8} {:>9} {:>8}".format(
        "map", "tool", "ESS", "max err", "mean", "> 4 se", "seconds"
    )
    print(head)
    print("-" * len(head))
    with tempfile.TemporaryDirectory() as tmp:
        old = str(previous_tree(args.previous, Path(tmp)))
        for name in MAPS:
            for label, path in (("argmap", None), (f"argmap@{args.previous}", old)):
                env = dict(os.environ)
                if path:
                    env["PYTHONPATH"] = path
                cmd = [sys.executable, __file__, "--child", name, "--samples", str(args.samples)]
                proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
                if proc.returncode != 0:
                    print(f"{name:<15} {label:<15} failed: {proc.stderr.strip()[-80:]}")
                    continue
                r = json.loads(proc.stdout)
                if "refused" not in r:
                    r |= compare(name, r, args.samples)
                if "refused" in r:
                    print(f"{name:<15} {label:<15} {'refused':>9}{'':>36} {r['seconds']:>8.1f}")
                    continue
                beyond = f"{r['beyond']}/{r['claims']}"
                print(
                    f"{name:<15} {label:<15} {r['ess']:>9,.0f} {r['max']:>8.3f} "
                    f"{r['mean']:>8.4f} {beyond:>9} {r['seconds']:>8.1f}"
                    + ("  (warned)" if r["warned"] else "")
                )
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
