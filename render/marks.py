"""What every output says beside a number, besides the number: ids, labels, marks, priors.

One place decides, so that the pictures, the tables, the report and the explorer agree:

- a claim is named by its id, and by its ``label`` (the text's own step number, "1.2")
  when the map gives one (:func:`name`);
- a number is **marked** when a reader should not take it at face value
  (:func:`claim_marks`, :func:`argument_marks`):

  - ``illustrative``: the claim or argument (or one of the claim's evidence items)
    carries the tag ``illustrative``, the author's way of saying that a number was
    made up to show how the argument works, not estimated;
  - ``uncertain``: its own parameter (a base credence or a strength, as written or in
    some frame) is an uncertain value, ``"40% to 70%"`` or ``{beta: [a, b]}``;

- a claim whose credence evidence moved is shown as *prior → posterior*
  (:func:`prior`): for a claim nothing supports or attacks, the prior is exactly its
  written base credence in that column (the mean of an uncertain one; for
  ``overall``, the prior-weighted mean over the frames), so no second evaluation
  is needed.

Examples::

    >>> from argmap.schema.loader import loads
    >>> m = loads("argmap: 1\\nclaims:\\n  a: {credence: 40% to 70%, label: '1.2', "
    ...           "tags: [illustrative]}\\n")
    >>> name(m, "a"), claim_marks(m, "a")
    ('1.2 · a', ('illustrative', 'uncertain'))
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from argmap.engine.result import OVERALL, Evaluation
from argmap.schema import ArgumentMap, Beta, Interval, Point, Value
from argmap.schema.models import Evidence

from .fmt import percent

ILLUSTRATIVE = "illustrative"  # the tag
UNCERTAIN = "uncertain"
# Short marks for tables, explained in a note under each table that uses them.
SYMBOL = {ILLUSTRATIVE: "†", UNCERTAIN: "~"}
MEANING = {
    ILLUSTRATIVE: "illustrative: a number its author tagged illustrative, not an estimate",
    UNCERTAIN: "uncertain: a parameter written as a range or a beta distribution",
}


def name(amap: ArgumentMap, cid: str) -> str:
    """The claim's id, after its label when it has one: ``1.2 · selects-schemer``."""
    label = amap.claims[cid].label
    return f"{label} · {cid}" if label else cid


def _uncertain(v: object) -> bool:
    return isinstance(v, Interval | Beta)


def claim_marks(amap: ArgumentMap, cid: str) -> tuple[str, ...]:
    """``illustrative`` and/or ``uncertain``, in that order, or nothing."""
    claim = amap.claims[cid]
    out = []
    if ILLUSTRATIVE in claim.tags or any(ILLUSTRATIVE in e.tags for e in claim.evidence):
        out.append(ILLUSTRATIVE)
    if _uncertain(claim.credence) or any(_uncertain(f.credence) for f in claim.frames.values()):
        out.append(UNCERTAIN)
    return tuple(out)


def argument_marks(amap: ArgumentMap, aid: str) -> tuple[str, ...]:
    """As :func:`claim_marks`, for an argument's strength."""
    arg = amap.arguments[aid]
    out = []
    if ILLUSTRATIVE in arg.tags:
        out.append(ILLUSTRATIVE)
    if _uncertain(arg.strength) or any(_uncertain(f.strength) for f in arg.frames.values()):
        out.append(UNCERTAIN)
    return tuple(out)


def table_name(amap: ArgumentMap, cid: str) -> str:
    """A claim's id for a table's first column, with its marks' symbols: ``counting-1 †~``."""
    sym = symbols(claim_marks(amap, cid))
    return f"{cid} {sym}" if sym else cid


def table_notes(amap: ArgumentMap, ids: Sequence[str]) -> list[str]:
    """What the symbols of :func:`table_name` mean, for the claims ``ids`` shown."""
    return notes([m for cid in ids for m in claim_marks(amap, cid)])


def moved_note(ev: Evaluation, ids: Sequence[str]) -> str | None:
    """One line naming the claims that evidence moved from the prior their map states,
    in the headline column (``overall``, or the only one): ``evidence moved: x 15% →
    8.11%, ...``; None when there are none."""
    cols = ev.columns
    col = OVERALL if OVERALL in cols else (cols[0] if len(cols) == 1 else None)
    if col is None:
        return None
    moved_ids = [cid for cid in ids if moved(ev, cid, col, digits=2) is not None]
    if not moved_ids:
        return None
    parts = [
        f"{cid} {prior_text(ev, cid, col)} → {percent(ev.claims[cid].credence[col])}"
        for cid in moved_ids
    ]
    where = f" ({col})" if len(cols) > 1 else ""
    return f"{movers(ev)} moved{where}, base credence as written → credence: " + ", ".join(parts)


def movers(ev: Evaluation) -> str:
    """What can move a claim from its written base credence: ``evidence`` (items and
    ``given``), ``the groups`` (their constraints condition every credence), or both."""
    amap = ev.map
    causes = []
    if ev.given or any(c.evidence for c in amap.claims.values()):
        causes.append("evidence")
    if amap.groups:
        causes.append("the groups")
    return " and ".join(causes) or "evidence"


def symbols(marks: Sequence[str]) -> str:
    """The marks as table symbols: ``†~``."""
    return "".join(SYMBOL[m] for m in marks)


def notes(marks: Sequence[str]) -> list[str]:
    """One line per kind of mark used, for under a table: ``† illustrative: ...``."""
    used = set(marks)
    return [f"{SYMBOL[m]} {MEANING[m]}" for m in (ILLUSTRATIVE, UNCERTAIN) if m in used]


def evidence_ratio(item: Evidence) -> str:
    """An evidence item's ratio in the unit its author wrote: ``lr 1.3``, ``+100 bits``."""
    if item.lr is not None:
        return f"lr {item.lr}"
    return f"{item.ratio.bits:+g} bits"


def _value(amap: ArgumentMap, ev: Evaluation, cid: str, frame: str) -> Value | None:
    claim = amap.claims[cid]
    value: object = ev.overrides.get(f"{cid}.credence")
    if value is None:
        fo = claim.frames.get(frame)
        value = fo.credence if fo is not None and fo.credence is not None else claim.credence
    return value if isinstance(value, Point | Interval | Beta) else None


def _written(amap: ArgumentMap, ev: Evaluation, cid: str, frame: str) -> float | None:
    value = _value(amap, ev, cid, frame)
    return None if value is None else value.mean().p


def prior_text(ev: Evaluation, cid: str, column: str) -> str:
    """The prior of :func:`prior` as the map wrote it (``1:2^100``, ``15%``) when one
    written value is the prior in ``column``; otherwise as a percentage."""
    frames = list(ev.frames) if column == OVERALL else [column]
    values = {str(v) for v in (_value(ev.map, ev, cid, f) for f in frames) if v is not None}
    if len(values) == 1:
        return values.pop()
    p = prior(ev, cid, column)
    return "n/a" if p is None else percent(p, 1)


def is_root(amap: ArgumentMap, cid: str) -> bool:
    """True when no argument supports or attacks ``cid``."""
    return cid not in amap.concluded


def prior(ev: Evaluation, cid: str, column: str) -> float | None:
    """The credence of ``cid`` in ``column`` before any evidence, when the map states it:
    for a claim nothing supports or attacks, its written base credence (``--set``
    included). None for other claims and for claims fixed by ``given``."""
    amap = ev.map
    if cid in ev.given or not is_root(amap, cid):
        return None
    if column != OVERALL:
        return _written(amap, ev, cid, column)
    total = weight_sum = 0.0
    for fname, fr in ev.frames.items():
        w = fr.weight
        p = _written(amap, ev, cid, fname)
        if w is None or p is None:
            return None
        total += w * p
        weight_sum += w
    return total / weight_sum if weight_sum > 0 else None


def moved(ev: Evaluation, cid: str, column: str, digits: int = 1) -> float | None:
    """The prior of ``cid`` in ``column`` when the credence shown (to ``digits`` decimals
    of a percent) differs from it, else None: the cases where *prior → posterior* helps."""
    p = prior(ev, cid, column)
    post = ev.claims[cid].credence.get(column)
    if p is None or post is None or math.isnan(post):
        return None
    return p if percent(p, digits) != percent(post, digits) else None
