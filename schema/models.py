"""Pydantic models of the map file format (docs/format.md).

The same models validate YAML, type the loaded map and generate the JSON
Schema (``argmap schema``). Values keep their parsed types (:mod:`.values`);
source locations live beside the models in :class:`ArgumentMap.locations`, so
nothing a user could write in YAML is mistaken for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    field_validator,
    model_serializer,
    model_validator,
)

from .values import (
    Beta,
    Interval,
    LikelihoodRatio,
    Value,
    ValueSyntaxError,
    parse_likelihood_ratio,
    parse_value,
)

if TYPE_CHECKING:
    from .people import Person

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
ID_RE = re.compile(ID_PATTERN)
# What `--set ID.ATTRIBUTE=VALUE` can set. No id ends in `.` + one of these, so that
# a key such as `ab.enabled` has one reading: the attribute `enabled` of `ab`.
SET_ATTRIBUTES = ("credence", "strength", "enabled", "weight", "evidence")


def reserved_suffix(nid: str) -> str | None:
    """The attribute an id ends in (``"ab.enabled"`` -> ``"enabled"``), or None.

    >>> reserved_suffix("ab.enabled"), reserved_suffix("v1.2"), reserved_suffix("weight")
    ('enabled', None, None)
    """
    _, dot, last = nid.rpartition(".")
    return last if dot and last in SET_ATTRIBUTES else None


def _value(raw: object) -> Value:
    try:
        return parse_value(raw)
    except ValueSyntaxError as exc:
        # pydantic turns ValueError into a located validation error.
        raise ValueError(str(exc)) from None


_VALUE_SCHEMA: dict[str, Any] = {
    "description": (
        'A probability: a number in [0, 1], "65%", odds "1:2^100", log-odds "-3 bits", '
        'a 90% interval "40% to 70%", or {beta: [a, b]}.'
    ),
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "string", "pattern": r"^\s*\S.*$"},
        {
            "type": "object",
            "properties": {
                "beta": {
                    "type": "array",
                    "items": {"type": "number", "exclusiveMinimum": 0},
                    "minItems": 2,
                    "maxItems": 2,
                }
            },
            "required": ["beta"],
            "additionalProperties": False,
        },
    ],
}


def _dump_value(value: Value) -> str | dict[str, list[float]]:
    """The value as a map would write it, so that a dump reads back as the same value."""
    if isinstance(value, Beta):
        return {"beta": [value.a, value.b]}  # its str(), "beta(a, b)", is not map syntax
    return str(value)


ValueField = Annotated[
    Value,
    BeforeValidator(_value),
    PlainSerializer(_dump_value),
    WithJsonSchema(_VALUE_SCHEMA),
]

Id = Annotated[str, Field(pattern=ID_PATTERN, description="An id: [a-z0-9][a-z0-9_.-]*")]


class _Node(BaseModel):
    """Fields any node may carry."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    text: str | None = None
    source: str | None = None
    tags: list[str] = Field(default_factory=list)
    notes: str | None = None


@dataclass(frozen=True)
class Premise:
    """A premise literal: claim ``claim``, or its negation when ``negated``."""

    claim: str
    negated: bool = False

    def __str__(self) -> str:
        return f"not {self.claim}" if self.negated else self.claim


_PREMISE_RE = re.compile(r"^\s*(?:(?P<not>not)\s+)?(?P<id>\S+)\s*$")


def _premise(raw: object) -> Premise:
    if isinstance(raw, Premise):
        return raw
    if not isinstance(raw, str):
        raise ValueError(f"a premise is a claim id or 'not <id>', got {type(raw).__name__}")
    m = _PREMISE_RE.match(raw)
    if not m or not ID_RE.match(m["id"]):
        raise ValueError(
            f"premise {raw!r} is not a claim id or 'not <id>' (ids match {ID_PATTERN})"
        )
    return Premise(m["id"], m["not"] is not None)


PremiseField = Annotated[
    Premise,
    BeforeValidator(_premise),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^(not\s+)?[a-z0-9][a-z0-9_.-]*$"}),
]


class Frame(_Node):
    """An alternative perspective that changes parameters."""

    weight: float | None = Field(default=None, ge=0, allow_inf_nan=False)


class Evidence(_Node):
    """Soft evidence on a claim: a likelihood ratio given as ``lr`` or ``bits``."""

    lr: float | str | None = Field(
        default=None, description='A likelihood ratio: 8, "2^100", "3:1"'
    )
    bits: float | None = Field(default=None, description="log2 of the likelihood ratio")

    @model_validator(mode="after")
    def _one_ratio(self) -> Evidence:
        try:
            parse_likelihood_ratio(self.lr, self.bits)
        except ValueSyntaxError as exc:
            raise ValueError(str(exc)) from None
        return self

    @property
    def ratio(self) -> LikelihoodRatio:
        return parse_likelihood_ratio(self.lr, self.bits)


class ClaimFrameOverride(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    credence: ValueField | None = None


class ArgumentFrameOverride(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    strength: ValueField | None = None
    enabled: bool | None = None


LABEL_MAX = 16


def _label(raw: object) -> object:
    # Data built in Python may carry a number; the YAML reader already gives text.
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return str(raw)
    return raw


Label = Annotated[
    str,
    BeforeValidator(_label),
    # The YAML reader keeps `label: 1.2` as the text written; editors see numbers.
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1, "maxLength": LABEL_MAX},
                {"type": "number"},
            ],
            "description": 'A short label shown beside the id, e.g. the text\'s step "1.2".',
        }
    ),
    Field(
        min_length=1,
        max_length=LABEL_MAX,
        description=(
            'A short label drawn beside the id, such as the text\'s step number "1.2" or "fn 3".'
        ),
    ),
]


class Claim(_Node):
    """A proposition with an optional base credence and evidence.

    ``label`` is a short name from the source text that pictures show by the id.
    """

    label: Label | None = None
    credence: ValueField | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    frames: dict[str, ClaimFrameOverride] = Field(default_factory=dict)


TargetKind = Literal["supports", "attacks", "undercuts"]


class Argument(_Node):
    """Premises that jointly support or attack a claim, or undercut an argument."""

    premises: list[PremiseField] = Field(default_factory=list)
    supports: Id | None = None
    attacks: Id | None = None
    undercuts: Id | None = None
    strength: ValueField | None = None
    enabled: bool = True
    frames: dict[str, ArgumentFrameOverride] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_target(self) -> Argument:
        given = [k for k in ("supports", "attacks", "undercuts") if getattr(self, k) is not None]
        if len(given) != 1:
            which = ", ".join(given) if given else "none"
            raise ValueError(
                f"an argument needs exactly one of supports, attacks or undercuts (got {which})"
            )
        return self

    @property
    def kind(self) -> TargetKind:
        if self.supports is not None:
            return "supports"
        if self.attacks is not None:
            return "attacks"
        return "undercuts"

    @property
    def target(self) -> str:
        target = self.supports or self.attacks or self.undercuts
        assert target is not None
        return target


GroupKind = Literal["exactly-one", "at-most-one", "at-least-one"]
GROUP_KINDS: tuple[GroupKind, ...] = ("exactly-one", "at-most-one", "at-least-one")
# How reports and pictures say each kind ("exactly one of" a, b, c).
GROUP_PHRASES: dict[str, str] = {
    "exactly-one": "exactly one of",
    "at-most-one": "at most one of",
    "at-least-one": "at least one of",
}

_MEMBERS = "two or more distinct claim ids"
_KEY = {k.replace("-", "_"): k for k in GROUP_KINDS}


class Group(_Node):
    """Alternatives: exactly one / at most one / at least one of two or more claims holds.

    The constraint is part of the model: credences are conditional on it.

    >>> Group.model_validate({"exactly-one": ["a", "b", "c"]}).members
    ('a', 'b', 'c')
    """

    exactly_one: list[Id] | None = Field(
        default=None, alias="exactly-one", description=f"Exactly one of these holds: {_MEMBERS}."
    )
    at_most_one: list[Id] | None = Field(
        default=None, alias="at-most-one", description=f"At most one of these holds: {_MEMBERS}."
    )
    at_least_one: list[Id] | None = Field(
        default=None, alias="at-least-one", description=f"At least one of these holds: {_MEMBERS}."
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Group:
        given = [k for k in GROUP_KINDS if getattr(self, k.replace("-", "_")) is not None]
        if len(given) != 1:
            which = ", ".join(given) if given else "none"
            kinds = ", ".join(GROUP_KINDS)
            raise ValueError(f"a group needs exactly one of {kinds} (got {which})")
        members = self.members
        if len(members) < 2 or len(set(members)) != len(members):
            raise ValueError(f"a group's {given[0]} takes {_MEMBERS}")
        return self

    @model_serializer(mode="wrap")
    def _as_written(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Dumped with the keys a map file uses (`exactly-one`), with or without
        # by_alias, so that any dump of a map reads back as the same map.
        data: dict[str, Any] = handler(self)
        return {_KEY.get(k, k): v for k, v in data.items()}

    @property
    def kind(self) -> GroupKind:
        """Which constraint: ``exactly-one``, ``at-most-one`` or ``at-least-one``."""
        for k in GROUP_KINDS:
            if getattr(self, k.replace("-", "_")) is not None:
                return k
        raise AssertionError("validated groups have a kind")

    @property
    def members(self) -> tuple[str, ...]:
        """The claim ids, in the order written."""
        return tuple(getattr(self, self.kind.replace("-", "_")))

    @property
    def phrase(self) -> str:
        """The kind in words: "exactly one of" and so on."""
        return GROUP_PHRASES[self.kind]

    def holds(self, count: int) -> bool:
        """Whether ``count`` true members satisfy the constraint.

        >>> Group.model_validate({"at-most-one": ["a", "b"]}).holds(0)
        True
        """
        if self.kind == "exactly-one":
            return count == 1
        if self.kind == "at-most-one":
            return count <= 1
        return count >= 1


class MapFile(_Node):
    """One YAML file of a map."""

    argmap: Literal[1] = Field(description="The format version; always 1.")

    @field_validator("argmap", mode="before")
    @classmethod
    def _version_is_the_integer_1(cls, raw: object) -> object:
        # Literal[1] alone takes `true` and `1.0` (they equal 1): only the integer is version 1.
        return raw if type(raw) is int else repr(raw)

    title: str | None = None
    frames: dict[Id, Frame] = Field(default_factory=dict)
    claims: dict[Id, Claim] = Field(default_factory=dict)
    arguments: dict[Id, Argument] = Field(default_factory=dict)
    groups: dict[Id, Group] = Field(
        default_factory=dict,
        description=(
            "Alternatives: each group has one of exactly-one, at-most-one, at-least-one. "
            "Credences are conditional on every group's constraint."
        ),
    )


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based position in a source file."""

    path: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


# A path into the YAML, e.g. ("claims", "x", "credence"); keys are strings, list
# positions are ints.
YamlPath = tuple[str | int, ...]


@dataclass(frozen=True)
class ArgumentMap:
    """A validated map: every id resolved, acyclic, each node located.

    ``locations`` maps ``("claims", id)``, ``("claims", id, "credence")``,
    ``("arguments", id, "premises", 0)`` and so on to where they were written.
    ``people`` holds the map's person overlays by person id (docs/people.md):
    they are not part of the map's own numbers.
    """

    name: str
    title: str | None
    source: str | None
    frames: dict[str, Frame]
    claims: dict[str, Claim]
    arguments: dict[str, Argument]
    locations: dict[YamlPath, Location]
    # Group id -> group; every member is a claim of the map (see Group).
    groups: dict[str, Group] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)

    def __repr__(self) -> str:
        # The default dataclass repr prints every node: thousands of lines for a real map.
        n = len(self.frames) or 1
        return (
            f"<ArgumentMap {self.name!r}: {_count(len(self.claims), 'claim')}, "
            f"{_count(len(self.arguments), 'argument')}, {_count(n, 'frame')}>"
        )

    def _repr_svg_(self) -> str:
        """The diagram, for notebooks (needs a Graphviz: the system's or the bundled one)."""
        from argmap.api import draw

        return draw(self, "svg")

    @cached_property
    def concluded(self) -> frozenset[str]:
        """The claims some argument supports or attacks (the others are the map's roots).

        Computed once per map: the panel and pictures ask it of every claim."""
        return frozenset(a.target for a in self.arguments.values() if a.kind != "undercuts")

    @cached_property
    def uncertain(self) -> bool:
        """Whether some credence or strength (in the map or a frame) is an interval or a
        beta: only then has an evaluation a percentile band."""
        values: list[object] = []
        for c in self.claims.values():
            values += [c.credence, *(f.credence for f in c.frames.values())]
        for a in self.arguments.values():
            values += [a.strength, *(f.strength for f in a.frames.values())]
        return any(isinstance(v, Interval | Beta) for v in values)

    def locate(self, *path: str | int) -> Location | None:
        """The location of ``path``, or of its nearest located ancestor."""
        p: YamlPath = tuple(path)
        while p:
            if p in self.locations:
                return self.locations[p]
            p = p[:-1]
        return None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
