"""Front-door benchmark: the commands people wait for, against the previous argmap and pyAgrum.

    .venv/bin/python bench/frontdoor.py [--previous REF ...] [--pyagrum2 PYTHON] [--quick]

Every row is measured in this run, on this machine:

- ``argmap CMD ...`` rows run the command line in a fresh process (``python -m
  argmap``, as the console script does; CPU = user + system of that process,
  wall = elapsed), once for this tree and once for each previous version
  (``--previous``, repeatable; default ``d831ab5``, before the front door, and
  ``93bbb40``, the last landed version: sources unpacked from git into a
  temporary directory and put first on PYTHONPATH). ``d831ab5`` takes the
  claim first (``cruxes CLAIM MAP``) and cannot read maps with groups (the
  scheming map: "fails"); slow runs are stopped after ``--timeout`` seconds
  and shown as ``> N s``. The 100,000-claim map is a directory of files (one
  file would be over the loader's 16 MiB limit).
- explorer rows call the page's API in-process (:class:`argmap.explorer.app.Explorer`):
  the first page (layout), a new what-if (``given`` of a claim not asked before),
  a click at once (a claim's band, explanation and cruxes; the first click of a
  what-if may wait for its band) and a click one second after a new what-if
  (the band started in the background by then), each the mean of three.
- pyAgrum rows build the same Bayesian network (``bench/engine.py``'s CPTs, soft
  evidence as likelihoods) and compute every posterior with LazyPropagation, in
  a fresh process of each interpreter given: the test venv's pyAgrum (3.x) and,
  with ``--pyagrum2 PYTHON``, a Python with pyAgrum 2.x installed (``python -m
  venv /tmp/pa2 && /tmp/pa2/bin/pip install 'pyagrum<3' numpy``). Compared with
  argmap's ``evaluate`` of the loaded map (YAML loading excluded on both sides).

Maps are ``random_map(n, seed=1)`` (bench/README.md) written as YAML, the
shipped scheming map, and a 7-claim map.
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from _timing import best, previous_tree

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# before the front door, and the last landed version before this one (it reads groups)
PREVIOUS = ("d831ab5", "93bbb40")
SEVEN = """argmap: 1
claims:
  a: {credence: 0.6}
  b: {credence: 0.5}
  c: {credence: "30% to 60%"}
  d: {text: D}
  e: {credence: 0.2}
  f: {text: F}
  g: {credence: 0.1}
arguments:
  ab: {premises: [a, b], supports: d, strength: 0.8}
  cd: {premises: [c], supports: d}
  de: {premises: [d, e], supports: f}
  gf: {premises: [g], attacks: f}
"""

PYAGRUM_CHILD = r"""
import json, sys, time
import pyagrum as gum
net = json.load(open(sys.argv[1]))
t0 = time.perf_counter()
bn = gum.BayesNet("argmap")
for name in net["nodes"]:
    bn.add(gum.LabelizedVariable(name, name, 2))
for name, (parents, _) in net["nodes"].items():
    for p in parents:
        bn.addArc(p, name)
for name, (_, flat) in net["nodes"].items():
    bn.cpt(name).fillWith(flat)
t1 = time.perf_counter()
ie = gum.LazyPropagation(bn)
for name, lik in net["evidence"].items():
    ie.addEvidence(name, lik)
ie.makeInference()
post = {c: float(ie.posterior(n)[1]) for c, n in net["claims"].items()}
t2 = time.perf_counter()
print(json.dumps({"version": gum.__version__, "build": t1 - t0, "infer": t2 - t1, "post": post}))
"""


Run = tuple[float, float, int]  # CPU seconds, wall seconds, exit code


def cli(args: list[str], pythonpath: str | None, timeout: float) -> Run | None:
    """(CPU, wall, exit code) of one ``argmap`` process; None when stopped at the timeout."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled modules cached
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            # as the `argmap` console script runs: through argmap.__main__
            [sys.executable, "-m", "argmap", *args],
            env=env,
            cwd=tempfile.gettempdir(),  # not the repository: its argmap/ would shadow PYTHONPATH
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, proc.returncode


def fmt(x: Run | None, timeout: float) -> str:
    if x is None:
        return f"> {timeout:.0f} s"
    if x[2] != 0:  # e.g. an older version that cannot read today's map (groups)
        return f"fails (exit {x[2]}, {x[1]:.2f} s)"
    return f"{x[0]:.2f} s CPU, {x[1]:.2f} s wall"


def write_map(data: dict[str, Any], path: Path, per_file: int = 20_000) -> Path:
    """The map as YAML: one file, or (over ``per_file`` claims) a directory of files,
    as the loader asks of maps over 16 MiB a file."""
    claims, arguments = list(data["claims"].items()), list(data["arguments"].items())
    if len(claims) <= per_file:
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return path
    path = path.with_suffix("")
    path.mkdir()
    rest = {k: v for k, v in data.items() if k not in ("claims", "arguments")}
    parts = range(0, max(len(claims), len(arguments)), per_file)
    for k, lo in enumerate(parts):
        part = {
            **(rest if k == 0 else {"argmap": data["argmap"]}),
            "claims": dict(claims[lo : lo + per_file]),
            "arguments": dict(arguments[lo : lo + per_file]),
        }
        (path / f"part-{k:02d}.yaml").write_text(yaml.safe_dump(part, sort_keys=False))
    return path


def row(name: str, now: str, before: str, target: str) -> None:
    print(f"| {name} | {now} | {before} | {target} |", flush=True)


def pyagrum_net(amap: Any, path: Path) -> None:
    """The network of ``bench/engine.py`` as JSON for a pyAgrum child of any version."""
    sys.path.insert(0, str(HERE))
    import engine as bench_engine  # bench/engine.py

    parents, coin = bench_engine._families(amap)
    nodes = {}
    for name, ps in parents.items():
        k = len(ps)
        table = bench_engine._cpt(ps, coin[name]).transpose([*reversed(range(k)), k])
        nodes[name] = ([p for p, _, _ in ps], table.ravel().tolist())
    node = bench_engine._node(amap)
    lik = bench_engine._likelihoods(amap)
    evidence = {node[c]: list(v) for c, v in lik.items()}
    path.write_text(json.dumps({"nodes": nodes, "evidence": evidence, "claims": node}))


def pyagrum(python: str, net: Path, timeout: float) -> dict[str, Any] | None:
    try:
        proc = subprocess.run(
            [python, "-c", PYAGRUM_CHILD, str(net)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1][:80]}
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def _evaluator(amap: Any) -> Callable[[], Any]:
    """Compile and evaluate ``amap``: what one `argmap eval` does after loading."""
    from argmap.engine.model import Model

    return lambda: Model(amap).evaluate()


def explorer_rows(path: Path, label: str, claims_at: int, blank: str) -> None:
    from argmap.explorer.app import Explorer
    from argmap.explorer.watch import MapWatcher

    ex = Explorer(MapWatcher(path))
    start = time.perf_counter()
    ex.state("")
    first = time.perf_counter() - start
    assert ex.watcher.snapshot.map is not None
    ids = list(ex.watcher.snapshot.map.claims)
    picks = ids[claims_at : claims_at + 3]
    whatifs = []
    for cid in picks:
        start = time.perf_counter()
        ex.state(f"given={cid}%3Dtrue")
        whatifs.append(time.perf_counter() - start)
    clicks = []
    for cid in ids[-3:]:
        start = time.perf_counter()
        ex.claim(f"id={cid}")
        clicks.append(time.perf_counter() - start)
    # a reader's click comes a moment after the what-if: by then its band (started in
    # the background by the state request) is ready
    later = []
    for cid in picks:
        ex.state(f"given={cid}%3Dfalse")
        time.sleep(1.0)
        start = time.perf_counter()
        ex.claim(f"id={ids[-1]}&given={cid}%3Dfalse")
        later.append(time.perf_counter() - start)
    row(f"explorer, {label}: first page (layout)", f"{first:.2f} s", blank, "")
    row(f"explorer, {label}: a new what-if", f"{sum(whatifs) / 3:.3f} s", blank, "")
    # the first click of a what-if also computes its band (every claim's, kept for the
    # next clicks): shown apart, then the mean of the three
    row(
        f"explorer, {label}: a claim click, first / next two",
        f"{clicks[0]:.3f} s / {(clicks[1] + clicks[2]) / 2:.3f} s",
        blank,
        "",
    )
    row(f"explorer, {label}: a claim click (mean of three)", f"{sum(clicks) / 3:.3f} s", blank, "")
    row(
        f"explorer, {label}: a claim click 1 s after a new what-if",
        f"{sum(later) / 3:.3f} s",
        blank,
        "",
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--previous",
        action="append",
        metavar="REF",
        help=f"an earlier version to measure beside this tree (repeatable; default {PREVIOUS})",
    )
    ap.add_argument("--pyagrum2", metavar="PYTHON", help="a Python with pyAgrum 2.x")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--quick", action="store_true", help="skip 100,000 claims")
    args = ap.parse_args()

    from argmap.engine.generate import grid_map_data, random_map, random_map_data
    from argmap.schema.loader import load

    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        refs = args.previous or list(PREVIOUS)
        olds = [str(previous_tree(ref, t / f"v{k}")) for k, ref in enumerate(refs)]
        seven = t / "seven.yaml"
        seven.write_text(SEVEN)
        maps = {}
        for n in (1000, 10_000) if args.quick else (1000, 10_000, 100_000):
            maps[n] = write_map(random_map_data(n, 1), t / f"random-{n}.yaml")
        # a map over a small memory budget: sampled, as a map too large for exact inference is
        grid = t / "grid-200.yaml"
        grid.write_text(yaml.safe_dump(grid_map_data(200, 8, 1), sort_keys=False))
        scheming = str(ROOT / "arguments" / "scheming")
        m1000 = str(maps[1000])
        claim = list(random_map(1000, 1).claims)[-1]
        prev = " | ".join(f"argmap@{ref}" for ref in refs)
        print(f"| what | argmap (this tree) | {prev} | target |")
        print("|---|---|" + "---|" * len(refs) + "---|")
        blank = " | ".join("" for _ in refs)
        to = args.timeout
        for name, new, before, target in [
            ("eval, 7-claim map", ["eval", str(seven)], None, "< 0.3 s CPU"),
            ("check, scheming", ["check", scheming], None, ""),
            ("eval, scheming (default band)", ["eval", scheming], None, "< 0.6 s CPU"),
            ("cruxes, 1,000 claims", ["cruxes", m1000, claim], ["cruxes", claim, m1000], "< 2 s"),
            (
                "sensitivity, 1,000 claims",
                ["sensitivity", m1000, claim],
                ["sensitivity", claim, m1000],
                "< 10 s",
            ),
            (
                "cruxes, 200-claim grid sampled (--max-memory 1MB)",
                ["cruxes", str(grid), "c199", "--max-memory", "1MB"],
                ["cruxes", "c199", str(grid), "--max-memory", "1MB"],
                "",
            ),
            (
                "eval, 10,000 claims (JSON)",
                ["eval", str(maps[10_000]), "--format", "json"],
                None,
                "< 3 s",
            ),
        ]:
            # older versions take the claim first; the MAP-first ones still accept that order
            then = " | ".join(fmt(cli(before or new, old, to), to) for old in olds)
            row(name, fmt(cli(new, None, to), to), then, target)
        if 100_000 in maps:
            args100 = ["eval", str(maps[100_000]), "--format", "json"]
            row("eval, 100,000 claims (JSON)", fmt(cli(args100, None, 120), 120), blank, "< 25 s")
        explorer_rows(maps[1000], "1,000 claims", 100, blank)
        explorer_rows(Path(scheming), "scheming", 5, blank)

        print()
        print("| claims | argmap evaluate (loaded map) | pyAgrum | build + inference | agree |")
        print("|---|---|---|---|---|")
        pythons = [sys.executable] + ([args.pyagrum2] if args.pyagrum2 else [])
        for n in (1000, 10_000):
            amap = load(maps[n])
            secs, ev = best(_evaluator(amap), 3 if n < 10_000 else 1)
            mine = {c: r.credence["default"] for c, r in ev.claims.items()}
            net = t / f"net-{n}.json"
            pyagrum_net(amap, net)
            for python in pythons:
                got = pyagrum(python, net, 300)
                if got is None or "error" in got:
                    err = "stopped" if got is None else got["error"]
                    row(f"{n:,}", f"{secs:.2f} s", err, "")
                    continue
                diff = max(abs(got["post"][c] - mine[c]) for c in mine)
                print(
                    f"| {n:,} | {secs:.2f} s | {got['version']} | "
                    f"{got['build']:.2f} + {got['infer']:.2f} = "
                    f"{got['build'] + got['infer']:.2f} s | {diff:.1e} |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
