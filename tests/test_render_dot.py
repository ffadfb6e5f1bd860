"""DOT output: golden files, quoting, what a view shows, and the layout direction."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from diagram_maps import NASTY, chain, hostile, tiny

from argmap.render import dotquote as q
from argmap.render import style
from argmap.render.dot import drawing, legend_dot, to_dot
from argmap.render.view import auto_direction, make_view
from argmap.schema import UsageError


def test_chain_golden(golden: Callable[[str, str], None]) -> None:
    view = make_view(chain())
    golden("chain.dot", to_dot(view, rankdir="LR"))
    golden("chain_legend.dot", legend_dot(view))


def test_tiny_golden(golden: Callable[[str, str], None]) -> None:
    golden("tiny.dot", to_dot(make_view(tiny()), rankdir="TB"))


def test_label_escapes_every_layer() -> None:
    # Quotes become entities (no \" for old lexers), backslashes double,
    # record syntax becomes entities, each line ends in a terminator.
    got = q.label(['a "b" \\N {c|d} <e> &f', "end\\"])
    assert got == '"a &quot;b&quot; \\\\N &#123;c&#124;d&#125; &lt;e&gt; &amp;f\\nend\\\\\\n"'
    assert q.label(["x"], "l") == '"x\\l"'
    assert q.record([["t"], [["a"], ["b"]]]) == '"{t\\n|{a\\n|b\\n}}"'


def test_clean_drops_controls_and_line_breaks() -> None:
    assert q.clean("a\x00b\x07c\nd\u2028e\ud800f") == "abc d ef"


def test_ident_quotes_keywords_and_punctuation() -> None:
    assert q.ident("plain_id") == "plain_id"
    for word in ("node", "Graph", "EDGE", "subgraph", "strict", "digraph", "x.y-z", "1a"):
        assert q.ident(word).startswith('"'), word


def test_attrs_quote_plain_strings_and_reject_bad_names() -> None:
    assert q.attrs({"color": 'red"; x -> y; "'}) == '[color="red&quot;; x -&gt; y; &quot;"]'
    assert q.attrs({"label": q.label(["hi"])}) == '[label="hi\\n"]'
    with pytest.raises(ValueError):
        q.attrs({"bad name": "x"})


def _statements(dot: str) -> list[str]:
    """Top-level statement lines (hostile text must not add any)."""
    return [
        line for line in dot.splitlines() if line.startswith("  ") and not line.startswith("    ")
    ]


def test_hostile_text_stays_inside_strings() -> None:
    view = make_view(hostile())
    dot = to_dot(view, rankdir="LR")
    # Outside quoted strings only our own syntax remains.
    outside = re.sub(r'"(?:[^"\\]|\\.)*"', '""', dot)
    assert "<" not in outside and "script" not in outside
    assert not re.search(r'[^\\]\\"', dot.replace("\\\\", "")), (
        "no escaped quote: quotes are entities"
    )
    assert "\x00" not in dot and "\u2028" not in dot
    # one statement per node and edge, as with harmless text
    nodes = len(view.claims) + len(view.arguments)
    evidence = sum(len(view.ev.map.claims[c].evidence) for c in view.claims)
    assert len(_statements(dot)) == 3 + nodes + 2 * evidence + len(view.edges)
    for part in drawing(view).__dict__.values():
        assert "<script>" not in part


def test_focus_draws_a_neighbourhood() -> None:
    ev = chain()
    view = make_view(ev, focus=["middle"], depth=2)
    assert set(view.claims) == {"middle", "premise-a", "premise-b", "end"}
    # the undercut of `counting` is two steps away; its premise is three
    assert set(view.arguments) == {"counting", "onward", "selection-power"}
    assert view.highlight == {"middle"}
    assert view.truncated == {"selection-power", "end"}
    assert all(e.src in view.claims + view.arguments for e in view.edges)
    zero = make_view(ev, focus=["end"], depth=0)
    assert zero.claims == ("end",) and zero.arguments == ()


def test_view_rejects_unknown_names() -> None:
    ev = chain()
    with pytest.raises(UsageError, match="did you mean"):
        make_view(ev, focus=["midle"])
    with pytest.raises(UsageError, match="frame"):
        make_view(ev, columns=["nope"])
    with pytest.raises(UsageError, match="depth"):
        make_view(ev, focus=["middle"], depth=-1)


def test_columns_and_badges() -> None:
    ev = chain()
    full = make_view(ev)
    assert full.headline == "overall"
    assert full.badges("middle") == ["oat 44.1%", "pessimistic 26.5%", "overall 30.9%"]
    one = make_view(ev, columns=["pessimistic"])
    assert one.badges("middle") == ["26.5%"] and one.headline == "pessimistic"
    # selection-power is off in the optimistic frame
    assert full.argument_lines("selection-power") == ["70%", "oat off"]
    assert one.argument_lines("selection-power") == ["70%"]
    assert make_view(ev, columns=["optimistic-about-training"]).argument_lines(
        "selection-power"
    ) == ["off"]
    both = make_view(ev, columns=["optimistic-about-training", "pessimistic"])
    assert both.headline is None and both.fill("middle") == style.NEUTRAL_FILL


def test_direction_follows_the_shape() -> None:
    # A fan of premises into one argument reads best left to right...
    fan = make_view(tiny())
    assert auto_direction(fan) in ("LR", "TB")
    assert auto_direction(make_view(chain())) == "TB"


def test_wrap_and_fill() -> None:
    assert style.wrap("word " * 20, 12, 2) == ["word word", "word word…"]
    assert style.wrap("x" * 40, 32) == ["x" * 32, "x" * 8]
    assert style.credence_fill(0.5) == "#f7f7f7"
    assert style.credence_fill(0.0) == "#ef8a62" and style.credence_fill(1.0) == "#67a9cf"
    assert style.credence_fill(float("nan")) == style.NEUTRAL_FILL
    assert style.frame_labels(["contributors-to-reward", "extra-criteria", "overall"]) == {
        "contributors-to-reward": "ctr",
        "extra-criteria": "ec",
        "overall": "overall",
    }
    assert style.short_percent(0.9) == "90%" and style.short_percent(1e-30) == "1e-28%"


def test_nasty_strings_are_all_used() -> None:
    texts = [c.text for c in hostile().map.claims.values()]
    assert all(any(n == t for t in texts) for n in NASTY[:4])


def test_large_pictures_place_not_after_the_layout() -> None:
    """An edge `label` makes dot rank each edge as two: on a large map (28 s instead of 5 s
    at 1,000 claims) a negated premise's NOT is an `xlabel`; small maps keep the label."""
    from argmap.engine import evaluate
    from argmap.engine.generate import random_map
    from argmap.render.dot import LABELLED_EDGES_UP_TO

    for n, big in ((40, False), (400, True)):
        amap = random_map(n, 1, p_negated=0.5)
        assert (len(amap.claims) + len(amap.arguments) > LABELLED_EDGES_UP_TO) is big
        dot = to_dot(make_view(evaluate(amap)))
        negated = [line for line in dot.splitlines() if "arrowtail=odot" in line]
        assert negated, n
        inline = re.compile(rf'(?<!x)label="{style.NEGATED}')
        after = f'xlabel="{style.NEGATED}'
        assert all((after in line) is big for line in negated), (n, negated[0])
        assert all(bool(inline.search(line)) is not big for line in negated), (n, negated[0])
