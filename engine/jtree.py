"""Exact inference: a junction tree over Boolean factors, all marginals in two passes.

Triangulation is greedy min-fill (ties: min degree, then variable index) with a
lazily updated heap; the tree is the elimination tree, with each elimination
clique that is a subset of its child's absorbed into it, and then small
neighbouring cliques merged while the result stays at most ``MERGE_VARS``
variables: numpy calls cost the same for 2 or 256 entries, so fewer, larger
tables are faster. Everything is iterative (a 10,000-claim chain is a
10,000-deep tree).

Each clique lists its variables separator-first, so its message to the
parent is a reshape and a sum over the trailing axis (see :mod:`.propagate`).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

MERGE_VARS = 8


class TooLarge(Exception):
    """The junction tree would exceed the size limits; ``largest`` is the clique reached."""

    def __init__(self, largest: int, entries: int) -> None:
        super().__init__(
            f"junction tree too large (clique of {largest} variables, {entries} entries)"
        )
        self.largest = largest
        self.entries = entries


def eliminate(
    n: int, scopes: list[tuple[int, ...]], max_clique_vars: int, max_entries: int
) -> tuple[list[int], list[tuple[int, ...]], int, int]:
    """A min-fill elimination order, each variable's neighbours when eliminated,
    the largest clique and the summed clique sizes. Raises TooLarge early."""
    adj: list[set[int]] = [set() for _ in range(n)]
    for sc in scopes:
        for a in sc:
            adj[a].update(sc)
    for v in range(n):
        adj[v].discard(v)

    def fill(v: int) -> int:
        nb = adj[v]
        if len(nb) < 2:
            return 0
        missing = 0
        for u in nb:
            missing += len(nb - adj[u])
        return (missing - len(nb)) // 2  # each u counted itself once

    keys = [(fill(v), len(adj[v])) for v in range(n)]
    heap = [(f, d, v) for v, (f, d) in enumerate(keys)]
    heapq.heapify(heap)
    done = [False] * n
    order: list[int] = []
    nbrs: list[tuple[int, ...]] = [()] * n
    largest = 0
    total = 0
    while heap:
        f, d, v = heapq.heappop(heap)
        if done[v] or keys[v] != (f, d):
            continue
        nb = adj[v]
        size = len(nb) + 1
        largest = max(largest, size)
        total += 1 << min(size, 62)
        if size > max_clique_vars or total > max_entries:
            raise TooLarge(size, total)
        done[v] = True
        order.append(v)
        nbrs[v] = tuple(sorted(nb))
        affected = set(nb)
        for x in nb:
            ax = adj[x]
            ax.discard(v)
            new = nb - ax
            new.discard(x)
            if new:
                for y in new:
                    affected |= ax & adj[y]  # common neighbours: their fill drops
                ax |= new
        for w in affected:
            if not done[w]:
                k = (fill(w), len(adj[w]))
                if k != keys[w]:
                    keys[w] = k
                    heapq.heappush(heap, (k[0], k[1], w))
        adj[v] = set()
    return order, nbrs, largest, total


@dataclass
class Plan:
    """Precomputed einsum operands of every clique, children before parents."""

    parent: list[int]
    shape: list[tuple[int, int]]  # (separator entries, eliminated entries)
    full: list[tuple[int, ...]]  # (2,) * number of variables
    sep_full: list[tuple[int, ...]]  # (2,) * separator variables
    factor_ops: list[list[tuple[int, list[int]]]]  # factor index (-1: ones), labels
    child_ops: list[list[tuple[int, list[int]]]]  # child clique, its separator's labels here
    labels: list[list[int]]
    home_vars: list[np.ndarray]  # wanted variables read from this clique
    home_bits: list[np.ndarray]  # (entries, len(home_vars)) 0/1 matrix
    clique_vars: list[list[int]]
    largest: int  # variables in the largest elimination clique
    entries: int  # summed elimination clique sizes (an upper bound of the tree's)
    depth: list[int] = field(default_factory=list)  # edges to the clique's root
    factor_home: list[int] = field(default_factory=list)  # clique holding each factor


def build_plan(
    n: int,
    scopes: list[tuple[int, ...]],
    wanted: int,
    *,
    max_clique_vars: int = 24,
    max_entries: int = 2**25,
) -> Plan:
    """Triangulate and lay out the tree; variables below ``wanted`` get marginals."""
    order, nbrs, largest, entries = eliminate(n, scopes, max_clique_vars, max_entries)
    pos = [0] * n
    for i, v in enumerate(order):
        pos[v] = i
    parent_var = [-1] * n
    kids: list[list[int]] = [[] for _ in range(n)]
    for v in order:
        if nbrs[v]:
            u = min(nbrs[v], key=pos.__getitem__)
            parent_var[v] = u
            kids[u].append(v)

    # Elimination cliques; one that is a subset of a child's is absorbed into it.
    cvars: list[list[int]] = []
    elim: list[list[int]] = []
    node_of = [-1] * n
    for v in order:
        host = -1
        target = len(nbrs[v]) + 1
        for w in kids[v]:
            if len(nbrs[w]) == target:
                host = node_of[w]
                break
        if host < 0:
            host = len(cvars)
            cvars.append([v, *nbrs[v]])
            elim.append([v])
        else:
            elim[host].append(v)
        node_of[v] = host
    m = len(cvars)
    topo = sorted(range(m), key=lambda k: pos[elim[k][-1]])
    parent = [-1] * m
    for k in range(m):
        u = parent_var[elim[k][-1]]
        parent[k] = node_of[u] if u >= 0 else -1
    factors: list[list[int]] = [[] for _ in range(m)]
    for f, sc in enumerate(scopes):
        factors[node_of[min(sc, key=pos.__getitem__)]].append(f)

    # Merge small cliques into their parents (children first, so merges cascade).
    children: list[list[int]] = [[] for _ in range(m)]
    for k in range(m):
        if parent[k] >= 0:
            children[parent[k]].append(k)
    alive = [True] * m
    for k in topo:
        p = parent[k]
        if p >= 0 and len(cvars[p]) + len(elim[k]) <= MERGE_VARS:
            cvars[p].extend(elim[k])
            elim[p].extend(elim[k])
            factors[p].extend(factors[k])
            children[p].remove(k)
            for c in children[k]:
                parent[c] = p
                children[p].append(c)
            alive[k] = False
    keep = [k for k in topo if alive[k]]
    index = {k: i for i, k in enumerate(keep)}

    plan = Plan([], [], [], [], [], [], [], [], [], [], largest, entries)
    for k in keep:
        el = set(elim[k])
        sep = [v for v in cvars[k] if v not in el]
        local = sep + sorted(el)
        lab = {v: i for i, v in enumerate(local)}
        fops = [(f, [lab[v] for v in scopes[f]]) for f in sorted(factors[k])]
        cops = []
        for c in sorted(children[k], key=index.__getitem__):
            cel = set(elim[c])
            cops.append((index[c], [lab[v] for v in cvars[c] if v not in cel]))
        covered = {x for _, ls in fops + cops for x in ls}
        fops.extend((-1, [x]) for x in range(len(local)) if x not in covered)
        home = np.array([v for v in local if v in el and v < wanted], dtype=np.intp)
        nl = len(local)
        bits = bit_matrix(nl)[:, [lab[v] for v in home]]
        plan.parent.append(index[parent[k]] if parent[k] >= 0 else -1)
        plan.shape.append((1 << len(sep), 1 << len(el)))
        plan.full.append((2,) * nl)
        plan.sep_full.append((2,) * len(sep))
        plan.factor_ops.append(fops)
        plan.child_ops.append(cops)
        plan.labels.append(list(range(nl)))
        plan.home_vars.append(home)
        plan.home_bits.append(bits)
        plan.clique_vars.append(local)
    plan.factor_home = [0] * len(scopes)
    for k, fops in enumerate(plan.factor_ops):
        for f, _ in fops:
            if f >= 0:
                plan.factor_home[f] = k
    plan.depth = [0] * len(keep)
    for k in range(len(keep) - 1, -1, -1):  # parents come after their children
        if plan.parent[k] >= 0:
            plan.depth[k] = plan.depth[plan.parent[k]] + 1
    return plan


_BITS: dict[int, np.ndarray] = {}


def bit_matrix(nl: int) -> np.ndarray:
    """Row i, column a: the value of axis a in flat (C-order) entry i of a (2,)*nl table."""
    m = _BITS.get(nl)
    if m is None:
        idx = np.arange(1 << nl)[:, None]
        m = ((idx >> np.arange(nl - 1, -1, -1)[None, :]) & 1).astype(np.float64)
        _BITS[nl] = m
    return m
