"""The percentile band of uncertain parameters (docs/semantics.md).

A claim's credence under uncertain parameters is E[P(c, e | θ)] / E[P(e | θ)],
which :mod:`.params` computes exactly as the value at the parameters' means.
The band is the 5th–95th percentile of P_f(c | e, θ) across draws of θ, each
draw evaluated *exactly* by the same junction tree, so the band has only the
Monte Carlo error of the percentiles themselves, never sampling noise in the
credences.

Each parameter has its own random stream, seeded by the map's seed and the
place the value was written (``claims.x.credence``,
``arguments.a.frames.f.strength``...), so the same file gives the same band
and an edit to one parameter leaves every other parameter's draws unchanged.
A value shared by several frames is one parameter with one stream.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from argmap.schema import Point
from argmap.schema.values import Beta, Interval

from .mixture import Outcome, combine
from .params import FrameParams, Request

Runner = Callable[[FrameParams, str | None], Outcome]

PERCENTILES = (5.0, 95.0)


def has_uncertainty(req: Request) -> bool:
    return any(f.uncertain for f in req.frames)


def _stream(seed: int, place: str) -> np.random.Generator:
    # A stable hash: Python's hash() of a str changes from run to run.
    digest = int.from_bytes(hashlib.sha256(place.encode("utf-8")).digest()[:8], "big")
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, digest])))


def draw_log_odds(value: Interval | Beta, place: str, seed: int, n: int) -> np.ndarray:
    """``n`` draws of the parameter, as natural log-odds (exact p and q follow)."""
    return _draw(value, _stream(seed, place), n)


def _draw(value: Interval | Beta, rng: np.random.Generator, n: int) -> np.ndarray:
    # Drawing a stream in batches gives the same numbers as drawing it at once.
    if isinstance(value, Interval):
        return value.mu + value.sigma * rng.standard_normal(n)
    x = rng.beta(value.a, value.b, n)
    with np.errstate(divide="ignore"):
        return np.log(x) - np.log1p(-x)


BATCH = 4096  # parameter draws generated at a time

# (frame, {(kind, id): log-odds of some draws}) -> (probs (B, n), ln P(e) (B,)), or
# None when that frame's tables cannot be batched (then each draw is its own pass)
Batch = Callable[
    [FrameParams, dict[tuple[str, str], np.ndarray]], tuple[np.ndarray, np.ndarray] | None
]


def band_memory(draws: int, claims: int, columns: int) -> int:
    """Bytes the band holds: every draw's credences per column (float64), and the
    sorted copy of one column the percentiles and their errors are read from."""
    return 8 * draws * max(claims, 1) * (columns + 1)


def draws_within(budget: int, claims: int, columns: int, wanted: int = 1000) -> int:
    """``wanted`` draws, or as many as fit ``budget`` (:func:`band_memory`)."""
    return min(wanted, budget // (8 * max(claims, 1) * (columns + 1)))


def default_draws(
    budget: int, claims: int, columns: int, uncertain: bool, wanted: int = 1000
) -> tuple[int, str | None]:
    """The band's default draws (:func:`draws_within`, never below 0) and, when a map
    with uncertain values gets fewer than ``wanted``, the warning that says so: a
    default must not turn a large map into an error, nor shrink the band silently.

    >>> draws, warning = default_draws(2**20, 200, 2, True)
    >>> draws, warning[:38]
    (218, 'the band is drawn 218 times, not 1,000')
    >>> default_draws(2**20, 200, 2, False)
    (218, None)
    """
    from .memory import format_bytes

    draws = max(draws_within(budget, claims, columns, wanted), 0)
    if draws >= wanted or not uncertain:
        return draws, None
    return draws, (
        f"the band is drawn {draws:,} times, not {wanted:,}: more would not fit the "
        f"{format_bytes(budget)} memory budget (max_memory=)"
    )


def bands(
    req: Request,
    runner: Runner,
    samples: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
    batch: Batch | None = None,
    batch_size: int = 1,
) -> tuple[dict[str, np.ndarray], dict[str, float], int]:
    """Per column, an array (claims, 2) of the 5th and 95th percentiles of the
    per-draw credence; per column, the largest Monte Carlo standard error of
    any of those ends (:func:`percentile_stderr`); and the number of draws that
    could be evaluated (a draw under which the evidence is impossible in every
    frame is left out). Parameters are drawn in batches, and the credences go
    straight into one preallocated array per column (:func:`band_memory`).
    With ``batch``, ``batch_size`` draws at a time go through one batched
    propagation (:mod:`.batch`); a draw it cannot compute goes through ``runner``."""
    places: dict[str, Interval | Beta] = {}
    for f in req.frames:
        for place, value in f.uncertain.values():
            places[place] = value
    streams = {place: _stream(seed, place) for place in sorted(places)}

    columns: dict[str, np.ndarray] = {}
    filled: dict[str, int] = {}
    fixed: dict[str, Outcome] = {}  # frames without uncertain values: one pass for all draws
    used = 0
    step = max(1, min(batch_size, BATCH)) if batch is not None else 1
    for start in range(0, samples, BATCH):
        size = min(BATCH, samples - start)
        draws = {place: _draw(places[place], rng, size) for place, rng in streams.items()}

        def one(f: FrameParams, i: int, draws: dict[str, np.ndarray] = draws) -> Outcome:
            """Frame f under draw i of this batch, by the one-draw pass."""
            cred, strength = dict(f.credence), dict(f.strength)
            for (kind, ident), (place, _) in f.uncertain.items():
                point = Point(float(draws[place][i]))
                if kind == "credence":
                    cred[ident] = point
                else:
                    strength[ident] = point
            return runner(replace(f, credence=cred, strength=strength), None)

        for lo in range(0, size, step):
            hi = min(size, lo + step)
            if progress is not None:
                progress(start + lo, samples)
            batched: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}
            if batch is not None:
                for f in req.frames:
                    if f.uncertain:
                        theta = {k: draws[place][lo:hi] for k, (place, _) in f.uncertain.items()}
                        batched[f.name] = batch(f, theta)
            for i in range(lo, hi):
                outcomes: dict[str, Outcome] = {}
                for f in req.frames:
                    got = batched.get(f.name)
                    if not f.uncertain:
                        if f.name not in fixed:
                            fixed[f.name] = runner(f, None)
                        outcomes[f.name] = fixed[f.name]
                    elif got is not None and got[1][i - lo] > -math.inf:
                        probs = np.clip(got[0][i - lo], 0.0, 1.0)
                        outcomes[f.name] = Outcome(probs, float(got[1][i - lo]))
                    else:
                        outcomes[f.name] = one(f, i)
                if all(o.probs is None for o in outcomes.values()):
                    continue
                per_column, _, _ = combine(req, outcomes)
                for col, probs in per_column.items():
                    if col not in columns:
                        columns[col] = np.empty((samples, len(probs)))
                        filled[col] = 0
                    columns[col][filled[col]] = probs
                    filled[col] += 1
                used += 1
    if progress is not None:
        progress(samples, samples)
    out: dict[str, np.ndarray] = {}
    errors: dict[str, float] = {}
    for col, table in columns.items():
        stacked = table[: filled[col]]  # (draws, claims)
        # "inverted_cdf": an order statistic, so a band is always a credence some draw had.
        lo_hi = np.percentile(stacked, PERCENTILES, axis=0, method="inverted_cdf")
        out[col] = np.clip(lo_hi.T, 0.0, 1.0)
        errors[col] = max(float(percentile_stderr(stacked, q).max()) for q in PERCENTILES)
    return out, errors, used


def percentile_stderr(draws: np.ndarray, q: float) -> np.ndarray:
    """Monte Carlo standard error of the ``q``-th percentile of each column of ``draws``.

    Distribution-free: the rank of the sample percentile has a binomial spread
    of sqrt(n p (1 - p)), so half the distance between the order statistics one
    such spread below and above it estimates one standard error (the
    order-statistic interval of Hahn and Meeker, at ±1 sigma).
    """
    n = draws.shape[0]
    p = q / 100.0
    k = max(math.ceil(p * n) - 1, 0)  # the index np.percentile's inverted_cdf picks
    spread = math.ceil(math.sqrt(n * p * (1.0 - p)))
    ordered = np.sort(draws, axis=0)
    hi = ordered[min(n - 1, k + spread)]
    lo = ordered[max(0, k - spread)]
    return np.asarray((hi - lo) / 2.0)
