"""Explanations equal a re-evaluation without the argument, per frame and overall."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from engine_helpers import frame_params, small_map_data

from argmap.engine import evaluate
from argmap.engine.generate import random_map
from argmap.schema import ArgumentMap, ImpossibleEvidenceError
from argmap.schema.loader import from_data, load


def _live(amap: ArgumentMap) -> set[str]:
    """Arguments enabled in at least one frame (the others are removed entirely)."""
    return set().union(*(frame_params(amap, f).strength for f in list(amap.frames) or ["default"]))


def _touching(amap: ArgumentMap, aid: str) -> set[str]:
    arg = amap.arguments[aid]
    out = {p.claim for p in arg.premises}
    if arg.kind != "undercuts":
        out.add(arg.target)
    elif arg.target in _live(amap) and amap.arguments[arg.target].kind != "undercuts":
        out.add(amap.arguments[arg.target].target)
    return out


def _check(amap: ArgumentMap, given: dict[str, bool], **kwargs: object) -> int:
    """Compare every explanation entry with evaluate(set={a.enabled: false}); count them."""
    try:
        ev = evaluate(amap, given=given, explain=True, **kwargs)  # type: ignore[arg-type]
    except ImpossibleEvidenceError:
        return 0
    checked = 0
    for aid in sorted(_live(amap)):
        try:
            without = evaluate(amap, given=given, set={f"{aid}.enabled": False}, **kwargs)  # type: ignore[arg-type]
        except ImpossibleEvidenceError:
            without = None
        for cid in _touching(amap, aid):
            expl = ev.claims[cid].explanation
            for col, now in ev.claims[cid].credence.items():
                then = None if without is None else without.claims[cid].credence.get(col)
                if then is None:
                    assert aid not in expl.get(col, {}), (cid, col, aid)
                else:
                    assert expl[col][aid] == pytest.approx(now - then, abs=1e-10), (cid, col, aid)
                    checked += 1
    for res in ev.claims.values():
        for col, deltas in res.explanation.items():
            keys = [(-abs(d), a) for a, d in deltas.items()]
            assert keys == sorted(keys), (res.id, col)
            for aid in deltas:
                assert res.id in _touching(amap, aid)
    return checked


def test_small_maps() -> None:
    checked = 0
    for seed in range(400):
        data, given = small_map_data(random.Random(10_000 + seed))
        checked += _check(from_data(data), given)
    assert checked > 1000


@pytest.mark.parametrize(("n", "seed", "n_frames"), [(40, 1, 0), (60, 2, 3)])
def test_random_maps_with_givens(n: int, seed: int, n_frames: int) -> None:
    amap = random_map(n, seed, n_frames=n_frames, p_evidence=0.3, p_undercut=0.3)
    ids = list(amap.claims)
    assert _check(amap, {ids[n // 2]: True, ids[n - 1]: False}) > 50


def test_sampled_explanations_match_re_evaluation_with_the_same_streams() -> None:
    # Seed 4: evidence the 4,000 samples reach often enough to be estimated.
    amap = random_map(12, 4, n_frames=2)
    assert _check(amap, {}, max_entries=1, samples=4000) > 10


def test_removal_that_makes_the_evidence_impossible_has_no_entry() -> None:
    data = {
        "argmap": 1,
        "claims": {"p": {"credence": 0.5}, "q": {"credence": 0.5}, "t": {}},
        "arguments": {
            "only": {"premises": ["p"], "supports": "t", "strength": 0.5},
            "other": {"premises": ["q"], "attacks": "p", "strength": 0.5},
        },
    }
    ev = evaluate(from_data(data), given={"t": True}, explain=True)
    assert "only" not in ev.claims["t"].explanation.get("default", {})
    assert _check(from_data(data), {"t": True}) > 0


@pytest.mark.parametrize("seed", range(6))
def test_asking_for_explanations_never_changes_a_credence(seed: int) -> None:
    """Bit for bit: the kept state may need explicit messages, the numbers must not."""
    maps = [random_map(80, seed=seed, n_frames=2), load("arguments/scheming")]
    for amap in maps:
        given = {sorted(amap.claims)[seed]: bool(seed % 2)}
        plain = evaluate(amap, given=given)
        explained = evaluate(amap, given=given, explain=True)
        for cid, res in plain.claims.items():
            assert explained.claims[cid].credence == res.credence, cid


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_explaining_some_claims_equals_their_part_of_explaining_all(seed: int) -> None:
    """``explain=[ids]`` (the explorer's click) gives exactly those claims' explanations
    of ``explain=True``, with frames, evidence, givens and groups; no other claim's."""
    from argmap import Model

    amap = random_map(
        60, seed, n_frames=seed % 3, p_evidence=0.2, groups=(("exactly-one", 3),), group_span=10
    )
    rng = random.Random(seed)
    given = {c: rng.random() < 0.5 for c in rng.sample(sorted(amap.claims), 2)}
    model = Model(amap)
    try:
        everything = model.evaluate(given=given, explain=True)
    except ImpossibleEvidenceError:  # these givens contradict the evidence: assume nothing
        given = {}
        everything = model.evaluate(given=given, explain=True)
    chosen = rng.sample(sorted(amap.claims), 5)
    some = model.evaluate(given=given, explain=chosen)
    for cid, res in some.claims.items():
        want = everything.claims[cid].explanation if cid in chosen else {}
        assert res.explanation == want, cid
        assert res.credence == everything.claims[cid].credence


def test_explaining_an_unknown_claim_is_a_usage_error() -> None:
    from argmap import Model, UsageError

    model = Model(random_map(10, 0))
    with pytest.raises(UsageError, match="explain: no claim 'c99'"):
        model.evaluate(explain=["c99"])


def test_cli_explains_only_the_claims_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`eval --explain --claim X` asks the engine for X's explanation only, and prints
    what the full `--explain` prints for X."""
    import yaml

    import argmap.commands.eval as eval_command
    from argmap.cli import main
    from argmap.engine.generate import random_map_data

    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(random_map_data(40, 5, n_frames=2)))
    args = ["eval", str(path), "--format", "json", "--explain"]
    assert main(args) == 0
    everything = json.loads(capsys.readouterr().out)["claims"]
    asked: list[object] = []
    real = eval_command.evaluate
    monkeypatch.setattr(
        eval_command, "evaluate", lambda *a, **k: asked.append(k["explain"]) or real(*a, **k)
    )
    assert main([*args, "--claim", "c30", "--claim", "c07"]) == 0
    some = json.loads(capsys.readouterr().out)["claims"]
    assert asked == [["c30", "c07"]]
    assert some == {c: everything[c] for c in ("c30", "c07")}
    assert some["c30"]["explanation"], "c30 has arguments that move it"
