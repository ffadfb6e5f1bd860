"""Small maps with hand-made evaluations for the diagram tests (no engine needed).

``chain``: two weighted frames, a negated premise, an undercut (disabled in
one frame), an attack (of uncertain strength), evidence, a label and an
illustrative number. ``tiny``: no frames, one support.
``hostile``: every character that means something to DOT, Mermaid, SVG,
HTML or Markdown, in every text a map can carry.
"""

from __future__ import annotations

from argmap.engine.result import ClaimResult, Evaluation, FrameResult
from argmap.schema.loader import from_data

CHAIN = {
    "argmap": 1,
    "title": "A small chain",
    "source": "Made up for the tests",
    "frames": {
        "optimistic-about-training": {"text": "Training is well understood.", "weight": 1},
        "pessimistic": {"text": "It is not.", "weight": 3},
    },
    "claims": {
        "premise-a": {"text": "Goals are many.", "credence": 0.7, "label": "1.2"},
        "premise-b": {"text": "Selection is uniform.", "credence": 0.3},
        "premise-c": {
            "text": "Each step is one bit.",
            "credence": 0.6,
            "tags": ["illustrative"],
            "notes": "A made-up number.",
        },
        "middle": {"text": "Most trained models are schemers."},
        "objection": {
            "text": "A non-schemer is selected.",
            "credence": "1:2^100",
            "evidence": [{"text": "100 extra gradient steps.", "bits": 100}],
        },
        "end": {"text": "The trained model schemes."},
    },
    "arguments": {
        "counting": {
            "premises": ["premise-a", "not premise-b"],
            "supports": "middle",
            "strength": 0.9,
        },
        "selection-power": {
            "premises": ["premise-c"],
            "undercuts": "counting",
            "strength": 0.7,
            "frames": {"optimistic-about-training": {"enabled": False}},
        },
        "onward": {"premises": ["middle"], "supports": "end", "strength": "60%"},
        "rebuttal": {"premises": ["objection"], "attacks": "end", "strength": "70% to 90%"},
    },
}

_CHAIN_CREDENCES = {
    "premise-a": (0.7, 0.7, 0.7),
    "premise-b": (0.3, 0.3, 0.3),
    "premise-c": (0.6, 0.6, 0.6),
    "middle": (0.441, 0.2646, 0.3087),
    "objection": (0.5, 0.5, 0.5),
    "end": (0.15876, 0.095256, 0.111132),
}


def _frames(names: list[str], weights: list[float | None]) -> dict[str, FrameResult]:
    return {n: FrameResult(n, w, w, 0.0) for n, w in zip(names, weights, strict=True)}


def chain() -> Evaluation:
    amap = from_data(CHAIN, name="tests/chain.yaml")
    cols = ["optimistic-about-training", "pessimistic", "overall"]
    claims = {}
    for cid, values in _CHAIN_CREDENCES.items():
        cred = dict(zip(cols, values, strict=True))
        expl = {}
        if cid == "middle":
            expl = {c: {"counting": v} for c, v in cred.items()}
        if cid == "end":
            expl = {c: {"onward": v * 1.2, "rebuttal": -v * 0.8} for c, v in cred.items()}
        claims[cid] = ClaimResult(cid, amap.claims[cid].text, cred, explanation=expl)
    frames = _frames(cols[:2], [0.25, 0.75])
    return Evaluation(amap, frames, claims)


TINY = {
    "argmap": 1,
    "claims": {
        "rain": {"text": "It rains.", "credence": "30%"},
        "wet": {"text": "The street is wet."},
    },
    "arguments": {"rain-wets": {"premises": ["rain"], "supports": "wet"}},
}


def tiny() -> Evaluation:
    amap = from_data(TINY, name="tests/tiny.yaml")
    claims = {
        "rain": ClaimResult("rain", "It rains.", {"default": 0.3}),
        "wet": ClaimResult("wet", "The street is wet.", {"default": 0.3}),
    }
    return Evaluation(amap, _frames(["default"], [None]), claims)


# Every syntax character of DOT, records, escStrings, Mermaid, HTML, SVG and Markdown.
NASTY = [
    'He said "hi" \\ and left\\',
    "Braces {a} | pipes | <angles> & ampersands &amp; &lt;b&gt;",
    '<script>alert("x")</script> "] --> end; click c0 call alert()',
    "Line one\nline two\r\nthree\u2028four\x00\x07 control",
    "%%{init: {'theme': 'dark'}}%% #quot; #35; `code` **bold** [link](http://x)",
    "\\N \\G \\n \\l -- -> ]] ))] ;; :::cls ~~~ 😀 émigré ¬ 日本語",
    "end",
]


HOSTILE = {
    "argmap": 1,
    "title": 'Title with "quotes" <b>tags</b> %%{init}%% \\ and `ticks`',
    "source": "Source | with {braces} & <script>x</script>\nsecond line",
    "frames": {"f": {"text": "Frame <i>text</i> | \\", "weight": 1}, "g": {"weight": 1}},
    "claims": {
        "end": {"text": NASTY[0], "credence": 0.5, "label": '<"{a|b}">\\N&;`'},
        "node": {"text": NASTY[1], "credence": 0.4, "notes": NASTY[2]},
        "graph": {
            "text": NASTY[2],
            "credence": 0.3,
            "evidence": [{"text": NASTY[4], "bits": -3.5, "source": NASTY[1], "notes": NASTY[5]}],
        },
        "subgraph": {"text": NASTY[3]},
        "x.y_z-1": {"text": NASTY[5], "credence": 0.2},
        "o": {"text": NASTY[6], "credence": 0.9},
    },
    "arguments": {
        "edge": {"premises": ["end", "not node"], "supports": "subgraph", "text": NASTY[2]},
        "digraph": {"premises": ["graph"], "attacks": "subgraph", "strength": 0.5},
        "strict": {"premises": ["x.y_z-1", "o"], "undercuts": "edge"},
    },
}


def hostile() -> Evaluation:
    amap = from_data(HOSTILE, name='maps/"evil" <dir>/x.yaml')
    claims = {
        cid: ClaimResult(
            cid, c.text, {"f": 0.1 * (i + 1), "g": 0.05 * (i + 1), "overall": 0.08 * (i + 1)}
        )
        for i, (cid, c) in enumerate(amap.claims.items())
    }
    return Evaluation(amap, _frames(["f", "g"], [0.5, 0.5]), claims)
