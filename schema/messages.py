"""Human messages for map problems: where a path is, what it is, and what was meant.

Pydantic's own messages ("Extra inputs are not permitted") name neither the
node nor the fix; :func:`translate` rewrites each of its errors into the
style of the rest of argmap: lower-case, ids in single quotes, the fix last.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .errors import Problem
from .models import (
    ID_PATTERN,
    Argument,
    ArgumentFrameOverride,
    Claim,
    ClaimFrameOverride,
    Evidence,
    Frame,
    Group,
    MapFile,
    YamlPath,
)
from .source import REFUSED, Source
from .suggest import did_you_mean

__all__ = ["describe", "kind_of", "model_at", "translate"]

_NOUN = {"claims": "claim", "arguments": "argument", "frames": "frame", "groups": "group"}
MAX_FLOAT = sys.float_info.max
_GROUP_KINDS = ("exactly-one", "at-most-one", "at-least-one")

# What a field holds, for "must be ..." messages.
_EXPECTED = {
    "text": "text",
    "source": "text",
    "notes": "text",
    "label": 'a short text (at most 16 characters), e.g. "1.2"',
    "title": "text",
    "tags": "a list of text",
    "weight": "a number",
    "bits": "a number",
    "lr": 'a number or a string like "2^100"',
    "enabled": "true or false",
    "premises": "a list of claim ids, e.g. [a, not b]",
    "evidence": "a list of evidence items, each with lr or bits",
    "frames": "a mapping from frame id to its settings",
    "claims": "a mapping from claim id to claim",
    "arguments": "a mapping from argument id to argument",
    "supports": "a claim id",
    "attacks": "a claim id",
    "undercuts": "an argument id",
    "groups": "a mapping from group id to group",
    "exactly-one": "a list of two or more claim ids",
    "at-most-one": "a list of two or more claim ids",
    "at-least-one": "a list of two or more claim ids",
}

# Keys people write for another node kind's field: suggested when difflib finds nothing.
_SYNONYMS = {
    (Argument, "credence"): "strength",
    (Claim, "strength"): "credence",
    (Argument, "premise"): "premises",
    (Argument, "support"): "supports",
    (Argument, "attack"): "attacks",
    (Argument, "undercut"): "undercuts",
    (Argument, "target"): "supports",
    (Group, "exactly_one"): "exactly-one",
    (Group, "at_most_one"): "at-most-one",
    (Group, "at_least_one"): "at-least-one",
    (Group, "members"): "exactly-one",
    (Group, "claims"): "exactly-one",
    (Group, "one-of"): "exactly-one",
}


_NODE_MODELS: dict[str, type[BaseModel]] = {
    "claims": Claim,
    "arguments": Argument,
    "frames": Frame,
    "groups": Group,
}
_OVERRIDE_MODELS: dict[str, type[BaseModel]] = {
    "claims": ClaimFrameOverride,
    "arguments": ArgumentFrameOverride,
}


def model_at(path: YamlPath) -> type[BaseModel] | None:
    """The model that validates the mapping at ``path`` of a map file."""
    n = len(path)
    if n == 0:
        return MapFile
    section = path[0]
    if n == 2:
        return _NODE_MODELS.get(str(section))
    if n == 4 and section == "claims" and path[2] == "evidence":
        return Evidence
    if n == 4 and path[2] == "frames":
        return _OVERRIDE_MODELS.get(str(section))
    return None


def _node(path: YamlPath) -> str | None:
    """Name the node (not field) at ``path``, or None when ``path`` is a field."""
    n = len(path)
    if n == 0:
        return "the file"
    section = path[0]
    if n == 1:
        return f"'{section}'"
    if n == 2 and section in _NOUN:
        return f"{_NOUN[str(section)]} '{path[1]}'"
    owner = _node(path[:2])
    if n == 4 and path[2] == "evidence" and isinstance(path[3], int):
        return f"evidence item {path[3] + 1} of {owner}"
    if n == 4 and path[2] == "frames":
        return f"frame override '{path[3]}' of {owner}"
    if n == 4 and path[2] == "premises" and isinstance(path[3], int):
        return f"premise {path[3] + 1} of {owner}"
    if n == 4 and path[2] in _GROUP_KINDS and isinstance(path[3], int):
        return f"member {path[3] + 1} of {owner}"
    if n == 4 and path[2] == "tags" and isinstance(path[3], int):
        return f"tag {path[3] + 1} of {owner}"
    return None


def describe(path: YamlPath) -> str:
    """``("claims", "x", "credence")`` -> "credence of claim 'x'", and so on."""
    node = _node(path)
    if node is not None:
        return node
    if len(path) == 5 and path[2] == "frames":
        return f"{path[4]} of {_node(path[:2])} in frame '{path[3]}'"
    parent = path[:-1]
    while parent and _node(parent) is None:
        parent = parent[:-1]
    field = ".".join(str(p) for p in path[len(parent) :])
    return f"{field} of {_node(parent)}" if parent else field


def kind_of(value: Any) -> str:
    """A short description of a YAML value, for "got ..." (never a huge repr)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) >= 10**20:
        return f"a {len(str(abs(value)))}-digit number"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _data_path(data: Any, loc: tuple[int | str, ...]) -> YamlPath:
    """The longest prefix of ``loc`` present in ``data`` (pydantic adds union member names)."""
    node = data
    for i, part in enumerate(loc):
        present = (isinstance(node, dict) and isinstance(part, str) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        )
        if not present:
            return tuple(loc[:i])
        node = node[part]
    return tuple(loc)


def _value_at(data: Any, path: YamlPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _unknown_key(path: YamlPath, key: str) -> str:
    model = model_at(path)
    where = "at the top level" if not path else f"in {describe(path)}"
    message = f"unknown key '{key}' {where}"
    if model is None:
        return message
    fields = sorted(f.alias or name for name, f in model.model_fields.items())
    guess = did_you_mean(key, fields)
    if not guess and (model, key) in _SYNONYMS:
        guess = f"; did you mean '{_SYNONYMS[model, key]}'?"
    return message + (guess or f"; allowed keys: {', '.join(fields)}")


def _message(err: ErrorDetails, full: YamlPath, value: Any, missing: object) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    desc = describe(full)
    huge = isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_FLOAT
    if huge and kind != "value_error":
        # Not "must be a number, got the number 999...": it is one, too large for a float.
        return f"{desc} is too large: {kind_of(value)}; numbers are at most about 1.8e308"
    if kind == "value_error":
        text = str(ctx.get("error", err["msg"]))
        for prefix in ("an evidence item ", "an argument "):
            if text.startswith(prefix) and _node(full) is not None:
                return f"{desc} {text[len(prefix) :]}"
        return f"{desc}: {text}"
    if kind == "missing":
        if missing == "argmap" and not full:
            return "missing `argmap: 1` (the format version); every map file starts with it"
        return f"{desc} needs '{missing}'"
    if kind == "literal_error" and full == ("argmap",):
        return f"`argmap:` is the format version and must be 1, got {kind_of(value)}"
    if kind == "less_than_equal":
        return f"{desc} must be at most {ctx.get('le', 0):g}, got {kind_of(value)}" + (
            "; weights are relative, so divide them all by the same number"
            if full[-1:] == ("weight",)
            else ""
        )
    if kind == "greater_than_equal":
        return f"{desc} must be at least {ctx.get('ge', 0):g}, got {kind_of(value)}"
    if kind == "finite_number":
        return f"{desc} must be a finite number, got {kind_of(value)}"
    if kind == "string_pattern_mismatch":
        return f"{desc} must be an id matching {ID_PATTERN}, got {kind_of(value)}"
    expected: str | None
    model = model_at(full)
    if model is not None:
        if len(full) == 2 and str(full[1]) in model.model_fields:
            # `credence:` written level with the claim's id instead of under it.
            noun = _NOUN.get(str(full[0]), "node")
            return (
                f"{desc} must be a mapping, got {kind_of(value)}; '{full[1]}' is a field of a "
                f"{noun}: is it indented too little? Indent it under the {noun}'s id"
            )
        if len(full) == 2 and value is None:
            return (
                f"{desc} must be a mapping, got nothing (null); write its fields on the "
                "lines below, indented more than its id"
            )
        expected = "a mapping"
    elif full and isinstance(full[-1], int):
        expected = "text" if len(full) > 1 and full[-2] == "tags" else None
    else:
        expected = _EXPECTED.get(str(full[-1])) if full else None
    if expected is None:
        msg = err["msg"]
        return f"{desc}: {msg[:1].lower()}{msg[1:]}"
    hint = "; put it in quotes" if expected == "text" and not isinstance(value, list | dict) else ""
    return f"{desc} must be {expected}, got {kind_of(value)}{hint}"


def translate(exc: ValidationError, prefix: YamlPath, data: Any, src: Source) -> list[Problem]:
    """Located, human problems for one ValidationError of the node ``data`` at ``prefix``.

    Errors under a path the reader already flagged are dropped, as are
    repeats at one place (pydantic reports each member of a union).
    """
    problems: list[Problem] = []
    seen: set[tuple[YamlPath, str]] = set()
    for err in exc.errors(include_url=False):
        path = _data_path(data, err["loc"])
        full = prefix + path
        value = _value_at(data, path)
        if value is REFUSED or any(full[: len(f)] == f for f in src.flagged):
            continue
        if err["type"] == "value_error" and not path and model_at(full) in (Argument, Group):
            # Their model checks (one target; one kind of two or more distinct
            # members) are reported from the raw data, at the exact place.
            continue
        if err["type"] == "extra_forbidden":
            message = _unknown_key(full[:-1], str(full[-1]))
            location = src.locate_key(full)
        else:
            missing = err["loc"][len(path)] if len(err["loc"]) > len(path) else None
            message = _message(err, full, value, missing)
            location = src.locate(full)
            if model_at(full) is Evidence and isinstance(value, dict):
                # The item's own check is about its ratio: point at it.
                ratio = next((k for k in ("lr", "bits") if k in value), None)
                location = src.locate((*full, ratio)) if ratio else location
        if (full, message) not in seen:
            seen.add((full, message))
            problems.append(Problem(location, message))
    return problems
