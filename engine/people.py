"""Several people's credences on one map: pooling, disagreement, double cruxes.

Pure functions over :func:`~argmap.engine.evaluate.evaluate` and the parameter
resolution of :mod:`.params`; nothing here prints. A person's map is the base
map with their overlay applied (:func:`argmap.schema.people.apply_person`).

- **Pooled** credence: the mean of the people's log-odds (the geometric mean of
  their odds), per frame, and for ``overall`` from each person's own overall
  credence. Undefined (``None``) when some hold 0 and others 1, or when some
  person has no credence in that column (their evidence is impossible there).
- **Attribution** of the gap P_A(C) - P_B(C): the Shapley value of each
  parameter on which A and B differ, the game being "CLAIM's credence when the
  parameters in S take A's values and the rest B's". Exact (every subset) up
  to ``exact_up_to`` parameters; beyond that, estimated from seeded random
  orders (each with its reverse), every order's contributions adding up to the
  gap, so the estimates do too.
- **Double cruxes**: the other claims X by the expected remaining gap
  q |P_A(C|X) - P_B(C|X)| + (1 - q) |P_A(C|not X) - P_B(C|not X)|,
  q = (P_A(X) + P_B(X)) / 2, smallest first.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, Literal

import numpy as np

from argmap.schema import ArgumentMap, EvaluationError, UsageError
from argmap.schema.models import ArgumentFrameOverride
from argmap.schema.people import POOLED, Person, apply_person, person_map
from argmap.schema.suggest import did_you_mean
from argmap.schema.values import Point

from .compile import compile_structure, frame_tables
from .evaluate import evaluate
from .jtree import TooLarge, build_plan
from .memory import DEFAULT_MAX_MEMORY
from .mixture import Outcome, combine
from .model import Model
from .params import parse_given, parse_overrides, resolve
from .propagate import Impossible, infer
from .result import OVERALL, ClaimResult, Evaluation

__all__ = [
    "EXACT_UP_TO",
    "ORDERS",
    "POOLED",
    "Contribution",
    "Difference",
    "Disagreement",
    "DoubleCrux",
    "PeopleEvaluation",
    "differences",
    "disagree",
    "double_cruxes",
    "evaluate_people",
    "mix",
    "pool",
    "pooled_evaluation",
    "select_people",
    "shapley_exact",
    "shapley_sampled",
]

EXACT_UP_TO = 10  # parameters: 2^10 evaluations at most for exact Shapley values
ORDERS = 100  # random orders (each with its reverse) beyond that


def pool(values: Iterable[float | None]) -> float | None:
    """The mean of log-odds of ``values`` as a probability; None when undefined.

    >>> round(pool([0.2, 0.8]), 12)
    0.5
    >>> pool([0.0, 1.0]) is None
    True
    """
    vals = list(values)
    if not vals or any(v is None for v in vals):
        return None
    logits = [Point.of(min(1.0, max(0.0, float(v)))).log_odds for v in vals if v is not None]
    if any(x == math.inf for x in logits) and any(x == -math.inf for x in logits):
        return None
    if any(math.isinf(x) for x in logits):
        return 1.0 if any(x == math.inf for x in logits) else 0.0
    return Point(math.fsum(logits) / len(logits)).p


@dataclass(frozen=True)
class PeopleEvaluation:
    """Each person's evaluation and the pooled credences.

    ``pooled[claim][column]`` is the pooled credence (None when undefined);
    ``columns`` are the columns every person has, in map order.
    """

    map: ArgumentMap
    people: dict[str, Evaluation]
    pooled: dict[str, dict[str, float | None]]
    columns: list[str]

    def person(self, pid: str) -> Person:
        return self.map.people[pid]


def select_people(amap: ArgumentMap, people: Sequence[str] | None) -> list[str]:
    """The people asked for (all, in id order, by default); unknown ids raise UsageError."""
    if not amap.people:
        raise UsageError(
            f"{amap.name} has no person overlays; add files with `person: ID` to its "
            "directory, or give them with people=[FILE]"
        )
    if people is None:
        return sorted(amap.people)
    for pid in people:
        if pid not in amap.people:
            person_map(amap, pid)  # raises with a hint
    return list(dict.fromkeys(people))


def evaluate_people(
    amap: ArgumentMap, people: Sequence[str] | None = None, **options: Any
) -> PeopleEvaluation:
    """Every person's credences (``options`` as for :func:`evaluate`) and the pooled ones.

    >>> pe = evaluate_people(load("arguments/examples/power-seeking.yaml"), band_draws=0)
    >>> round(pe.pooled["ps-doom"]["default"], 6)  # odds of 5.14% and 0.21%, averaged
    0.010533
    """
    ids = select_people(amap, people)
    evs = {pid: evaluate(apply_person(amap, amap.people[pid]), **options) for pid in ids}
    columns = _columns(list(evs.values()))
    pooled = {
        cid: {col: pool(ev.claims[cid].credence.get(col) for ev in evs.values()) for col in columns}
        for cid in amap.claims
    }
    return PeopleEvaluation(amap, evs, pooled, columns)


def pooled_evaluation(pe: PeopleEvaluation) -> Evaluation:
    """The pooled credences as an :class:`Evaluation` of the map (for drawing them).

    Parameters, frames and weights are the first person's; a column whose pool is
    undefined is left out of that claim's credences (renderers show "n/a").
    """
    first = next(iter(pe.people.values()))
    claims = {
        cid: ClaimResult(
            id=cid,
            text=res.text,
            credence={c: p for c, p in pe.pooled[cid].items() if p is not None},
        )
        for cid, res in first.claims.items()
    }
    return replace(first, map=pe.map, claims=claims, band=None)


def _columns(evs: Sequence[Evaluation]) -> list[str]:
    """The union of the people's columns in order: a column some lack pools to None."""
    out: list[str] = []
    for ev in evs:
        out += [c for c in ev.columns if c not in out]
    if OVERALL in out:
        out.remove(OVERALL)
        out.append(OVERALL)
    return out


# ------------------------------------------------------------------ disagreement


@dataclass(frozen=True)
class Difference:
    """One parameter on which two people differ, as a ``--set`` key."""

    key: str  # e.g. "ps-timelines.credence"
    a: str  # A's value as written
    b: str


@dataclass(frozen=True)
class Contribution:
    """A parameter's Shapley value in moving CLAIM from B's credence to A's."""

    key: str
    a: str
    b: str
    value: float
    stderr: float | None = None  # set when estimated from random orders


@dataclass(frozen=True)
class DoubleCrux:
    """Another claim X: each person's P(X), CLAIM given X and given not X, and the
    expected gap left after learning X. A conditional is None where that side of
    X has probability 0 for the person (then their P(CLAIM) stands in)."""

    claim: str
    text: str | None
    a: float  # P_A(X)
    b: float
    a_if_true: float | None
    b_if_true: float | None
    a_if_false: float | None
    b_if_false: float | None
    remaining: float


@dataclass(frozen=True)
class Disagreement:
    """What ``argmap disagree MAP CLAIM A B`` reports."""

    claim: str
    text: str | None
    a: str
    b: str
    column: str
    credence_a: float
    credence_b: float
    contributions: list[Contribution]
    cruxes: list[DoubleCrux]
    method: Literal["exact", "sampled"]
    orders: int = 0  # random orders used when sampled
    seed: int = 0
    evaluations: int = 0  # mixtures evaluated for the attribution

    @property
    def gap(self) -> float:
        return self.credence_a - self.credence_b


def _value_text(value: object) -> str:
    return "-" if value is None else str(value)


def _claim_credence(amap: ArgumentMap, cid: str) -> str:
    c = amap.claims[cid]
    text = _value_text(c.credence)
    per = [f"{f} {fo.credence}" for f, fo in c.frames.items() if fo.credence is not None]
    return text + (f" ({', '.join(per)})" if per else "")


def _evidence_bits(amap: ArgumentMap, cid: str) -> float:
    return math.fsum(item.ratio.bits for item in amap.claims[cid].evidence)


def _arg_value(amap: ArgumentMap, aid: str, attr: str) -> str:
    a = amap.arguments[aid]
    base = getattr(a, attr)
    text = "1 (default)" if attr == "strength" and base is None else _value_text(base)
    if attr == "enabled":
        text = "true" if base else "false"
    per = []
    for f, fo in a.frames.items():
        v = getattr(fo, attr)
        if v is not None:
            per.append(f"{f} {'true' if v is True else 'false' if v is False else v}")
    return text + (f" ({', '.join(per)})" if per else "")


def differences(ma: ArgumentMap, mb: ArgumentMap) -> list[Difference]:
    """Every parameter whose value differs between two person maps of one base map."""
    out: list[Difference] = []
    for cid, ca in ma.claims.items():
        cb = mb.claims[cid]
        frames_a = {f: o.credence for f, o in ca.frames.items() if o.credence is not None}
        frames_b = {f: o.credence for f, o in cb.frames.items() if o.credence is not None}
        if ca.credence != cb.credence or frames_a != frames_b:
            out.append(
                Difference(f"{cid}.credence", _claim_credence(ma, cid), _claim_credence(mb, cid))
            )
    for cid in ma.claims:
        ba, bb = _evidence_bits(ma, cid), _evidence_bits(mb, cid)
        if ba != bb:
            out.append(Difference(f"{cid}.evidence", f"{ba:g} bits", f"{bb:g} bits"))
    for aid, aa in ma.arguments.items():
        ab = mb.arguments[aid]
        for attr in ("strength", "enabled"):
            fa = {f: getattr(o, attr) for f, o in aa.frames.items() if getattr(o, attr) is not None}
            fb = {f: getattr(o, attr) for f, o in ab.frames.items() if getattr(o, attr) is not None}
            if getattr(aa, attr) != getattr(ab, attr) or fa != fb:
                out.append(
                    Difference(
                        f"{aid}.{attr}", _arg_value(ma, aid, attr), _arg_value(mb, aid, attr)
                    )
                )
    for name, frame in ma.frames.items():
        wa, wb = frame.weight, mb.frames[name].weight
        if wa != wb:
            out.append(Difference(f"{name}.weight", _value_text(wa), _value_text(wb)))
    return out


def mix(ma: ArgumentMap, mb: ArgumentMap, from_a: Iterable[str]) -> ArgumentMap:
    """B's map with the parameters ``from_a`` (``--set`` keys) taken from A's."""
    keys = set(from_a)
    claims = dict(mb.claims)
    arguments = dict(mb.arguments)
    frames = dict(mb.frames)
    for key in keys:
        ident, attr = key.rsplit(".", 1)
        if attr == "credence":
            ca = ma.claims[ident]
            claims[ident] = claims[ident].model_copy(
                update={"credence": ca.credence, "frames": ca.frames}
            )
        elif attr == "evidence":
            claims[ident] = claims[ident].model_copy(update={"evidence": ma.claims[ident].evidence})
        elif attr == "weight":
            frames[ident] = ma.frames[ident]
    for aid in {k.rsplit(".", 1)[0] for k in keys if k.endswith((".strength", ".enabled"))}:
        # An argument's strength and enabled are two parameters, each with its
        # per-frame values: take each from whoever it comes from.
        by_s = (ma if f"{aid}.strength" in keys else mb).arguments[aid]
        by_e = (ma if f"{aid}.enabled" in keys else mb).arguments[aid]
        per: dict[str, ArgumentFrameOverride] = {}
        for name in [*by_s.frames, *(f for f in by_e.frames if f not in by_s.frames)]:
            st, en = by_s.frames.get(name), by_e.frames.get(name)
            strength = st.strength if st is not None else None
            enabled = en.enabled if en is not None else None
            if strength is not None or enabled is not None:
                per[name] = ArgumentFrameOverride(strength=strength, enabled=enabled)
        arguments[aid] = mb.arguments[aid].model_copy(
            update={"strength": by_s.strength, "enabled": by_e.enabled, "frames": per}
        )
    return replace(mb, claims=claims, arguments=arguments, frames=frames)


class _Scorer:
    """CLAIM's credence in one column for any mixture of two people's parameters.

    The mixtures share one structure: it is compiled, and its junction tree
    built, once. Every factor table depends on one claim's or one argument's
    parameters, so a mixture's tables are B's with the tables of the
    parameters taken from A swapped in (both computed once per frame); each
    mixture then costs one inference pass per frame. A table whose claim has
    two differing parameters split between A and B, or weights that only one
    person gives, fall back to resolving the mixed map; a junction tree too
    large to build falls back to a full evaluation per mixture.
    """

    def __init__(
        self,
        ma: ArgumentMap,
        mb: ArgumentMap,
        claim: str,
        column: str,
        given: Mapping[str, bool],
        sets: Mapping[str, object],
        frames: list[str] | None,
        keys: Sequence[str],
        run: Callable[..., Evaluation] = evaluate,
    ) -> None:
        self.ma, self.mb = ma, mb
        self.run = run  # evaluate(), with the caller's memory budget
        self.claim, self.column = claim, column
        self.given, self.sets, self.frames = dict(given), dict(sets), frames
        self.calls = 0
        self.ra = resolve(ma, given, sets, frames)
        self.rb = resolve(mb, given, sets, frames)
        # Every argument enabled for A or B in some frame gets a gate (a disabled
        # one has strength 0 there, the same distribution as leaving it out).
        self.s = compile_structure(ma, [*self.ra.frames, *self.rb.frames])
        self.index = self.s.claim_index[claim]
        try:
            self.plan: Any = build_plan(
                self.s.n_vars,
                self.s.scopes,
                len(self.s.claims),
                max_clique_vars=24,
                max_entries=2**25,
            )
        except TooLarge:
            self.plan = None
            return
        sa = replace(self.s, evidence_bits=self._bits(ma, self.ra.overrides))
        sb = replace(self.s, evidence_bits=self._bits(mb, self.rb.overrides))
        self.tables_a = {f.name: frame_tables(sa, f, self.ra.given) for f in self.ra.frames}
        self.tables_b = {f.name: frame_tables(sb, f, self.rb.given) for f in self.rb.frames}
        # parameter -> the factor tables it enters; gate -> the parameters entering it
        self.gates: dict[str, list[int]] = {}
        arg_index = {a: j for j, a in enumerate(self.s.arguments)}
        for key in keys:
            ident, attr = key.rsplit(".", 1)
            if attr in ("credence", "evidence"):
                self.gates[key] = [self.s.claim_gate[self.s.claim_index[ident]]]
            elif attr in ("strength", "enabled"):
                j = arg_index.get(ident)
                self.gates[key] = [] if j is None else [self.s.arg_gate[j]]
            else:
                self.gates[key] = []
        self.users: dict[int, set[str]] = {}
        for key, gs in self.gates.items():
            for g in gs:
                self.users.setdefault(g, set()).add(key)

    @staticmethod
    def _bits(m: ArgumentMap, overrides: Mapping[str, object]) -> dict[str, float]:
        bits = {
            cid: math.fsum(i.ratio.bits for i in c.evidence)
            for cid, c in m.claims.items()
            if c.evidence
        }
        for key, value in overrides.items():
            if key.endswith(".evidence"):
                assert isinstance(value, float)
                bits[key.removesuffix(".evidence")] = value
        return bits

    def __call__(self, from_a: frozenset[str]) -> float:
        """CLAIM's credence when the parameters ``from_a`` take A's values, the rest B's."""
        self.calls += 1
        if self.plan is None:
            m = mix(self.ma, self.mb, from_a)
            ev = self.run(m, given=self.given, set=self.sets, frames=self.frames, band_draws=0)
            return _read(ev.claims[self.claim].credence, self.column)
        swapped = {g for key in from_a for g in self.gates.get(key, ())}
        split = any(not self.users[g] <= from_a for g in swapped)
        weights_a = {f.name: f.weight for f in self.ra.frames}
        if split or self.ra.weighted != self.rb.weighted:
            return self._slow(from_a)
        frames = [
            replace(f, weight=weights_a[f.name]) if f"{f.name}.weight" in from_a else f
            for f in self.rb.frames
        ]
        req = replace(self.rb, frames=frames)
        outcomes = {}
        for f in frames:
            tables = list(self.tables_b[f.name])
            a_tables = self.tables_a[f.name]
            for g in swapped:
                tables[g] = a_tables[g]
            outcomes[f.name] = self._infer(tables)
        credence, _, _ = combine(req, outcomes)
        return _read({c: float(v[self.index]) for c, v in credence.items()}, self.column)

    def _slow(self, from_a: frozenset[str]) -> float:
        m = mix(self.ma, self.mb, from_a)
        req = resolve(m, self.given, self.sets, self.frames)
        s = replace(self.s, evidence_bits=self._bits(m, req.overrides))
        outcomes = {f.name: self._infer(frame_tables(s, f, req.given)) for f in req.frames}
        credence, _, _ = combine(req, outcomes)
        return _read({c: float(v[self.index]) for c, v in credence.items()}, self.column)

    def _infer(self, tables: list[np.ndarray]) -> Outcome:
        try:
            probs, log_z, _ = infer(self.plan, tables, len(self.s.claims))
        except Impossible:
            return Outcome(None, -math.inf)
        return Outcome(np.clip(probs, 0.0, 1.0), log_z)


def _read(credence: Mapping[str, float], column: str) -> float:
    if column not in credence:
        raise EvaluationError(
            f"no credence in column '{column}' for one mixture of the two people's numbers "
            "(the evidence and given are impossible there)"
        )
    return credence[column]


def _column(ea: Evaluation, eb: Evaluation) -> str:
    ca, cb = ea.columns, eb.columns
    common = [c for c in ca if c in cb and c != OVERALL]
    if len(ea.frames) == 1 and len(common) == 1:
        return common[0]  # one frame selected: its name says more than "overall"
    if OVERALL in ca and OVERALL in cb:
        return OVERALL
    if len(common) == 1 and len(ca) == len(cb) == 1:
        return common[0]
    raise UsageError(
        "the two people's frames carry no common overall credence; "
        f"choose one frame with frames= ({', '.join(common) or 'none in common'})"
    )


def shapley_exact(
    keys: Sequence[str], value: Callable[[frozenset[str]], float]
) -> dict[str, float]:
    """Exact Shapley values from all 2^k coalitions (``value`` called once per coalition)."""
    k = len(keys)
    v = {
        frozenset(c): value(frozenset(c))
        for r in range(k + 1)
        for c in itertools.combinations(keys, r)
    }
    weight = [math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)]
    out: dict[str, float] = {}
    for key in keys:
        others = [x for x in keys if x != key]
        terms = [
            weight[r] * (v[frozenset(c) | {key}] - v[frozenset(c)])
            for r in range(k)
            for c in itertools.combinations(others, r)
        ]
        out[key] = math.fsum(terms)
    return out


def shapley_sampled(
    keys: Sequence[str], value: Callable[[frozenset[str]], float], orders: int, seed: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Shapley values estimated from ``orders`` random orders, each with its reverse
    (antithetic pairs); returns the estimates and their standard errors."""
    rng = random.Random(seed)
    cache: dict[frozenset[str], float] = {}

    def v(s: frozenset[str]) -> float:
        if s not in cache:
            cache[s] = value(s)
        return cache[s]

    pairs: dict[str, list[float]] = {k: [] for k in keys}
    n_pairs = max(1, orders // 2)
    for _ in range(n_pairs):
        order = list(keys)
        rng.shuffle(order)
        got: dict[str, float] = {}
        for seq in (order, order[::-1]):
            s: frozenset[str] = frozenset()
            prev = v(s)
            for key in seq:
                s = s | {key}
                cur = v(s)
                got[key] = got.get(key, 0.0) + (cur - prev) / 2
                prev = cur
        for key in keys:
            pairs[key].append(got[key])
    est = {k: math.fsum(xs) / len(xs) for k, xs in pairs.items()}
    err = {
        k: (
            math.sqrt(math.fsum((x - est[k]) ** 2 for x in xs) / (len(xs) - 1) / len(xs))
            if len(xs) > 1
            else math.nan
        )
        for k, xs in pairs.items()
    }
    return est, err


def disagree(
    amap: ArgumentMap,
    claim: str,
    a: str,
    b: str,
    *,
    given: Mapping[str, object] | None = None,
    set: Mapping[str, object] | None = None,
    frames: Iterable[str] | None = None,
    top: int | None = None,
    exact_up_to: int = EXACT_UP_TO,
    orders: int = ORDERS,
    seed: int = 0,
    max_memory: int | str = DEFAULT_MAX_MEMORY,
) -> Disagreement:
    """The gap between A's and B's credence in CLAIM, its attribution, and the double cruxes.

    ``top`` keeps that many double cruxes (all by default); ``given``, ``set`` and
    ``frames`` apply to both people; ``max_memory`` bounds each evaluation as in
    :func:`evaluate`.

    >>> m = load("arguments/examples/power-seeking.yaml")
    >>> d = disagree(m, "ps-doom", "carlsmith-2021", "superforecasters-2023")
    >>> round(d.gap, 6), d.contributions[0].key, d.cruxes[0].claim
    (0.049288, 'ps-disempowerment.credence', 'ps-disempowerment')
    """
    if claim not in amap.claims:
        raise UsageError(f"no claim '{claim}' in {amap.name}{did_you_mean(claim, amap.claims)}")
    if a == b:
        raise UsageError(f"compare two different people (got '{a}' twice)")
    ma, mb = person_map(amap, a), person_map(amap, b)
    known = parse_given(amap, dict(given or {}))
    if claim in known:
        raise UsageError(f"'{claim}' is given, so both people hold the same credence in it")
    sets = dict(set or {})
    chosen = list(frames) if frames is not None else None
    run = partial(evaluate, band_draws=0, max_memory=max_memory)
    ea = run(ma, given=known, set=sets, frames=chosen)
    eb = run(mb, given=known, set=sets, frames=chosen)
    col = _column(ea, eb)
    pa, pb = ea.claims[claim].credence[col], eb.claims[claim].credence[col]
    # a parameter that --set fixes for both no longer differs
    fixed = frozenset(parse_overrides(amap, sets))
    diffs = [d for d in differences(ma, mb) if d.key not in fixed]
    if len(ea.frames) == 1:
        # one frame selected: its weight cannot move anything
        diffs = [d for d in diffs if not d.key.endswith(".weight")]
    keys = [d.key for d in diffs]
    scorer = _Scorer(ma, mb, claim, col, known, sets, chosen, keys, run)

    def value(s: frozenset[str]) -> float:
        if not s:
            return pb
        if len(s) == len(keys):
            return pa
        return scorer(s)

    stderr: dict[str, float] = {}
    if len(keys) <= exact_up_to:
        phi = shapley_exact(keys, value)
        method: Literal["exact", "sampled"] = "exact"
    else:
        phi, stderr = shapley_sampled(keys, value, orders, seed)
        method = "sampled"
    contributions = [Contribution(d.key, d.a, d.b, phi[d.key], stderr.get(d.key)) for d in diffs]
    contributions.sort(key=lambda c: (-abs(c.value), c.key))
    cruxes = double_cruxes(ma, mb, claim, ea, eb, col, known, sets, chosen, max_memory)
    return Disagreement(
        claim=claim,
        text=amap.claims[claim].text,
        a=a,
        b=b,
        column=col,
        credence_a=pa,
        credence_b=pb,
        contributions=contributions,
        cruxes=cruxes[:top] if top is not None else cruxes,
        method=method,
        orders=2 * max(1, orders // 2) if method == "sampled" else 0,
        seed=seed,
        evaluations=scorer.calls,
    )


def _conditionals(
    m: ArgumentMap,
    claim: str,
    known: dict[str, bool],
    sets: Mapping[str, object],
    frames: list[str] | None,
    max_memory: int | str,
) -> dict[str, tuple[float | None, float | None]]:
    """(P(CLAIM | X), P(CLAIM | not X)) for every other claim X not given: the
    person's cruxes (:meth:`Model.cruxes`, Bayes' rule from a few propagations),
    None for a side that person holds impossible."""
    found = Model(m, max_memory=max_memory).cruxes(claim, given=known, set=sets, frames=frames)
    return {c.claim: (c.if_true, c.if_false) for c in found}


def double_cruxes(
    ma: ArgumentMap,
    mb: ArgumentMap,
    claim: str,
    ea: Evaluation,
    eb: Evaluation,
    col: str,
    known: dict[str, bool],
    sets: Mapping[str, object],
    frames: list[str] | None,
    max_memory: int | str = DEFAULT_MAX_MEMORY,
) -> list[DoubleCrux]:
    """Every other claim by the expected gap left once it is learned, smallest first.
    ``col`` is the column both people's cruxes are read from (:func:`column_of`)."""
    ca = _conditionals(ma, claim, known, sets, frames, max_memory)
    cb = _conditionals(mb, claim, known, sets, frames, max_memory)
    pa_c, pb_c = ea.claims[claim].credence[col], eb.claims[claim].credence[col]
    out: list[DoubleCrux] = []
    for x in ca:
        qa, qb = ea.claims[x].credence[col], eb.claims[x].credence[col]
        (at, af), (bt, bf) = ca[x], cb[x]
        q = (qa + qb) / 2
        # A side someone holds impossible has no conditional: their P(C) stands in.
        rem = q * abs((pa_c if at is None else at) - (pb_c if bt is None else bt)) + (1 - q) * abs(
            (pa_c if af is None else af) - (pb_c if bf is None else bf)
        )
        out.append(DoubleCrux(x, ma.claims[x].text, qa, qb, at, bt, af, bf, rem))
    out.sort(key=lambda d: (d.remaining, d.claim))
    return out
