"""The public library API: load a map, compile it, ask it questions, draw it.

Several people's numbers on one map (docs/people.md): ``as_person``,
``evaluate_people``, ``disagree``.

>>> import argmap
>>> m = argmap.load("arguments/examples/power-seeking.yaml")
>>> m
<ArgumentMap 'arguments/examples/power-seeking.yaml': 7 claims, 1 argument, 1 frame>
>>> ev = argmap.evaluate(m, given={"ps-timelines": True})
>>> round(ev.claims["ps-doom"].credence["default"], 5)
0.07904
>>> model = argmap.Model(m)          # compiled once, queried many times
>>> sorted(c.claim for c in model.cruxes("ps-doom")[:2])
['ps-alignment-hard', 'ps-disempowerment']
>>> top = model.sensitivity("ps-doom")[0]   # (two premises at 40% tie for first)
>>> top.parameter in ("ps-alignment-hard.credence", "ps-disempowerment.credence")
True
>>> round(top.low, 4), round(top.high, 4)
(0.0321, 0.0734)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal, overload

from argmap.engine.memory import DEFAULT_MAX_MEMORY
from argmap.engine.model import Model
from argmap.engine.people import disagree, evaluate_people
from argmap.engine.result import Evaluation
from argmap.engine.sensitivity import Crux, Swing
from argmap.schema import ArgumentMap, UsageError
from argmap.schema.loader import load as _load
from argmap.schema.loader import loads as _loads
from argmap.schema.people import person_map as _person_map

__all__ = [
    "Model",
    "as_person",
    "cruxes",
    "disagree",
    "draw",
    "evaluate",
    "evaluate_people",
    "load",
    "loads",
    "sensitivity",
]

Format = Literal["svg", "png", "pdf", "dot", "mmd"]


def load(path: str | Path, people: Sequence[str | Path] = ()) -> ArgumentMap:
    """Load and validate a map: one .yaml file or a directory of them.

    Person overlays (files with ``person:``) in the map's directory, in
    ``NAME.people/`` beside a one-file map, or named in ``people`` are checked
    and kept in ``map.people`` (docs/people.md). Raises :class:`argmap.MapError`
    listing every problem, each located.
    """
    return _load(path, people=people)


def loads(text: str, name: str = "<string>") -> ArgumentMap:
    """Load and validate a map from YAML text; ``name`` is the path its problems cite.

    >>> import argmap
    >>> m = argmap.loads("argmap: 1\\nclaims: {a: {credence: 30%}}\\n")
    >>> argmap.evaluate(m).claims["a"].credence["default"]
    0.3
    """
    return _loads(text, name)


def evaluate(
    amap: ArgumentMap | Model,
    *,
    given: Mapping[str, bool] | None = None,
    set: Mapping[str, object] | None = None,
    frames: Sequence[str] | None = None,
    explain: bool | Collection[str] = False,
    method: Literal["auto", "exact", "sampled"] = "auto",
    max_memory: int | str = DEFAULT_MAX_MEMORY,
    samples: int = 100_000,
    band_draws: int = 1000,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Every claim's credence in every frame (docs/semantics.md).

    ``given`` fixes claims true/false; ``set`` overrides parameters
    (``{"claim": "70%", "argument.strength": 0.2}``); ``frames`` restricts the
    frames computed; ``explain=True`` adds each argument's contribution to
    every claim, ``explain=["c"]`` to just those claims (far cheaper on a large map).

    ``method="exact"`` is exact inference; ``"sampled"`` is Monte Carlo
    (likelihood weighting, ``samples`` draws per frame from ``seed``, each
    credence with its standard error); ``"auto"`` is exact unless one pass would
    need more than ``max_memory`` (bytes, or text like ``"4GB"``; default 1 GB),
    and then samples and says why in ``Evaluation.warnings``. Sampling whose
    effective sample size collapses raises :class:`argmap.SamplingCollapsedError`.
    Under uncertain parameters each claim also gets ``interval``, the 5th-95th
    percentile of its credence over ``band_draws`` exact draws from ``seed``
    (``band_draws=0`` skips that work). Pass a :class:`Model` to reuse its
    compiled plan (``method`` and ``max_memory`` are then the model's).
    Raises :class:`argmap.UsageError` for unknown ids and
    :class:`argmap.ImpossibleEvidenceError` when the evidence cannot hold.
    """
    model = amap if isinstance(amap, Model) else Model(amap, method=method, max_memory=max_memory)
    return model.evaluate(
        given=given,
        set=set,
        frames=frames,
        explain=explain,
        samples=samples,
        band_draws=band_draws,
        seed=seed,
        progress=progress,
    )


def cruxes(
    amap: ArgumentMap | Model,
    claim: str,
    *,
    given: Mapping[str, object] | None = None,
    set: Mapping[str, object] | None = None,
    frames: Iterable[str] | None = None,
) -> list[Crux]:
    """Every other claim X, by how much learning whether X would move ``claim``.

    >>> import argmap
    >>> m = argmap.load("arguments/examples/power-seeking.yaml")
    >>> c = argmap.cruxes(m, "ps-doom")[0]
    >>> round(c.probability, 2), round(c.if_true, 4), c.if_false
    (0.4, 0.1284, 0.0)
    """
    model = amap if isinstance(amap, Model) else Model(amap)
    return model.cruxes(claim, given=given, set=set, frames=frames)


def sensitivity(
    amap: ArgumentMap | Model,
    claim: str,
    *,
    given: Mapping[str, object] | None = None,
    set: Mapping[str, object] | None = None,
    frames: Iterable[str] | None = None,
) -> list[Swing]:
    """Every parameter swung alone (within each frame around its own value), largest
    effect on ``claim`` first (docs/analysis.md)."""
    model = amap if isinstance(amap, Model) else Model(amap)
    return model.sensitivity(claim, given=given, set=set, frames=frames)


@overload
def draw(
    what: ArgumentMap | Model | Evaluation,
    fmt: Literal["svg", "dot", "mmd"] = "svg",
    *,
    focus: Sequence[str] = (),
    depth: int | None = 2,
    direction: Literal["LR", "TB"] | None = None,
    renderer: Literal["auto", "system", "wasm"] = "auto",
) -> str: ...


@overload
def draw(
    what: ArgumentMap | Model | Evaluation,
    fmt: Literal["png", "pdf"],
    *,
    focus: Sequence[str] = (),
    depth: int | None = 2,
    direction: Literal["LR", "TB"] | None = None,
    renderer: Literal["auto", "system", "wasm"] = "auto",
) -> bytes: ...


def draw(
    what: ArgumentMap | Model | Evaluation,
    fmt: Format = "svg",
    *,
    focus: Sequence[str] = (),
    depth: int | None = 2,
    direction: Literal["LR", "TB"] | None = None,
    renderer: Literal["auto", "system", "wasm"] = "auto",
) -> str | bytes:
    """The diagram of a map (evaluated as written) or of an evaluation.

    ``"svg"``, ``"dot"`` and ``"mmd"`` (Mermaid) are text; ``"png"`` and
    ``"pdf"`` bytes. ``focus`` draws only the neighbourhood of those ids.

    >>> import argmap
    >>> m = argmap.loads("argmap: 1\\nclaims: {a: {credence: 30%}}\\n")
    >>> argmap.draw(m, "svg").startswith("<?xml")
    True
    >>> "flowchart" in argmap.draw(m, "mmd")
    True
    """
    from argmap.render.dot import drawing, to_dot
    from argmap.render.graphviz import draw as draw_picture
    from argmap.render.mermaid import to_mermaid
    from argmap.render.view import auto_direction, make_view

    if fmt not in ("svg", "png", "pdf", "dot", "mmd"):
        raise UsageError(f"draw: unknown format {fmt!r}; use svg, png, pdf, dot or mmd")
    ev = what if isinstance(what, Evaluation) else evaluate(what, band_draws=0)
    view = make_view(ev, focus=focus, depth=depth if focus else None)
    rankdir = direction or auto_direction(view)
    if fmt == "dot":
        return to_dot(view, rankdir=rankdir)
    if fmt == "mmd":
        return to_mermaid(view, direction=rankdir)
    data = draw_picture(drawing(view, rankdir=rankdir), fmt, renderer=renderer)
    return data.decode("utf-8") if fmt == "svg" else data


def as_person(amap: ArgumentMap, person: str) -> ArgumentMap:
    """The map with person ``person``'s overlay applied (what ``eval --as`` evaluates).

    >>> m = load("arguments/examples/power-seeking.yaml")
    >>> evaluate(as_person(m, "superforecasters-2023")).claims["ps-doom"].credence["default"]
    0.002088...
    """
    return _person_map(amap, person)
