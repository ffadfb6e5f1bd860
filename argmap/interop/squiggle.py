"""Squiggle (``.squiggle``): write a map as a Squiggle model, for users who continue there.

Each claim and each enabled argument becomes a sample set of 0s and 1s, built
from the structural equations (docs/semantics.md) with Squiggle's pointwise
arithmetic on sample sets, so that a claim used by two arguments is the same
draw in both (``SampleSet.fromDist`` makes every coin a sample set):

    c_x   = SampleSet.fromDist(bernoulli(0.65))            // a claim nothing supports
    a_arg = c_x * (1 - c_y) * SampleSet.fromDist(bernoulli(0.9))   // premises x, not y
    c_z   = (1 - (1 - coin) * (1 - a_arg)) * (1 - a_attack)        // supports OR'd, attacks veto

``mean(c_z)`` is then the claim's credence **before evidence**. The export is
lossy, and says so in its header: Squiggle cannot condition on evidence, so
evidence items and groups (exactly-one and the like) are listed as comments and
not applied (likewise any ``given``);
uncertain values (``"40% to 70%"``, beta) enter as their means, which keeps the
credences but not the percentile band; frames must be chosen one at a time.
"""

from __future__ import annotations

import re

from argmap.engine.params import resolve
from argmap.schema import ArgumentMap, UsageError

from .bayesnet import dependency_order, relations

__all__ = ["write"]

_BAD = re.compile(r"[^A-Za-z0-9_]")


def _coin(p: float) -> str:
    return f"SampleSet.fromDist(bernoulli({p!r}))"


def write(amap: ArgumentMap, frame: str | None = None) -> str:
    """The map (one frame) as a Squiggle program whose last line is a record of every claim."""
    req = resolve(amap, None, None, [frame] if frame else None)
    if len(req.frames) > 1:
        listed = ", ".join(f.name for f in req.frames)
        raise UsageError(f"Squiggle takes one frame at a time: choose one with frame= ({listed})")
    f = req.frames[0]
    enabled = set(f.strength)
    names: dict[str, str] = {}
    used: set[str] = set()
    for kind, ident in sorted(dependency_order(amap, enabled)):
        base = f"{kind}_" + _BAD.sub("_", ident)
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        names[ident] = name
    lines = [
        f"// {amap.title or amap.name}: exported by argmap (frame {f.name}).",
        "// Each variable is a sample set of 0/1 draws; mean(x) is its probability.",
        "// Lost in export: evidence and groups (Squiggle cannot condition on them; listed",
        "// below, not applied),",
        "// the spread of uncertain values (their means are used), the other frames.",
        "",
    ]
    supports, attacks, undercuts = relations(amap, enabled)
    for kind, ident in dependency_order(amap, enabled):
        if kind == "a":
            arg = amap.arguments[ident]
            factors = [
                f"(1 - {names[p.claim]})" if p.negated else names[p.claim] for p in arg.premises
            ]
            factors += [f"(1 - {names[u]})" for u in undercuts[ident]]
            factors.append(_coin(f.strength[ident].p))
            lines.append(f"{names[ident]} = {' * '.join(factors)}  // argument {ident}")
            continue
        claim = amap.claims[ident]
        point = f.credence[ident]
        terms = []
        if point.p > 0:
            terms.append(_coin(point.p))
        terms += [names[a] for a in supports[ident]]
        if not terms:
            expr = "0"
        elif len(terms) == 1:
            expr = terms[0]
        else:
            expr = "(1 - " + " * ".join(f"(1 - {t})" for t in terms) + ")"
        vetoes = [f"(1 - {names[a]})" for a in attacks[ident]]
        if vetoes:
            expr = " * ".join([expr, *vetoes])
        # A label may hold a line break; a comment must not.
        label = f" (label {' '.join(claim.label.split())})" if claim.label else ""
        lines.append(f"{names[ident]} = {expr}  // claim {ident}{label}")
        for item in claim.evidence:
            bits = item.ratio.bits
            lines.append(
                f"// evidence on {ident}, not applied: likelihood ratio 2^{bits:g}"
                + (f" ({item.text})" if item.text else "")
            )
    for gid, group in amap.groups.items():
        members = ", ".join(group.members)
        lines.append(f"// group {gid}, not applied: {group.kind} of {members}")
    record = ", ".join(f"{names[c]}: mean({names[c]})" for c in amap.claims)
    lines += ["", f"{{{record}}}"]
    return "\n".join(lines) + "\n"
