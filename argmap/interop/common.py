"""What every importer and exporter shares: the imported map as data, ids, and
the map's own parameters as plain data.

An importer turns a foreign file into :class:`Imported`: the map as the plain
data a YAML file would hold, plus a report of what could not be carried over.
:func:`finish` then makes that data a valid map (placeholder credences for
claims nothing supports, relations that would close a cycle dropped, both
reported) and :func:`to_yaml` writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from argmap.schema import ArgumentMap
from argmap.schema.models import ID_RE

__all__ = ["IdMaker", "Imported", "finish", "map_data", "node_data", "slug", "to_yaml"]

PLACEHOLDER = "50%"
PLACEHOLDER_TAG = "needs-credence"
_SLUG_BAD = re.compile(r"[^a-z0-9_.-]+")


def slug(text: str, fallback: str = "x") -> str:
    """An argmap id made from a title: lower case, runs of other characters as ``-``.

    >>> slug("Teleological Proof!")
    'teleological-proof'
    >>> slug("  ")
    'x'
    """
    s = _SLUG_BAD.sub("-", text.strip().lower()).strip("-._")
    s = re.sub(r"-{2,}", "-", s)
    return s if s else fallback


class IdMaker:
    """Unique ids: the slug of a title, then ``-2``, ``-3``... on a clash."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, title: str, fallback: str = "x") -> str:
        if ID_RE.match(title) and len(title) <= 60:
            base = title  # already an id: keep it, so a round trip keeps every id
        else:
            base = slug(title, fallback)[:60].rstrip("-._") or fallback
        new, n = base, 1
        while new in self.used:
            n += 1
            new = f"{base}-{n}"
        self.used.add(new)
        return new


@dataclass
class Imported:
    """A foreign file read as map data, and what the reading could not carry over.

    ``not_mapped`` lists elements that have no counterpart in argmap (each a
    sentence naming the element and where it was); ``approximated`` lists
    elements carried over with a different meaning; ``counts`` says how many
    elements of each kind the file had, so a reader can account for all of them.
    """

    data: dict[str, Any]
    not_mapped: list[str] = field(default_factory=list)
    approximated: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def report(self) -> str:
        """The report printed on stderr by ``argmap import``."""
        lines = []
        claims = len(self.data.get("claims", {}))
        args = len(self.data.get("arguments", {}))
        read = ", ".join(f"{n} {k}" for k, n in self.counts.items())
        lines.append(f"read: {read}" if read else "read: nothing")
        lines.append(f"wrote: {claims} claims, {args} arguments")
        for title, items in (("approximated", self.approximated), ("not mapped", self.not_mapped)):
            if items:
                lines.append(f"{title} ({len(items)}):")
                lines.extend(f"  - {item}" for item in items)
        return "\n".join(lines) + "\n"


def _dependencies(data: dict[str, Any]) -> dict[str, list[str]]:
    """Node -> the nodes it is computed from (claims and arguments, as 'c:' / 'a:')."""
    deps: dict[str, list[str]] = {f"c:{c}": [] for c in data.get("claims", {})}
    for aid, arg in data.get("arguments", {}).items():
        node = f"a:{aid}"
        deps.setdefault(node, [])
        for p in arg.get("premises", []):
            deps[node].append("c:" + str(p).removeprefix("not "))
        if "supports" in arg or "attacks" in arg:
            deps.setdefault("c:" + (arg.get("supports") or arg.get("attacks")), []).append(node)
        elif "undercuts" in arg:
            deps.setdefault("a:" + arg["undercuts"], []).append(node)
    return deps


def _find_cycle(deps: dict[str, list[str]]) -> list[str] | None:
    """One cycle of the dependency graph as a list of nodes, or None (iterative DFS)."""
    state: dict[str, int] = {}
    for start in sorted(deps):
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            kids = deps.get(node, [])
            if i < len(kids):
                stack.append((node, i + 1))
                kid = kids[i]
                if state.get(kid) == 1:
                    return path[path.index(kid) :]
                if not state.get(kid):
                    stack.append((kid, 0))
            else:
                state[node] = 2
                path.pop()
    return None


def finish(imp: Imported) -> Imported:
    """Make ``imp.data`` a valid map: break cycles, give unsupported claims a placeholder.

    An argument that closes a cycle is dropped (the last one on the cycle, in id
    order) and reported; a claim with no credence that nothing supports gets
    ``50%`` and the tag ``needs-credence``, counted in the report.
    """
    args: dict[str, Any] = imp.data.setdefault("arguments", {})
    claims: dict[str, Any] = imp.data.setdefault("claims", {})
    while (cycle := _find_cycle(_dependencies(imp.data))) is not None:
        victim = max(n[2:] for n in cycle if n.startswith("a:"))
        imp.not_mapped.append(
            f"argument {victim!r}: it closes a cycle ({' -> '.join(n[2:] for n in cycle)}), "
            "and argmap's maps are acyclic"
        )
        del args[victim]
        for other in [a for a, v in args.items() if v.get("undercuts") == victim]:
            del args[other]
            imp.not_mapped.append(f"argument {other!r}: it undercut {victim!r}, which was dropped")
    supported = {a["supports"] for a in args.values() if "supports" in a}
    filled = 0
    for cid, claim in claims.items():
        if "credence" not in claim and cid not in supported:
            claim["credence"] = PLACEHOLDER
            claim.setdefault("tags", []).append(PLACEHOLDER_TAG)
            filled += 1
    if filled:
        imp.approximated.append(
            f"{filled} claims had no credence and nothing supporting them: each got "
            f"{PLACEHOLDER}, tagged {PLACEHOLDER_TAG!r} (find them with "
            f"`grep -n {PLACEHOLDER_TAG}`)"
        )
    return imp


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order given, long lines kept whole."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style: str | None
    if any(ch in value for ch in "\r\x85\u2028\u2029"):
        style = '"'  # YAML reads these as line breaks and folds them: escape them instead
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(data: dict[str, Any]) -> str:
    """The map data as a YAML file (``argmap: 1`` first, key order kept)."""
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
    return body


def node_data(node: Any, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """A claim's, argument's or frame's fields as a map file would write them."""
    # by_alias: a group's kind is written `exactly-one`, as in a map file
    out: dict[str, Any] = node.model_dump(
        mode="json", exclude_defaults=True, exclude=set(drop), by_alias=True
    )
    return out


def map_data(amap: ArgumentMap) -> dict[str, Any]:
    """The whole map as the data of one YAML file (what an exporter starts from)."""
    data: dict[str, Any] = {"argmap": 1}
    if amap.title:
        data["title"] = amap.title
    if amap.source:
        data["source"] = amap.source
    if amap.frames:
        data["frames"] = {f: node_data(v) for f, v in amap.frames.items()}
    groups = getattr(amap, "groups", None)
    if groups:
        data["groups"] = {g: node_data(v) for g, v in groups.items()}
    data["claims"] = {c: node_data(v) for c, v in amap.claims.items()}
    data["arguments"] = {a: node_data(v) for a, v in amap.arguments.items()}
    return data
