"""CSV of an evaluation: one row per claim, one column per frame (and overall)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from argmap.engine.result import Evaluation


def to_csv(ev: Evaluation, claims: Sequence[str] | None = None) -> str:
    """Columns: claim, each frame, overall (when weighted), text. Full float precision."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    cols = ev.columns
    writer.writerow(["claim", *cols, "text"])
    for cid in claims if claims is not None else ev.claims:
        res = ev.claims[cid]
        writer.writerow([cid, *(repr(res.credence[c]) for c in cols), res.text or ""])
    return buf.getvalue()
