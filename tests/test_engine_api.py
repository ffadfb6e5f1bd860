"""The public ``evaluate`` API: options, overrides, usage errors, result shape."""

from __future__ import annotations

from typing import Any

import pytest

import argmap.engine as engine
from argmap.engine import DEFAULT_FRAME, OVERALL, Evaluation, evaluate
from argmap.schema import EvaluationError, Point, UsageError
from argmap.schema.loader import from_data

MAP: dict[str, Any] = {
    "argmap": 1,
    "frames": {"left": {"weight": 1}, "right": {"weight": 3}},
    "claims": {
        "a": {"text": "A.", "credence": 0.5},
        "b.c": {"credence": 0.2, "frames": {"right": {"credence": 0.4}}},
        "t": {"text": "Target."},
    },
    "arguments": {
        "arg-1": {"premises": ["a"], "supports": "t", "strength": 0.8},
        "arg.2": {
            "premises": ["not b.c"],
            "supports": "t",
            "strength": 0.5,
            "frames": {"left": {"enabled": False}},
        },
    },
}


def _ev(**kwargs: Any) -> Evaluation:
    return evaluate(from_data(MAP), **kwargs)


def test_exports() -> None:
    assert set(engine.__all__) >= {
        "evaluate",
        "OVERALL",
        "DEFAULT_FRAME",
        "Evaluation",
        "FrameResult",
        "ClaimResult",
    }
    assert OVERALL == "overall" and DEFAULT_FRAME == "default"


def test_result_shape() -> None:
    ev = _ev()
    assert list(ev.frames) == ["left", "right"] and ev.columns == ["left", "right", OVERALL]
    assert list(ev.claims) == ["a", "b.c", "t"]
    t = ev.claims["t"]
    assert t.text == "Target." and set(t.credence) == {"left", "right", OVERALL}
    assert t.credence["left"] == pytest.approx(0.4)
    assert t.credence["right"] == pytest.approx(1 - (1 - 0.4) * (1 - 0.5 * 0.6))
    assert t.credence[OVERALL] == pytest.approx(0.25 * 0.4 + 0.75 * t.credence["right"])
    assert ev.frames["left"].weight == 0.25 and ev.frames[
        "right"
    ].posterior_weight == pytest.approx(0.75)
    assert ev.frames["left"].method == "exact" and ev.frames["left"].samples is None
    assert t.stderr == {} and t.interval == {} and t.explanation == {}


def test_map_without_frames_has_default_frame() -> None:
    ev = evaluate(from_data({"argmap": 1, "claims": {"x": {"credence": "65%"}}}))
    assert list(ev.frames) == [DEFAULT_FRAME] and ev.columns == [DEFAULT_FRAME]
    fr = ev.frames[DEFAULT_FRAME]
    assert fr.weight is None and fr.posterior_weight is None
    assert ev.claims["x"].credence == {DEFAULT_FRAME: pytest.approx(0.65)}


def test_set_forms_and_dotted_ids() -> None:
    base = _ev()
    ev = _ev(set={"b.c": 0.9})  # a whole claim id containing a dot
    assert ev.claims["b.c"].credence["right"] == pytest.approx(0.9)  # beats the frame override
    assert _ev(set={"b.c.credence": "90%"}).claims["b.c"].credence == ev.claims["b.c"].credence
    ev = _ev(set={"arg.2.strength": 1, "arg.2.enabled": "true", "left.weight": "3"})
    assert ev.claims["t"].credence["left"] == pytest.approx(1 - (1 - 0.5 * 0.8) * (1 - 0.8))
    assert ev.frames["left"].weight == 0.5
    assert ev.overrides == {
        "arg.2.strength": Point.of(1.0),
        "arg.2.enabled": True,
        "left.weight": 3.0,
    }
    ev = _ev(set={"arg-1.enabled": False})
    assert ev.claims["t"].credence["left"] == 0.0
    assert ev.claims["a"].credence == pytest.approx(base.claims["a"].credence, abs=1e-15)


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ({"aa": 0.5}, "did you mean 'a'"),
        ({"arg-1.strenght": 0.5}, "did you mean 'strength'"),
        ({"arg-3.strength": 0.5}, "did you mean 'arg-1'"),
        ({"a.strength": 0.5}, "unknown argument 'a'"),
        ({"lefft.weight": 2}, "did you mean 'left'"),
        ({"a": "150%"}, "outside"),
        ({"a": True}, "boolean"),
        ({"arg-1.enabled": "maybe"}, "true or false"),
        ({"left.weight": -1}, "non-negative"),
        ({"left.weight": "heavy"}, "non-negative"),
    ],
)
def test_bad_set_is_a_usage_error(sets: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        _ev(set=sets)


def test_given() -> None:
    ev = _ev(given={"t": True})
    assert ev.given == {"t": True} and ev.claims["t"].credence["left"] == 1.0
    # P(a | t) in the left frame: t holds only through arg-1
    assert ev.claims["a"].credence["left"] == 1.0
    with pytest.raises(UsageError, match="did you mean 't'"):
        _ev(given={"tt": True})
    with pytest.raises(UsageError, match="true or false"):
        _ev(given={"t": "yes"})


def test_frame_selection() -> None:
    ev = _ev(frames=["right"])
    assert list(ev.frames) == ["right"] and ev.frames["right"].weight == 1.0
    assert ev.claims["t"].credence[OVERALL] == ev.claims["t"].credence["right"]
    with pytest.raises(UsageError, match="did you mean 'right'"):
        _ev(frames=["rigth"])
    with pytest.raises(UsageError, match="overall"):
        _ev(frames=["overall"])


def test_all_weights_zero_is_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match="weight 0"):
        _ev(set={"left.weight": 0, "right.weight": 0})


def test_mixed_weights_are_a_usage_error() -> None:
    data = {**MAP, "frames": {"left": {}, "right": {}}}
    with pytest.raises(UsageError, match="all carry a weight or none"):
        evaluate(from_data(data), set={"left.weight": 1})


def test_explanations_per_column() -> None:
    ev = _ev(explain=True)
    t = ev.claims["t"].explanation
    assert set(t) == {"left", "right", OVERALL}
    assert t["left"] == {"arg-1": pytest.approx(0.4), "arg.2": 0.0}
    assert list(t["right"]) == ["arg-1", "arg.2"]  # sorted by |delta|
    assert ev.claims["a"].explanation["left"] == {"arg-1": 0.0}
    assert ev.claims["b.c"].explanation["right"] == {"arg.2": 0.0}


def test_overall_lies_between_the_frames_exactly() -> None:
    # These posterior weights sum to 0.9999999999999999 in floats:
    # frames at exactly 100% must not make an overall of ">99.99%".
    amap = from_data(
        {
            "argmap": 1,
            "frames": {"a": {"weight": 0.1}, "b": {"weight": 0.1}, "c": {"weight": 0.3}},
            "claims": {"sure": {"credence": 1}, "never": {"credence": 0}},
        }
    )
    ev = evaluate(amap)
    assert ev.claims["sure"].credence == {"a": 1.0, "b": 1.0, "c": 1.0, "overall": 1.0}
    assert ev.claims["never"].credence["overall"] == 0.0


def test_an_impossible_given_blames_itself_not_evidence_sharing_its_clique() -> None:
    from argmap.schema import ImpossibleEvidenceError

    amap = from_data(
        {
            "argmap": 1,
            "claims": {
                "x": {"credence": 0.5},
                "z": {"credence": 0.1, "evidence": [{"bits": 3}]},
                "t": {},
            },
            "arguments": {"g": {"premises": ["x", "z"], "supports": "t"}},
        }
    )
    with pytest.raises(ImpossibleEvidenceError) as exc:
        evaluate(amap, given={"x": True}, set={"x": 0})
    assert str(exc.value) == (
        "impossible evidence: given x=true (set= made its base credence 0%) has probability zero"
    )
    with pytest.raises(ImpossibleEvidenceError, match=r"given t=true has probability zero$"):
        evaluate(amap, given={"t": True}, set={"g.strength": 0})
    with pytest.raises(ImpossibleEvidenceError, match="t=true and given x=false together"):
        evaluate(amap, given={"t": True, "x": False})
