"""Cruxes and sensitivity from a handful of propagations of a compiled :class:`~.model.Model`.

Both rest on one fact: every table entry of the network enters the joint
probability linearly, and a factor φ_g enters exactly once, so for any
replacement φ'_g of one factor

    Z(φ'_g) = Σ_x φ'_g(x) M_g(x)

where M_g is the product of every *other* factor and message at φ_g's clique,
summed down to φ_g's scope. One calibrated propagation gives M_g for every g
(one small einsum each), hence P(e) under any change of one parameter; one more
with CLAIM clamped gives P(CLAIM, e) likewise. So a tornado row costs two dot
products instead of two evaluations (the linear-fractional form of the
sensitivity function, read straight off the junction tree).

Cruxes come from Bayes' rule: P(C | X) = P(X | C) P(C) / P(X), with P(X | C)
for every X from one propagation with C clamped. The side of X evaluated is
the less likely one, as in the definition; where that side's probability would
come from a subtraction (1 − P(X)) smaller than ``DIRECT_BELOW``, the row is
conditioned on directly instead, so no cancellation can cost precision.

Sampled models (too large for exact inference) take the same Bayes' rule from
one sampling run per frame that counts each X together with CLAIM (the very
samples of the model's evaluation), instead of one sampled evaluation per row;
a row whose rarer side is below ``DIRECT_BELOW`` is still conditioned on directly.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from argmap.schema import ImpossibleEvidenceError, Point, UsageError, Value
from argmap.schema.values import Beta, Interval

from .compile import Structure, argument_table, claim_table, frame_tables, total_bits
from .jtree import Plan
from .mixture import Outcome, combine
from .params import FrameParams, Request, parse_given, parse_overrides
from .propagate import Impossible, State, infer, scaled_einsum
from .sensitivity import BITS, Crux, Swing, _other_side, column_of, probability_range

if TYPE_CHECKING:
    from .model import Model

DIRECT_BELOW = 1e-3  # a crux side computed as 1 - P below this is conditioned on directly
_ONES = np.ones(2)


def _check_claim(model: Model, claim: str) -> None:
    from argmap.schema.suggest import did_you_mean

    amap = model.map
    if claim not in amap.claims:
        raise UsageError(f"no claim '{claim}' in {amap.name}{did_you_mean(claim, amap.claims)}")


# --- the parameters and their per-frame ends ---------------------------------------------


@dataclass
class _Param:
    """One tornado row: the ``set`` key, and per frame where it moves, its two ends."""

    key: str
    kind: str  # credence | strength | weight | evidence
    ident: str
    shown: str
    low: float
    high: float
    ends: dict[str, tuple[float, float]]  # frame -> (low, high) in that frame


def _frame_value(
    model: Model, kind: str, ident: str, frame: str, sets: Mapping[str, object]
) -> Value | None:
    amap = model.map
    if kind == "credence":
        v = sets.get(f"{ident}.credence")
        if v is None:
            claim = amap.claims[ident]
            fo = claim.frames.get(frame)
            v = fo.credence if fo is not None and fo.credence is not None else claim.credence
    else:
        v = sets.get(f"{ident}.strength")
        if v is None:
            arg = amap.arguments[ident]
            ao = arg.frames.get(frame)
            v = ao.strength if ao is not None and ao.strength is not None else arg.strength
            if v is None:
                v = Point(math.inf, "1 (default)")
    assert v is None or isinstance(v, Point | Interval | Beta)
    return v


def _probability_param(
    model: Model, kind: str, ident: str, req: Request, sets: Mapping[str, object]
) -> _Param | None:
    """A credence or strength, swung in each frame around that frame's own value."""
    amap = model.map
    values: dict[str, Value] = {}
    for f in req.frames:
        if kind == "strength" and ident not in f.strength:
            continue  # disabled in this frame: it stays disabled
        v = _frame_value(model, kind, ident, f.name, sets)
        if v is not None:
            values[f.name] = v
    if kind == "credence":
        top: object = sets.get(f"{ident}.credence", amap.claims[ident].credence)
    else:
        top = sets.get(f"{ident}.strength", amap.arguments[ident].strength)
        if top is None:
            top = Point(math.inf, "1 (default)")
    if top is None and not values:
        return None
    distinct = {str(v): v for v in values.values()}
    if top is None or len(distinct) == 1:
        # the value every selected frame uses (or the first, with no map value)
        top = next(iter(values.values()))
    assert isinstance(top, Point | Interval | Beta)
    lo, hi = probability_range(top)
    shown = str(top)
    differ = [(name, v) for name, v in values.items() if str(v) != str(top)]
    if differ:
        shown += "; " + ", ".join(f"{name}: {v}" for name, v in differ)
    ends = {name: probability_range(v) for name, v in values.items()}
    return _Param(f"{ident}.{kind}", kind, ident, shown, lo, hi, ends)


def _parameters(model: Model, req: Request, sets: Mapping[str, object]) -> list[_Param]:
    """Every parameter, in map order: credences, strengths, weights, evidence."""
    amap = model.map
    out: list[_Param] = []
    for cid in amap.claims:
        p = _probability_param(model, "credence", cid, req, sets)
        if p is not None:
            out.append(p)
    for aid in amap.arguments:
        p = _probability_param(model, "strength", aid, req, sets)
        assert p is not None
        out.append(p)
    if req.weighted:
        weights = {f.name: float(f.weight or 0.0) for f in req.frames}
        for name, w in weights.items():
            # Weight 0 needs another frame of positive weight to leave a mixture
            # (so a single selected frame has no weight to swing).
            # (any(), not a sum: weights of 1e308 would overflow it.)
            if any(x > 0 for other, x in weights.items() if other != name):
                high = min(2.0 * w, sys.float_info.max)
                ends = {name: (0.0, high)}
                out.append(_Param(f"{name}.weight", "weight", name, f"{w:g}", 0.0, high, ends))
    for cid, claim in amap.claims.items():
        key = f"{cid}.evidence"
        if claim.evidence or key in sets:
            bits = sets.get(key)
            total = total_bits([i.ratio.bits for i in claim.evidence]) if bits is None else bits
            assert isinstance(total, float | int)
            if not math.isfinite(total):  # infinite evidence (items near 1e308) has no swing
                continue
            lo, hi = total - BITS, total + BITS
            out.append(
                _Param(
                    key,
                    "evidence",
                    cid,
                    f"{total:g} bits",
                    lo,
                    hi,
                    {f.name: (lo, hi) for f in req.frames},
                )
            )
    return out


def _point(x: float) -> Point:
    # probabilities go in as Points: exact, even where a float string would round
    return Point.of(x, f"{x:.6g}")


def _swung_frame(f: FrameParams, p: _Param, x: float) -> FrameParams:
    if p.kind == "credence":
        return replace(f, credence={**f.credence, p.ident: _point(x)})
    if p.kind == "strength":
        return replace(f, strength={**f.strength, p.ident: _point(x)})
    if p.kind == "weight":
        return replace(f, weight=x)
    return f


# --- sensitivity -------------------------------------------------------------------------


def sensitivity(
    model: Model,
    claim: str,
    *,
    given: Mapping[str, object] | None = None,
    set: Mapping[str, object] | None = None,
    frames: Iterable[str] | None = None,
) -> list[Swing]:
    """Every parameter swung alone, CLAIM at each end; largest swing first."""
    _check_claim(model, claim)
    raw = dict(set or {})
    sets = parse_overrides(model.map, raw)
    chosen = list(frames) if frames is not None else None
    base_ev = model.evaluate(given=given, set=raw, frames=chosen)
    col = column_of(base_ev)
    baseline = base_ev.claims[claim].credence[col]
    req, s, plan, _, _ = model._request(given, raw, chosen)
    params = _parameters(model, req, sets)
    # With group constraints K a frame's weight is P(e | K) = Z / Z_K, and a swung
    # credence or strength moves Z_K too, which the one-factor form below does not
    # track: weighted frames with groups take the one-evaluation-per-row path.
    grouped = bool(getattr(s, "groups", None)) and req.weighted and len(req.frames) > 1
    if plan is not None and not grouped:
        ends = _exact_ends(s, plan, req, claim, col, baseline, params)
    else:
        ends = _rerun_ends(model, s, plan, req, claim, col, baseline, params)
    names = [f.name for f in req.frames]
    out = [
        Swing(p.key, p.kind, p.shown, p.low, p.high, lo, hi, baseline, col, _differing(p, names))
        for p, (lo, hi) in zip(params, ends, strict=True)
    ]
    # Ties by name: swings equal but for rounding (1e-12) count as equal.
    out.sort(key=lambda w: (-round(w.swing, 12), w.parameter))
    return out


def _differing(p: _Param, frames: list[str]) -> dict[str, tuple[float, float]]:
    """Per-frame ends (of the frames where the parameter moves), unless it moves in
    every frame between the row's own ends."""
    if p.kind in ("weight", "evidence"):
        return {}
    if set(p.ends) == set(frames) and all(e == (p.low, p.high) for e in p.ends.values()):
        return {}
    return dict(p.ends)


def _read(req: Request, outcomes: Mapping[str, Outcome], col: str, baseline: float) -> float:
    per_column, _, _ = combine(req, outcomes)
    got = per_column.get(col)
    # a frame weight of 0 can leave no overall; CLAIM then keeps its baseline
    return baseline if got is None else float(got[0])


def _rerun_ends(
    model: Model,
    s: Structure,
    plan: Plan | None,
    req: Request,
    claim: str,
    col: str,
    baseline: float,
    params: list[_Param],
) -> list[tuple[float, float]]:
    """One evaluation per end (sampled models; exact ones where the one-factor form
    does not apply), through the same compiled structure and plan."""
    from .model import _runner

    ci = s.claim_index[claim]
    out: list[tuple[float, float]] = []
    for p in params:
        pair = []
        for end in (0, 1):
            s_end = s
            if p.kind == "evidence":
                bits = {**s.evidence_bits, p.ident: p.high if end else p.low}
                s_end = replace(s, evidence_bits=bits)
            runner, _ = _runner(model.map, s_end, req, plan, 100_000, 0, False, None)
            frames = [
                _swung_frame(f, p, p.ends[f.name][end]) if f.name in p.ends else f
                for f in req.frames
            ]
            outcomes = {}
            for f in frames:
                o = runner(f, None)
                outcomes[f.name] = Outcome(None if o.probs is None else o.probs[[ci]], o.log_z)
            pair.append(_read(replace(req, frames=frames), outcomes, col, baseline))
        out.append((pair[0], pair[1]))
    return out


def excluded(plan: Plan, st: State, g: int) -> np.ndarray:
    """M_g: every factor and message at factor g's clique except g, summed to g's scope."""
    k = plan.factor_home[g]
    ops: list[object] = []
    out: list[int] = []
    for f, lab in plan.factor_ops[k]:
        if f == g:
            out = lab
        else:
            ops += [st.tables[f] if f >= 0 else _ONES, lab]
    for c, lab in plan.child_ops[k]:
        ops += [st.up[c], lab]
    if plan.parent[k] >= 0:
        ops += [st.down[k], plan.labels[k][: len(plan.sep_full[k])]]
    for x in out:
        ops += [_ONES, [x]]  # every output label appears in some operand
    # Rescaled as it is built (a clique may have thousands of children); the
    # scale cancels in every ratio taken of M_g.
    m, _ = scaled_einsum(ops, out)
    return m


@dataclass
class _FrameState:
    """One frame's calibrated base and clamped propagations."""

    frame: FrameParams
    log_z: float
    pc: float  # P(CLAIM) at the baseline
    side: bool  # the value of CLAIM that was clamped (its likelier one)
    p_side: float  # P(CLAIM = side)
    base: State
    clamped: State
    m_base: dict[int, np.ndarray]
    m_clamped: dict[int, np.ndarray]


def _exact_ends(
    s: Structure,
    plan: Plan,
    req: Request,
    claim: str,
    col: str,
    baseline: float,
    params: list[_Param],
) -> list[tuple[float, float]]:
    n = len(s.claims)
    ci = s.claim_index[claim]
    arg_index = {a: j for j, a in enumerate(s.arguments)}
    states: dict[str, _FrameState | None] = {}
    for f in req.frames:
        tables = frame_tables(s, f, req.given)
        try:
            probs, log_z, st = infer(plan, tables, n, keep=True)
        except Impossible:
            states[f.name] = None
            continue
        assert st is not None
        pc = min(1.0, max(0.0, float(probs[ci])))
        side = pc >= 0.5
        clamp = {**req.given, claim: side}
        _, _, st_c = infer(plan, frame_tables(s, f, clamp), n, keep=True)
        assert st_c is not None
        states[f.name] = _FrameState(f, log_z, pc, side, pc if side else 1.0 - pc, st, st_c, {}, {})

    def gate_of(p: _Param) -> tuple[int, int] | None:
        if p.kind in ("credence", "evidence"):
            return s.claim_gate[s.claim_index[p.ident]], s.claim_index[p.ident]
        if p.kind == "strength" and p.ident in arg_index:
            return s.arg_gate[arg_index[p.ident]], arg_index[p.ident]
        return None

    out: list[tuple[float, float]] = []
    for p in params:
        gate = gate_of(p)
        pair = []
        for end in (0, 1):
            frames = []
            outcomes: dict[str, Outcome] = {}
            for f in req.frames:
                fs = states[f.name]
                x = p.ends[f.name][end] if f.name in p.ends else None
                frames.append(_swung_frame(f, p, x) if x is not None else f)
                if fs is None:
                    outcomes[f.name] = Outcome(None, -math.inf)
                    continue
                if x is None or gate is None or p.kind == "weight":
                    outcomes[f.name] = Outcome(np.array([fs.pc]), fs.log_z)
                    continue
                g, idx = gate
                old = _table(s, p, idx, f, None, req.given, None)
                new = _table(s, p, idx, f, x, req.given, None)
                r = _ratio(fs.m_base, fs.base, plan, g, old, new)
                if not r > 0.0:
                    outcomes[f.name] = Outcome(None, -math.inf)
                    continue
                own = fs.side if p.ident == claim and p.kind != "strength" else None
                if own is not None:
                    old = _table(s, p, idx, f, None, req.given, own)
                    new = _table(s, p, idx, f, x, req.given, own)
                rc = _ratio(fs.m_clamped, fs.clamped, plan, g, old, new)
                q = min(1.0, max(0.0, fs.p_side * rc / r))
                pc = q if fs.side else 1.0 - q
                outcomes[f.name] = Outcome(np.array([pc]), fs.log_z + math.log(r))
            pair.append(_read(replace(req, frames=frames), outcomes, col, baseline))
        out.append((pair[0], pair[1]))
    return out


Scaled = tuple[np.ndarray, float]  # a table, and ln of the constant it was divided by


def _table(
    s: Structure,
    p: _Param,
    idx: int,
    f: FrameParams,
    x: float | None,
    given: Mapping[str, bool],
    clamp: bool | None,
) -> Scaled:
    """The factor's table with the parameter at ``x`` (None: as the frame has it),
    with CLAIM clamped to ``clamp`` when the factor is CLAIM's."""
    if p.kind == "strength":
        return argument_table(s, idx, _point(x) if x is not None else f.strength[p.ident]), 0.0
    cid = s.claims[idx]
    truth = clamp if clamp is not None else given.get(cid)
    bits = s.evidence_bits.get(cid)
    point = f.credence[cid]
    if x is not None and p.kind == "credence":
        point = _point(x)
    elif x is not None:
        bits = x
    return claim_table(s, idx, point, bits, truth)


def _ratio(
    cache: dict[int, np.ndarray], st: State, plan: Plan, g: int, old: Scaled, new: Scaled
) -> float:
    """Z with factor g's table ``old`` replaced by ``new``, over Z."""
    m = cache.get(g)
    if m is None:
        m = cache[g] = excluded(plan, st, g)
    den = float(np.vdot(old[0], m))
    # (a table built from logarithms was divided by e^scale: put that back)
    return float(np.vdot(new[0], m)) / den * math.exp(new[1] - old[1])


# --- cruxes ------------------------------------------------------------------------------


def cruxes(
    model: Model,
    claim: str,
    *,
    given: Mapping[str, object] | None = None,
    set: Mapping[str, object] | None = None,
    frames: Iterable[str] | None = None,
) -> list[Crux]:
    """Every other claim X by the expected absolute change in CLAIM from learning X."""
    _check_claim(model, claim)
    amap = model.map
    known = parse_given(amap, dict(given or {}))
    chosen = list(frames) if frames is not None else None
    base_ev = model.evaluate(given=known, set=set, frames=chosen)
    col = column_of(base_ev)
    pc = base_ev.claims[claim].credence[col]
    req, s, plan, _, _ = model._request(known, set, chosen)

    joint = _Joint(model, s, plan, req, claim, col, base_ev)

    def direct(x: str, side: bool) -> float | None:
        if side or 1.0 - base_ev.claims[x].credence[col] >= DIRECT_BELOW:
            found = joint.conditional(x, side)
            if found is not None:
                return found
        try:
            ev = model.evaluate(given={**known, x: side}, set=set, frames=chosen)
        except ImpossibleEvidenceError:
            return None  # P(X = side) rounded above 0 but is 0: that side cannot be learned
        return ev.claims[claim].credence.get(col)

    out: list[Crux] = []
    for x, result in base_ev.claims.items():
        if x == claim or x in known:
            continue
        px = result.credence[col]
        if_true: float | None = None
        if_false: float | None = None
        if px == 0.0:
            if_false = pc
        elif px == 1.0:
            if_true = pc
        else:
            # The less likely side, and the other from the law of total probability:
            # its divisor is then at least 1/2, so it is stable.
            side = px <= 0.5
            d = direct(x, side)
            p_side = px if side else 1.0 - px
            if d is None:
                if_true, if_false = (None, pc) if side else (pc, None)
            else:
                other = _other_side(pc, p_side, d)
                if_true, if_false = (d, other) if side else (other, d)
        change = 0.0
        if if_true is not None:
            change += px * abs(if_true - pc)
        if if_false is not None:
            change += (1.0 - px) * abs(if_false - pc)
        out.append(Crux(x, result.text, px, if_true, if_false, pc, col, change))
    # Ties by name: changes equal but for rounding (1e-12) count as equal.
    out.sort(key=lambda c: (-round(c.expected_change, 12), c.claim))
    return out


class _Joint:
    """P(X | C) for every X per frame: exactly, from one propagation with C clamped
    true; or, when the model samples (no ``plan``), from the very samples of the
    frame's evaluation, which also count X and C together (one run, not one per X)."""

    def __init__(
        self,
        model: Model,
        s: Structure,
        plan: Plan | None,
        req: Request,
        claim: str,
        col: str,
        base_ev: object,
    ) -> None:
        from .result import OVERALL, Evaluation
        from .sample import Sampler

        assert isinstance(base_ev, Evaluation)
        n = len(s.claims)
        self.index = s.claim_index
        ci = self.index[claim]
        # the sampler of Model.evaluate's defaults (100,000 samples, seed 0): the same
        # samples as base_ev's, so P(X) here is the P(X) of the table
        sampler = Sampler(model.map, s, samples=100_000, seed=0) if plan is None else None
        self.frames: list[tuple[float, np.ndarray, np.ndarray | None, float]] = []
        for f in req.frames:
            fr = base_ev.frames[f.name]
            if not fr.possible:
                continue
            if col == OVERALL:
                w = fr.posterior_weight or 0.0
            elif f.name == col:
                w = 1.0
            else:
                continue
            if w <= 0.0:
                continue
            cond: np.ndarray | None = None
            if sampler is not None:
                sampled = sampler.run(f, dict(req.given), None, pair=ci)
                probs = np.clip(sampled.probs, 0.0, 1.0)
                pc = float(probs[ci])
                if pc > 0.0 and sampled.joint is not None:
                    cond = np.clip(sampled.joint / pc, 0.0, 1.0)
                self.frames.append((w, probs, cond, pc))
                continue
            assert plan is not None  # (no sampler: exact)
            probs, _, _ = infer(plan, frame_tables(s, f, req.given), n)
            probs = np.clip(probs, 0.0, 1.0)
            pc = float(probs[ci])
            if pc > 0.0:
                q, _, _ = infer(plan, frame_tables(s, f, {**req.given, claim: True}), n)
                cond = np.clip(q, 0.0, 1.0)
            self.frames.append((w, probs, cond, pc))

    def conditional(self, x: str, side: bool) -> float | None:
        """P(C | X = side) in the column: Σ π_f P_f(X=side, C) / Σ π_f P_f(X=side).

        None when X false is so unlikely given C (below ``DIRECT_BELOW``) that
        1 - P(X | C) would be rounding error (an X that C requires would get
        P(C | not X) = 3e-17, not 0): the caller then conditions on X directly."""
        i = self.index[x]
        num = 0.0
        den = 0.0
        for w, probs, cond, pc in self.frames:
            px = float(probs[i]) if side else 1.0 - float(probs[i])
            den += w * px
            if cond is not None:
                q = float(cond[i]) if side else 1.0 - float(cond[i])
                if not side and q < DIRECT_BELOW:
                    return None
                num += w * q * pc
        return min(1.0, max(0.0, num / den))
