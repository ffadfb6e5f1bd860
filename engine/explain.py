"""Explanations: how much each claim's credence owes to each argument touching it.

The delta of argument a on claim c is P(c | e) with a minus P(c | e) without a
(a removed entirely, which is the same distribution as strength 0), per frame
and overall (the mixture recomputed, posterior weights included).

Exact frames do not rerun the whole junction tree per argument. Switching a
off changes one factor, in one clique m; every message that does not flow out
of m's side of the tree keeps its calibrated value. So the credence of a
touched claim c is the belief of the clique nearest m that contains c,
recomputed from the true baseline messages along the tree path from m, and
ln P(e) without a is the belief mass at m. Sampled frames rerun the sampler
(with the same random streams, so the difference is not pure noise).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Collection, Iterator, Mapping

import numpy as np

from argmap.schema import ArgumentMap

from .compile import Structure
from .jtree import Plan, marginal
from .mixture import Outcome, combine
from .params import FrameParams, Request
from .propagate import State, factor_operands, scaled_einsum

Msg = tuple[np.ndarray, float]  # normalised message and its log scale

# Differences this small are rounding (credences are good to ~1e-15), shown as 0.
NOISE = 1e-14


def touching(amap: ArgumentMap, s: Structure) -> dict[str, list[str]]:
    """Argument -> the claims it touches: its premises, and its target claim (for an
    undercut of a support or an attack: that argument's target claim)."""
    present = frozenset(s.arguments)
    out: dict[str, list[str]] = {}
    for aid in s.arguments:
        arg = amap.arguments[aid]
        claims = {p.claim for p in arg.premises}
        if arg.kind != "undercuts":
            claims.add(arg.target)
        elif arg.target in present and amap.arguments[arg.target].kind != "undercuts":
            claims.add(amap.arguments[arg.target].target)
        out[aid] = sorted(claims)
    return out


class PathRemoval:
    """Credences of a few claims with one argument switched off, from a kept State."""

    def __init__(self, plan: Plan, s: Structure) -> None:
        self.plan = plan
        self.s = s
        self.local = [{v: i for i, v in enumerate(vs)} for vs in plan.clique_vars]
        self.child_lab = [dict(ops) for ops in plan.child_ops]
        self.home = {int(v): k for k, hv in enumerate(plan.home_vars) for v in hv}

    def run(self, st: State, arg: int, claims: list[int]) -> tuple[np.ndarray, float] | None:
        """P(c = 1 | e) for ``claims`` (variables) and ln P(e) without argument ``arg``;
        None when the evidence is impossible without it."""
        plan, s = self.plan, self.s
        g = s.arg_gate[arg]
        t = s.templates[g]
        table = st.tables[g].copy()
        table.flat[t.heads], table.flat[t.tails] = 0.0, 1.0
        tables = _Replaced(st.tables, g, table)
        m = plan.factor_home[g]
        memo: dict[tuple[int, int], Msg] = {}
        belief = self._belief(st, tables, m, memo)
        if belief is None:
            return None
        beliefs = {m: belief}
        log_z = st.log_z - st.comp_log_z[st.root[m]] + belief[1]
        out = np.empty(len(claims))
        for i, c in enumerate(claims):
            path = self._path(m, self.home[c], c)
            for a, b in itertools.pairwise(path):
                if (a, b) not in memo:
                    sent = self._send(st, tables, a, b, memo)
                    if sent is None:
                        return None
                    memo[(a, b)] = sent
            end = path[-1]
            if end not in beliefs:
                res = self._belief(st, tables, end, memo)
                if res is None:
                    return None
                beliefs[end] = res
            beta = beliefs[end][0]
            out[i] = marginal(beta, self.local[end][c])
        return out, log_z

    def _path(self, a: int, b: int, var: int) -> list[int]:
        """Cliques from a toward b, stopping at the first one that contains ``var``."""
        depth, parent = self.plan.depth, self.plan.parent
        left, right = [a], [b]
        while a != b:
            if depth[a] >= depth[b]:
                a = parent[a]
                left.append(a)
            else:
                b = parent[b]
                right.append(b)
        path = left + right[-2::-1]
        for i, k in enumerate(path):
            if var in self.local[k]:
                return path[: i + 1]
        return path

    def _incoming(
        self, st: State, k: int, nb: int, memo: dict[tuple[int, int], Msg]
    ) -> tuple[np.ndarray, list[int], float]:
        if nb == self.plan.parent[k]:
            lab = self.plan.labels[k][: len(self.plan.sep_full[k])]
            msg, scale = memo.get((nb, k), (st.down[k], st.down_scale[k]))
        else:
            lab = self.child_lab[k][nb]
            msg, scale = memo.get((nb, k), (st.up[nb], st.up_scale[nb]))
        return msg, lab, scale

    def _operands(
        self,
        st: State,
        tables: Mapping[int, np.ndarray],
        k: int,
        skip: int,
        memo: dict[tuple[int, int], Msg],
    ) -> tuple[list[object], float]:
        ops = factor_operands(self.plan, k, tables)
        scale = 0.0
        nbs = list(self.child_lab[k])
        if self.plan.parent[k] >= 0:
            nbs.append(self.plan.parent[k])
        for nb in nbs:
            if nb != skip:
                msg, lab, sc = self._incoming(st, k, nb, memo)
                ops += [msg, lab]
                scale += sc
        return ops, scale

    def _send(
        self,
        st: State,
        tables: Mapping[int, np.ndarray],
        k: int,
        to: int,
        memo: dict[tuple[int, int], Msg],
    ) -> Msg | None:
        ops, scale = self._operands(st, tables, k, to, memo)
        if to == self.plan.parent[k]:
            out = self.plan.labels[k][: len(self.plan.sep_full[k])]
        else:
            out = self.child_lab[k][to]
        msg, extra = scaled_einsum(ops, out)
        z = float(msg.sum())
        return (msg / z, scale + extra + math.log(z)) if z > 0 else None

    def _belief(
        self,
        st: State,
        tables: Mapping[int, np.ndarray],
        k: int,
        memo: dict[tuple[int, int], Msg],
    ) -> Msg | None:
        ops, scale = self._operands(st, tables, k, -2, memo)
        beta, extra = scaled_einsum(ops, self.plan.labels[k])
        z = float(beta.sum())
        return (beta / z, scale + extra + math.log(z)) if z > 0 else None


class _Replaced(Mapping[int, np.ndarray]):
    """A frame's tables with one of them replaced, without copying the list."""

    def __init__(self, tables: list[np.ndarray], index: int, table: np.ndarray) -> None:
        self.tables, self.index, self.table = tables, index, table

    def __getitem__(self, f: int) -> np.ndarray:
        return self.table if f == self.index else self.tables[f]

    def __len__(self) -> int:
        return len(self.tables)

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.tables)))


Rerun = Callable[[FrameParams, str], Outcome]


def explain(
    amap: ArgumentMap,
    s: Structure,
    req: Request,
    base: Mapping[str, Outcome],
    credence: Mapping[str, np.ndarray],
    rerun: Rerun,
    paths: PathRemoval | None,
    only: Collection[str] | None = None,
) -> dict[str, dict[str, dict[str, float]]]:
    """claim -> column -> argument -> credence with it minus without it, sorted by
    |delta| then id. A column where the evidence is impossible without the
    argument has no entry for it; |delta| <= NOISE is reported as 0. With
    ``only``, just those claims are explained (only the arguments touching them
    are switched off: one claim of a large map costs a few arguments, not all)."""
    index = s.claim_index
    arg_index = {a: j for j, a in enumerate(s.arguments)}
    wanted = s.claims if only is None else [c for c in s.claims if c in only]
    out: dict[str, dict[str, dict[str, float]]] = {c: {} for c in wanted}
    for aid, touched in touching(amap, s).items():
        claims = touched if only is None else [c for c in touched if c in only]
        if not claims:
            continue
        idx = np.array([index[c] for c in claims], dtype=np.intp)
        removed: dict[str, Outcome] = {}
        for f in req.frames:
            o = base[f.name]
            if o.probs is None or aid not in f.strength or aid in s.dead:
                removed[f.name] = Outcome(None if o.probs is None else o.probs[idx], o.log_z)
            elif paths is not None and o.state is not None:
                res = paths.run(o.state, arg_index[aid], [int(i) for i in idx])
                if res is not None and o.k_state is not None:
                    # With groups the frame's weight is P(e | K): divide by P(K) without a too.
                    if o.k_state is o.state:
                        res = (res[0], 0.0)  # no evidence: P(e, K) / P(K) = 1
                    else:
                        bare = paths.run(o.k_state, arg_index[aid], [])
                        res = None if bare is None else (res[0], res[1] - bare[1])
                removed[f.name] = Outcome(None, -math.inf) if res is None else Outcome(*res)
            else:
                full = rerun(f, aid)
                removed[f.name] = Outcome(
                    None if full.probs is None else full.probs[idx], full.log_z
                )
        without, _, _ = combine(req, removed)
        for col, now in credence.items():
            then = without.get(col)
            if then is not None:
                for k, cid in enumerate(claims):
                    delta = float(now[idx[k]] - then[k])
                    out[cid].setdefault(col, {})[aid] = delta if abs(delta) > NOISE else 0.0
    for per_col in out.values():
        for col, deltas in per_col.items():
            per_col[col] = dict(sorted(deltas.items(), key=lambda kv: (-abs(kv[1]), kv[0])))
    return out
