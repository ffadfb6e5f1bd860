"""The 5th-95th percentile band under uncertain parameters (docs/semantics.md)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from argmap.cli import main
from argmap.engine import evaluate as engine_evaluate
from argmap.schema.loader import from_data


def evaluate(amap: Any, **kw: Any) -> Any:
    """The engine with the public API's default band (1000 draws)."""
    return engine_evaluate(amap, **{"band_draws": 1000, **kw})


def _map(claims: dict[str, Any], arguments: dict[str, Any] | None = None) -> Any:
    return from_data({"argmap": 1, "claims": claims, "arguments": arguments or {}}, "band.yaml")


def test_an_uncertain_leaf_reports_its_own_interval() -> None:
    ev = evaluate(_map({"a": {"credence": "40% to 70%"}}), band_draws=20_000)
    lo, hi = ev.claims["a"].interval["default"]
    # "40% to 70%" is a 90% credible interval: its 5th and 95th percentiles.
    assert lo == pytest.approx(0.40, abs=0.005) and hi == pytest.approx(0.70, abs=0.005)
    # The credence itself is the exact mean, not a Monte Carlo estimate.
    assert (
        ev.claims["a"].credence["default"]
        == evaluate(_map({"a": {"credence": "40% to 70%"}})).claims["a"].credence["default"]
    )


def test_beta_band_matches_its_quantiles() -> None:
    ev = evaluate(_map({"a": {"credence": {"beta": [2, 5]}}}), band_draws=20_000)
    # Independent: invert the Beta(2, 5) CDF on a fine grid.
    x = np.linspace(0.0, 1.0, 200_001)
    pdf = x * (1 - x) ** 4
    cdf = np.cumsum(pdf)
    cdf /= cdf[-1]
    q05, q95 = np.interp([0.05, 0.95], cdf, x)
    lo, hi = ev.claims["a"].interval["default"]
    assert lo == pytest.approx(q05, abs=0.006) and hi == pytest.approx(q95, abs=0.006)


def test_downstream_band_is_the_same_draws_pushed_through() -> None:
    # P(b | θ) = 0.5 θ: monotone, so b's percentiles are a's, halved, exactly.
    m = _map(
        {"a": {"credence": "40% to 70%"}, "b": {}},
        {"x": {"premises": ["a"], "supports": "b", "strength": 0.5}},
    )
    ev = evaluate(m)
    (alo, ahi), (blo, bhi) = ev.claims["a"].interval["default"], ev.claims["b"].interval["default"]
    assert blo == pytest.approx(0.5 * alo, abs=1e-12) and bhi == pytest.approx(0.5 * ahi, abs=1e-12)


def test_evidence_moves_the_band_through_bayes_rule() -> None:
    plain = evaluate(_map({"a": {"credence": "20% to 60%"}}))
    with_evidence = evaluate(_map({"a": {"credence": "20% to 60%", "evidence": [{"bits": 2}]}}))
    lo, hi = plain.claims["a"].interval["default"]

    def posterior(p: float) -> float:
        return 4 * p / (4 * p + 1 - p)

    elo, ehi = with_evidence.claims["a"].interval["default"]
    assert elo == pytest.approx(posterior(lo), abs=1e-12)
    assert ehi == pytest.approx(posterior(hi), abs=1e-12)


def test_one_stream_per_parameter() -> None:
    before = evaluate(_map({"a": {"credence": "40% to 70%"}, "b": {"credence": "10% to 30%"}}))
    after = evaluate(_map({"a": {"credence": "40% to 70%"}, "b": {"credence": {"beta": [1, 3]}}}))
    # Editing b does not reshuffle a's draws.
    assert before.claims["a"].interval == after.claims["a"].interval
    assert before.claims["b"].interval != after.claims["b"].interval


def test_seeded_and_deterministic() -> None:
    m = _map({"a": {"credence": "40% to 70%"}})
    assert evaluate(m).claims["a"].interval == evaluate(m).claims["a"].interval
    assert evaluate(m, seed=1).claims["a"].interval != evaluate(m).claims["a"].interval


def test_no_band_without_uncertainty_or_when_skipped() -> None:
    assert evaluate(_map({"a": {"credence": 0.4}})).claims["a"].interval == {}
    assert (
        evaluate(_map({"a": {"credence": "40% to 70%"}}), band_draws=0).claims["a"].interval == {}
    )


def test_frames_mix_per_draw() -> None:
    m = from_data(
        {
            "argmap": 1,
            "frames": {"f": {"weight": 1}, "g": {"weight": 1}},
            "claims": {"a": {"credence": "40% to 70%", "frames": {"g": {"credence": 0.9}}}},
        },
        "frames.yaml",
    )
    band = evaluate(m).claims["a"].interval
    assert set(band) == {"f", "g", "overall"}
    assert band["g"] == (pytest.approx(0.9), pytest.approx(0.9))
    # overall = (θ + 0.9) / 2 per draw, a monotone map of f's draws.
    assert band["overall"][0] == pytest.approx((band["f"][0] + 0.9) / 2, abs=1e-12)
    assert band["overall"][1] == pytest.approx((band["f"][1] + 0.9) / 2, abs=1e-12)


def test_cli_json_interval(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("argmap: 1\nclaims:\n  a: {credence: 40% to 70%}\n  b: {credence: 0.3}\n")
    assert main(["eval", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    lo, hi = doc["claims"]["a"]["interval"]["default"]
    assert 0.35 < lo < 0.45 and 0.65 < hi < 0.75
    assert main(["eval", str(path), "--format", "json", "--samples", "0"]) == 0
    assert "interval" not in json.loads(capsys.readouterr().out)["claims"]["a"]
    assert main(["eval", str(path)]) == 0
    assert "5th-95th percentile" in capsys.readouterr().out


def test_progress_hears_the_draws() -> None:
    calls: list[tuple[int, int]] = []
    evaluate(
        _map({"a": {"credence": "40% to 70%"}}),
        band_draws=50,
        progress=lambda d, t: calls.append((d, t)),
    )
    # draws are evaluated in batches: the bar hears each batch start, then the end
    assert calls[0] == (0, 50) and calls[-1] == (50, 50)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_percentile_stderr_is_calibrated() -> None:
    """For U(0, 1) the 5th percentile of n draws has standard error sqrt(p(1-p)/n)."""
    from argmap.engine.uncertain import percentile_stderr

    rng = np.random.default_rng(3)
    draws = rng.random((1000, 400))  # 400 independent experiments of 1000 draws
    want = np.sqrt(0.05 * 0.95 / 1000)
    got = percentile_stderr(draws, 5.0)
    spread = np.percentile(draws, 5.0, axis=0, method="inverted_cdf").std()
    assert np.median(got) == pytest.approx(want, rel=0.15)
    assert spread == pytest.approx(want, rel=0.15)


def test_band_reports_its_draws_and_error() -> None:
    amap = _map({"x": {"credence": "30% to 80%"}})
    ev = evaluate(amap, band_draws=500, seed=4)
    assert ev.band is not None
    assert (ev.band.draws, ev.band.used, ev.band.seed) == (500, 500, 4)
    assert 0 < ev.band.stderr["default"] < 0.05
    assert evaluate(_map({"x": {"credence": 0.3}}), band_draws=500).band is None


def test_cli_monte_carlo(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("argmap: 1\nclaims:\n  a: {credence: 40% to 70%}\n  b: {credence: 0.3}\n")
    assert main(["eval", str(path), "--method", "sampled", "--samples", "20000"]) == 0
    out = capsys.readouterr().out
    assert "±" in out and "20,000 samples per frame" in out
    assert main(["eval", str(path), "--method", "sampled", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["frames"]["default"] == {
        "weight": None,
        "posterior_weight": None,
        "method": "sampled",
        "samples": 100_000,
        "effective_samples": 100_000,
    }
    b = doc["claims"]["b"]
    assert abs(b["credence"]["default"] - 0.3) <= 3 * b["stderr"]["default"]
    assert main(["eval", str(path), "--method", "sampled", "--samples", "1"]) == 2
    assert "--samples 2 or more" in capsys.readouterr().err
    # exact (the default) with its band: the JSON says how the band was drawn
    assert main(["eval", str(path), "--format", "json", "--seed", "5"]) == 0
    band = json.loads(capsys.readouterr().out)["band"]
    assert band["draws"] == band["used"] == 1000 and band["seed"] == 5
    assert 0 < band["stderr"]["default"] < 0.05


def test_the_same_file_gives_byte_identical_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "argmap: 1\nclaims:\n  a: {credence: 40% to 70%}\n  b: {credence: {beta: [2, 5]}}\n"
        "  c: {evidence: [{bits: 2}]}\narguments:\n"
        "  x: {premises: [a, not b], supports: c, strength: 30% to 90%}\n"
    )
    for extra in ([], ["--method", "sampled", "--samples", "5000"]):
        outs = []
        for _ in range(2):
            assert main(["eval", str(path), "--format", "json", *extra]) == 0
            outs.append(capsys.readouterr().out)
        assert outs[0] == outs[1]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batched_band_equals_one_draw_at_a_time(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The band's batched pass gives the same per-draw credences as the one-draw pass."""
    import argmap.engine.model as model_mod
    from argmap.engine.generate import random_map

    amap = random_map(40, seed, p_uncertain=0.4)
    batched = engine_evaluate(amap, band_draws=200, seed=seed)
    monkeypatch.setattr(model_mod, "batchable", lambda plan: False)
    single = engine_evaluate(amap, band_draws=200, seed=seed)
    for cid, res in batched.claims.items():
        assert res.interval, cid
        for col, (lo, hi) in res.interval.items():
            want = single.claims[cid].interval[col]
            assert (lo, hi) == (
                pytest.approx(want[0], abs=1e-12),
                pytest.approx(want[1], abs=1e-12),
            )


@pytest.mark.parametrize(
    ("seed", "p_evidence"), [(1, 0.0), (2, 0.15), (3, 0.3), (4, 0.15)], ids=str
)
def test_batched_band_with_groups_equals_one_draw_at_a_time(
    seed: int, p_evidence: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With groups, the batched band weighs each draw's frames by P(e | K) as the
    one-draw pass does (a second batched pass gives P(K)); no evidence gives equal weights."""
    import argmap.engine.batch as batch_mod
    import argmap.engine.model as model_mod
    from argmap.engine.generate import random_map

    amap = random_map(
        30,
        seed,
        p_uncertain=0.4,
        p_evidence=p_evidence,
        n_frames=2,
        groups=(("exactly-one", 3), ("at-most-one", 3)),
        group_span=12,
    )
    calls = []
    real = batch_mod.infer_batch
    monkeypatch.setattr(
        batch_mod,
        "infer_batch",
        lambda *a: calls.append(1) or real(*a),  # type: ignore[func-returns-value]
    )
    batched = engine_evaluate(amap, band_draws=200, seed=seed)
    assert calls, "the band did not take the batched pass"
    monkeypatch.setattr(model_mod, "batchable", lambda plan: False)
    single = engine_evaluate(amap, band_draws=200, seed=seed)
    assert batched.band is not None and single.band is not None
    assert batched.band.used == single.band.used
    for cid, res in batched.claims.items():
        for col, (lo, hi) in res.interval.items():
            want = single.claims[cid].interval[col]
            assert (lo, hi) == (
                pytest.approx(want[0], abs=1e-12),
                pytest.approx(want[1], abs=1e-12),
            ), (cid, col)
