"""A map compiled once and queried many times: :class:`Model`.

Compiling a map (its factor graph and, when exact inference fits, its junction
tree) costs far more than one propagation over new tables. A :class:`Model`
keeps both, keyed by the set of arguments enabled in the frames asked about, so
every question that keeps the structure (other ``given``, ``set`` of a
credence, strength, evidence or weight, other frames) reuses the plan:
:meth:`Model.evaluate`, :meth:`Model.cruxes` and :meth:`Model.sensitivity`.

Mixture: with weights, overall P(c) = Σ_f w_f P_f(c, e) / Σ_f w_f P_f(e) over
the *selected* frames (``frames=`` restricts the mixture and renormalises the
prior weights over the frames selected). A frame whose evidence is impossible
gets posterior weight 0 and no credences; only when every selected frame is
impossible does ``evaluate`` raise :class:`ImpossibleEvidenceError`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from argmap.schema import (
    ArgumentMap,
    EvaluationError,
    ImpossibleEvidenceError,
    SamplingCollapsedError,
    UsageError,
)
from argmap.schema.suggest import did_you_mean

from . import fast
from .batch import batch_runner, batch_size, batchable
from .compile import Structure, compile_structure, frame_tables
from .explain import PathRemoval
from .explain import explain as explain_all
from .groups import groups_of_variables
from .jtree import Plan, TooLarge, build_plan
from .memory import DEFAULT_MAX_MEMORY, format_bytes, parse_memory
from .mixture import Outcome, combine
from .params import FrameParams, Request, resolve
from .propagate import Impossible, State, infer
from .result import DEFAULT_FRAME, OVERALL, Band, ClaimResult, Evaluation, FrameResult, Method
from .sample import Sampler
from .sensitivity import Crux, Swing
from .uncertain import band_memory, bands, has_uncertainty

Runner = Callable[[FrameParams, str | None], Outcome]
_KEEP = 8  # compiled structures kept per model (one per set of enabled arguments)
MethodChoice = Literal["auto", "exact", "sampled"]


@dataclass
class Compiled:
    """One structure and how it is evaluated: its junction tree, or the clique that
    made it too large (then it is sampled)."""

    structure: Structure
    plan: Plan | None
    largest: int
    warnings: list[str]  # why it is sampled rather than exact


class Model:
    """A map compiled once: evaluate it, find cruxes, swing parameters, many times.

    >>> import argmap
    >>> model = argmap.Model(argmap.load("arguments/examples/power-seeking.yaml"))
    >>> model
    <Model 'arguments/examples/power-seeking.yaml': 7 claims, 1 argument, 1 frame, method=auto>
    >>> ev = model.evaluate(set={"ps-timelines": "90%"})
    >>> round(ev.claims["ps-doom"].credence["default"], 4)
    0.0711
    >>> ev  # doctest: +ELLIPSIS
    <Evaluation of '...power-seeking.yaml': 7 claims, columns default (exact, 0 given, 1 set)>

    ``method`` is ``"exact"`` (junction tree; refuse when too large),
    ``"sampled"`` (likelihood weighting) or ``"auto"`` (exact unless one pass
    would need more than ``max_memory``: bytes, or text such as ``"4GB"``;
    ``max_clique_vars`` and ``max_entries`` are optional older limits on the
    junction tree; past them ``auto`` samples and says why in
    ``Evaluation.warnings``). The compiled plan is reused by every query that
    keeps the map's structure.
    """

    def __init__(
        self,
        amap: ArgumentMap,
        *,
        method: MethodChoice = "auto",
        max_memory: int | str = DEFAULT_MAX_MEMORY,
        max_clique_vars: int | None = None,
        max_entries: int | None = None,
    ) -> None:
        if method not in ("auto", "exact", "sampled"):
            raise UsageError(f"method must be auto, exact or sampled, not {method!r}")
        self.map = amap
        self.method = method
        self.budget = _budget(max_memory)
        self.max_clique_vars = max_clique_vars
        self.max_entries = max_entries
        self._compiled: dict[frozenset[str], Compiled] = {}

    def __repr__(self) -> str:
        inner = repr(self.map).removeprefix("<ArgumentMap ").removesuffix(">")
        return f"<Model {inner}, method={self.method}>"

    def _repr_svg_(self) -> str:
        """The map's diagram, for notebooks."""
        return self.map._repr_svg_()

    def compiled(self, req: Request) -> Compiled:
        """The structure and plan for the arguments enabled in ``req``'s frames (cached)."""
        key = frozenset().union(*(f.strength for f in req.frames)) if req.frames else frozenset()
        hit = self._compiled.get(key)
        if hit is not None:
            return hit
        s = compile_structure(self.map, req.frames)
        plan: Plan | None = None
        largest = 0
        warnings: list[str] = []
        n = len(s.claims)
        if self.method != "sampled":
            try:
                plan = _shared_plan(s, n, (self.budget, self.max_clique_vars, self.max_entries))
                largest = plan.largest
            except TooLarge as exc:
                what = _too_large(s, n, exc)
                if self.method == "exact":
                    raise EvaluationError(
                        f"{what}; raise the budget (max_memory=) or estimate by "
                        'sampling (method="sampled")'
                    ) from None
                largest = exc.largest
                warnings.append(f"{what}: estimated by sampling instead")
        hit = self._compiled[key] = Compiled(s, plan, largest, warnings)
        while len(self._compiled) > _KEEP:  # what-ifs switching arguments on and off
            del self._compiled[next(iter(self._compiled))]
        return hit

    def _request(
        self,
        given: Mapping[str, object] | None,
        set: Mapping[str, object] | None,
        frames: Iterable[str] | None,
    ) -> tuple[Request, Structure, Plan | None, int, list[str]]:
        req = resolve(self.map, given, set, frames)
        c = self.compiled(req)
        s = c.structure
        evidence = {
            k.removesuffix(".evidence"): v
            for k, v in req.overrides.items()
            if k.endswith(".evidence")
        }
        if evidence:
            # Evidence enters only the frame tables, so overriding the total is the
            # same as editing the map's items to sum to it; the cached structure
            # itself is never changed.
            bits = dict(s.evidence_bits)
            for cid, total in evidence.items():
                assert isinstance(total, float)
                bits[cid] = total
            s = replace(s, evidence_bits=bits)
        return req, s, c.plan, c.largest, list(c.warnings)

    def evaluate(
        self,
        *,
        given: Mapping[str, object] | None = None,
        set: Mapping[str, object] | None = None,
        frames: Iterable[str] | None = None,
        explain: bool | Collection[str] = False,
        samples: int = 100_000,
        seed: int = 0,
        band_draws: int = 0,
        progress: Callable[[int, int], None] | None = None,
    ) -> Evaluation:
        """Credences of every claim in every (selected) frame, and overall when weighted.

        ``given`` fixes claims true/false; ``set`` overrides parameters by key:
        ``claim`` or ``claim.credence``, ``claim.evidence`` (total bits),
        ``arg.strength``, ``arg.enabled``, ``frame.weight``. When sampling,
        ``samples`` draws per frame from ``seed``. Uncertain parameters
        (intervals, beta) add each claim's ``interval``: the 5th-95th percentile
        of its credence over ``band_draws`` parameter draws from ``seed``, each
        evaluated exactly. ``progress(done, total)`` hears about those draws, or
        about the samples when sampling. ``explain=True`` adds every claim's
        explanation (each argument's contribution); a collection of claim ids
        explains just those, which is far cheaper on a large map.
        """
        _check_counts(samples, seed, band_draws)
        only = _explained(self.map, explain)
        req, s, plan, largest, warnings = self._request(given, set, frames)
        explaining = explain is True or bool(only)
        runner, kind = _runner(self.map, s, req, plan, samples, seed, explaining, progress)

        base = {f.name: runner(f, None) for f in req.frames}
        credence, posterior, prior = combine(req, base)
        if not any(o.probs is not None for o in base.values()):
            message = _impossible_message(self.map, req, base)
            if kind == "sampled":
                message += (
                    " (by Monte Carlo: no sample had positive weight, which can also mean "
                    "that the evidence, given or groups are too unlikely to be sampled)"
                )
            raise ImpossibleEvidenceError(message)
        if kind == "sampled":
            _refuse_collapsed(base, samples, warnings, self.method)
            for name, o in base.items():
                ess = o.effective_samples
                if ess is not None and ess < max(100.0, samples / 100):
                    warnings.append(
                        f"in {name} the evidence is so unlikely under the map that "
                        f"{samples:,} samples count as {ess:,.0f}; the ± understates the error "
                        "(compute exactly with a larger max_memory=, or draw more samples=)"
                    )
        frame_results = {
            f.name: FrameResult(
                name=f.name,
                weight=prior.get(f.name),
                posterior_weight=posterior.get(f.name),
                log_evidence=base[f.name].log_z,
                method=kind,
                samples=samples if kind == "sampled" else None,
                effective_samples=base[f.name].effective_samples,
                largest_clique=largest,
            )
            for f in req.frames
        }
        explanation: dict[str, dict[str, dict[str, float]]] = {}
        if explaining:
            paths = PathRemoval(plan, s) if plan is not None else None
            explanation = explain_all(self.map, s, req, base, credence, runner, paths, only)
        band: dict[str, np.ndarray] = {}
        band_info: Band | None = None
        if band_draws > 0 and kind == "exact" and has_uncertainty(req):
            columns = len(req.frames) + (1 if req.weighted else 0)
            need = band_memory(band_draws, len(s.claims), columns)
            if need > self.budget:
                raise UsageError(
                    f"a band of {band_draws:,} draws holds {band_draws:,} x {len(s.claims):,} "
                    f"credences per column ({format_bytes(need)}), over the "
                    f"{format_bytes(self.budget)} memory budget: draw fewer (band_draws=) "
                    "or raise max_memory="
                )
            batch = batch_runner(s, plan, req.given) if plan and batchable(plan) else None
            size = batch_size(plan) if plan is not None else 1
            band, errors, used = bands(req, runner, band_draws, seed, progress, batch, size)
            band_info = Band(draws=band_draws, seed=seed, used=used, stderr=errors)
        claims: dict[str, ClaimResult] = {}
        for i, cid in enumerate(s.claims):
            stderr = {name: _clip(o.stderr[i]) for name, o in base.items() if o.stderr is not None}
            if stderr and OVERALL in credence:
                # overall = sum_f pi_f P_f(c) with posterior weights pi_f; treating the
                # weights as known, the frames' independent errors add in quadrature.
                stderr[OVERALL] = _clip(
                    math.sqrt(
                        sum((posterior.get(f) or 0.0) ** 2 * e * e for f, e in stderr.items())
                    )
                )
            claims[cid] = ClaimResult(
                id=cid,
                text=self.map.claims[cid].text,
                credence={col: float(v[i]) for col, v in credence.items()},
                stderr=stderr,
                interval={col: (float(b[i, 0]), float(b[i, 1])) for col, b in band.items()},
                explanation=explanation.get(cid, {}),
            )
        ordered = {cid: claims[cid] for cid in self.map.claims}
        return Evaluation(
            self.map,
            frame_results,
            ordered,
            dict(req.given),
            dict(req.overrides),
            band_info,
            warnings=warnings,
        )

    def cruxes(
        self,
        claim: str,
        *,
        given: Mapping[str, object] | None = None,
        set: Mapping[str, object] | None = None,
        frames: Iterable[str] | None = None,
    ) -> list[Crux]:
        """Every other claim X by the expected absolute change in CLAIM from learning X."""
        return fast.cruxes(self, claim, given=given, set=set, frames=frames)

    def sensitivity(
        self,
        claim: str,
        *,
        given: Mapping[str, object] | None = None,
        set: Mapping[str, object] | None = None,
        frames: Iterable[str] | None = None,
    ) -> list[Swing]:
        """Every parameter swung alone (within each frame around its own value), largest
        swing first."""
        return fast.sensitivity(self, claim, given=given, set=set, frames=frames)


# Bounds of the counts a caller may ask for: past them a run would take days or
# its integers would overflow numpy; each is a usage error, not a crash.
MAX_SAMPLES = 10**9
MAX_SEED = 2**63 - 1
# Below this many effective samples (or a tenth of the samples, when fewer are
# drawn) the estimates rest on a handful of draws: refused, not printed.
COLLAPSED_ESS = 100


# Junction trees by structure, shared between Models: maps that differ only in their
# numbers (a diff's hybrids, an edit in the explorer) share one. A plan is read-only.
_PLANS: dict[tuple[object, ...], Plan] = {}
_PLANS_KEPT = 16


def _shared_plan(s: Structure, n: int, limits: tuple[int, int | None, int | None]) -> Plan:
    key = (s.n_vars, tuple(s.scopes), n, limits)
    plan = _PLANS.get(key)
    if plan is None:
        budget, max_clique_vars, max_entries = limits
        plan = build_plan(
            s.n_vars,
            s.scopes,
            n,
            max_clique_vars=min(max_clique_vars or 62, 62),
            max_entries=max_entries or 2**62,
            max_bytes=budget,
        )
        if len(_PLANS) >= _PLANS_KEPT:
            _PLANS.pop(next(iter(_PLANS)))
        _PLANS[key] = plan
    return plan


def _budget(max_memory: int | str) -> int:
    try:
        return parse_memory(max_memory)
    except ValueError as exc:
        raise UsageError(f"max_memory: {exc}") from None


def _check_counts(samples: int, seed: int, band_draws: int) -> None:
    if not 2 <= samples <= MAX_SAMPLES:
        raise UsageError(f"samples must be from 2 to {MAX_SAMPLES:,}, not {samples}")
    if not 0 <= band_draws <= MAX_SAMPLES:
        raise UsageError(f"band draws must be from 0 to {MAX_SAMPLES:,}, not {band_draws}")
    if not 0 <= seed <= MAX_SEED:
        raise UsageError(f"seed must be from 0 to 2^63 - 1, not {seed}")


def collapsed(ess: float, samples: int) -> bool:
    """Whether ``samples`` draws that count as ``ess`` are too few to report."""
    return ess < min(COLLAPSED_ESS, samples / 10)


def _refuse_collapsed(
    base: Mapping[str, Outcome], samples: int, warnings: list[str], method: str
) -> None:
    bad = {
        name: o.effective_samples
        for name, o in base.items()
        if o.effective_samples is not None and collapsed(o.effective_samples, samples)
    }
    if not bad:
        return
    where = ", ".join(f"{name} ({ess:,.0f})" for name, ess in bad.items())
    why = warnings[0] + "; " if warnings else ""
    raise SamplingCollapsedError(
        f"{why}sampling cannot estimate this map: the evidence (or given, or groups) is so "
        "unlikely under it that "
        f"{samples:,} samples count as almost none (effective samples per frame: {where}). "
        "Options: compute exactly with a larger max_memory="
        + (', or method="exact"' if method == "sampled" else "")
        + "; draw far more samples=; or evaluate less (frames=, fewer given=)"
    )


def _too_large(s: Structure, n: int, exc: TooLarge) -> str:
    """Why exact inference is not possible, with what it would need in full."""
    if exc.budget is None:
        return str(exc)
    try:
        # The elimination stopped at the first clique over the budget; finishing
        # it (no tables are allocated) gives what the whole tree needs.
        full = build_plan(s.n_vars, s.scopes, n, max_bytes=None)
    except TooLarge:  # pragma: no cover - no limits were given
        return str(exc)
    return (
        f"exact inference needs {format_bytes(full.least_memory)} (a junction-tree clique of "
        f"{full.largest} variables), over the {format_bytes(exc.budget)} memory budget"
    )


def _explained(amap: ArgumentMap, explain: bool | Collection[str]) -> frozenset[str] | None:
    """The claims ``explain`` names (None: every claim, or none when False)."""
    if isinstance(explain, bool):
        return None
    if isinstance(explain, str):  # one id, not its letters
        explain = [explain]
    only = frozenset(explain)
    for cid in sorted(only):
        if cid not in amap.claims:
            raise UsageError(
                f"explain: no claim '{cid}' in {amap.name}{did_you_mean(cid, amap.claims)}",
                option="explain",
            )
    return only


def _clip(x: float) -> float:
    return min(1.0, max(0.0, float(x)))


def _runner(
    amap: ArgumentMap,
    s: Structure,
    req: Request,
    plan: Plan | None,
    samples: int,
    seed: int,
    keep: bool,
    progress: Callable[[int, int], None] | None,
) -> tuple[Runner, Method]:
    """An inference function for (frame, removed argument), and what it is."""
    n = len(s.claims)
    if plan is not None:
        exact_plan = plan

        observed = bool(req.given) or bool(s.evidence_bits)

        def run_exact(frame: FrameParams, removed: str | None) -> Outcome:
            kept = keep and removed is None
            log_k = 0.0
            k_state: State | None = None
            if s.groups and observed:
                # ln P(K): the same factors without evidence and given.
                bare = frame_tables(s, frame, {}, removed, evidence=False)
                try:
                    _, log_k, k_state = infer(exact_plan, bare, n, keep=kept)
                except Impossible as exc:
                    found = groups_of_variables(amap, s.claims, s.group_helpers, exc.variables)
                    return Outcome(None, -math.inf, culprits=tuple(found) or tuple(s.groups))
            tables = frame_tables(s, frame, req.given, removed)
            try:
                probs, log_z, state = infer(exact_plan, tables, n, keep=kept)
            except Impossible as exc:
                if s.groups and not observed:
                    found = groups_of_variables(amap, s.claims, s.group_helpers, exc.variables)
                    return Outcome(None, -math.inf, culprits=tuple(found) or tuple(s.groups))
                blamed = _givens_to_blame(exact_plan, s, frame, req.given, n)
                return Outcome(None, -math.inf, culprits=blamed or culprits(s, req, exc.variables))
            if s.groups:
                # Weigh the frame by P(e, given | K) = P(e, given, K) / P(K): the
                # constraints are part of the model, so they never move frame weights.
                log_z = log_z - log_k if observed else 0.0
                k_state = k_state if observed else state
            return Outcome(np.clip(probs, 0.0, 1.0), log_z, state=state, k_state=k_state)

        return run_exact, "exact"

    sampler = Sampler(amap, s, samples=samples, seed=seed)
    sampled_observed = bool(req.given) or bool(s.evidence_bits)
    total = samples * len(req.frames)
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    def run_sampled(frame: FrameParams, removed: str | None) -> Outcome:
        # The bar counts the frames' own runs; explanations' reruns come after it.
        count = tick if removed is None and done < total else None
        log_k = 0.0
        if s.groups and sampled_observed:
            try:
                log_k = sampler.run(frame, {}, removed, None, evidence=False).log_z
            except Impossible:
                return Outcome(None, -math.inf, culprits=tuple(s.groups))
        try:
            probs, log_z, stderr, ess, _ = sampler.run(frame, req.given, removed, count)
        except Impossible as exc:
            if s.groups and not sampled_observed:
                return Outcome(None, -math.inf, culprits=tuple(s.groups))
            return Outcome(None, -math.inf, culprits=culprits(s, req, exc.variables))
        if s.groups:
            # P(e, given | K), as for exact frames (estimated from two runs).
            log_z = log_z - log_k if sampled_observed else 0.0
        return Outcome(np.clip(probs, 0.0, 1.0), log_z, stderr, effective_samples=ess)

    return run_sampled, "sampled"


def _givens_to_blame(
    plan: Plan, s: Structure, frame: FrameParams, given: Mapping[str, bool], n: int
) -> tuple[str, ...]:
    """The givens that are impossible without any evidence: each one alone when some
    are, else all of them together; () when only evidence makes them impossible.

    The failing subtree of the junction tree can hold unrelated evidence that merely
    shares a clique, so it is no guide to blame (``--given x --set x=0`` is x's fault).
    """

    def impossible(g: Mapping[str, bool]) -> bool:
        try:
            infer(plan, frame_tables(s, frame, dict(g), None, evidence=False), n)
        except Impossible:
            return True
        return False

    if not given:
        return ()
    alone = tuple(sorted(c for c, v in given.items() if impossible({c: v})))
    if alone:
        return alone
    return tuple(sorted(given)) if impossible(given) else ()


def culprits(s: Structure, req: Request, variables: list[int]) -> tuple[str, ...]:
    """The givens and evidence among ``variables`` (all of them when none is)."""
    ids = {s.claims[v] for v in variables if v < len(s.claims)}
    named = tuple(sorted(c for c in ids if c in req.given or c in s.evidence_bits))
    return named or tuple(sorted(set(req.given) | set(s.evidence_bits)))


def _why(req: Request, frame: FrameParams | None, cid: str) -> str:
    """`` (set= made its base credence 0%)`` when a what-if made the given claim's
    base credence contradict the given (then nothing else is to blame)."""
    base = frame.credence.get(cid) if frame is not None else None
    if f"{cid}.credence" not in req.overrides or base is None or base.p not in (0.0, 1.0):
        return ""
    if (base.p == 1.0) == req.given[cid]:
        return ""
    return f" (set= made its base credence {base.p:.0%})"


def _culprit(amap: ArgumentMap, req: Request, frame: FrameParams | None, c: str) -> str:
    if c in req.given:
        return f"given {c}={'true' if req.given[c] else 'false'}{_why(req, frame, c)}"
    group = amap.groups.get(c)
    if group is not None:
        shown = ", ".join(group.members[:5])
        more = f", ... ({len(group.members)} claims)" if len(group.members) > 5 else ""
        return f"group {c} ({group.phrase} {shown}{more})"
    return f"evidence on {c}"


def _impossible_message(amap: ArgumentMap, req: Request, outcomes: Mapping[str, Outcome]) -> str:
    """Name the givens, evidence and groups that cannot all hold, per frame when they differ."""
    per: dict[str, str] = {}
    frames = {f.name: f for f in req.frames}
    for name, o in outcomes.items():
        items = [_culprit(amap, req, frames.get(name), c) for c in o.culprits]
        if not items:
            per[name] = "the map's own parameters give it probability zero"
        elif len(items) == 1:
            per[name] = f"{items[0]} has probability zero"
        else:
            per[name] = f"{', '.join(items[:-1])} and {items[-1]} together have probability zero"
    texts = set(per.values())
    if len(per) == 1:
        name, what = next(iter(per.items()))
        return f"impossible evidence: {what}" + (
            "" if name == DEFAULT_FRAME else f" in frame {name!r}"
        )
    if len(texts) == 1:
        return f"impossible evidence: {texts.pop()} in every frame"
    listed = "; ".join(f"frame {name!r}: {what}" for name, what in per.items())
    return f"impossible evidence in every frame ({listed})"
