"""One propagation for many parameter draws at once: the band's draws, batched.

The percentile band evaluates the same junction tree under many draws of the
uncertain parameters. Only the tables of the drawn parameters differ between
draws, so each of those gets a leading batch axis and every einsum runs over
the whole batch (numpy broadcasts the shared tables). Messages are normalised
per draw, so ln P(e) is kept per draw as in :mod:`.propagate`.

This is the plain two-pass algorithm without the rescaled products that
:mod:`.propagate` uses for cliques with very many children: a plan with such
a clique, or a draw whose evidence comes out impossible (or underflows), is
left to the one-draw-at-a-time pass, which reports it exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from argmap.schema import Point

from .compile import _SMALL, Structure, Tables, claim_table, frame_tables
from .jtree import Plan
from .params import FrameParams
from .uncertain import Batch

_ONES = np.ones(2)
_einsum: Callable[..., np.ndarray] = np.einsum  # operands and labels interleaved
_MAX_OPERANDS = 16  # a clique multiplying more operands than this may underflow
ENTRIES = 2**18  # floats held per batch, across every clique's table (fast in cache)


def batchable(plan: Plan) -> bool:
    """Whether every clique multiplies few enough operands for a plain product."""
    return all(
        len(f) + len(c) <= _MAX_OPERANDS
        for f, c in zip(plan.factor_ops, plan.child_ops, strict=True)
    )


def batch_size(plan: Plan) -> int:
    """Draws per batch so that the kept clique tables stay within ``ENTRIES`` floats."""
    total = sum(1 << len(vs) for vs in plan.clique_vars) or 1
    return max(1, ENTRIES // total)


def infer_batch(
    plan: Plan, tables: Sequence[np.ndarray], batched: set[int], n_wanted: int, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """P(x = 1 | e) per draw (size, n_wanted) and ln P(e) per draw (size,).

    ``tables[f]`` has a leading axis of ``size`` draws for f in ``batched``. A
    draw whose evidence is impossible (or underflows) has ln P(e) = -inf and
    meaningless probabilities.
    """
    nn = len(plan.parent)
    ell = Ellipsis
    pots: list[np.ndarray] = [_ONES] * nn
    up: list[np.ndarray] = [_ONES] * nn
    log_z = np.zeros(size)
    bad = np.zeros(size, dtype=bool)
    below = [np.zeros(size) for _ in range(nn)]
    for k in range(nn):
        ops: list[object] = []
        for f, lab in plan.factor_ops[k]:
            ops += [tables[f] if f >= 0 else _ONES, [ell, *lab]]
        for c, lab in plan.child_ops[k]:
            ops += [up[c], [ell, *lab]]
        pot = _einsum(*ops, [ell, *plan.labels[k]])
        pot = np.broadcast_to(pot, (size, *pot.shape[pot.ndim - len(plan.labels[k]) :]))
        pots[k] = pot
        sep, _ = plan.shape[k]
        flat = pot.reshape(size, sep, -1).sum(axis=2) if plan.parent[k] >= 0 else None
        msg = flat if flat is not None else pot.reshape(size, -1)
        z = msg.sum(axis=1)
        ok = z > 0.0
        bad |= ~ok
        z = np.where(ok, z, 1.0)
        scale = np.log(z) + below[k]
        if plan.parent[k] >= 0:
            up[k] = (msg / z[:, None]).reshape(size, *plan.sep_full[k])
            below[plan.parent[k]] += scale
        else:
            log_z += scale

    probs = np.zeros((size, n_wanted))
    down: list[np.ndarray] = [_ONES] * nn
    for k in range(nn - 1, -1, -1):
        pot = pots[k]
        pots[k] = _ONES
        s, e = plan.shape[k]
        if plan.parent[k] >= 0:
            beta = (pot.reshape(size, s, e) * down[k].reshape(size, s, 1)).reshape(pot.shape)
        else:
            beta = pot
        z = beta.reshape(size, -1).sum(axis=1)
        ok = z > 0.0
        bad |= ~ok
        beta = beta / np.where(ok, z, 1.0).reshape((size,) + (1,) * (beta.ndim - 1))
        labels = [ell, *plan.labels[k]]
        for c, lab in plan.child_ops[k]:
            mu = up[c]
            sep_b = _einsum(beta, labels, [ell, *lab])
            down[c] = np.divide(sep_b, mu, out=np.zeros_like(sep_b), where=mu != 0)
        home = plan.home_vars[k]
        if len(home):
            flat_beta = beta.reshape(size, -1)
            bits = plan.home_bits[k]
            if bits.shape[0]:
                probs[:, home] = flat_beta @ bits
            else:
                for v, axis in zip(home, plan.home_axes[k], strict=True):
                    probs[:, v] = beta[(slice(None),) * (axis + 1) + (1,)].reshape(size, -1).sum(1)
    log_z[bad] = -math.inf
    return probs, log_z


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # exactly Point(x).p per element (math.exp of the same log-sigmoid), so a
    # batched draw has the very tables of the one-draw pass
    return np.fromiter(map(math.exp, -np.logaddexp(0.0, -x)), dtype=np.float64, count=len(x))


def draw_tables(
    s: Structure,
    frame: FrameParams,
    given: Mapping[str, bool],
    theta: Mapping[tuple[str, str], np.ndarray],
    *,
    evidence: bool = True,
) -> tuple[Tables, set[int], int] | None:
    """The frame's tables with each drawn parameter's table batched over its draws;
    None when some table needs logarithms (a probability below 1e-250), which the
    one-draw pass builds. Without ``evidence`` the claims' evidence is left out
    (for P(K) of a map with groups, as in :func:`.compile.frame_tables`)."""
    tables = frame_tables(s, frame, dict(given), evidence=evidence)
    size = len(next(iter(theta.values()))) if theta else 1
    arg_index = {a: j for j, a in enumerate(s.arguments)}
    batched: set[int] = set()
    for (kind, ident), lo in theta.items():
        p, q = _sigmoid(lo), _sigmoid(-lo)
        if kind == "credence":
            i = s.claim_index[ident]
            g = s.claim_gate[i]
            bits = s.evidence_bits.get(ident) if evidence else None
            lam = Point(bits * math.log(2)) if bits is not None else None
            truth = given.get(ident)
            if min(p.min(), q.min(), *((lam.p, lam.q) if lam else ())) < _SMALL:
                return None  # this draw's table needs logarithms: the one-draw pass
            if lam is not None:
                p, q = p * lam.p, q * lam.q
            if truth is not None:
                p, q = (p, q * 0.0) if truth else (p * 0.0, q)
            # the mean's table may have been built from logarithms (scaled): start
            # again from the plain one, and take its scale out of the frame's
            plain, scale = claim_table(s, i, Point(0.0), bits, truth)
            tables.log_scale -= claim_table(s, i, frame.credence[ident], bits, truth)[1] - scale
            tables[g] = plain
        else:
            j = arg_index.get(ident)
            if j is None or ident in s.dead:
                continue
            g = s.arg_gate[j]
            # (a strength near 0 or 1 is fine as a float: only claims take logarithms)
        t = s.templates[g]
        table = np.repeat(tables[g][None], size, axis=0)
        flat = table.reshape(size, -1)
        flat[:, t.heads] = p
        flat[:, t.tails] = q
        tables[g] = table
        batched.add(g)
    return tables, batched, size


def batch_runner(s: Structure, plan: Plan, given: Mapping[str, bool]) -> Batch:
    """The band's batched pass over one compiled plan.

    With groups K, a draw's frame is weighed by P(e, given | K) =
    P(e, given, K) / P(K), as in the one-draw pass: a second batched pass
    without evidence and given gives ln P(K) per draw."""
    n = len(s.claims)
    observed = bool(given) or bool(s.evidence_bits)

    def run(
        frame: FrameParams, theta: dict[tuple[str, str], np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray] | None:
        drawn = draw_tables(s, frame, given, theta)
        if drawn is None:
            return None
        tables, batched, size = drawn
        probs, log_z = infer_batch(plan, tables, batched, n, size)
        log_z = log_z + tables.log_scale
        if s.groups:
            if observed:
                bare = draw_tables(s, frame, {}, theta, evidence=False)
                if bare is None:
                    return None
                k_tables, k_batched, _ = bare
                _, log_k = infer_batch(plan, k_tables, k_batched, n, size)
                log_k = log_k + k_tables.log_scale
                # a draw under which K itself is impossible goes to the one-draw
                # pass (which names the group): -inf sends it there
                log_z = np.where(np.isfinite(log_k), log_z - log_k, -math.inf)
            else:
                log_z = np.where(np.isfinite(log_z), 0.0, -math.inf)
        return probs, log_z

    return run
