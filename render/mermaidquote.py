"""Quoting for Mermaid flowcharts: the only place Mermaid text is escaped.

Labels are written in double quotes, and every ASCII character that means
something to Mermaid, to the HTML it renders labels into, or to its
``%%{...}%%`` directive scanner (which reads the whole text, quotes and
all) becomes one of Mermaid's entity codes, ``#35;`` for ``#``. Letters,
digits and other characters pass through, control characters and line
separators do not. Node ids are never user text: :func:`node_id` makes
``c0``, ``a1``... which cannot collide with keywords such as ``end``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Everything that is syntax somewhere: quotes, entity starts, HTML, Markdown
# strings, shapes, edge labels, statement ends, escapes, and a % that could
# begin a directive or comment (%%, %{); a lone "70%" stays readable.
_SPECIAL = re.compile(r"""["#&<>`|\[\](){};\\]|%(?=[%{])""")
_NAMED = {'"': "#quot;", "&": "#amp;", "<": "#lt;", ">": "#gt;"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TITLE_SAFE = re.compile(r"[A-Za-z0-9 .,:;!?'()+=/\-]")


def clean(s: str) -> str:
    """``s`` on one line, without characters that cannot be shown."""
    return " ".join(_BREAKS.sub(" ", _UNSAFE.sub("", s)).split())


def text(s: str) -> str:
    """``s`` escaped for use inside a double-quoted Mermaid label (no quotes added)."""
    return _SPECIAL.sub(lambda m: _NAMED.get(m.group(), f"#{ord(m.group())};"), clean(s))


def label(lines: Iterable[str]) -> str:
    """A double-quoted label of ``lines`` joined by ``<br>`` line breaks."""
    return '"' + "<br>".join(text(line) for line in lines) + '"'


def node_id(prefix: str, index: int) -> str:
    """A safe node id such as ``c0``: lowercase letter prefix plus a number."""
    nid = f"{prefix}{index}"
    if not _ID.match(nid):
        raise ValueError(f"unsafe Mermaid node id {nid!r}")
    return nid


def title(s: str) -> str:
    """``s`` as a YAML double-quoted string for Mermaid's front matter.

    Anything but plain letters and punctuation is a ``\\uXXXX`` escape, so
    neither YAML nor Mermaid's directive scanner (``%%{``) sees it.
    """
    out = []
    for ch in clean(s):
        if _TITLE_SAFE.fullmatch(ch):
            out.append(ch)
        elif ord(ch) > 0xFFFF:
            out.append(json.dumps(ch, ensure_ascii=True)[1:-1])  # a surrogate pair
        else:
            out.append(f"\\u{ord(ch):04x}")
    return '"' + "".join(out) + '"'
