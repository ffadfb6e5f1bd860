"""One source file as read: its data, its problems, and where each part was written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import Problem
from .models import Location, YamlPath

__all__ = ["REFUSED", "Pos", "Source", "decode"]


class _Refused:
    """Stands in for a value the reader refused and already reported."""

    def __repr__(self) -> str:
        return "<refused>"


REFUSED: Any = _Refused()
Pos = tuple[int, int]  # 1-based (line, column)


@dataclass
class Source:
    """One file's data and where each part of it was written.

    ``locations[path]`` is the key's position for a mapping or list value and
    the value's own position for a scalar; ``keys[path]`` is always the key's.
    ``flagged`` holds paths whose problem is already reported, so that the
    validator does not report it again in other words.
    """

    path: str
    data: Any = None
    ok: bool = False
    locations: dict[YamlPath, Location] = field(default_factory=dict)
    keys: dict[YamlPath, Pos] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    flagged: set[YamlPath] = field(default_factory=set)

    def at(self, line: int = 1, col: int = 1) -> Location:
        return Location(self.path, line, col)

    def locate(self, path: YamlPath) -> Location:
        """Where ``path`` (or its nearest located ancestor) was written."""
        while path and path not in self.locations:
            path = path[:-1]
        return self.locations.get(path) or self.at()

    def locate_key(self, path: YamlPath) -> Location:
        pos = self.keys.get(path)
        return self.at(*pos) if pos else self.locate(path)

    def problem(self, message: str, line: int = 1, col: int = 1) -> None:
        self.problems.append(Problem(self.at(line, col), message))


def decode(raw: bytes, path: str) -> Source | str:
    """UTF-8 text of ``raw`` (a leading BOM dropped), or a Source with the problem."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        src = Source(path)
        src.problem("the file is UTF-16; save it as UTF-8")
        return src
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        src = Source(path)
        start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[start : exc.start].decode("utf-8", "replace")) + 1
        src.problem(
            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8",
            raw.count(b"\n", 0, exc.start) + 1,
            col,
        )
        return src
