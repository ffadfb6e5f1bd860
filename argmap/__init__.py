"""argmap: argument maps as YAML, validated, evaluated exactly, rendered and diffed."""

from argmap.schema import ArgmapError, ArgumentMap, MapError

__version__ = "0.1.0"
__all__ = ["ArgmapError", "ArgumentMap", "MapError", "__version__"]
