"""Argdown (``.argdown``): read into a map, and write a map as Argdown.

Argdown is the plain-text format of the argument-mapping community
(statements ``[title]: text``, arguments ``<title>: text``, premise-conclusion
structures, relations ``+ - _ ><`` by indentation, YAML data in ``{...}``).
No Python parser for it exists, so this module has a small one, line based,
for the part of the syntax that carries structure; docs/interop.md has the
mapping table. What it reads:

- front matter between ``===`` lines (``title``; an ``argmap:`` key carries
  frames and groups);
- comments (``//`` to the end of a line, ``/* ... */``), headings, hashtags,
  backslash escapes;
- statement and argument definitions and references, with YAML data;
- premise-conclusion structures (``(1) ...``, ``----``, or an expanded
  inference between ``--`` lines);
- relation trees, every symbol and direction (``+ - _ <+ +> <- -> <_ _> ><``).

>>> imp = parse("[a]: Rain. {credence: 0.3}\\n  + <wet>: The street is wet.\\n", "x.argdown")
>>> sorted(imp.data["claims"]), sorted(imp.data["arguments"])
(['a'], ['wet'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from argmap.schema import ArgumentMap, Location, MapError, Problem
from argmap.schema.models import Argument, Claim, MapFile

from .common import IdMaker, Imported, finish, map_data

__all__ = ["parse", "write"]

Kind = Literal["statement", "argument"]
Ref = tuple[Kind, str]  # ("statement", title) or ("argument", title)

# Claim and argument fields an Argdown YAML data element may carry: argmap's own,
# except those the Argdown structure itself says (text, premises, targets).
_CLAIM_KEYS = tuple(k for k in Claim.model_fields if k not in ("text", "tags"))
_ARG_KEYS = tuple(
    k
    for k in Argument.model_fields
    if k not in ("text", "tags", "premises", "supports", "attacks", "undercuts")
)
_ALIASES = {"probability": "credence", "p": "credence"}  # BayesDown-style keys

_RELATION = re.compile(
    r"^(?P<indent>[ \t]*)(?P<sym><\+|\+>|<-|->|<_|_>|><|\+|-|_)[ \t]+(?P<rest>\S.*)$"
)
_PCS = re.compile(r"^(?P<indent>[ \t]*)\((?P<n>\d+)\)[ \t]+(?P<rest>.*)$")
_COLLAPSED = re.compile(r"^[ \t]*-{4,}[ \t]*$")
_EXPANDED = re.compile(r"^[ \t]*--[ \t]*$")
_ONE_LINE_INFERENCE = re.compile(r"^[ \t]*--(?!-)[^\n]*[^-]--[ \t]*$")  # -- Modus Ponens --
_HEADING = re.compile(r"^#{1,6}[ \t]")
_LIST = re.compile(r"^(?P<indent>[ \t]*)(?:\*|\d+\.)[ \t]+(?P<rest>\S.*)$")
_TAG = re.compile(r"(?<![\\\w])#(?:\((?P<b>[^)]*)\)|(?P<w>[\w-]+))")
_TITLE = re.compile(r"^(?P<open>[\[<])(?P<title>(?:\\.|[^\]>\\])+)(?P<close>[\]>])(?P<colon>:)?")
_MENTION = re.compile(r"@(?=[\[<])")
_ESCAPED = re.compile(r"\\(.)")
_NOT = re.compile(r"^not[ \t]+(?P<of>.+)$")


@dataclass
class _Element:
    kind: Kind
    title: str | None
    text: str
    data: dict[str, Any]
    tags: list[str]
    line: int
    col: int


@dataclass
class _Statement:
    title: str
    texts: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class _Argument:
    title: str
    texts: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    pcs: list[tuple[bool, Ref]] = field(default_factory=list)  # (after an inference, statement)
    line: int = 0


@dataclass
class _Relation:
    kind: Literal["support", "attack", "undercut", "contradiction"]
    source: Ref
    target: Ref
    line: int


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.problems: list[Problem] = []
        self.front: dict[str, Any] = {}
        self.statements: dict[str, _Statement] = {}
        self.arguments: dict[str, _Argument] = {}
        self.relations: list[_Relation] = []
        self.anonymous = 0
        self.headings = 0

    def problem(self, line: int, col: int, message: str) -> None:
        self.problems.append(Problem(Location(self.path, line, col), message))

    # -- reading ---------------------------------------------------------------

    def run(self) -> None:
        start = self._front_matter()
        lines = self._strip_comments(start)
        block: list[tuple[int, str]] = []
        prev_argument: str | None = None
        for number, line in [*lines, (len(self.lines) + 1, "")]:
            if line is None:  # a line that held only a comment
                continue
            if line.strip():
                block.append((number, line))
                continue
            if block:
                prev_argument = self._block(block, prev_argument)
                block = []

    def _front_matter(self) -> int:
        """Read the front matter; return the index of the first line after it."""
        first = next((i for i, ln in enumerate(self.lines) if ln.strip()), None)
        if first is None or self.lines[first].strip() != "===":
            return 0
        for end in range(first + 1, len(self.lines)):
            if self.lines[end].strip() == "===":
                raw = "\n".join(self.lines[first + 1 : end])
                try:
                    loaded = yaml.safe_load(raw) if raw.strip() else {}
                except yaml.YAMLError as exc:
                    mark = getattr(exc, "problem_mark", None)
                    line = first + 2 + (mark.line if mark else 0)
                    self.problem(line, 1, f"front matter is not valid YAML: {_yaml_reason(exc)}")
                    loaded = {}
                if not isinstance(loaded, dict):
                    self.problem(first + 1, 1, "front matter must be a YAML mapping")
                    loaded = {}
                self.front = loaded
                return end + 1
        self.problem(first + 1, 1, "front matter opened with '===' is never closed")
        return len(self.lines)

    def _strip_comments(self, start: int) -> list[tuple[int, str | None]]:
        """Lines with comments blanked; a line that held only a comment becomes None."""
        out: list[tuple[int, str | None]] = []
        in_block = False
        block_start = 0
        closer = "*/"
        for i in range(start, len(self.lines)):
            line = self.lines[i]
            kept: list[str] = []
            j = 0
            had_comment = False
            while j < len(line):
                if in_block:
                    end = line.find(closer, j)
                    if end < 0:
                        j = len(line)
                        had_comment = True
                        continue
                    in_block = False
                    had_comment = True
                    kept.append(" " * (end + len(closer) - j))
                    j = end + len(closer)
                    continue
                ch = line[j]
                if ch == "\\" and j + 1 < len(line):
                    kept.append(line[j : j + 2])
                    j += 2
                    continue
                if line.startswith("/*", j) or line.startswith("<!--", j):
                    closer = "*/" if line.startswith("/*", j) else "-->"
                    in_block, block_start, had_comment = True, i + 1, True
                    j += 2 if closer == "*/" else 4
                    continue
                if line.startswith("//", j) and (j == 0 or line[j - 1] in " \t"):
                    had_comment = True
                    break
                kept.append(ch)
                j += 1
            text = "".join(kept).rstrip()
            out.append((i + 1, None if had_comment and not text.strip() else text))
        if in_block:
            self.problem(block_start, 1, f"comment is never closed (no {closer!r})")
        return out

    def _block(self, block: list[tuple[int, str]], prev_argument: str | None) -> str | None:
        """Read one block (lines between empty lines); return the argument a pcs may follow."""
        first = block[0][1]
        if _HEADING.match(first):
            self.headings += 1  # a heading runs to the end of its block
            return None
        stack: list[tuple[int, Ref]] = []
        top: Ref | None = None
        owner = prev_argument  # the argument a pcs in this block belongs to
        pending: list[tuple[int, int, str]] = []  # (line, col, text) of the element being read
        pending_attach: tuple[str, int, Ref | None] | None = None  # (how, indent, parent)
        in_expanded = False
        after_inference = False

        def flush() -> None:
            nonlocal pending, pending_attach, top, owner, after_inference
            if not pending:
                return
            line, col, _ = pending[0]
            raw = "\n".join(t for _, _, t in pending)
            elem = self._element(raw, line, col)
            ref = self._register(elem)
            assert pending_attach is not None
            how, indent, parent = pending_attach
            if how == "top":
                top = ref
                stack[:] = [(indent, ref)]
                owner = ref[1] if ref[0] == "argument" else None
            elif how == "pcs":
                if ref[0] != "statement":
                    self.problem(line, col, "a premise or conclusion must be a statement")
                elif owner is None:
                    self.anonymous += 1
                    owner = f"argument {self.anonymous}"
                    self.arguments[owner] = _Argument(owner, line=line)
                    self.arguments[owner].pcs.append((after_inference, ref))
                else:
                    self.arguments[owner].pcs.append((after_inference, ref))
                after_inference = False
                stack[:] = [(indent, ref)]
            else:
                assert parent is not None
                self._relate(how, parent, ref, line)
                stack.append((indent, ref))
            pending, pending_attach = [], None

        for number, line in block:
            if in_expanded:
                if _EXPANDED.match(line):
                    in_expanded = False
                continue
            if _COLLAPSED.match(line) or _ONE_LINE_INFERENCE.match(line):
                flush()
                after_inference = True
                continue
            if _EXPANDED.match(line):
                flush()
                in_expanded, after_inference = True, True
                continue
            m = _PCS.match(line)
            if m:
                flush()
                pending = [(number, m.start("rest") + 1, m["rest"])]
                pending_attach = ("pcs", len(m["indent"]), None)
                continue
            m = _LIST.match(line)
            if m:  # each list item is a statement of its own, and may have relations below it
                flush()
                pending = [(number, m.start("rest") + 1, m["rest"])]
                pending_attach = ("top", len(m["indent"].expandtabs(4)), None)
                continue
            m = _RELATION.match(line)
            if m and (top is not None or pending or stack):
                flush()
                indent = len(m["indent"].expandtabs(4))
                while stack and stack[-1][0] >= indent:
                    stack.pop()
                if not stack:
                    self.problem(
                        number,
                        indent + 1,
                        "a relation needs a parent element above it, indented less",
                    )
                    continue
                pending = [(number, m.start("rest") + 1, m["rest"])]
                pending_attach = (m["sym"], indent, stack[-1][1])
                continue
            if pending:
                pending.append((number, 1, line.strip()))
                continue
            # A new top-level element.
            flush()
            indent = len(line) - len(line.lstrip())
            pending = [(number, indent + 1, line.strip())]
            pending_attach = ("top", indent, None)
        flush()
        if in_expanded:
            self.problem(block[-1][0], 1, "an expanded inference opened with '--' is never closed")
        if top is not None and top[0] == "argument":
            return top[1]
        return None

    def _element(self, raw: str, line: int, col: int) -> _Element:
        text = raw.strip()
        data: dict[str, Any] = {}
        brace = _data_start(text)
        if brace is not None:
            chunk = text[brace:]
            end = _matching(chunk)
            if end is None:
                self.problem(line, col + brace, "YAML data opened with '{' is never closed")
                chunk_body = ""
            else:
                chunk_body = chunk[: end + 1]
            text = (text[:brace] + chunk[len(chunk_body) :]).strip()
            if chunk_body:
                inner = chunk_body[1:-1]
                source = inner if chunk_body.startswith("{\n") else chunk_body
                try:
                    loaded = yaml.safe_load(source)
                except yaml.YAMLError as exc:
                    self.problem(line, col + brace, f"YAML data is not valid: {_yaml_reason(exc)}")
                    loaded = {}
                if isinstance(loaded, dict):
                    data = loaded
                elif loaded is not None:
                    self.problem(line, col + brace, "YAML data must be a mapping")
        tags = [m["b"] or m["w"] for m in _TAG.finditer(text)]
        text = _TAG.sub("", text)
        m = _TITLE.match(text)
        is_link = m is not None and text[m.end() : m.end() + 1] == "("
        if m and not is_link and (m["open"], m["close"]) in (("[", "]"), ("<", ">")):
            kind: Kind = "statement" if m["open"] == "[" else "argument"
            title = _unescape(m["title"]).strip()
            rest = text[m.end() :]
            if not m["colon"] and rest.strip():
                self.problem(line, col, f"expected ':' after the title {m.group(0)!r}")
            body = _clean(rest) if m["colon"] else ""
            return _Element(kind, title, body, data, tags, line, col)
        return _Element("statement", None, _clean(text), data, tags, line, col)

    def _register(self, e: _Element) -> Ref:
        if e.kind == "argument":
            assert e.title is not None
            arg = self.arguments.get(e.title)
            if arg is None:
                arg = self.arguments[e.title] = _Argument(e.title, line=e.line)
            if e.text:
                arg.texts.append(e.text)
            arg.data.update(e.data)
            arg.tags.extend(t for t in e.tags if t not in arg.tags)
            return ("argument", e.title)
        title = e.title
        if title is None:
            self.anonymous += 1
            title = f"statement {self.anonymous}"
        st = self.statements.get(title)
        if st is None:
            st = self.statements[title] = _Statement(title, line=e.line)
        if e.text:
            st.texts.append(e.text)
        st.data.update(e.data)
        st.tags.extend(t for t in e.tags if t not in st.tags)
        return ("statement", title)

    def _relate(self, sym: str, parent: Ref, child: Ref, line: int) -> None:
        kind = {"+": "support", "-": "attack", "_": "undercut", "><": "contradiction"}[
            sym.strip("<>") or "><"
        ]
        outgoing = sym.endswith(">") and sym != "><"  # parent -> child
        source, target = (parent, child) if outgoing else (child, parent)
        self.relations.append(_Relation(kind, source, target, line))  # type: ignore[arg-type]


def _yaml_reason(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    return str(problem) if problem else str(exc).splitlines()[0]


def _data_start(text: str) -> int | None:
    """Where a trailing YAML data element ``{...}`` starts in an element's text, if any."""
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "{":
            end = _matching(text[i:])
            tail = "" if end is None else text[i + end + 1 :]
            if end is None or not _TAG.sub("", tail).strip():
                return i
        i += 1
    return None


def _matching(chunk: str) -> int | None:
    """Index of the brace closing ``chunk[0]``, skipping quoted strings."""
    depth = 0
    quote: str | None = None
    i = 0
    while i < len(chunk):
        ch = chunk[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'" and chunk[:i].rstrip()[-1:] in ("{", "[", ",", ":", ""):
            quote = ch  # a quoted scalar; a quote inside a plain scalar is just a character
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def _clean(text: str) -> str:
    """Statement text: lines joined, mentions' @ dropped, escapes undone."""
    joined = " ".join(part.strip() for part in text.split("\n") if part.strip())
    return _unescape(_MENTION.sub("", joined)).strip()


# -- Argdown model -> argmap data ----------------------------------------------------


def parse(text: str, path: str) -> Imported:
    """Read Argdown text into map data; raise MapError for malformed input."""
    p = _Parser(text, path)
    p.run()
    if p.problems:
        raise MapError(p.problems)
    return _Mapper(p).run()


class _Mapper:
    def __init__(self, p: _Parser) -> None:
        self.p = p
        self.ids = IdMaker()
        self.imp = Imported({"argmap": 1})
        self.claim_id: dict[str, str] = {}
        self.negation: dict[str, str] = {}  # title "not X" -> title X
        self.arg_ids: dict[str, list[str]] = {}  # Argdown argument -> its argmap arguments
        self.args: dict[str, dict[str, Any]] = {}
        self._late: list[tuple[str, dict[str, Any], Ref]] = []

    def run(self) -> Imported:
        p, imp = self.p, self.imp
        front = dict(p.front)
        if "title" in front:
            imp.data["title"] = str(front.pop("title"))
        extra = front.pop("argmap", None)
        if isinstance(extra, dict):
            for key in ("source", "frames", "groups"):
                if key in extra:
                    imp.data[key] = extra[key]
        for key in sorted(front):
            imp.not_mapped.append(f"front matter key {key!r} (Argdown's view settings)")
        for title in p.statements:
            m = _NOT.match(title)
            if m and m["of"] in p.statements:
                self.negation[title] = m["of"]
        claims: dict[str, Any] = {}
        for title, st in p.statements.items():
            if title in self.negation:
                continue
            cid = self.ids.make(title, "s")
            self.claim_id[title] = cid
            claims[cid] = self._node(
                st.texts, st.data, st.tags, _CLAIM_KEYS, f"statement [{title}]"
            )
        imp.data["claims"] = claims
        for title in p.arguments:
            self.arg_ids[title] = []
        rels = self._dedupe(p.relations)
        used: set[int] = set()
        for arg in p.arguments.values():
            if arg.pcs:
                self._reconstructed(arg, rels, used)
        for arg in p.arguments.values():
            if not arg.pcs:
                self._sketched(arg, rels, used)
        for i, rel in enumerate(rels):
            if i not in used:
                self._statement_relation(rel)
        # Undercuts whose target was mapped after them (or is itself an undercut): retry
        # until nothing more resolves.
        progress = True
        while self._late and progress:
            late, self._late = self._late, []
            progress = any([self._pending_undercut(*item) for item in late])
        for title, _, target in self._late:
            self.imp.not_mapped.append(
                f"undercut {title!r} of <{target[1]}>: that argument has no argmap counterpart"
            )
        imp.data["arguments"] = {a: _ordered(v) for a, v in self.args.items()}
        imp.data["claims"] = {c: _ordered(v) for c, v in imp.data["claims"].items()}
        imp.counts = {
            "statements": len(p.statements),
            "arguments": len(p.arguments),
            "relations": len(rels),
        }
        if p.headings:
            imp.counts["headings"] = p.headings
            imp.not_mapped.append(f"{p.headings} headings (document structure only)")
        return finish(imp)

    def _dedupe(self, rels: list[_Relation]) -> list[_Relation]:
        seen: set[tuple[str, Ref, Ref]] = set()
        out = []
        for r in rels:
            key = (r.kind, r.source, r.target)
            if r.kind == "contradiction":
                key = (r.kind, *sorted((r.source, r.target)))  # type: ignore[assignment]
            if key not in seen:
                seen.add(key)
                out.append(r)
        return out

    def _node(
        self,
        texts: list[str],
        data: dict[str, Any],
        tags: list[str],
        keys: tuple[str, ...],
        what: str,
    ) -> dict[str, Any]:
        node: dict[str, Any] = {}
        if texts:
            node["text"] = texts[0]
            if len(texts) > 1:
                node["notes"] = "Also written as: " + " | ".join(texts[1:])
        for raw_key, value in data.items():
            key = _ALIASES.get(str(raw_key), str(raw_key))
            if key in keys or (key == "tags" and isinstance(value, list)):
                if key == "notes" and "notes" in node:
                    node["notes"] = f"{value}\n{node['notes']}"
                else:
                    node[key] = value
            else:
                self.imp.not_mapped.append(f"YAML key {raw_key!r} of {what}")
        all_tags = [*node.get("tags", []), *(t for t in tags if t not in node.get("tags", []))]
        if all_tags:
            node["tags"] = [str(t) for t in all_tags]
        return node

    def _literal(self, ref: Ref) -> str | None:
        """A premise literal for a statement reference ('X' or 'not X')."""
        kind, title = ref
        if kind != "statement":
            return None
        if title in self.negation:
            return "not " + self.claim_id[self.negation[title]]
        return self.claim_id[title]

    def _claim(self, ref: Ref) -> str | None:
        return self.claim_id.get(ref[1]) if ref[0] == "statement" else None

    def _add(self, title: str, body: dict[str, Any], suffix: str = "") -> str:
        aid = self.ids.make(title + suffix, "a")
        self.args[aid] = body
        return aid

    def _arg_node(self, arg: _Argument) -> dict[str, Any]:
        return self._node(arg.texts, arg.data, arg.tags, _ARG_KEYS, f"argument <{arg.title}>")

    def _reconstructed(self, arg: _Argument, rels: list[_Relation], used: set[int]) -> None:
        steps: list[tuple[list[str], Ref]] = []
        premises: list[str] = []
        for after, ref in arg.pcs:
            lit = self._literal(ref)
            assert lit is not None
            if after and premises:
                steps.append((premises, ref))
                premises = [lit]  # the conclusion feeds the next step
            else:
                premises.append(lit)
        if not steps:
            self.imp.not_mapped.append(
                f"argument <{arg.title}>: its premise-conclusion structure has no inference line"
            )
            return
        conclusion = steps[-1][1]
        outgoing = [(i, r) for i, r in enumerate(rels) if r.source == ("argument", arg.title)]
        body = self._arg_node(arg)
        final_lit = self._literal(conclusion)
        assert final_lit is not None
        # An argument whose only outgoing relation is an undercut and whose conclusion is an
        # untitled statement is an undercutter: the conclusion just says "the inference fails".
        undercut_only = (
            len(outgoing) == 1
            and outgoing[0][1].kind == "undercut"
            and conclusion[1].startswith("statement ")
            and len(steps) == 1
        )
        for k, (prem, concl) in enumerate(steps[:-1], start=1):
            lit = self._literal(concl)
            assert lit is not None
            self._add(arg.title, {"premises": prem, "supports": lit}, f"-step-{k}")
        if undercut_only:
            i, rel = outgoing[0]
            used.add(i)
            # The untitled conclusion is only the undercut's wording: not a claim of its own.
            cid = self.claim_id.pop(conclusion[1])
            self.imp.data["claims"].pop(cid)
            self._pending_undercut(arg.title, {"premises": steps[-1][0], **body}, rel.target)
            return
        target = (
            {"attacks": final_lit[4:]} if final_lit.startswith("not ") else {"supports": final_lit}
        )
        aid = self._add(arg.title, {"premises": steps[-1][0], **target, **body})
        self.arg_ids[arg.title].append(aid)
        for i, rel in outgoing:
            used.add(i)
            tgt = self._claim(rel.target)
            if rel.kind == "support" and tgt is not None and tgt == target.get("supports"):
                continue
            if rel.kind == "attack" and tgt is not None and tgt == target.get("attacks"):
                continue
            self._from_literals(arg.title, [final_lit], rel)

    def _sketched(self, arg: _Argument, rels: list[_Relation], used: set[int]) -> None:
        outgoing = [(i, r) for i, r in enumerate(rels) if r.source == ("argument", arg.title)]
        if not outgoing:
            self.imp.not_mapped.append(
                f"argument <{arg.title}> (line {arg.line}): no premises and no relation to "
                "anything, so it moves no claim"
            )
            return
        body = self._arg_node(arg)
        if len(outgoing) > 1:
            self.imp.approximated.append(
                f"argument <{arg.title}> has {len(outgoing)} relations: each became an argument "
                "with its own strength coin"
            )
        for k, (i, rel) in enumerate(outgoing, start=1):
            used.add(i)
            suffix = f"-{k}" if len(outgoing) > 1 else ""
            made = self._from_literals(arg.title, [], rel, body, suffix)
            if made:
                self.arg_ids[arg.title].append(made)

    def _statement_relation(self, rel: _Relation) -> None:
        src = self._literal(rel.source)
        if rel.source[0] == "argument":
            return  # an argument's relations were mapped with the argument
        assert src is not None
        if rel.kind == "contradiction":
            a, b = rel.source[1], rel.target[1]
            if self.negation.get(a) == b or self.negation.get(b) == a:
                return  # "not X" >< X is how a negated premise is spelled
            self._contradiction(rel)
            return
        self._from_literals(src.removeprefix("not "), [src], rel)

    def _contradiction(self, rel: _Relation) -> None:
        a, b = self._claim(rel.source), self._claim(rel.target)
        if a is None or b is None:
            self.imp.not_mapped.append(f"contradiction at line {rel.line}: it involves an argument")
            return
        if not _supports_groups():
            self.imp.not_mapped.append(
                f"contradiction [{rel.source[1]}] >< [{rel.target[1]}] (line {rel.line}): "
                "this argmap has no groups"
            )
            return
        groups = self.imp.data.setdefault("groups", {})
        gid = self.ids.make(f"{a}-vs-{b}", "g")
        groups[gid] = {"text": "Contradictory statements (Argdown ><).", "at-most-one": [a, b]}

    def _from_literals(
        self,
        title: str,
        premises: list[str],
        rel: _Relation,
        body: dict[str, Any] | None = None,
        suffix: str = "",
    ) -> str | None:
        """An argmap argument for ``rel`` with these premises; None when it cannot be mapped.

        ``body`` (an Argdown argument's own text and data) is given for an argument's
        relation, whose id is its title; a statement's relation is named after both ends.
        """
        own = body is not None
        body = dict(body or {})
        tkind, ttitle = rel.target
        where = f"line {rel.line}"
        if tkind == "statement":
            target = self._claim(rel.target)
            if target is None:  # a "not X" statement as a target
                neg = self.negation[ttitle]
                target = self.claim_id[neg]
                kind = {"support": "attacks", "attack": "supports"}.get(rel.kind)
                self.imp.approximated.append(
                    f"{rel.kind} of [{ttitle}] ({where}) read as the opposite relation to [{neg}]"
                )
            else:
                kind = {"support": "supports", "attack": "attacks"}.get(rel.kind)
            if kind is None:
                self.imp.not_mapped.append(f"{rel.kind} of a statement [{ttitle}] ({where})")
                return None
            name = title + suffix if own else f"{title}-{kind}-{target}"
            return self._add(name, {"premises": premises, kind: target, **body})
        # The target is an argument.
        if rel.kind == "support":
            self.imp.not_mapped.append(
                f"support of an argument, <{ttitle}> ({where}): argmap supports claims only"
            )
            return None
        if rel.kind == "attack":
            self.imp.approximated.append(
                f"attack on argument <{ttitle}> ({where}) read as an undercut of it"
            )
        name = title + suffix if own else f"{title}-undercuts-{ttitle}"
        self._pending_undercut(name, {"premises": premises, **body}, rel.target)
        return None

    def _pending_undercut(self, title: str, body: dict[str, Any], target: Ref) -> bool:
        """Undercut every argmap argument of ``target``; False (and kept for later) when
        the target has none yet. ``title`` is the undercutting Argdown argument's or
        statement's title; the arguments made are registered under it, so that an
        undercut of an undercut finds them."""
        targets = self.arg_ids.get(target[1], [])
        if not targets:
            self._late.append((title, body, target))
            return False
        for k, t in enumerate(targets, start=1):
            sfx = f"-{k}" if len(targets) > 1 else ""
            aid = self._add(title + sfx, {**body, "undercuts": t})
            self.arg_ids.setdefault(title, []).append(aid)
        return True


_KEY_ORDER = ("text", "premises", "supports", "attacks", "undercuts", "credence", "strength")


def _ordered(node: dict[str, Any]) -> dict[str, Any]:
    """A node's keys in the order people write them; an empty premise list left out."""
    out = {k: node[k] for k in _KEY_ORDER if k in node and node[k] != []}
    out.update((k, v) for k, v in node.items() if k not in _KEY_ORDER)
    return out


def _supports_groups() -> bool:
    return "groups" in MapFile.model_fields


# -- argmap -> Argdown ---------------------------------------------------------------

_SPECIAL = re.compile(r"([\\#{}\[\]<>@])")


def _escape(text: str) -> str:
    flat = " ".join(text.split())
    return _SPECIAL.sub(r"\\\1", flat).replace("//", "/\\/").replace("/*", "/\\*")


class _OneLine(yaml.SafeDumper):
    """A dumper that keeps every string on one line: Argdown's data ends with its line."""


# What opens an Argdown comment: inside YAML data it would swallow the rest of the file.
_COMMENT_OPENERS = ("<!--", "/*", "//")


def _one_line_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if any(ch in value for ch in "\n\r\x85\u2028\u2029") or any(
        c in value for c in _COMMENT_OPENERS
    ):
        # Double quotes escape a line break (\n) instead of continuing on the next line,
        # and let _data escape a comment opener (\x3C, \x2F).
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


_OneLine.add_representer(str, _one_line_str)


def _data(fields: dict[str, Any]) -> str:
    if not fields:
        return ""
    dumped = yaml.dump(
        fields, Dumper=_OneLine, default_flow_style=True, width=10**9, allow_unicode=True
    )
    # Every comment opener is inside a double-quoted scalar (_one_line_str), where YAML
    # reads \x3C as "<" and \x2F as "/", and Argdown sees no comment.
    dumped = dumped.replace("<!--", "\\x3C!--").replace("/*", "\\x2F*").replace("//", "\\x2F/")
    return " " + dumped.strip()


def write(amap: ArgumentMap) -> str:
    """The map as Argdown: statements with their credences, arguments as premise-conclusion
    structures, every parameter in YAML data, so that reading it back gives the same map.

    >>> from argmap.schema.loader import loads
    >>> text = write(loads("argmap: 1\\nclaims: {a: {text: Rain., credence: 30%}}\\n"))
    >>> "[a]: Rain. {credence: 30%}" in text
    True
    """
    data = map_data(amap)
    out: list[str] = []
    front: dict[str, Any] = {}
    if amap.title:
        front["title"] = amap.title
    extra = {k: data[k] for k in ("source", "frames", "groups") if k in data}
    if extra:
        front["argmap"] = extra
    if front:
        out += [
            "===",
            yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip(),
            "===",
            "",
        ]
    negated = sorted(
        {p.claim for a in amap.arguments.values() for p in a.premises if p.negated}
        | {a.attacks for a in amap.arguments.values() if a.attacks is not None}
    )
    for cid, fields in data["claims"].items():
        text = fields.pop("text", None)
        body = f"[{cid}]: {_escape(text)}" if text else f"[{cid}]"
        out += [body + _data(fields), ""]
    for cid in negated:
        out += [f"[not {cid}]: It is not the case that: {_escape(amap.claims[cid].text or cid)}"]
        out += [f"    >< [{cid}]", ""]
    for aid, fields in data["arguments"].items():
        arg = amap.arguments[aid]
        for key in ("premises", "supports", "attacks", "undercuts"):
            fields.pop(key, None)
        text = fields.pop("text", None)
        head = f"<{aid}>: {_escape(text)}" if text else f"<{aid}>"
        out += [head + _data(fields), ""]
        if arg.premises:
            block = [f"<{aid}>"]
            for n, p in enumerate(arg.premises, start=1):
                block.append(f"({n}) [{'not ' if p.negated else ''}{p.claim}]")
            block.append("----")
            n = len(arg.premises) + 1
            if arg.supports is not None:
                block.append(f"({n}) [{arg.supports}]")
            elif arg.attacks is not None:
                block.append(f"({n}) [not {arg.attacks}]")
            else:
                block.append(f"({n}) The inference of \\<{arg.undercuts}\\> does not hold.")
            out += [*block, ""]
        symbol = {"supports": "+>", "attacks": "->", "undercuts": "_>"}[arg.kind]
        target = f"<{arg.target}>" if arg.kind == "undercuts" else f"[{arg.target}]"
        out += [f"<{aid}>", f"    {symbol} {target}", ""]
    return "\n".join(out).rstrip() + "\n"
