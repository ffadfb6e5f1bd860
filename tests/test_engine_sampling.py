"""The size check and the likelihood-weighting fallback."""

from __future__ import annotations

import math

import pytest
from argmap.engine import evaluate
from argmap.engine.generate import random_map
from argmap.schema import EvaluationError, ImpossibleEvidenceError
from argmap.schema.loader import from_data


@pytest.mark.parametrize(("n", "seed", "n_frames"), [(40, 1, 0), (60, 2, 2)])
def test_sampling_agrees_with_exact_within_four_standard_errors(
    n: int, seed: int, n_frames: int
) -> None:
    amap = random_map(n, seed, n_frames=n_frames, p_evidence=0.3)
    ids = list(amap.claims)
    given = {ids[n // 3]: True}
    exact = evaluate(amap, given=given)
    sampled = evaluate(amap, given=given, max_entries=64, samples=40_000)
    for name, fr in sampled.frames.items():
        assert fr.method == "sampled" and fr.samples == 40_000
        assert exact.frames[name].method == "exact"
        assert fr.log_evidence == pytest.approx(exact.frames[name].log_evidence, abs=0.05)
        if fr.posterior_weight is not None:
            assert fr.posterior_weight == pytest.approx(
                exact.frames[name].posterior_weight, abs=0.03
            )
    for cid, res in sampled.claims.items():
        for name in sampled.frames:
            want = exact.claims[cid].credence[name]
            se = res.stderr[name]
            assert abs(res.credence[name] - want) <= 4 * se + 1e-9, (
                cid,
                name,
                res.credence[name],
                want,
                se,
            )
            assert se < 0.02
    assert sampled.claims[ids[n // 3]].credence[next(iter(sampled.frames))] == 1.0


def test_sampling_is_deterministic_and_seeded() -> None:
    amap = random_map(30, 5, p_evidence=0.3)
    a = evaluate(amap, method="sampled", samples=5000)
    b = evaluate(amap, method="sampled", samples=5000)
    c = evaluate(amap, method="sampled", samples=5000, seed=1)
    assert {k: r.credence for k, r in a.claims.items()} == {
        k: r.credence for k, r in b.claims.items()
    }
    assert {k: r.credence for k, r in a.claims.items()} != {
        k: r.credence for k, r in c.claims.items()
    }


def test_sampling_handles_extreme_weights() -> None:
    amap = from_data(
        {"argmap": 1, "claims": {"x": {"credence": "1:2^100", "evidence": [{"bits": 100}]}}}
    )
    res = evaluate(amap, method="sampled", samples=10_000)
    # Every sample weighs e^-69 or so: log weights keep them from underflowing.
    assert math.isfinite(res.frames["default"].log_evidence)
    assert res.claims["x"].credence["default"] == 0.0  # no sample ever hits 2^-100


def test_exact_only_refuses_a_too_large_tree() -> None:
    amap = random_map(30, 1)
    with pytest.raises(EvaluationError, match="junction tree too large"):
        evaluate(amap, method="exact", max_clique_vars=2)


def test_sampling_with_impossible_evidence_raises() -> None:
    amap = from_data({"argmap": 1, "claims": {"x": {"credence": 0}}})
    with pytest.raises(ImpossibleEvidenceError, match="given x=true"):
        evaluate(amap, method="sampled", samples=100, given={"x": True})


def test_progress_counts_the_samples_of_every_frame() -> None:
    calls: list[tuple[int, int]] = []
    amap = random_map(3000, seed=2, n_frames=2)  # 3000 claims: several batches per frame
    evaluate(amap, method="sampled", samples=20_000, progress=lambda d, t: calls.append((d, t)))
    assert len(calls) > 2
    assert all(t == 40_000 for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert calls[-1] == (40_000, 40_000)


def test_effective_sample_size_warns_when_the_evidence_collapses_the_weights() -> None:
    from argmap.render.text import eval_table

    plain = from_data({"argmap": 1, "claims": {"x": {"credence": 0.3}}})
    ev = evaluate(plain, method="sampled", samples=10_000)
    assert ev.frames["default"].effective_samples == pytest.approx(10_000)
    assert "warning" not in eval_table(ev)
    # 40 bits for a claim the map gives 1 in a million: almost every sample is
    # weightless, so the estimate rests on a handful of them.
    steep = from_data(
        {"argmap": 1, "claims": {"x": {"credence": 1e-6, "evidence": [{"bits": 40}]}}}
    )
    ev = evaluate(steep, method="sampled", samples=10_000)
    ess = ev.frames["default"].effective_samples
    assert ess is not None and ess < 100
    assert "warning: in default the evidence is so unlikely" in eval_table(ev)


def test_a_given_claim_with_evidence_is_not_a_collapse() -> None:
    amap = from_data({"argmap": 1, "claims": {"x": {"credence": 1e-6, "evidence": [{"bits": 40}]}}})
    ev = evaluate(amap, method="sampled", samples=10_000, given={"x": False})
    assert ev.frames["default"].effective_samples == pytest.approx(10_000)
