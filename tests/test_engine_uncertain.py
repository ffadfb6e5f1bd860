"""Uncertain parameters: the plug-in of the means equals the DESIGN's ratio of expectations.

The references integrate numerically over the parameter distributions,
independently of ``Interval.mean`` / ``Beta.mean``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from argmap.engine import evaluate
from argmap.schema.loader import from_data
from argmap.schema.values import Z90
from scipy import stats  # type: ignore[import-untyped]


def _expit(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-x))
    return out


def _logit_normal(lo: float, hi: float, n: int = 4001) -> tuple[np.ndarray, np.ndarray]:
    """A grid of θ values and trapezoid weights for the 90% interval lo..hi (logit-normal)."""
    a, b = math.log(lo / (1 - lo)), math.log(hi / (1 - hi))
    mu, sigma = (a + b) / 2, (b - a) / (2 * Z90)
    z = np.linspace(-12, 12, n)
    w = stats.norm.pdf(z) * (z[1] - z[0])
    w[[0, -1]] /= 2
    return _expit(mu + sigma * z), w


def test_interval_leaf_without_evidence_is_the_expected_credence() -> None:
    amap = from_data(
        {
            "argmap": 1,
            "claims": {"x": {"credence": "30% to 80%"}, "y": {"credence": 0.1}},
            "arguments": {"a": {"premises": ["x"], "supports": "y", "strength": 0.6}},
        }
    )
    ev = evaluate(amap)
    theta, w = _logit_normal(0.3, 0.8)
    # P(y | θ) = 1 - 0.9 (1 - 0.6 θ)
    want = float(np.sum(w * (1 - 0.9 * (1 - 0.6 * theta))))
    assert ev.claims["y"].credence["default"] == pytest.approx(want, abs=1e-9)
    assert ev.claims["x"].credence["default"] == pytest.approx(float(np.sum(w * theta)), abs=1e-9)
    assert ev.claims["y"].interval == {}


def test_two_uncertain_parameters_with_evidence_are_a_ratio_of_expectations() -> None:
    amap = from_data(
        {
            "argmap": 1,
            "claims": {
                "x": {"credence": "20% to 70%"},
                "y": {"evidence": [{"bits": 3}]},
            },
            "arguments": {"a": {"premises": ["x"], "supports": "y", "strength": {"beta": [2, 3]}}},
        }
    )
    ev = evaluate(amap)
    theta, w = _logit_normal(0.2, 0.7, 801)
    lam = 8.0

    nodes, weights = np.polynomial.legendre.leggauss(40)
    s_grid = (nodes + 1) / 2
    s_w = weights / 2 * stats.beta.pdf(s_grid, 2, 3)
    t, sv = np.meshgrid(theta, s_grid, indexing="ij")
    ww = np.outer(w, s_w)

    def expect(f: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> float:
        """E over θ (logit-normal, trapezoid in z) and s ~ Beta(2, 3) (Gauss-Legendre)."""
        return float(np.sum(ww * f(t, sv)))

    # joint with the evidence: y holds iff x and the coin; P(e | y) = λ, P(e | not y) = 1
    p_e = expect(lambda t, s: t * s * lam + (1 - t * s))
    p_y = expect(lambda t, s: t * s * lam) / p_e
    p_x = expect(lambda t, s: t * (s * lam + (1 - s))) / p_e
    assert ev.claims["y"].credence["default"] == pytest.approx(p_y, abs=1e-9)
    assert ev.claims["x"].credence["default"] == pytest.approx(p_x, abs=1e-9)
    # ... and it is not the expectation of the conditional credence, which differs here
    naive = float(np.sum(w * theta * (0.4 * lam + 0.6) / (theta * 0.4 * lam + 1 - theta * 0.4)))
    assert abs(naive - p_x) > 1e-3
