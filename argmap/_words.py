"""One remedy, two vocabularies: the library's parameters and the command line's flags.

A library message names what a caller can change as the caller writes it
(``max_memory=``, ``method="exact"``, ``frames=``); the command line prints the
same message with its own flags (``--max-memory``, ``--method exact``,
``--frame``). Messages are written once, in library words, and
:func:`cli_words` translates them where the command line prints them (errors
in ``argmap.cli.exit_code``, an evaluation's warnings).

>>> cli_words('raise the budget (max_memory=) or estimate by sampling (method="sampled")')
'raise the budget (--max-memory) or estimate by sampling (--method sampled)'
>>> cli_words("choose one frame with frames= (a, b)")
'choose one frame with --frame (a, b)'
"""

from __future__ import annotations

import re

# library spelling -> the flag that does the same on the command line
CLI_FLAGS: dict[str, str] = {
    'method="exact"': "--method exact",
    'method="sampled"': "--method sampled",
    "max_memory=": "--max-memory",
    "band_draws=": "--samples",  # the command line's --samples is the band's draws when exact
    "samples=": "--samples",
    "frames=": "--frame",
    "frame=": "--frame",
    "given=": "--given",
    "set=": "--set",
    "people=[FILE]": "--person FILE",
}

# longest first (``band_draws=`` before ``samples=``), and never inside a longer word
_ALTERNATIVES = "|".join(re.escape(k) for k in sorted(CLI_FLAGS, key=len, reverse=True))
_PATTERN = re.compile(rf"(?<![\w.-])(?:{_ALTERNATIVES})")


def cli_words(text: str) -> str:
    """``text`` with the library's parameter names replaced by the command line's flags."""
    return _PATTERN.sub(lambda m: CLI_FLAGS[m.group()], text)
