"""Loading maps from YAML. PLACEHOLDER: minimal version, replaced by the located loader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .models import ArgumentMap, MapFile


def from_data(data: dict[str, Any], name: str = "<data>") -> ArgumentMap:
    """Validate one map given as plain data (as YAML would load it)."""
    f = MapFile.model_validate(data)
    return ArgumentMap(
        name=name,
        title=f.title,
        source=f.source,
        frames=dict(f.frames),
        claims=dict(f.claims),
        arguments=dict(f.arguments),
        locations={},
    )


def loads(text: str, name: str = "<string>") -> ArgumentMap:
    """Validate one map given as YAML text."""
    return from_data(yaml.safe_load(text), name)


def load(path: str | Path) -> ArgumentMap:
    """Load a map from a .yaml file or a directory of them."""
    p = Path(path)
    return loads(p.read_text(encoding="utf-8"), str(p))
