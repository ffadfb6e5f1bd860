"""Hostile inputs to the engine (issue 12): fan-in and fan-out in the thousands,
extreme log-odds, memory budgets, collapsed sampling, bounds on draws.

Each number is checked against a closed form or the brute force of
``engine_helpers``; each case failed on the engine before the fix.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from engine_helpers import brute_force, pyagrum_marginals
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.cli import main
from argmap.engine import evaluate
from argmap.engine.compile import compile_structure
from argmap.engine.generate import grid_map, grid_map_data
from argmap.engine.jtree import TooLarge, build_plan
from argmap.engine.memory import DEFAULT_MAX_MEMORY, parse_memory
from argmap.engine.params import resolve
from argmap.engine.propagate import scaled_einsum
from argmap.engine.uncertain import BATCH, draw_log_odds
from argmap.render.csvout import to_csv
from argmap.render.jsonout import to_json
from argmap.render.markdown import eval_markdown
from argmap.render.text import eval_table
from argmap.schema import SamplingCollapsedError, UsageError
from argmap.schema.loader import from_data

ROOT_PRIOR, ROOT_BITS, STRENGTH, LEAF = 0.3, 2.0, 0.5, 0.2


def _star_data(n: int) -> dict[str, Any]:
    """One root with evidence, the premise of n arguments each supporting its own leaf."""
    claims: dict[str, Any] = {
        "r": {"text": "root", "credence": ROOT_PRIOR, "evidence": [{"bits": ROOT_BITS}]}
    }
    args: dict[str, Any] = {}
    for i in range(n):
        claims[f"l{i}"] = {"credence": LEAF}
        args[f"a{i}"] = {"premises": ["r"], "supports": f"l{i}", "strength": STRENGTH}
    return {"argmap": 1, "claims": claims, "arguments": args}


def _star_closed_form() -> tuple[float, float]:
    """Nothing below the root carries evidence: the root's posterior is prior odds
    times the ratio, and each leaf is 1 - (1 - leaf) (1 - strength P(root))."""
    odds = ROOT_PRIOR / (1 - ROOT_PRIOR) * 2.0**ROOT_BITS
    root = odds / (1 + odds)
    return root, 1 - (1 - LEAF) * (1 - STRENGTH * root)


@pytest.mark.parametrize("n", [3, 5])
def test_small_star_matches_brute_force(n: int) -> None:
    amap = from_data(_star_data(n))
    expected, _ = brute_force(amap)
    ev = evaluate(amap)
    root, leaf = _star_closed_form()
    assert expected["r"]["default"] == pytest.approx(root, abs=1e-12)
    assert expected["l0"]["default"] == pytest.approx(leaf, abs=1e-12)
    for cid, cols in expected.items():
        assert ev.claims[cid].credence["default"] == pytest.approx(cols["default"], abs=1e-12)


@pytest.mark.parametrize("n", [1050, 1073, 1074, 1080, 10_000])
def test_fan_out_does_not_underflow(n: int) -> None:
    """0.5^1074 is 0.0: the product of the children's messages at the root used to
    underflow (a wrong 9th digit at 1,050, 0.0 at 1,074, "impossible" from 1,080)."""
    ev = evaluate(from_data(_star_data(n)))
    root, leaf = _star_closed_form()
    assert ev.claims["r"].credence["default"] == pytest.approx(root, rel=1e-12)
    for i in (0, n // 2, n - 1):
        assert ev.claims[f"l{i}"].credence["default"] == pytest.approx(leaf, rel=1e-12)
    assert ev.frames["default"].method == "exact"


def test_explanations_at_fan_out() -> None:
    """Removing one argument of 1,500 (the explanation's path messages) is exact too."""
    ev = evaluate(from_data(_star_data(1500)), explain=True)
    _, leaf = _star_closed_form()
    assert ev.claims["l7"].explanation["default"] == {"a7": pytest.approx(leaf - LEAF, rel=1e-12)}
    assert set(ev.claims["r"].explanation["default"].values()) == {0.0}


@given(st.lists(st.tuples(st.floats(-700, 5), st.floats(-700, 5)), min_size=1, max_size=300))
@settings(max_examples=60, deadline=None)
def test_scaled_products_match_log_space(logs: list[tuple[float, float]]) -> None:
    """Hundreds of two-entry tables whose entries span e^-700..e^5: the rescaled
    product has the log scale and, relative to its largest entry, the entries
    that log-space arithmetic gives (what a credence is read from)."""
    ops: list[object] = []
    for a, b in logs:
        ops += [np.exp(np.array([a, b])), [0]]
    table, scale = scaled_einsum(ops, [0])
    want = np.array([math.fsum(a for a, _ in logs), math.fsum(b for _, b in logs)])
    top = want.max()
    assert scale + math.log(table.max()) == pytest.approx(top, rel=1e-12, abs=1e-9)
    assert table / table.max() == pytest.approx(np.exp(want - top), rel=1e-9, abs=1e-15)


def test_fan_in_does_not_underflow() -> None:
    """10,000 arguments for one claim with evidence, each from its own premise."""
    n, prem, strength, base, bits = 10_000, 0.1, 0.01, 0.05, -3.0
    claims: dict[str, Any] = {"c": {"credence": base, "evidence": [{"bits": bits}]}}
    args: dict[str, Any] = {}
    for i in range(n):
        claims[f"p{i}"] = {"credence": prem}
        args[f"a{i}"] = {"premises": [f"p{i}"], "supports": "c", "strength": strength}
    ev = evaluate(from_data({"argmap": 1, "claims": claims, "arguments": args}))
    miss = 1 - prem * strength  # P(one argument does not fire)
    prior = 1 - (1 - base) * miss**n
    odds = prior / (1 - prior) * 2.0**bits
    assert ev.claims["c"].credence["default"] == pytest.approx(odds / (1 + odds), rel=1e-10)
    # A premise: P(p, c) = p (1 - (1 - base)(1 - s) miss^(n-1)), P(p, not c) likewise.
    p_c = prem * (1 - (1 - base) * (1 - strength) * miss ** (n - 1))
    p_not = prem * (1 - base) * (1 - strength) * miss ** (n - 1)
    lr = 2.0**bits
    post = (p_c * lr + p_not) / (prior * lr + (1 - prior))
    assert ev.claims["p7"].credence["default"] == pytest.approx(post, rel=1e-10)
    assert math.isfinite(ev.frames["default"].log_evidence)


# ---------------------------------------------------------------- extreme log-odds


def test_prior_and_evidence_beyond_the_smallest_float_cancel_exactly() -> None:
    """2^-1100 is 0.0 as a float: prior odds 1:2^1100 with 1,100 bits of evidence
    was "impossible evidence"; in log-odds the credence is exactly 0.5."""
    data = {
        "argmap": 1,
        "claims": {
            "a": {"credence": "1:2^1100", "evidence": [{"bits": 1100}]},
            "b": {"credence": "2^1100:1", "evidence": [{"bits": -1100}]},
            "c": {"credence": "1:2^30", "evidence": [{"bits": 30}]},
        },
    }
    ev = evaluate(from_data(data))
    for cid in "abc":
        assert ev.claims[cid].credence["default"] == 0.5
    assert ev.frames["default"].method == "exact"
    # ln P(e) = ln(2 * 2^-1100 / (1 + 2^-1100)) for each of a and b, and c likewise.
    want = 2 * (math.log(2) - 1100 * math.log(2)) + math.log(2) - 30 * math.log(2)
    assert ev.frames["default"].log_evidence == pytest.approx(want, rel=1e-9)


def test_extreme_prior_in_one_frame_moves_the_posterior_weights() -> None:
    data = {
        "argmap": 1,
        "frames": {"f": {"weight": 1}, "g": {"weight": 1}},
        "claims": {
            "a": {"credence": 0.5, "frames": {"g": {"credence": "1:2^1100"}}},
        },
    }
    ev = evaluate(from_data(data), given={"a": True})
    # P_g(a) = 2^-1100 / (1 + 2^-1100): frame g keeps a posterior weight of 2^-1099, i.e. 0.
    assert ev.frames["f"].posterior_weight == 1.0
    assert ev.frames["g"].posterior_weight == 0.0
    assert ev.frames["g"].log_evidence == pytest.approx(-1100 * math.log(2), rel=1e-12)


def _upstream_30() -> dict[str, Any]:
    """c holds exactly when p does, p is 1:2^30 and c has 30 bits of evidence."""
    return {
        "argmap": 1,
        "claims": {"p": {"credence": "1:2^30"}, "c": {"evidence": [{"bits": 30}]}},
        "arguments": {"a": {"premises": ["p"], "supports": "c"}},
    }


def test_sampling_never_prints_zero_for_1_in_2_to_the_30() -> None:
    """1:2^30 with 30 bits printed 0.0 (the truth is 0.5). On the claim itself the
    evidence-aware proposal now reaches it; one step upstream, where no sample
    reaches it, sampling refuses."""
    amap = from_data(
        {"argmap": 1, "claims": {"c": {"credence": "1:2^30", "evidence": [{"bits": 30}]}}}
    )
    res = evaluate(amap, method="sampled").claims["c"]
    assert abs(res.credence["default"] - 0.5) <= 4 * res.stderr["default"] < 0.01
    with pytest.raises(SamplingCollapsedError, match=r"max_memory=.*samples="):
        evaluate(from_data(_upstream_30()), method="sampled")
    assert evaluate(from_data(_upstream_30())).claims["c"].credence["default"] == 0.5


def test_frame_weights_near_the_largest_float() -> None:
    data = {
        "argmap": 1,
        "frames": {"f": {"weight": 1e308}, "g": {"weight": 1.7e308}, "h": {"weight": 5e-324}},
        "claims": {"a": {"credence": 0.3, "frames": {"g": {"credence": 0.6}}}},
    }
    ev = evaluate(from_data(data))
    assert ev.frames["f"].weight == pytest.approx(1 / 2.7)
    assert ev.claims["a"].credence["overall"] == pytest.approx((0.3 * 1 + 0.6 * 1.7) / 2.7)


# ---------------------------------------------------------------- the memory budget


def test_the_12_wide_grid_fits_the_default_budget() -> None:
    """1,000 claims, cliques of 22 variables: exact within 1 GB (was: sampled, 24 pp off)."""
    amap = grid_map(1000, 12, 1)
    req = resolve(amap, None, None, None)
    s = compile_structure(amap, req.frames)
    plan = build_plan(s.n_vars, s.scopes, len(s.claims))
    assert plan.largest >= 20
    assert plan.memory <= DEFAULT_MAX_MEMORY
    with pytest.raises(TooLarge, match="memory budget"):
        build_plan(s.n_vars, s.scopes, len(s.claims), max_bytes=20 * 10**6)


@pytest.mark.parametrize("budget", [10**9, 8 * 10**6])
def test_grid_matches_pyagrum_whether_products_are_kept_or_recomputed(budget: int) -> None:
    amap = grid_map(300, 8, 3, p_evidence=0.2)
    ev = evaluate(amap, max_memory=budget)
    want, _ = pyagrum_marginals(amap, "default", {})
    assert ev.frames["default"].method == "exact"
    for cid, p in want.items():
        assert ev.claims[cid].credence["default"] == pytest.approx(p, abs=1e-9), cid
    req = resolve(amap, None, None, None)
    s = compile_structure(amap, req.frames)
    plan = build_plan(s.n_vars, s.scopes, len(s.claims), max_bytes=budget)
    assert plan.keep_potentials == (budget == 10**9)


def test_auto_says_why_it_samples_in_every_format() -> None:
    amap = grid_map(200, 8, 2, p_evidence=0.0)
    ev = evaluate(amap, max_memory="1MB", samples=2000)
    assert ev.frames["default"].method == "sampled"
    (warning,) = ev.warnings
    assert "over the 1 MB memory budget" in warning and "sampling" in warning
    assert re.search(r"needs [0-9.]+ [kMG]B", warning)
    assert warning in to_json(ev)
    assert warning in eval_table(ev) and warning in eval_markdown(ev)
    header = to_csv(ev).splitlines()[0]
    assert header == "claim,default,default stderr,text"


def test_memory_sizes() -> None:
    assert parse_memory("4GB") == 4 * 10**9
    assert parse_memory("512 MiB") == 512 * 2**20
    assert parse_memory("2e9") == 2 * 10**9
    assert parse_memory(10**7) == 10**7
    for bad in ["", "4XB", "-1GB", "nanGB", "1e400", "10", "2PB"]:
        with pytest.raises(ValueError):
            parse_memory(bad)


# ---------------------------------------------------------------- bounds on the counts


def test_counts_are_bounded_with_a_usage_error() -> None:
    amap = from_data({"argmap": 1, "claims": {"a": {"credence": "10% to 20%"}}})
    for kwargs in [
        {"samples": 10**20},
        {"samples": 1},
        {"seed": -1},
        {"seed": 2**64},
        {"band_draws": -5},
        {"max_memory": "lots"},
    ]:
        with pytest.raises(UsageError):
            evaluate(amap, **kwargs)  # type: ignore[arg-type]
    # 10^8 draws of the band would hold 10^8 credences: refused before any is drawn.
    with pytest.raises(UsageError, match="memory budget"):
        evaluate(amap, band_draws=10**8)


def test_band_drawn_in_batches_gives_the_same_band() -> None:
    amap = from_data(
        {
            "argmap": 1,
            "claims": {"a": {"credence": "10% to 40%"}, "b": {"credence": {"beta": [2, 5]}}},
        }
    )
    n = BATCH + 5
    ev = evaluate(amap, band_draws=n)
    place, value = resolve(amap, None, None, None).frames[0].uncertain[("credence", "a")]
    draws = 1 / (1 + np.exp(-draw_log_odds(value, place, 0, n)))  # all at once
    lo, hi = ev.claims["a"].interval["default"]
    assert lo == pytest.approx(np.percentile(draws, 5, method="inverted_cdf"), rel=1e-12)
    assert hi == pytest.approx(np.percentile(draws, 95, method="inverted_cdf"), rel=1e-12)


# ---------------------------------------------------------------- the command line


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _write(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "map.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


@pytest.mark.parametrize(
    "argv",
    [
        ["--samples", "99999999999999999999"],
        ["--samples", "-3"],
        ["--seed", "-1"],
        ["--seed", "99999999999999999999999"],
        ["--max-memory", "lots"],
        ["--max-memory", "0"],
    ],
)
def test_cli_bounds_are_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    path = _write(tmp_path, {"argmap": 1, "claims": {"a": {"credence": 0.5}}})
    code, _, err = _cli(capsys, "eval", path, *argv)
    assert code == 2
    assert argv[0] in err and "Traceback" not in err


def test_cli_huge_band_is_a_usage_error_not_7_gb(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _write(tmp_path, {"argmap": 1, "claims": {"a": {"credence": "10% to 20%"}}})
    code, _, err = _cli(capsys, "eval", path, "--samples", "100000000")
    assert code == 2
    assert "memory budget" in err and "--samples" in err


def test_cli_auto_warns_on_stderr_and_csv_keeps_the_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _write(tmp_path, grid_map_data(200, 8, 2, p_evidence=0.0))
    code, out, err = _cli(
        capsys, "eval", path, "--max-memory", "1MB", "--samples", "2000", "--format", "csv"
    )
    assert code == 0
    assert "argmap eval: warning: " in err and "1 MB memory budget" in err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["claim", "default", "default stderr", "text"]
    assert all(0 < float(r[2]) < 0.05 for r in rows[1:])
    code, out, err = _cli(
        capsys, "eval", path, "--max-memory", "1MB", "--samples", "2000", "--format", "json"
    )
    assert json.loads(out)["warnings"] == [err.split("warning: ", 1)[1].strip()]
    code, out, err = _cli(capsys, "eval", path, "--max-memory", "4GB", "--format", "csv")
    assert code == 0 and err == ""
    assert out.splitlines()[0] == "claim,default,text"


def test_cli_collapsed_sampling_exits_1_naming_the_options(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _write(tmp_path, _upstream_30())
    code, out, err = _cli(capsys, "eval", path, "--method", "sampled", "--format", "csv")
    assert code == 1 and out == ""
    for option in ("--max-memory", "--method exact", "--samples"):
        assert option in err
    code, out, _ = _cli(capsys, "eval", path, "--format", "csv")
    assert code == 0 and any(row.startswith("c,0.5,") for row in out.splitlines())


def test_cli_default_band_shrinks_to_the_budget(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The default 1,000 draws of a large map would not fit 1 MB: fewer, said so."""
    claims = {f"c{i}": {"credence": "10% to 20%"} for i in range(200)}
    path = _write(tmp_path, {"argmap": 1, "claims": claims})
    code, out, err = _cli(capsys, "eval", path, "--max-memory", "1MB", "--format", "json")
    assert code == 0
    # 1 MB / (8 bytes x 200 claims x (1 column + overall + a sorted copy)) = 208
    assert "argmap eval: warning: the band is drawn 208 times, not 1,000" in err
    assert json.loads(out)["band"]["draws"] == 208
    plain = _write(tmp_path, {"argmap": 1, "claims": {"a": {"credence": 0.5}}})
    code, _, err = _cli(capsys, "eval", plain, "--max-memory", "1MB")
    assert code == 0 and err == ""


def test_sampling_memory_does_not_grow_with_the_samples() -> None:
    """Batches are capped: 4 million samples of one claim held ~200 MB at once."""
    amap = from_data({"argmap": 1, "claims": {"a": {"credence": 0.3, "evidence": [{"bits": 1}]}}})
    tracemalloc.start()
    try:
        ev = evaluate(amap, method="sampled", samples=4_000_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 80 * 10**6
    odds = 0.3 / 0.7 * 2
    res = ev.claims["a"]
    assert abs(res.credence["default"] - odds / (1 + odds)) <= 4 * res.stderr["default"]


def test_evidence_items_near_the_largest_float(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Their exact sum overflowed math.fsum (exit 3): now infinite evidence, or exact."""
    data = {
        "argmap": 1,
        "claims": {
            "a": {"credence": 0.3, "evidence": [{"bits": 1e308}, {"bits": 1e308}]},
            "b": {"credence": 0.3, "evidence": [{"bits": 1e308}, {"bits": -1e308}]},
            "c": {
                "credence": 0.3,
                "evidence": [{"bits": 1e308}, {"bits": 1e308}, {"bits": -1e308}, {"bits": -1e308}],
            },
        },
    }
    ev = evaluate(from_data(data))
    assert ev.claims["a"].credence["default"] == 1.0
    assert ev.claims["b"].credence["default"] == pytest.approx(0.3)
    assert ev.claims["c"].credence["default"] == pytest.approx(0.3)
    path = _write(tmp_path, data)
    for argv in (["eval", path], ["sensitivity", "a", path], ["cruxes", "a", path]):
        code, _, err = _cli(capsys, *argv)
        assert code == 0, (argv, err)
