"""A map's Bayesian network, written as BIF (bnlearn, pgmpy, pyAgrum) or XDSL (GeNIe, SMILE).

The network is the map's structural equations (docs/semantics.md) with every
node readable on its own:

- ``c_<id>``, one per claim: true exactly when (a coin with its credence lands
  heads, or some supporting argument fires) and no attacking argument fires;
- ``a_<id>``, one per enabled argument: fires when every premise literal holds,
  no undercut fires, and a coin with its strength lands heads;
- ``e_<id>``, one per claim with evidence: an observation whose likelihood
  ratio P(e | c) / P(e | not c) is the product of the items' ratios. **Set every
  ``e_`` node to ``true``** to condition on the evidence, as argmap does;
- ``h_<n>``, helpers: an OR (or AND) of at most :data:`MAX_PARENTS` inputs,
  so that no table has more than 2^MAX_PARENTS rows;
- ``k_<group>_<n>`` and ``g_<group>``, per group: counting nodes (none, one,
  many of its claims so far) and whether the group holds. **Set every ``g_``
  node to ``true`` too**: the groups are part of argmap's model. The ``frame``
  prior is then each weight divided by that frame's P(groups hold), so the
  frame posterior stays argmap's;
- ``frame``, when the map has weighted frames and no single frame is asked for:
  a root whose states are the frames, with the weights as its distribution;
  every table that differs between frames has it as first parent, so the
  network's marginals are argmap's ``overall`` column and ``frame``'s posterior
  is the posterior weights.

Uncertain values enter at their means (exact for the credences; the spread is
lost). Names are ids with every character outside ``[A-Za-z0-9_]`` as ``_``
(a clash gets ``_2``); :func:`network` returns the mapping.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from argmap.engine.groups import log_p_constraints
from argmap.engine.params import FrameParams, resolve
from argmap.schema import ArgumentMap, Point, UsageError

__all__ = ["MAX_PARENTS", "Network", "network", "to_bif", "to_xdsl", "to_xmlbif"]

MAX_PARENTS = 10
_COUNTS = ("none", "one", "many")  # states of a group's counting nodes
_BAD = re.compile(r"[^A-Za-z0-9_]")
Prob = tuple[float, float]  # (P(false), P(true)), each computed directly, never as 1 - other


@dataclass
class Node:
    name: str
    states: list[str]
    parents: list[str]
    rows: list[list[float]]  # one row per parent configuration, first parent slowest
    about: str  # what the node is, for comments


@dataclass
class Network:
    """Nodes in topological order; ``names`` maps claim and argument ids to node names."""

    title: str
    nodes: list[Node]
    names: dict[str, str]
    evidence: list[str]  # the e_ nodes to set to true
    labels: dict[str, str] = field(default_factory=dict)  # node name -> its claim's label


class _Names:
    def __init__(self) -> None:
        self.used: set[str] = {"frame"}

    def make(self, prefix: str, ident: str) -> str:
        base = prefix + _BAD.sub("_", ident)
        name, n = base, 1
        while name in self.used:
            n += 1
            name = f"{base}_{n}"
        self.used.add(name)
        return name


def dependency_order(amap: ArgumentMap, enabled: set[str]) -> list[tuple[str, str]]:
    """Claims ("c", id) and enabled arguments ("a", id), each after everything it depends on."""
    deps: dict[tuple[str, str], list[tuple[str, str]]] = {("c", c): [] for c in amap.claims}
    for aid in sorted(enabled):
        deps[("a", aid)] = [("c", p.claim) for p in amap.arguments[aid].premises]
    for aid in sorted(enabled):
        arg = amap.arguments[aid]
        if arg.undercuts is None:
            deps[("c", arg.target)].append(("a", aid))
        elif arg.undercuts in enabled:
            deps[("a", arg.undercuts)].append(("a", aid))
    order: list[tuple[str, str]] = []
    done: set[tuple[str, str]] = set()
    for start in sorted(deps):
        if start in done:
            continue
        done.add(start)
        stack = [(start, iter(deps[start]))]
        while stack:  # iterative post-order: a 10,000-claim chain is 10,000 deep
            node, it = stack[-1]
            nxt = next((d for d in it if d not in done), None)
            if nxt is None:
                order.append(node)
                stack.pop()
            else:
                done.add(nxt)
                stack.append((nxt, iter(deps[nxt])))
    return order


def relations(
    amap: ArgumentMap, enabled: set[str]
) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]:
    """The enabled arguments supporting each claim, attacking it, and undercutting each
    enabled argument (the inputs of every node's table, for each exporter)."""
    supports: dict[str, list[str]] = {c: [] for c in amap.claims}
    attacks: dict[str, list[str]] = {c: [] for c in amap.claims}
    undercuts: dict[str, list[str]] = {a: [] for a in enabled}
    for aid in sorted(enabled):
        arg = amap.arguments[aid]
        if arg.supports is not None:
            supports[arg.supports].append(aid)
        elif arg.attacks is not None:
            attacks[arg.attacks].append(aid)
        elif arg.undercuts in undercuts:
            undercuts[arg.undercuts].append(aid)
    return supports, attacks, undercuts


def _frames(amap: ArgumentMap, frame: str | None) -> tuple[list[FrameParams], list[float] | None]:
    if frame is not None:
        return resolve(amap, None, None, [frame]).frames, None
    req = resolve(amap, None, None, None)
    if len(req.frames) == 1:
        return req.frames, None
    if not req.weighted:
        names = ", ".join(f.name for f in req.frames)
        raise UsageError(f"the map has frames without weights ({names}): choose one with frame=")
    weights = [f.weight or 0.0 for f in req.frames]
    return req.frames, weights


def network(amap: ArgumentMap, frame: str | None = None) -> Network:
    """The map's network for one frame, or for the mixture of its weighted frames."""
    frames, weights = _frames(amap, frame)
    mixed = weights is not None
    enabled = set().union(*(f.strength for f in frames))
    names = _Names()
    ids: dict[str, str] = {}
    for kind, ident in sorted((k, i) for k, i in dependency_order(amap, enabled)):
        ids[ident] = names.make(f"{kind}_", ident)
    nodes: list[Node] = []
    if mixed:
        total = math.fsum(weights or [])
        nodes.append(
            Node(
                "frame",
                [f.name for f in frames],
                [],
                [[w / total for w in weights or []]],
                "the frame",
            )
        )

    def gate(
        name: str,
        inputs: list[tuple[str, bool]],
        per_frame: Callable[[FrameParams, tuple[bool, ...]], Prob],
        about: str,
    ) -> None:
        parents = [p for p, _ in inputs]
        rows_by_frame = []
        for f in frames:
            rows = []
            for cfg in itertools.product((False, True), repeat=len(parents)):
                lits = tuple(v != neg for v, (_, neg) in zip(cfg, inputs, strict=True))
                q, p = per_frame(f, lits)
                rows.append([q, p])
            rows_by_frame.append(rows)
        if mixed and any(r != rows_by_frame[0] for r in rows_by_frame):
            nodes.append(
                Node(
                    name,
                    ["false", "true"],
                    ["frame", *parents],
                    [r for rows in rows_by_frame for r in rows],
                    about,
                )
            )
        else:
            nodes.append(Node(name, ["false", "true"], parents, rows_by_frame[0], about))

    def fold(inputs: list[tuple[str, bool]], is_and: bool, about: str) -> list[tuple[str, bool]]:
        """Helper nodes so that at most MAX_PARENTS - 1 inputs remain (room for one more)."""
        while len(inputs) > MAX_PARENTS - 1:
            chunk, inputs = inputs[:MAX_PARENTS], inputs[MAX_PARENTS:]
            h = names.make("h_", str(len(nodes)))
            fn = all if is_and else any

            def helper(
                _f: FrameParams, lits: tuple[bool, ...], fn: Callable[..., bool] = fn
            ) -> Prob:
                return (0.0, 1.0) if fn(lits) else (1.0, 0.0)

            gate(h, chunk, helper, f"{'AND' if is_and else 'OR'} helper of {about}")
            inputs = [(h, False), *inputs]
        return inputs

    supports, attacks, undercuts = relations(amap, enabled)
    evidence: list[str] = []
    for kind, ident in dependency_order(amap, enabled):
        name = ids[ident]
        if kind == "a":
            arg = amap.arguments[ident]
            lits = [(ids[p.claim], p.negated) for p in arg.premises]
            lits += [(ids[u], True) for u in undercuts[ident]]
            lits = fold(lits, True, name)

            def fire(f: FrameParams, vals: tuple[bool, ...], aid: str = ident) -> Prob:
                point = f.strength.get(aid, Point(-math.inf))
                return (point.q, point.p) if all(vals) else (1.0, 0.0)

            gate(name, lits, fire, f"argument {ident}")
            continue
        n_sup = len(supports[ident])
        sup = fold([(ids[a], False) for a in supports[ident]], False, name)
        att = fold([(ids[a], False) for a in attacks[ident]], False, name)
        n_s = len(sup)
        del n_sup

        def holds(f: FrameParams, vals: tuple[bool, ...], cid: str = ident, n_s: int = n_s) -> Prob:
            if any(vals[n_s:]):
                return (1.0, 0.0)
            if any(vals[:n_s]):
                return (0.0, 1.0)
            point = f.credence[cid]
            return (point.q, point.p)

        gate(name, sup + att, holds, f"claim {ident}")
        items = amap.claims[ident].evidence
        if items:
            bits = math.fsum(item.ratio.bits for item in items)
            lam = Point(bits * math.log(2))
            e = names.make("e_", ident)
            nodes.append(
                Node(
                    e,
                    ["false", "true"],
                    [name],
                    [[lam.p, lam.q], [lam.q, lam.p]],
                    f"evidence on {ident} ({bits:g} bits): set to true",
                )
            )
            evidence.append(e)
    position = {ident: i for i, (_, ident) in enumerate(dependency_order(amap, enabled))}
    for gid, group in amap.groups.items():
        # A chain of counting nodes (none / one / many so far), in the claims' order,
        # then g_<id>: true when the group holds. Observed true, as argmap's model is.
        members = sorted(group.members, key=position.__getitem__)
        prev = None
        for n, cid in enumerate(members):
            count = names.make("k_", f"{gid}_{n + 1}")
            if prev is None:
                rows = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
                nodes.append(Node(count, list(_COUNTS), [ids[cid]], rows, f"count of group {gid}"))
            else:
                rows = [
                    [1.0 if s == min(2, c + x) else 0.0 for s in range(3)]
                    for c in range(3)
                    for x in range(2)
                ]
                nodes.append(
                    Node(count, list(_COUNTS), [prev, ids[cid]], rows, f"count of group {gid}")
                )
            prev = count
        assert prev is not None
        g = names.make("g_", gid)
        ok = [group.holds(c) for c in range(3)]
        rows = [[0.0, 1.0] if h else [1.0, 0.0] for h in ok]
        nodes.append(Node(g, ["false", "true"], [prev], rows, f"group {gid} holds: set to true"))
        evidence.append(g)
    if mixed and amap.groups:
        # The groups are part of the model, not evidence: each frame's weight is
        # divided by P_f(groups hold), so that observing the g_ nodes leaves the
        # weights where argmap's model puts them (w_f P_f(e | K), normalised).
        log_k = [log_p_constraints(amap, frames)[f.name] for f in frames]
        low = min((x for x in log_k if x > -math.inf), default=0.0)
        # w_f / P_f(K), scaled by the smallest P(K) so that nothing overflows.
        scaled = [
            w * math.exp(low - x) if x > -math.inf else 0.0
            for w, x in zip(weights or [], log_k, strict=True)
        ]
        total = math.fsum(scaled)
        if total > 0:
            nodes[0] = Node(
                "frame", nodes[0].states, [], [[w / total for w in scaled]], "the frame"
            )
    labels = {ids[c]: claim.label for c, claim in amap.claims.items() if claim.label}
    return Network(amap.title or amap.name, nodes, ids, evidence, labels)


def _num(x: float) -> str:
    return repr(float(x))


def bif_label_fits(label: str) -> bool:
    """Whether BIF can carry ``label`` in a property: it has no quoting, so a label with
    ``"``, ``;``, a brace, a backslash or a line break is left out.

    >>> bif_label_fits("hazy 1"), bif_label_fits('a;b')
    (True, False)
    """
    return not any(ch in label for ch in '";{}\\\n\r')


def to_bif(net: Network) -> str:
    """The network in BIF, the bnlearn repository's format (pgmpy, pyAgrum, bnlearn read it)."""
    out = [f"network {_BAD.sub('_', net.title)[:60] or 'argmap'} {{", "}"]
    for node in net.nodes:
        out.append(f"variable {node.name} {{")
        out.append(f"  type discrete [ {len(node.states)} ] {{ {', '.join(node.states)} }};")
        label = net.labels.get(node.name)
        if label is not None and bif_label_fits(label):
            # A variable property (pgmpy reads it with include_properties=True; pyAgrum
            # skips it with a warning).
            out.append(f'  property label = "{label}" ;')
        out.append("}")
    states = {n.name: n.states for n in net.nodes}
    for node in net.nodes:
        if not node.parents:
            out.append(f"probability ( {node.name} ) {{")
            out.append(f"  table {', '.join(_num(x) for x in node.rows[0])};")
            out.append("}")
            continue
        out.append(f"probability ( {node.name} | {', '.join(node.parents)} ) {{")
        configs = itertools.product(*(states[p] for p in node.parents))
        for cfg, row in zip(configs, node.rows, strict=True):
            out.append(f"  ({', '.join(cfg)}) {', '.join(_num(x) for x in row)};")
        out.append("}")
    return "\n".join(out) + "\n"


def to_xdsl(net: Network) -> str:
    """The network as XDSL, the XML format of GeNIe and SMILE."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append('<smile version="1.0" id="argmap" numsamples="10000" discsamples="10000">')
    out.append("  <nodes>")
    for node in net.nodes:
        about = node.about
        if node.name in net.labels:
            about += f" (label {net.labels[node.name]})"
        out.append(f"    <!-- {escape(about).replace('--', '- -')} -->")
        out.append(f"    <cpt id={quoteattr(node.name)}>")
        out.extend(f"      <state id={quoteattr(s)} />" for s in node.states)
        if node.parents:
            out.append(f"      <parents>{' '.join(node.parents)}</parents>")
        probs = " ".join(_num(x) for row in node.rows for x in row)
        out.append(f"      <probabilities>{probs}</probabilities>")
        out.append("    </cpt>")
    out.append("  </nodes>")
    # GeNIe shows <name>; pyAgrum takes it as the variable's name, so it is the node's name.
    out.append("  <extensions>")
    out.append(f'    <genie version="1.0" app="argmap" name={quoteattr(net.title)}>')
    for node in net.nodes:
        out.append(f"      <node id={quoteattr(node.name)}><name>{node.name}</name></node>")
    out.append("    </genie>")
    out.append("  </extensions>")
    out.append("</smile>")
    return "\n".join(out) + "\n"


def to_xmlbif(net: Network) -> str:
    """The network as XMLBIF 0.3 (``.bifxml``; pyAgrum and pgmpy read it at full precision)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<BIF VERSION="0.3">', "<NETWORK>"]
    out.append(f"<NAME>{escape(net.title)}</NAME>")
    for node in net.nodes:
        out.append('<VARIABLE TYPE="nature">')
        out.append(f"  <NAME>{node.name}</NAME>")
        out.extend(f"  <OUTCOME>{s}</OUTCOME>" for s in node.states)
        if node.name in net.labels:
            out.append(f"  <PROPERTY>label = {escape(net.labels[node.name])}</PROPERTY>")
        out.append("</VARIABLE>")
    for node in net.nodes:
        out.append("<DEFINITION>")
        out.append(f"  <FOR>{node.name}</FOR>")
        out.extend(f"  <GIVEN>{p}</GIVEN>" for p in node.parents)
        out.append(f"  <TABLE>{' '.join(_num(x) for row in node.rows for x in row)}</TABLE>")
        out.append("</DEFINITION>")
    out += ["</NETWORK>", "</BIF>"]
    return "\n".join(out) + "\n"


def evidence_note(net: Network) -> Sequence[str]:
    """What a user must do in the other tool to get argmap's numbers."""
    if not net.evidence:
        return []
    what = (
        "evidence and group nodes"
        if any(n.startswith("g_") for n in net.evidence)
        else "evidence nodes"
    )
    return [f"set these {what} to true: {', '.join(net.evidence)}"]
