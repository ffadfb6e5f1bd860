"""Validation of one file's data against the models, node by node.

Each claim, argument and frame is validated on its own, so that one bad node
neither hides the problems of the others nor keeps the valid ones out of the
cross-reference checks that follow (:mod:`.checks`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .messages import kind_of, translate
from .models import (
    GROUP_KINDS,
    ID_PATTERN,
    ID_RE,
    Argument,
    Claim,
    Frame,
    Group,
    MapFile,
    reserved_suffix,
)
from .source import REFUSED, Source

__all__ = ["SECTIONS", "TARGETS", "FileNodes", "validate_source"]

SECTIONS: dict[str, type[BaseModel]] = {
    "frames": Frame,
    "claims": Claim,
    "arguments": Argument,
    "groups": Group,
}
TARGETS = ("supports", "attacks", "undercuts")
_NOUN = {"frames": "frame", "claims": "claim", "arguments": "argument", "groups": "group"}


@dataclass
class FileNodes:
    """What one file defines: raw nodes by section (valid or not) and the valid models."""

    src: Source
    header: MapFile | None = None
    raw: dict[str, dict[str, Any]] = field(default_factory=dict)
    frames: dict[str, Frame] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    arguments: dict[str, Argument] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def validate_source(src: Source) -> FileNodes:
    """Validate one read file; problems are collected in the result."""
    out = FileNodes(src)
    data = src.data
    if not isinstance(data, dict):
        if data is not REFUSED:
            out.problems.append(
                Problem(
                    src.at(),
                    f"a map file is a mapping that starts with `argmap: 1`, got {kind_of(data)}",
                )
            )
        return out
    header = dict(data)
    for section in SECTIONS:
        nodes = data.get(section)
        if section in data and nodes is None:
            header[section] = {}  # an empty `claims:` section is no claims
        elif isinstance(nodes, dict):
            header[section] = {}
            out.raw[section] = nodes
    try:
        out.header = MapFile.model_validate(header)
    except ValidationError as exc:
        out.problems += translate(exc, (), header, src)
    for section, model in SECTIONS.items():
        valid: dict[str, Any] = getattr(out, section)
        for nid, raw in out.raw.get(section, {}).items():
            path = (section, nid)
            if not ID_RE.match(nid):
                out.problems.append(Problem(src.locate_key(path), _bad_id(section, nid)))
            elif attr := reserved_suffix(nid):
                stem = nid[: -len(attr) - 1]
                out.problems.append(
                    Problem(
                        src.locate_key(path),
                        f"{_NOUN[section]} id '{nid}' ends in '.{attr}', which a set= key reads as "
                        f"the {attr} of '{stem}'; rename it, e.g. '{stem}-{attr}'",
                    )
                )
            if section == "arguments" and isinstance(raw, dict):
                _check_targets(out, nid, raw)
            if section == "groups" and isinstance(raw, dict):
                _check_group(out, nid, raw)
            try:
                valid[nid] = model.model_validate(raw)
            except ValidationError as exc:
                out.problems += translate(exc, path, raw, src)
    return out


def _bad_id(section: str, nid: str) -> str:
    message = f"{_NOUN[section]} id '{nid}' must match {ID_PATTERN}"
    slug = re.sub(r"[^a-z0-9_.-]+", "-", nid.lower()).strip("-_.")
    return f"{message}, e.g. '{slug}'" if slug and ID_RE.match(slug) else message


def _check_targets(out: FileNodes, aid: str, raw: dict[str, Any]) -> None:
    """Exactly one target, checked on the raw data so that other errors do not hide it."""
    given = [k for k in TARGETS if raw.get(k) is not None]
    if len(given) == 1:
        return
    where = out.src.locate_key(("arguments", aid))
    if not given:
        message = f"argument '{aid}' has no target; add one of supports, attacks or undercuts"
    else:
        message = (
            f"argument '{aid}' has {len(given)} targets ({', '.join(given)}); "
            "keep exactly one of supports, attacks or undercuts"
        )
    out.problems.append(Problem(where, message))


def _check_group(out: FileNodes, gid: str, raw: dict[str, Any]) -> None:
    """One kind with two or more distinct members, checked on the raw data (located
    at the list or the repeated member) so that other errors do not hide it."""
    given = [k for k in GROUP_KINDS if raw.get(k) is not None]
    where = out.src.locate_key(("groups", gid))
    kinds = "exactly-one, at-most-one or at-least-one"
    known = {f.alias or name for name, f in Group.model_fields.items()}
    if not given and all(k in known for k in raw):
        # (A misspelt kind is an unknown key, reported with a did-you-mean instead.)
        out.problems.append(
            Problem(where, f"group '{gid}' has no members; add one of {kinds} with its claims")
        )
    if not given:
        return
    if len(given) > 1:
        message = (
            f"group '{gid}' has {len(given)} kinds ({', '.join(given)}); "
            f"keep exactly one of {kinds}, or make another group"
        )
        out.problems.append(Problem(where, message))
        return
    kind = given[0]
    members = raw[kind]
    if not isinstance(members, list):
        return  # the model reports the type
    if len(members) < 2:
        got = "none" if not members else f"only '{members[0]}'"
        message = (
            f"group '{gid}' needs two or more claims in {kind}, got {got}; "
            "a group of one constrains nothing"
        )
        out.problems.append(Problem(out.src.locate(("groups", gid, kind)), message))
    seen: dict[object, int] = {}
    for i, m in enumerate(members):
        if not isinstance(m, str):
            continue
        if m in seen:
            message = (
                f"claim '{m}' is listed twice in group '{gid}' "
                f"(members {seen[m] + 1} and {i + 1}); list each claim once"
            )
            out.problems.append(Problem(out.src.locate(("groups", gid, kind, i)), message))
        else:
            seen[m] = i
