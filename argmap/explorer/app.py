"""What the explorer's API answers: a what-if query in, a JSON-ready document out.

No HTTP here (that is :mod:`.server`): :class:`Explorer` parses a query string
with the command line's own parsers (``given=ID=false`` means ``--given
ID=false``, ``set=KEY=VALUE`` means ``--set KEY=VALUE``), evaluates the
watcher's last good map with the engine and draws it with the renderers, and
caches both by (map version, what-if). A query it cannot answer raises
:class:`BadRequest` carrying the message the command line would print.

Each map version is compiled once (an :class:`argmap.Model`), and laid out once
per frame: a what-if only recolours that layout (:mod:`argmap.render.recolour`),
unless it changes what is drawn (an argument switched off), which is laid out
anew.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qs

from argmap._words import cli_words
from argmap.engine.memory import DEFAULT_MAX_MEMORY, parse_memory
from argmap.engine.model import Model
from argmap.engine.people import POOLED, disagree, evaluate_people, pooled_evaluation
from argmap.engine.result import OVERALL, Evaluation
from argmap.engine.uncertain import default_draws
from argmap.options import parse_given, parse_set
from argmap.render.dot import drawing, heading_dot, legend_dot
from argmap.render.fmt import moving
from argmap.render.graphviz import Renderer, compose, layout
from argmap.render.html import (
    add_number_sources,
    cruxes_document,
    evaluation_document,
    explanation_keys,
    interval_keys,
    page,
)
from argmap.render.people import disagreement_document
from argmap.render.recolour import recolour
from argmap.render.view import Direction, View, auto_direction, make_view
from argmap.schema import ArgmapError, ArgumentMap, UsageError
from argmap.schema.people import person_map
from argmap.schema.suggest import did_you_mean

from .watch import MapWatcher, Snapshot

T = TypeVar("T")
BAND_DRAWS = 1000  # as `argmap eval`, so the page's bands equal its output (budget allowing)
CRUXES_SHOWN = 10


class BadRequest(Exception):
    """A query the explorer cannot answer: HTTP 400 with this message."""


class Superseded(Exception):
    """A newer map or a newer request of the same kind came first: HTTP 409, and the page,
    which keeps only its latest answer, never shows it."""


class Busy(Exception):
    """Too many computations are waiting: HTTP 503."""


RUNNING = 2  # computations at once: more only share the same cores (and the GIL)
WAITING = 16  # computations queued behind them; more are refused at once


@dataclass(frozen=True)
class Ticket:
    """One request's place in line: its kind ("state" or "claim"), number and map version."""

    kind: str
    number: int
    map_version: int


class Admission:
    """Bounded, latest-first scheduling of the explorer's computations.

    At most RUNNING computations run and WAITING wait; a waiting one is dropped
    (Superseded) as soon as the map changes or a newer request of its kind
    arrives, and a running one that reports progress (the percentile band's
    draws) stops at its next report. So a burst of what-ifs, or a map reverted
    during a long computation, never queues work without bound.
    """

    def __init__(self, current_map_version: Callable[[], int]) -> None:
        self._map_version = current_map_version
        self._slots = threading.Semaphore(RUNNING)
        self._lock = threading.Lock()
        self._latest: dict[str, int] = {}
        self._waiting = 0

    def ticket(self, kind: str, map_version: int) -> Ticket:
        with self._lock:
            number = self._latest[kind] = self._latest.get(kind, 0) + 1
        return Ticket(kind, number, map_version)

    def superseded(self, t: Ticket) -> bool:
        with self._lock:
            newer = self._latest.get(t.kind, 0) != t.number
        return newer or self._map_version() != t.map_version

    def check(self, t: Ticket) -> None:
        """Raise Superseded if ``t`` is no longer wanted (a progress callback calls this)."""
        if self.superseded(t):
            raise Superseded(f"superseded by a newer {t.kind} request or map")

    def run(self, t: Ticket, compute: Callable[[], T]) -> T:
        """``compute()`` once a slot is free, unless ``t`` is superseded first."""
        with self._lock:
            if self._waiting >= WAITING:
                raise Busy("too many computations waiting; try again in a moment")
            self._waiting += 1
        try:
            while not self._slots.acquire(timeout=0.05):
                self.check(t)
        finally:
            with self._lock:
                self._waiting -= 1
        try:
            self.check(t)
            return compute()
        finally:
            self._slots.release()


@dataclass(frozen=True)
class WhatIf:
    """A what-if as written in the query: ``given`` and ``set`` items, and the frame drawn."""

    given: tuple[str, ...] = ()
    set: tuple[str, ...] = ()
    frame: str = ""
    person: str = ""  # whose numbers (`as=ID`, docs/people.md); "" is the map's own

    def parsed(self) -> tuple[dict[str, bool], dict[str, object]]:
        """``given`` and ``set`` as the engine takes them (the command line's parsers)."""
        try:
            return parse_given(self.given), parse_set(self.set)
        except ArgmapError as exc:
            raise BadRequest(str(exc)) from None


def parse_query(raw: str, allowed: frozenset[str]) -> dict[str, list[str]]:
    """The parameters of a query string; unknown or repeated single ones are a BadRequest."""
    try:
        query = parse_qs(raw, keep_blank_values=True, errors="strict", max_num_fields=500)
    except ValueError as exc:  # bad percent-encoding, not UTF-8, too many fields
        raise BadRequest(f"malformed query: {exc}") from None
    for key, values in query.items():
        if key not in allowed:
            raise BadRequest(f"unknown parameter {key!r}; expected {', '.join(sorted(allowed))}")
        if key not in ("given", "set") and len(values) > 1:
            raise BadRequest(f"parameter {key!r} given {len(values)} times")
    return query


def what_if(query: Mapping[str, list[str]]) -> WhatIf:
    frame = query.get("frame", [""])[0]
    person = query.get("as", [""])[0]
    return WhatIf(tuple(query.get("given", ())), tuple(query.get("set", ())), frame, person)


@dataclass(frozen=True)
class _Layout:
    """A map laid out once: the view it was drawn for, its direction and its SVG."""

    view: View
    rankdir: Direction
    map_svg: str


class _Memo:
    """A small thread-safe LRU cache. Two threads may compute one value twice; that
    is cheaper than making the second wait behind a lock held across the engine.
    With ``share``, a thread asking for a value another thread is computing waits
    for it instead (the band a prefetch has started), and computes it itself only
    if that computation fails or is superseded."""

    def __init__(self, size: int, *, share: bool = False) -> None:
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size
        self._share = share
        self._computing: dict[Hashable, threading.Event] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        done: threading.Event | None = None
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]  # type: ignore[no-any-return]
                if not self._share:
                    break
                running = self._computing.get(key)
                if running is None:
                    done = self._computing[key] = threading.Event()
                    break
            running.wait()  # then take its value, or compute it if it failed
        try:
            value = compute()
            if value is not None:
                self.put(key, value)
            return value
        finally:
            if done is not None:
                with self._lock:
                    del self._computing[key]
                done.set()

    def known(self, key: Hashable) -> bool:
        """Whether ``key``'s value is kept or being computed."""
        with self._lock:
            return key in self._items or key in self._computing

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def _evaluation_key(snap: Snapshot, w: WhatIf) -> Hashable:
    """What an evaluation (and its band) depends on: the frame drawn is not part of it."""
    return (snap.map_version, w.given, w.set, w.person)


STATE_PARAMS = frozenset({"given", "set", "frame", "as"})
CLAIM_PARAMS = STATE_PARAMS | {"id"}
DOUBLE_CRUXES = 3  # shown in a claim's disagreement


class Explorer:
    """Answers the page's requests about the map that ``watcher`` watches."""

    def __init__(
        self,
        watcher: MapWatcher,
        renderer: Renderer = "auto",
        *,
        max_memory: int | str = DEFAULT_MAX_MEMORY,
    ) -> None:
        self.watcher = watcher
        self.renderer: Renderer = renderer
        # The budget of every evaluation the page asks for (`serve --max-memory`),
        # as `argmap eval --max-memory` bounds its own: past it, sampled and said so.
        try:
            self.max_memory = parse_memory(max_memory)
        except ValueError as exc:  # as Model says it
            raise UsageError(f"max_memory: {exc}") from None
        self._evaluations = _Memo(32)
        self._bands = _Memo(16, share=True)  # a click waits for the band a prefetch started
        self._svgs = _Memo(32)
        self._cruxes = _Memo(64)
        self._explanations = _Memo(64)
        self._models = _Memo(4)  # map version -> its compiled Model
        self._layouts = _Memo(8)  # (map version, frame) -> the first layout drawn
        # The WebAssembly Graphviz is one instance: one layout at a time.
        self._drawing = threading.Lock()
        self.admission = Admission(lambda: self.watcher.snapshot.map_version)

    def page(self) -> str:
        """The live page; it fetches everything else from the API."""
        snap = self.watcher.snapshot
        title = snap.map.title if snap.map is not None else None
        return page({"name": self.watcher.name, "title": title}, "live")

    def _map(self, snap: Snapshot, person: str = "") -> ArgumentMap:
        if snap.map is None:
            raise BadRequest(f"{self.watcher.name} has problems and has never been valid")
        if person and person != POOLED:
            try:
                return person_map(snap.map, person)
            except ArgmapError as exc:
                raise BadRequest(str(exc)) from None
        return snap.map

    def _model(self, snap: Snapshot, person: str = "") -> Model:
        """The map (as ``person`` when given) compiled once per version of the file."""
        amap = self._map(snap, person)
        return self._models.get(
            (snap.map_version, person), lambda: Model(amap, max_memory=self.max_memory)
        )

    def band_draws(self, amap: ArgumentMap) -> int:
        """The band's draws: 1,000, as `argmap eval`, or as many as the memory budget
        holds for this map (as `eval`'s default does), so a large map is never an error."""
        return self._default_band(amap)[0]

    def _default_band(self, amap: ArgumentMap) -> tuple[int, str | None]:
        columns = (len(amap.frames) or 1) + 1  # each frame and overall, as `eval` counts
        uncertain = amap.uncertain
        return default_draws(self.max_memory, len(amap.claims), columns, uncertain, BAND_DRAWS)

    def _evaluation(self, snap: Snapshot, w: WhatIf, ticket: Ticket, draws: int = 0) -> Evaluation:
        given, sets = w.parsed()
        model = None if w.person == POOLED else self._model(snap, w.person)
        amap = self._map(snap, w.person)
        given, sets = w.parsed()

        def stop_if_superseded(_done: int, _total: int) -> None:
            self.admission.check(ticket)

        def run() -> Evaluation:
            try:
                if model is None:
                    # the people's pooled credences (no explanations or bands of a pool)
                    people = evaluate_people(
                        amap, given=given, set=sets, band_draws=0, max_memory=self.max_memory
                    )
                    return pooled_evaluation(people)
                # The band's draws and the explanations are asked for on their own,
                # after a click (:meth:`claim`): they are slow, and a what-if needs neither.
                return model.evaluate(
                    given=given,
                    set=sets,
                    band_draws=draws,
                    progress=stop_if_superseded,
                )
            except ArgmapError as exc:  # unknown ids, bad values, impossible evidence
                raise BadRequest(str(exc)) from None

        memo = self._bands if draws else self._evaluations
        return memo.get(_evaluation_key(snap, w), lambda: self.admission.run(ticket, run))

    def _check_frame(self, ev: Evaluation, frame: str) -> None:
        if not frame or frame in ev.columns:
            return
        if frame in ev.frames:
            raise BadRequest(
                f"frame '{frame}' has no credences: the evidence and given are impossible there"
            )
        raise BadRequest(
            f"frame: no frame '{frame}' in {ev.map.name}{did_you_mean(frame, ev.columns)}"
        )

    def _svg(self, snap: Snapshot, w: WhatIf, ev: Evaluation, ticket: Ticket) -> str:
        def run() -> str:
            view = make_view(ev, columns=[w.frame] if w.frame else None)
            engine = layout(self.renderer)
            key = (snap.map_version, w.frame)
            base: _Layout | None = self._layouts.get(key, lambda: None)
            if base is not None:
                # Only colours and numbers differ: recolour the laid-out map, and lay
                # out just the small heading and legend.
                recoloured = recolour(base.map_svg, base.view, view)
                if recoloured is not None:
                    heading, legend = heading_dot(view), legend_dot(view)
                    with self._drawing:
                        return compose(engine.svg(heading), recoloured, engine.svg(legend))
            rankdir = auto_direction(view)
            d = drawing(view, rankdir=rankdir)
            with self._drawing:
                parts = engine.svg(d.heading), engine.svg(d.map), engine.svg(d.legend)
            if base is None:
                self._layouts.put(key, _Layout(view, rankdir, parts[1]))
            return compose(*parts)

        return self._svgs.get(
            (snap.map_version, w.given, w.set, w.frame, w.person),
            lambda: self.admission.run(ticket, run),
        )

    def state(self, raw_query: str) -> dict[str, Any]:
        """GET /api/state: the evaluation, the picture of the chosen column, the problems."""
        w = what_if(parse_query(raw_query, STATE_PARAMS))
        snap = self.watcher.snapshot
        head: dict[str, Any] = {
            "version": snap.version,
            "map_version": snap.map_version,
            "name": self.watcher.name,
            "problems": list(snap.problems),
        }
        if snap.map is None:
            return head | {"claims": None}
        ticket = self.admission.ticket("state", snap.map_version)
        ev = self._evaluation(snap, w, ticket)
        self._check_frame(ev, w.frame)
        doc = evaluation_document(ev)
        if w.person and w.person != POOLED:  # where that person's numbers come from
            doc = add_number_sources(doc, snap.map.people[w.person])
        warnings = self._warnings(snap, w, ev)
        if warnings:
            doc["warnings"] = warnings
        people = {pid: p.label for pid, p in sorted(snap.map.people.items())}
        extra = {"frame": w.frame, "person": w.person, "people": people}
        answer = doc | head | extra | {"svg": self._svg(snap, w, ev, ticket)}
        self._prefetch_band(snap, w)
        return answer

    def _warnings(self, snap: Snapshot, w: WhatIf, ev: Evaluation) -> list[str]:
        """The evaluation's warnings in the words of the command that started the page:
        what the page's what-ifs cannot change (the memory budget) is a flag of
        `argmap serve`, so the page names that flag, as `argmap render` does."""
        out = list(ev.warnings)
        if w.person != POOLED and (short := self._default_band(self._map(snap, w.person))[1]):
            out.append(short)
        return [cli_words(x) for x in out]

    def _prefetch_band(self, snap: Snapshot, w: WhatIf) -> None:
        """Start this what-if's percentile band in the background: a claim's click
        needs it (every claim's band comes from one computation), and by the time a
        reader clicks it is ready. A newer what-if or map stops it at its next batch
        of draws; a click arriving before it ends waits for it rather than start again."""
        if w.person == POOLED or not self._map(snap, w.person).uncertain:
            return
        draws = self._draws(snap, w)
        if not draws:  # the memory budget holds no band of this map
            return
        if self._bands.known(_evaluation_key(snap, w)):  # e.g. the same what-if in another frame
            return
        ticket = self.admission.ticket("band", snap.map_version)

        def run() -> None:
            # Whatever goes wrong here (superseded, busy, a bad what-if, even a bug)
            # is left to the click, which computes the band again and reports it.
            with contextlib.suppress(Exception):
                self._evaluation(snap, w, ticket, draws)

        threading.Thread(target=run, name="argmap-band", daemon=True).start()

    def _draws(self, snap: Snapshot, w: WhatIf) -> int:
        return self.band_draws(self._map(snap, w.person))

    def claim(self, raw_query: str) -> dict[str, Any]:
        """GET /api/claim: one claim's 5th-95th percentile bands and cruxes."""
        query = parse_query(raw_query, CLAIM_PARAMS)
        w = what_if(query)
        snap = self.watcher.snapshot
        amap = self._map(snap, w.person)
        cid = query.get("id", [""])[0]
        if cid not in amap.claims:
            raise BadRequest(f"no claim '{cid}' in {amap.name}{did_you_mean(cid, amap.claims)}")
        ticket = self.admission.ticket("claim", snap.map_version)
        ev = self._evaluation(snap, w, ticket)
        self._check_frame(ev, w.frame)
        doc: dict[str, Any] = {"id": cid, "version": snap.version}
        if w.person != POOLED:  # a pool of people has no explanation (docs/people.md)
            doc |= explanation_keys(self._explanation(snap, w, cid, ticket))
        draws = self._draws(snap, w)
        res = (self._evaluation(snap, w, ticket, draws) if draws else ev).claims[cid]
        doc |= interval_keys(res.interval)
        frames = [w.frame] if w.frame and w.frame != OVERALL else None
        if w.person == POOLED:
            doc["cruxes_error"] = "cruxes are one person's: choose a person under Numbers of"
            doc["disagreement"] = self._disagreement(snap, w, cid, frames)
            return doc
        if frames is None and OVERALL not in ev.columns and len(ev.columns) > 1:
            doc["cruxes_error"] = "the frames carry no weights: choose a frame under View"
            return doc
        given, sets = w.parsed()

        def run() -> list[dict[str, Any]]:
            try:
                found = self._model(snap, w.person).cruxes(
                    cid, given=given, set=sets, frames=frames
                )
            except ArgmapError as exc:
                raise BadRequest(str(exc)) from None
            return cruxes_document(found[:CRUXES_SHOWN])

        doc["cruxes"] = self._cruxes.get(
            (snap.map_version, w.given, w.set, w.frame, w.person, cid),
            lambda: self.admission.run(ticket, run),
        )
        doc["disagreement"] = self._disagreement(snap, w, cid, frames)
        return doc

    def _explanation(
        self, snap: Snapshot, w: WhatIf, cid: str, ticket: Ticket
    ) -> dict[str, dict[str, float]]:
        """What each argument touching ``cid`` contributes to it, per column: only
        the arguments around that claim are switched off (docs/explorer.md)."""
        given, sets = w.parsed()

        def run() -> dict[str, dict[str, float]]:
            try:
                ev = self._model(snap, w.person).evaluate(given=given, set=sets, explain=[cid])
            except ArgmapError as exc:
                raise BadRequest(str(exc)) from None
            return moving(ev.claims[cid].explanation)

        return self._explanations.get(
            (snap.map_version, w.given, w.set, w.person, cid),
            lambda: self.admission.run(ticket, run),
        )

    def _disagreement(
        self, snap: Snapshot, w: WhatIf, cid: str, frames: list[str] | None
    ) -> dict[str, Any] | None:
        """The claim's disagreement between the person shown (or the first person) and the
        next one: the gap, what it comes from, the double cruxes (docs/people.md)."""
        amap = self._map(snap)
        ids = sorted(amap.people)
        if len(ids) < 2:
            return None
        a = w.person if w.person in ids else ids[0]
        b = next(p for p in ids if p != a)
        given, sets = w.parsed()
        if cid in given:
            return None

        def run() -> dict[str, Any] | None:
            try:
                d = disagree(
                    amap,
                    cid,
                    a,
                    b,
                    given=given,
                    set=sets,
                    frames=frames,
                    top=DOUBLE_CRUXES,
                    max_memory=self.max_memory,
                )
            except ArgmapError as exc:
                return {"error": str(exc)}
            return disagreement_document(d, amap.name)

        key = ("disagree", snap.map_version, w.given, w.set, w.frame, a, b, cid)
        return self._cruxes.get(key, run)
