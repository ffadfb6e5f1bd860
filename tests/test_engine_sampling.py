"""The size check and the likelihood-weighting fallback."""

from __future__ import annotations

import pytest

from argmap.engine import evaluate
from argmap.engine.generate import random_map
from argmap.schema import EvaluationError, ImpossibleEvidenceError, SamplingCollapsedError
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


def _upstream(premise: object, bits: float) -> dict[str, object]:
    """Evidence on c, which holds exactly when its one premise p does: the sampler
    cannot aim at c's evidence through p (p has none), so P(p) decides the weights."""
    return {
        "argmap": 1,
        "claims": {"p": {"credence": premise}, "c": {"evidence": [{"bits": bits}]}},
        "arguments": {"a": {"premises": ["p"], "supports": "c"}},
    }


def test_sampling_refuses_when_no_sample_reaches_the_evidence() -> None:
    # No sample ever has p: every estimate would be 0.0 (the truth is 0.5).
    with pytest.raises(SamplingCollapsedError, match="max_memory="):
        evaluate(from_data(_upstream("1:2^100", 100)), method="sampled", samples=10_000)


def test_evidence_aware_proposal_reaches_unlikely_evidence_on_the_claim_itself() -> None:
    """Prior 1:2^100 with 100 bits on the same claim: its coin is drawn from the
    evidence-tilted proposal (here 50:50), so every sample counts."""
    amap = from_data(
        {"argmap": 1, "claims": {"x": {"credence": "1:2^100", "evidence": [{"bits": 100}]}}}
    )
    ev = evaluate(amap, method="sampled", samples=10_000)
    res = ev.claims["x"]
    assert abs(res.credence["default"] - 0.5) <= 4 * res.stderr["default"]
    assert ev.frames["default"].effective_samples == pytest.approx(10_000)


def test_exact_only_refuses_a_too_large_tree() -> None:
    amap = random_map(30, 1)
    with pytest.raises(EvaluationError, match=r"clique of .* over the limits"):
        evaluate(amap, method="exact", max_clique_vars=2)
    with pytest.raises(EvaluationError, match=r"over the 1 MB memory budget.*max_memory="):
        evaluate(random_map(300, 1, window=40), method="exact", max_memory="1MB")


def test_sampling_with_impossible_evidence_raises() -> None:
    amap = from_data({"argmap": 1, "claims": {"x": {"credence": 0}}})
    with pytest.raises(ImpossibleEvidenceError, match="given x=true"):
        evaluate(amap, method="sampled", samples=100, given={"x": True})


def test_progress_counts_the_samples_of_every_frame() -> None:
    calls: list[tuple[int, int]] = []
    # 3000 claims: several batches per frame (no evidence: sampling stays reliable)
    amap = random_map(3000, seed=2, n_frames=2, p_evidence=0.0)
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
    # 10 bits for a claim that holds with its premise, which the map gives 1 in
    # 1,000: those samples carry half the weight, so 100,000 count as a few hundred.
    ev = evaluate(from_data(_upstream(1e-3, 10)), method="sampled", samples=100_000)
    ess = ev.frames["default"].effective_samples
    assert ess is not None and 100 < ess < 1000
    assert "warning: in default the evidence is so unlikely" in eval_table(ev)
    # 40 bits, 1 in a million: a handful of samples carry all the weight, and no
    # number is given.
    with pytest.raises(SamplingCollapsedError, match="effective samples per frame: default"):
        evaluate(from_data(_upstream(1e-6, 40)), method="sampled", samples=10_000)


def test_a_given_claim_with_evidence_is_not_a_collapse() -> None:
    amap = from_data({"argmap": 1, "claims": {"x": {"credence": 1e-6, "evidence": [{"bits": 40}]}}})
    ev = evaluate(amap, method="sampled", samples=10_000, given={"x": False})
    assert ev.frames["default"].effective_samples == pytest.approx(10_000)
