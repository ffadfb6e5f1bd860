"""How diagrams show groups (exactly-one / at-most-one / at-least-one).

A group whose drawn claims belong to no other drawn group is a **cluster**: a
dashed rounded frame around its claims, labelled with the kind and the group's
id ("exactly one of · model-classes"). Graphviz and Mermaid both put a node in
at most one frame, so a group that shares a drawn claim with an earlier
(clustered) group is drawn as a **bracket** instead: a small dashed box with
the same label, joined to each of its claims by a dotted line. Groups are
drawn in map order; one with no claim in the view is left out, and a group
with some of its claims out of view says how many are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from argmap.engine.result import Evaluation
from argmap.schema import Group

from . import dotquote as dq
from . import mermaidquote as mq

if TYPE_CHECKING:  # only in annotations: tables must not pull in networkx (start-up time)
    from .view import View

COLOUR = "#3b5b92"  # the frames and brackets of groups: a muted blue, apart from edge colours
_HUB = "_group"  # prefix of bracket node ids in DOT (map ids cannot start with "_")


@dataclass(frozen=True)
class DrawnGroup:
    """A group as drawn in one view: its shown claims, and cluster (frame) or bracket."""

    id: str
    group: Group
    members: tuple[str, ...]
    cluster: bool

    @property
    def label(self) -> str:
        """ "exactly one of · ID", plus "(2 of 4 shown)" when some claims are not drawn."""
        text = f"{self.group.phrase} · {self.id}"
        total = len(self.group.members)
        if len(self.members) < total:
            text += f" ({len(self.members)} of {total} shown)"
        return text


def drawn_groups(view: View) -> list[DrawnGroup]:
    """The groups with a claim in ``view``, in map order, each a cluster or a bracket."""
    shown = set(view.claims)
    framed: set[str] = set()
    out: list[DrawnGroup] = []
    for gid, group in view.ev.map.groups.items():
        members = tuple(c for c in group.members if c in shown)
        if not members:
            continue
        cluster = not framed & set(members)
        if cluster:
            framed |= set(members)
        out.append(DrawnGroup(gid, group, members, cluster))
    return out


def legend_note(view: View) -> list[str]:
    """The legend line for groups, when the view draws any."""
    if not drawn_groups(view):
        return []
    return ['dashed blue frame or box: a group ("exactly one of" ...)']


def group_dot(view: View) -> list[str]:
    """DOT statements drawing the groups: clusters, then brackets."""
    out: list[str] = []
    for i, g in enumerate(drawn_groups(view)):
        tooltip = dq.tooltip(
            f"{g.id}: {g.group.phrase} {', '.join(g.group.members)}"
            + (f" ({g.group.text})" if g.group.text else "")
        )
        if g.cluster:
            graph = {
                "label": dq.label([g.label]),
                "labeljust": "l",
                "style": "rounded,dashed",
                "color": COLOUR,
                "fontcolor": COLOUR,
                "fontsize": 10,
                "penwidth": 1.4,
                "tooltip": tooltip,
                "id": dq.text(f"group-{g.id}"),
            }
            out.append(f"  subgraph {dq.ident(f'cluster_group_{i}')} {{")
            out.append(f"    graph {dq.attrs(graph)};")
            out += [f"    {dq.ident(c)};" for c in g.members]
            out.append("  }")
            continue
        hub = dq.ident(f"{_HUB}.{g.id}")
        node = {
            "shape": "box",
            "style": "rounded,dashed",
            "color": COLOUR,
            "fontcolor": COLOUR,
            "fontsize": 9,
            "height": 0.2,
            "margin": "0.06,0.02",
            "label": dq.label([g.label]),
            "tooltip": tooltip,
            "id": dq.text(f"group-{g.id}"),
        }
        out.append(f"  {hub} {dq.attrs(node)};")
        for j, c in enumerate(g.members):
            edge = {
                "dir": "none",
                "style": "dotted",
                "color": COLOUR,
                "penwidth": 1.2,
                "id": dq.text(f"group-{g.id}-{j}"),
            }
            out.append(f"  {hub} -> {dq.ident(c)} {dq.attrs(edge)};")
    return out


def group_mermaid(view: View, ids: dict[str, str], first_link: int) -> list[str]:
    """Mermaid statements drawing the groups: subgraphs, then brackets with their
    links (numbered from ``first_link`` for their ``linkStyle``)."""
    out: list[str] = []
    hubs: list[int] = []
    link = first_link
    for i, g in enumerate(drawn_groups(view)):
        gid = mq.node_id("g", i)
        if g.cluster:
            out.append(f"  subgraph {gid}[{mq.label([g.label])}]")
            out += [f"    {ids[c]}" for c in g.members]
            out.append("  end")
            out.append(
                f"  style {gid} fill:none,stroke:{COLOUR},stroke-width:1.4px,"
                f"stroke-dasharray:6 4,color:{COLOUR}"
            )
            continue
        out.append(f"  {gid}[{mq.label([g.label])}]")
        out.append(
            f"  style {gid} fill:#ffffff,stroke:{COLOUR},stroke-dasharray:6 4,color:{COLOUR}"
        )
        for c in g.members:
            out.append(f"  {gid} -.- {ids[c]}")
            hubs.append(link)
            link += 1
    if hubs:
        out.append(
            f"  linkStyle {','.join(map(str, hubs))} stroke:{COLOUR},stroke-width:1.2px,"
            "stroke-dasharray:2 3"
        )
    return out


def group_rows(ev: Evaluation, claims: Sequence[str] | None = None) -> list[tuple[str, Group]]:
    """The map's groups in map order; with ``claims``, those with a member among them."""
    keep = set(claims) if claims is not None else None
    return [(gid, g) for gid, g in ev.map.groups.items() if keep is None or keep & set(g.members)]
