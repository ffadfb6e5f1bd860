"""Likelihood weighting: the fallback when the junction tree is too large.

The structural equations are evaluated in topological order, vectorised over
a batch of samples. A claim under ``given`` is not sampled but fixed, and the
sample is weighted by the probability of that value given its parents; soft
evidence multiplies the weight by σ(±ℓ). Weights are kept as logarithms and
rescaled by their running maximum, so they never underflow.

Every coin has its own random stream, seeded from (seed, the node's id): the
same input gives the same numbers, an edit to one node does not reshuffle the
draws of the others, and removing an argument (for explanations) reuses every
other draw, which makes the differences far less noisy.

The proposal is aware of the evidence: the coin of a claim with soft evidence
is drawn as if the evidence were about the coin alone (its log-odds plus the
evidence's), and the sample weighted by P(coin) / proposal(coin). That is
still unbiased, and prior odds 1:2^30 with 30 bits no longer leaves every
sample weightless (measured against exact inference in bench/sampling.py).

The estimate of P(c | e) is self-normalised importance sampling, with the
delta-method standard error sqrt(Σ w_i² (x_i - μ)²) / Σ w_i.

Groups are kept by sequential importance sampling (:meth:`Sampler._member`):
each member is drawn from a proposal that looks ahead at the members still to
come (their probabilities from a short pilot run) and never breaks a group,
and the sample is weighted by the true probability over the proposal's. So
every sample satisfies every constraint and none is rejected; the effective
sample size says how even the weights are. When arguments push many members
towards values the constraint forbids, the weights can still collapse: then
the effective sample size is small, and exact inference is the answer.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from argmap.schema import ArgumentMap

from .compile import Structure
from .params import FrameParams
from .propagate import Impossible

_BATCH_ENTRIES = 2**24  # claims x samples held at once (booleans)
_MAX_BATCH = 2**20  # samples at a time
_ROWS = 256  # claims converted to floats at a time for the weighted sums
_PILOT = 4096  # samples of the pilot run that tunes the proposal for groups


def _log_sigmoid(x: float) -> float:
    return -float(np.logaddexp(0.0, -x))


def _stream_key(kind: str, ident: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(f"{kind}:{ident}".encode(), digest_size=8).digest(), "big"
    )


class SampledRun(NamedTuple):
    """One sampling run: P(c | e, K) per claim, ln P(e, K), standard errors, the
    effective sample size, and (asked with ``pair``) P(c and C | e, K) per claim."""

    probs: np.ndarray
    log_z: float
    stderr: np.ndarray
    ess: float
    joint: np.ndarray | None = None


class Sampler:
    """Likelihood weighting over one compiled structure."""

    def __init__(self, amap: ArgumentMap, s: Structure, *, samples: int, seed: int) -> None:
        if samples < 2:
            raise ValueError("sampling needs at least 2 samples")
        self.s = s
        self.samples = samples
        self.seed = seed
        nc = len(s.claims)
        cidx = s.claim_index
        aidx = {a: j for j, a in enumerate(s.arguments)}
        self.supports: list[list[int]] = [[] for _ in range(nc)]
        self.attacks: list[list[int]] = [[] for _ in range(nc)]
        self.undercuts: list[list[int]] = [[] for _ in s.arguments]
        self.premises: list[list[tuple[int, bool]]] = []
        deps: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for j, aid in enumerate(s.arguments):
            arg = amap.arguments[aid]
            self.premises.append(sorted({(cidx[p.claim], p.negated) for p in arg.premises}))
            deps[(1, j)] = [(0, i) for i, _ in self.premises[j]]
            if arg.supports is not None:
                self.supports[cidx[arg.supports]].append(j)
            elif arg.attacks is not None:
                self.attacks[cidx[arg.attacks]].append(j)
            elif arg.undercuts in aidx:
                self.undercuts[aidx[arg.undercuts]].append(j)
        for j, us in enumerate(self.undercuts):
            deps[(1, j)] += [(1, u) for u in us]
        for i in range(nc):
            deps[(0, i)] = [(1, j) for j in self.supports[i] + self.attacks[i]]
        self.order = _topological(deps)
        # Groups (see run): each member's groups, and each group's last member in order.
        self.groups = [
            (amap.groups[gid].kind, [cidx[c] for c in amap.groups[gid].members]) for gid in s.groups
        ]
        self.member_of: dict[int, list[int]] = {}
        for k, (_, members) in enumerate(self.groups):
            for i in members:
                self.member_of.setdefault(i, []).append(k)
        rank = {node: r for r, node in enumerate(self.order)}
        # Each group's members in sampling order, and each member's place in it.
        self.ordered = [sorted(members, key=lambda i: rank[(0, i)]) for _, members in self.groups]
        self.place = [{i: n for n, i in enumerate(m)} for m in self.ordered]
        self.keys = {(0, i): _stream_key("claim", c) for i, c in enumerate(s.claims)} | {
            (1, j): _stream_key("argument", a) for j, a in enumerate(s.arguments)
        }

    def run(
        self,
        frame: FrameParams,
        given: dict[str, bool],
        removed: str | None,
        tick: Callable[[int], None] | None = None,
        *,
        evidence: bool = True,
        pair: int | None = None,
    ) -> SampledRun:
        """P(c | e, K) per claim, ln P(e, K), standard errors and the effective sample
        size; ``tick(n)`` hears of every batch of n samples done. Raises Impossible.
        Without ``evidence`` the claims' evidence is left out (to estimate P(K)).
        With ``pair`` (a claim's index C), the same samples also give P(c and C | e, K)
        per claim c, as ``joint`` (every crux of C from one run)."""
        s = self.s
        nc, na = len(s.claims), len(s.arguments)
        zero = (0.0, 1.0, -math.inf, 0.0)  # p, q, ln p, ln q
        coins: dict[tuple[int, int], tuple[float, float, float, float]] = {}
        for i, c in enumerate(s.claims):
            pt = frame.credence[c]
            coins[(0, i)] = (pt.p, pt.q, _log_sigmoid(pt.log_odds), _log_sigmoid(-pt.log_odds))
        for j, a in enumerate(s.arguments):
            st = frame.strength.get(a)
            coins[(1, j)] = (
                zero
                if st is None or a == removed or a in s.dead
                else (st.p, st.q, _log_sigmoid(st.log_odds), _log_sigmoid(-st.log_odds))
            )
        fixed = {s.claim_index[c]: v for c, v in given.items()}
        ev = {
            s.claim_index[c]: (_log_sigmoid(b * math.log(2)), _log_sigmoid(-b * math.log(2)))
            for c, b in s.evidence_bits.items()
            if evidence
        }
        # Evidence-aware proposal: the coin of a claim with evidence is drawn as if
        # the evidence were about the coin alone (log-odds + the evidence's), and
        # the sample weighted by P(coin) / proposal(coin). Unbiased whatever the
        # claim's arguments; when the coin decides the claim, the evidence's
        # weight and this ratio cancel, so unlikely evidence no longer leaves
        # every sample weightless.
        tilt: dict[int, tuple[float, float, float]] = {}
        for c, b in s.evidence_bits.items():
            i = s.claim_index[c]
            lo = frame.credence[c].log_odds
            if i in fixed or not math.isfinite(lo):
                continue
            t = lo + b * math.log(2)
            tilt[i] = (
                float(np.exp(_log_sigmoid(t))),
                coins[(0, i)][2] - _log_sigmoid(t),
                coins[(0, i)][3] - _log_sigmoid(-t),
            )
        rngs = {
            key: np.random.Generator(np.random.PCG64(np.random.SeedSequence([self.seed, k])))
            for key, k in self.keys.items()
        }
        ahead = self._lookahead(coins) if self.groups else []
        # At least 8192 samples a batch: smaller ones spend their time in per-node overhead.
        # At most _MAX_BATCH: a few float arrays of the batch's length are alive at
        # once, so a 1-claim map with 10^8 samples would otherwise take 1 GB.
        batch = max(8192, min(self.samples, _BATCH_ENTRIES // max(nc, 1), _MAX_BATCH))
        top = -math.inf  # running maximum log weight: accumulators are scaled by e^-top
        s1 = s2 = 0.0
        sx = np.zeros(nc)
        sx2 = np.zeros(nc)
        sxc = np.zeros(nc)  # with ``pair``: weighted counts of c and C together
        favoured = dict.fromkeys(ev, 0)  # samples where the evidence's favoured value came up
        done = 0
        buf = np.empty((min(_ROWS, nc), batch))
        while done < self.samples:
            b = min(batch, self.samples - done)
            done += b
            if tick is not None:
                tick(b)
            val = np.zeros((nc, b), dtype=bool)
            fire = np.zeros((na, b), dtype=bool)
            logw = np.zeros(b)
            tally = [np.zeros(b, dtype=np.int32) for _ in self.groups]
            for kind, i in self.order:
                p, _q, lp, lq = coins[(kind, i)]
                u = rngs[(kind, i)].random(b)
                if kind == 1:
                    ok = u < p
                    for ci, neg in self.premises[i]:
                        ok &= ~val[ci] if neg else val[ci]
                    for k in self.undercuts[i]:
                        ok &= ~fire[k]
                    fire[i] = ok
                    continue
                att = np.any(fire[self.attacks[i]], axis=0) if self.attacks[i] else None
                sup = np.any(fire[self.supports[i]], axis=0) if self.supports[i] else None
                if i in fixed:
                    # Weight by P(claim = given | parents): attacked 0, supported 1, else the coin.
                    x = fixed[i]
                    lw = np.full(b, lp if x else lq)
                    if sup is not None:
                        lw[sup] = 0.0 if x else -math.inf
                    if att is not None:
                        lw[att] = -math.inf if x else 0.0
                    logw += lw
                    val[i] = x
                elif i in self.member_of:
                    logw += self._member(i, u, val, tally, ahead, p, sup, att)
                else:
                    if i in tilt:
                        p_tilt, heads, tails = tilt[i]
                        v = u < p_tilt
                        logw += np.where(v, heads, tails)
                    else:
                        v = u < p
                    if sup is not None:
                        v |= sup
                    if att is not None:
                        v &= ~att
                    val[i] = v
                if i in self.member_of:
                    if i in fixed:
                        h = self._ahead(i, tally, ahead, b)[1 if fixed[i] else 0]
                        logw[h == 0] = -math.inf  # the given value breaks a group
                    for k in self.member_of[i]:
                        tally[k] += val[i]
                if i in ev:
                    lt, lf = ev[i]
                    logw += np.where(val[i], lt, lf)
                    favoured[i] += int(np.count_nonzero(val[i] if lt > lf else ~val[i]))
            m = float(logw.max())
            if m == -math.inf:
                continue
            if m > top:
                scale = math.exp(top - m) if top > -math.inf else 0.0
                s1, s2 = s1 * scale, s2 * scale * scale
                sx *= scale
                sx2 *= scale * scale
                sxc *= scale
                top = m
            w = np.exp(logw - top)
            w2 = w * w
            s1 += float(w.sum())
            s2 += float(w2.sum())
            if uniform := bool(np.all(w == w[0])):
                # No evidence or given moved the weights: counting is exact and
                # far cheaper than a float matrix product.
                counts = np.count_nonzero(val, axis=1)
                sx += counts * float(w[0])
                sx2 += counts * float(w2[0])
                if pair is not None:
                    sxc += np.count_nonzero(val & val[pair], axis=1) * float(w[0])
            wc = w * val[pair] if pair is not None and not uniform else None
            for lo in range(0, nc if not uniform else 0, _ROWS):
                # Rows go through one reused float buffer: converting the whole
                # batch at once allocates claims x samples doubles.
                block = buf[: min(_ROWS, nc - lo), :b]
                np.copyto(block, val[lo : lo + _ROWS])
                sx[lo : lo + _ROWS] += block @ w
                sx2[lo : lo + _ROWS] += block @ w2
                if wc is not None:
                    sxc[lo : lo + _ROWS] += block @ wc
        if not s1 > 0:
            raise Impossible(sorted(fixed) + sorted(ev))
        mu = sx / s1
        var = (sx2 * (1 - 2 * mu) + mu * mu * s2) / (s1 * s1)
        for i, x in fixed.items():  # exactly, not a weighted mean that rounds
            mu[i], var[i] = float(x), 0.0
        joint: np.ndarray | None = None
        if pair is not None:
            both = np.minimum(np.minimum(sxc / s1, mu[pair]), mu)
            both[pair] = mu[pair]
            for i, x in fixed.items():
                both[i] = mu[pair] if x else 0.0
            joint = np.clip(both, 0.0, 1.0)
        log_z = top + math.log(s1) - math.log(self.samples)
        # Kish's effective sample size (Σw)² / Σw²: when the evidence is far
        # from what the map predicts, a few samples carry all the weight, and
        # the standard errors above (which assume many) are too small.
        ess = s1 * s1 / s2
        for i, k in favoured.items():
            if i in fixed:
                continue  # a given claim's value is not sampled
            # Weights cannot flag what no sample reached: if the value a strong
            # likelihood ratio favours came up in under 10 samples, the mass it
            # would carry could be large, and the estimates rest on those k.
            n = max(k, 3)  # at most about 3 in N when never seen (the rule of three)
            bits = abs(s.evidence_bits[s.claims[i]])
            log_mass = math.log(n / self.samples) + bits * math.log(2)
            if k < 10 and log_mass > math.log(0.01):
                ess = min(ess, float(k))
        return SampledRun(mu, log_z, np.sqrt(np.maximum(var, 0.0)), ess, joint)

    def _lookahead(
        self, coins: dict[tuple[int, int], tuple[float, float, float, float]]
    ) -> list[np.ndarray]:
        """Per group, row n: P(0, 1, 2+ of the members after the n-th are true), treating
        them as independent with their probabilities from a short pilot run (the
        structural equations alone, no evidence, given or groups)."""
        nc, na = len(self.s.claims), len(self.s.arguments)
        b = _PILOT
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([self.seed, 0x9A0])))
        val = np.zeros((nc, b), dtype=bool)
        fire = np.zeros((na, b), dtype=bool)
        for kind, i in self.order:
            u = rng.random(b) < coins[(kind, i)][0]
            if kind == 1:
                for ci, neg in self.premises[i]:
                    u &= ~val[ci] if neg else val[ci]
                for k in self.undercuts[i]:
                    u &= ~fire[k]
                fire[i] = u
            else:
                if self.supports[i]:
                    u |= np.any(fire[self.supports[i]], axis=0)
                if self.attacks[i]:
                    u &= ~np.any(fire[self.attacks[i]], axis=0)
                val[i] = u
        # Kept away from 0 and 1: the proposal must not rule out what is merely rare.
        marginal = np.clip(val.mean(axis=1), 1e-3, 1 - 1e-3)
        tables = []
        for members in self.ordered:
            table = np.zeros((len(members), 3))
            after = np.array([1.0, 0.0, 0.0])  # nothing after the last member
            for n in range(len(members) - 1, -1, -1):
                table[n] = after
                a = marginal[members[n]]
                after = np.array(
                    [after[0] * (1 - a), after[1] * (1 - a) + after[0] * a, after[2] + after[1] * a]
                )
            tables.append(table)
        return tables

    def _ahead(
        self, i: int, tally: list[np.ndarray], ahead: list[np.ndarray], b: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """For member ``i`` false and true: the product over its groups of the (pilot)
        probability that the members after it complete the group's constraint. It is
        exactly 0 where that value already breaks a group."""
        h = [np.ones(b), np.ones(b)]
        for k in self.member_of[i]:
            kind = self.groups[k][0]
            rest = ahead[k][self.place[k][i]]  # P(0, 1, 2+ more true)
            for x in (0, 1):
                have = np.minimum(tally[k] + x, 2)
                ok = np.zeros(b)
                for more in (0, 1, 2):
                    total = np.minimum(have + more, 2)
                    if kind == "exactly-one":
                        hold = total == 1
                    elif kind == "at-most-one":
                        hold = total <= 1
                    else:
                        hold = total >= 1
                    ok += np.where(hold, rest[more], 0.0)
                h[x] *= ok
        return h[0], h[1]

    def _member(
        self,
        i: int,
        u: np.ndarray,
        val: np.ndarray,
        tally: list[np.ndarray],
        ahead: list[np.ndarray],
        p: float,
        sup: np.ndarray | None,
        att: np.ndarray | None,
    ) -> np.ndarray:
        """Draw group member ``i`` from a proposal that looks ahead; the log weight change.

        Its probability given its parents is r (the coin p; 1 when a support
        fires, 0 when an attack does). The proposal draws true with probability
        q ∝ r·h1 against (1 - r)·h0, where h is the chance that the rest of each
        group can still complete its constraint (:meth:`_ahead`; never 0 unless
        the value breaks a group, since the pilot's probabilities are kept inside
        [0.001, 0.999]). When the members are independent this is their exact
        conditional given the constraint. The sample is weighted by r/q (or
        (1 - r)/(1 - q)), so estimates stay unbiased, and every sample
        satisfies every group.
        """
        b = u.shape[0]
        r = np.full(b, p)
        if sup is not None:
            r[sup] = 1.0
        if att is not None:
            r[att] = 0.0
        h0, h1 = self._ahead(i, tally, ahead, b)
        t1, t0 = r * h1, (1 - r) * h0
        both = t1 + t0
        with np.errstate(invalid="ignore", divide="ignore"):
            q = np.where(both > 0, t1 / np.where(both > 0, both, 1.0), r)
            q = np.where((h1 > 0) & (h0 > 0), q, np.where(h1 > 0, 1.0, 0.0))
            x = u < q
            lw: np.ndarray = np.where(x, np.log(r) - np.log(q), np.log1p(-r) - np.log1p(-q))
        lw[(h0 == 0) & (h1 == 0)] = -math.inf  # no value keeps every group
        lw[x & (r == 0)] = -math.inf
        lw[~x & (r == 1)] = -math.inf
        val[i] = x
        lw[np.isnan(lw)] = -math.inf
        return lw


def _topological(deps: dict[tuple[int, int], list[tuple[int, int]]]) -> list[tuple[int, int]]:
    """Kahn's algorithm, smallest key first, so the order is canonical."""
    users: dict[tuple[int, int], list[tuple[int, int]]] = {k: [] for k in deps}
    missing = {k: len(set(v)) for k, v in deps.items()}
    for k, v in deps.items():
        for d in set(v):
            users[d].append(k)
    ready = [k for k, n in missing.items() if n == 0]
    heapq.heapify(ready)
    order: list[tuple[int, int]] = []
    while ready:
        k = heapq.heappop(ready)
        order.append(k)
        for u in users[k]:
            missing[u] -= 1
            if missing[u] == 0:
                heapq.heappush(ready, u)
    if len(order) != len(deps):
        raise ValueError("the map has a cycle")  # the loader rejects cycles first
    return order
