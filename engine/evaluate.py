"""``evaluate``: compile a map and evaluate it once (a :class:`~.model.Model` for one question).

Frames share one compiled structure (an argument disabled in some frames is
kept, with strength 0 there, which is the same distribution as removing it)
and, when exact, one junction tree: a frame is one pass over new tables.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Literal

from argmap.schema import ArgumentMap

from .memory import DEFAULT_MAX_MEMORY
from .model import MAX_SAMPLES, MAX_SEED, Model, collapsed
from .result import Evaluation

__all__ = ["MAX_SAMPLES", "MAX_SEED", "collapsed", "evaluate"]


def evaluate(
    amap: ArgumentMap,
    *,
    given: Mapping[str, object] | None = None,
    set: Mapping[str, object] | None = None,
    frames: Iterable[str] | None = None,
    explain: bool | Collection[str] = False,
    method: Literal["auto", "exact", "sampled"] = "auto",
    max_memory: int | str = DEFAULT_MAX_MEMORY,
    max_clique_vars: int | None = None,
    max_entries: int | None = None,
    samples: int = 100_000,
    seed: int = 0,
    band_draws: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Credences of every claim in every (selected) frame, and overall when weighted.

    ``given`` fixes claims true/false; ``set`` overrides parameters by key:
    ``claim`` or ``claim.credence``, ``claim.evidence`` (total bits),
    ``arg.strength``, ``arg.enabled``, ``frame.weight``.

    Exact inference is used unless one pass would need more than ``max_memory``
    (bytes, or text such as ``"4GB"``; default 1 GB; ``max_clique_vars`` and
    ``max_entries`` are optional older limits on the junction tree). Past it,
    ``method="exact"`` raises :class:`EvaluationError` saying how much exact
    inference needs, and ``"auto"`` estimates every frame by likelihood
    weighting with ``samples`` draws from ``seed`` and says why in
    ``Evaluation.warnings``. Sampling whose effective sample size collapses
    (evidence the map finds very unlikely) raises :class:`SamplingCollapsedError`
    rather than return numbers whose ± is wrong.

    Uncertain parameters (intervals, beta) add each claim's ``interval``: the
    5th-95th percentile of its credence over ``band_draws`` parameter draws from
    ``seed``, each evaluated exactly (:mod:`.uncertain`). The engine's default is no
    band; the public ``argmap.evaluate`` and the command line ask for 1000 draws.
    ``progress(done, total)`` hears about those draws, or about the samples when
    sampling (the command line's bar).
    """
    model = Model(
        amap,
        method=method,
        max_memory=max_memory,
        max_clique_vars=max_clique_vars,
        max_entries=max_entries,
    )
    return model.evaluate(
        given=given,
        set=set,
        frames=frames,
        explain=explain,
        samples=samples,
        seed=seed,
        band_draws=band_draws,
        progress=progress,
    )
