"""Loading: locations, multi-file maps, the API the CLI uses, and YAML details."""

from __future__ import annotations

from pathlib import Path

import pytest

from argmap.schema import ArgumentMap, Location, MapError, UsageError
from argmap.schema import checks as checks_module
from argmap.schema.loader import check_paths, from_data, load, loads, map_files

MAP = """\
argmap: 1
title: A small map
frames:
  optimistic: {weight: 0.5}
  pessimistic: {weight: 0.5}
claims:
  a:
    text: A premise.
    credence: 70%
    evidence:
      - bits: 2
    frames:
      pessimistic: {credence: 40%}
  b:
    text: A conclusion.
arguments:
  g:
    premises: [a, not a]
    supports: b
    strength: 0.9
"""


def _at(amap: ArgumentMap, *path: str | int) -> str:
    loc = amap.locations[tuple(path)]
    return f"{loc.line}:{loc.col}"


def test_locations_point_at_keys_for_nodes_and_at_values_for_scalars() -> None:
    amap = loads(MAP, "m.yaml")
    assert amap.name == "m.yaml"
    assert _at(amap, "claims", "a") == "7:3"
    assert _at(amap, "claims", "a", "credence") == "9:15"
    assert _at(amap, "claims", "a", "evidence") == "10:5"
    assert _at(amap, "claims", "a", "evidence", 0) == "11:9"
    assert _at(amap, "claims", "a", "evidence", 0, "bits") == "11:15"
    assert _at(amap, "claims", "a", "frames", "pessimistic") == "13:7"
    assert _at(amap, "claims", "a", "frames", "pessimistic", "credence") == "13:31"
    assert _at(amap, "arguments", "g") == "17:3"
    assert _at(amap, "arguments", "g", "premises", 0) == "18:16"
    assert _at(amap, "arguments", "g", "premises", 1) == "18:19"
    assert _at(amap, "arguments", "g", "supports") == "19:15"
    assert _at(amap, "frames", "optimistic") == "4:3"
    assert amap.locate("claims", "b", "credence") == Location("m.yaml", 14, 3)
    assert amap.title == "A small map"


def test_from_data_validates_plain_data() -> None:
    amap = from_data({"argmap": 1, "claims": {"x": {"credence": 0.5}}}, "d")
    assert list(amap.claims) == ["x"]
    with pytest.raises(MapError) as info:
        from_data({"argmap": 1, "claims": {"x": {"credence": 2}}}, "d")
    assert [str(p) for p in info.value.problems] == [
        "d:1:1: credence of claim 'x': 2 is outside [0, 1] (did you mean \"2%\"?)"
    ]


def test_yaml_details() -> None:
    amap = loads(
        "argmap: 1\n"
        "claims:\n"
        "  no: &base {credence: 1:3, text: shared, source: 2023-01-01}\n"  # `no` is an id
        "  yes: {<<: *base, text: own}\n"  # merge keys never override keys written here
        "  '1': *base\n",
        "y.yaml",
    )
    assert list(amap.claims) == ["no", "yes", "1"]
    assert amap.claims["yes"].text == "own"
    assert amap.claims["no"].source == "2023-01-01"  # dates stay text
    assert amap.claims["yes"].credence == amap.claims["no"].credence
    assert str(amap.claims["1"].credence) == "1:3"  # odds, not base-60 63
    assert _at(amap, "claims", "1", "credence") == "3:24"  # aliased: where it was written
    assert _at(amap, "claims", "yes", "credence") == "3:24"
    assert _at(amap, "claims", "yes", "text") == "4:26"


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_directory_maps_resolve_references_across_files(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "map",
        {
            "b-claims.yaml": "argmap: 1\ntitle: Second\nclaims:\n  b: {text: B}\n",
            "a-intro.yml": "argmap: 1\nsource: First source\nclaims:\n  a: {credence: 50%}\n",
            "sub/z.yaml": "argmap: 1\narguments:\n  g: {premises: [a], supports: b}\n",
            ".hidden.yaml": "not: [valid",
            ".git/x.yaml": "not: [valid",
            "notes.txt": "ignored",
        },
    )
    assert [p.relative_to(root).as_posix() for p in map_files(root)] == [
        "a-intro.yml",
        "b-claims.yaml",
        "sub/z.yaml",
    ]
    amap = load(root)
    assert amap.name == str(root)
    assert (amap.title, amap.source) == ("Second", "First source")
    assert amap.arguments["g"].target == "b"
    assert amap.locate("arguments", "g") == Location(f"{root}/sub/z.yaml", 3, 3)
    assert amap.locate("claims", "a") == Location(f"{root}/a-intro.yml", 4, 3)


def test_every_file_of_a_directory_map_needs_the_version(tmp_path: Path) -> None:
    root = _write(
        tmp_path, {"a.yaml": "argmap: 1\nclaims: {a: {credence: 0.5}}\n", "b.yaml": "claims: {}\n"}
    )
    with pytest.raises(MapError) as info:
        load(root)
    (problem,) = info.value.problems
    assert str(problem.location) == f"{root}/b.yaml:1:1"
    assert problem.message.startswith("missing `argmap: 1`")


def test_unreadable_file_does_not_cause_dangling_references(tmp_path: Path) -> None:
    root = _write(
        tmp_path,
        {
            "a.yaml": "argmap: 1\nclaims:\n  a: [\n",
            "b.yaml": "argmap: 1\narguments:\n  g: {premises: [a], supports: a}\n",
        },
    )
    with pytest.raises(MapError) as info:
        load(root)
    assert len(info.value.problems) == 1
    assert "syntax error" in info.value.problems[0].message


def test_check_paths(tmp_path: Path) -> None:
    good = _write(tmp_path, {"good.yaml": MAP})
    bad = tmp_path / "bad.yaml"
    bad.write_text("argmap: 1\nclaims:\n  x: {}\n  y: {credence: 2}\n", encoding="utf-8")
    problems = check_paths([good / "good.yaml", str(bad)])
    assert [str(p) for p in problems] == [
        f"{bad}:3:3: claim 'x' needs a credence: nothing supports it; add e.g. `credence: 50%`",
        f"{bad}:4:17: credence of claim 'y': 2 is outside [0, 1] (did you mean \"2%\"?)",
    ]
    assert check_paths([good / "good.yaml"]) == []


def test_missing_paths_and_empty_directories_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file or directory"):
        check_paths([tmp_path / "good.yaml", tmp_path / "nope.yaml"])
    with pytest.raises(UsageError, match="no such file or directory"):
        load(tmp_path / "nope")
    with pytest.raises(UsageError, match=r"no \.yaml or \.yml files"):
        load(tmp_path)


def test_internal_errors_propagate(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug is not a problem with the map: the CLI must see it (exit 3)."""

    def broken(*args: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(checks_module, "_leaves", broken)
    with pytest.raises(RuntimeError, match="bug"):
        loads(MAP, "m.yaml")


def test_values_of_the_wrong_type_anywhere_are_problems_not_crashes() -> None:
    text = (
        "argmap: 1\nframes: {f: {weight: [1]}, g: []}\n"
        "claims:\n  a: {credence: 50%, frames: [f]}\n  b: {frames: {f: 3}}\n"
        "arguments:\n"
        "  g: {premises: {a: 1}, supports: [a], frames: {f: {enabled: {}}}}\n"
        "  h: {premises: [[a]], undercuts: {g: 1}}\n"
    )
    with pytest.raises(MapError) as info:
        loads(text, "w.yaml")
    assert len(info.value.problems) == 9
    assert all(p.location.line > 1 for p in info.value.problems)


def test_problems_are_sorted_by_location() -> None:
    with pytest.raises(MapError) as info:
        loads("argmap: 1\nclaims:\n  z: {}\n  a: {credence: 5}\n  m: {credence: x}\n", "s.yaml")
    locations = [p.location for p in info.value.problems]
    assert locations == sorted(locations)
    assert [loc.line for loc in locations] == [3, 4, 5]


def test_a_claims_label_is_the_text_as_written() -> None:
    amap = loads(
        "argmap: 1\nclaims:\n  a: {credence: 50%, label: 1.10}\n  b: {credence: 1, label: fn 3}\n"
        "  c: {credence: 1, label: 2}\n  d: {credence: 1}\n"
    )
    assert [amap.claims[c].label for c in "abcd"] == ["1.10", "fn 3", "2", None]
    assert (
        from_data({"argmap": 1, "claims": {"a": {"credence": 1, "label": 1.2}}}).claims["a"].label
        == "1.2"
    )
    with pytest.raises(MapError, match=r"3:27: label of claim 'a' must be a short text"):
        loads("argmap: 1\nclaims:\n  a: {credence: 1, label: this is far too long a label}\n")
    # Only a claim has a label: elsewhere the key stays unknown.
    with pytest.raises(MapError, match="label"):
        loads(
            "argmap: 1\nclaims:\n  a: {credence: 1}\n  b: {}\narguments:\n"
            "  g: {premises: [a], supports: b, label: x}\n"
        )
