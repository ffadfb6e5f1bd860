"""Benchmark: five people on a generated 1,000-claim map (`eval --people`, `disagree`).

Run ``.venv/bin/python bench/people.py [--claims N] [--repeat R]``. Writes a
generated map (two weighted frames) and five person overlays into one
temporary map directory; each overlay sets three parameters (credences and
strengths) drawn from a shared pool of ten contested ones, so two people
differ in up to six. Times, best of R, whole commands run in-process
(loading the map and overlays included):

- ``eval MAP --people --format json`` (target: under 3 s), against its peers in
  the same run: ``eval MAP`` (the map alone; what one column costs) and
  ``eval MAP --as ID`` five times (the people one by one);
- ``disagree MAP CLAIM A B --format json`` for the pair that differs in the
  most parameters (target: under 10 s): exact Shapley values need every one
  of the 2^k mixtures of their numbers. Its peer is the same attribution with
  a full ``evaluate()`` per mixture, timed on 16 mixtures and scaled to 2^k.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import yaml

from argmap.cli import main as argmap_main
from argmap.engine import evaluate
from argmap.engine.generate import random_map_data
from argmap.engine.people import _Scorer, differences, mix
from argmap.schema.loader import load
from argmap.schema.people import person_map

PEOPLE = 5
PER_PERSON = 3
POOL = 10


def make_map(
    root: Path, n_claims: int, per_person: int = PER_PERSON
) -> tuple[dict[str, Any], list[str]]:
    """The map and its overlays under ``root``; returns the map data and the person ids."""
    data = random_map_data(n_claims, seed=1, n_frames=2)
    (root / "map.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    rng = random.Random(7)
    claims = [c for c, v in data["claims"].items() if "credence" in v]
    args = sorted(data["arguments"])
    pool = [("claims", c) for c in rng.sample(claims, POOL // 2)] + [
        ("arguments", a) for a in rng.sample(args, POOL - POOL // 2)
    ]
    ids = []
    for k in range(PEOPLE):
        pid = f"person-{k + 1}"
        overlay: dict[str, Any] = {"argmap": 1, "person": pid, "claims": {}, "arguments": {}}
        for section, nid in rng.sample(pool, per_person):
            key = "credence" if section == "claims" else "strength"
            overlay[section][nid] = {key: round(rng.uniform(0.05, 0.95), 3)}
        (root / f"{pid}.yaml").write_text(yaml.safe_dump(overlay, sort_keys=False))
        ids.append(pid)
    return data, ids


def cpu(fn: Any, repeat: int) -> tuple[float, float, Any]:
    """(best wall seconds, best CPU seconds of this process, what the last run returned):
    on a shared machine the CPU time says what the command costs, the wall time what
    a user waited."""
    wall, cpus, out = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(wall), min(cpus), out


def cli(*argv: str) -> str:
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = argmap_main(list(argv))
    assert code == 0, argv
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--per-person", type=int, default=PER_PERSON, help="parameters each overlay sets"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "big"
        root.mkdir()
        data, ids = make_map(root, args.claims, args.per_person)
        path = str(root)
        amap = load(path)
        maps = {pid: person_map(amap, pid) for pid in ids}
        pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
        a, b = max(pairs, key=lambda p: (len(differences(maps[p[0]], maps[p[1]])), p))
        k = len(differences(maps[a], maps[b]))
        claim = sorted(data["claims"])[-1]
        base = ["--format", "json", "--samples", "0"]
        t_people, c_people, out = cpu(lambda: cli("eval", path, "--people", *base), args.repeat)
        doc = json.loads(out)
        t_map, c_map, _ = cpu(lambda: cli("eval", path, *base), args.repeat)
        t_each, c_each, _ = cpu(
            lambda: [cli("eval", path, "--as", p, *base) for p in ids], args.repeat
        )
        t_dis, c_dis, out = cpu(
            lambda: cli("disagree", path, claim, a, b, "--format", "json"), args.repeat
        )
        dis = json.loads(out)
        # the peer: one full evaluate() per mixture, timed on 16 and scaled to 2^k
        keys = [d.key for d in differences(maps[a], maps[b])]
        rng = random.Random(0)
        sample = [frozenset(x for x in keys if rng.random() < 0.5) for _ in range(16)]
        start = time.process_time()
        for s in sample:
            evaluate(mix(maps[a], maps[b], s), band_draws=0)
        per = (time.process_time() - start) / len(sample)
        # what one mixture costs disagree itself: the time beyond the double cruxes
        scorer = _Scorer(maps[a], maps[b], claim, "overall", {}, {}, None, keys)
        start = time.process_time()
        for s in sample:
            scorer(s)
        fast = (time.process_time() - start) / len(sample)
    rows = [
        ("eval --people (5 people + pooled)", t_people, c_people, "target < 3 s"),
        ("eval (the map alone)", t_map, c_map, "peer: one column"),
        ("eval --as, once per person", t_each, c_each, "peer: the people one by one"),
        (f"disagree {claim} {a} {b}", t_dis, c_dis, f"target < 10 s; k = {k}, exact"),
        (
            "same attribution, evaluate() per mixture",
            math.nan,
            per * 2**k,
            f"peer, extrapolated: {per * 1000:.0f} ms x 2^{k}",
        ),
        (
            "disagree with k = 10 (exact's limit)",
            math.nan,
            c_dis + fast * (2**10 - 2**k),
            f"extrapolated: + {fast * 1000:.0f} ms per extra mixture",
        ),
    ]
    print(f"{args.claims} claims, 2 frames, {PEOPLE} overlays of {args.per_person} parameters each")
    print(f"{'command':<44} {'wall s':>7} {'CPU s':>7}  note")
    print("-" * 100)
    for name, t, c, note in rows:
        wall = "-" if math.isnan(t) else f"{t:7.2f}"
        print(f"{name:<44} {wall:>7} {c:7.2f}  {note}")
    ok = (
        set(doc["people"]) == set(ids)
        and dis["attribution"]["method"] == "exact"
        and abs(sum(c["contribution"] for c in dis["attribution"]["contributions"]) - dis["gap"])
        < 1e-12
    )
    print(
        f"\n(exact Shapley: {dis['attribution']['method'] == 'exact'}; sum of contributions "
        f"= gap: {ok})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    sys.exit(main())
