"""People on the command line: overlays found and checked, eval --as/--people, disagree."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cli_run import run

from argmap.schema import MapError
from argmap.schema.loader import load

ROOT = Path(__file__).resolve().parent.parent
POWER = ROOT / "arguments" / "examples" / "power-seeking.yaml"

MAP = """\
argmap: 1
frames:
  hot: {weight: 1}
  cold: {weight: 3}
claims:
  rain: {text: It rains., credence: 40%, frames: {cold: {credence: 60%}}}
  wet: {text: The street is wet.}
arguments:
  rain-wets: {premises: [rain], supports: wet, strength: 90%}
"""

ALICE = """\
argmap: 1
person: alice
name: Alice
claims:
  rain: {credence: 10%, source: a hunch}
"""

BOB = """\
argmap: 1
person: bob
arguments:
  rain-wets: {strength: 50%}
frames:
  hot: {weight: 3}
"""


@pytest.fixture
def mapdir(tmp_path: Path) -> Path:
    d = tmp_path / "weather"
    d.mkdir()
    (d / "map.yaml").write_text(MAP)
    (d / "alice.yaml").write_text(ALICE)
    (d / "people").mkdir()
    (d / "people" / "bob.yaml").write_text(BOB)
    return d


def problems(tmp_path: Path, overlay: str, extra: str | None = None) -> list[str]:
    d = tmp_path / "m"
    d.mkdir(exist_ok=True)
    (d / "map.yaml").write_text(MAP)
    (d / "x.yaml").write_text(overlay)
    if extra is not None:
        (d / "y.yaml").write_text(extra)
    with pytest.raises(MapError) as exc:
        load(d)
    return [str(p) for p in exc.value.problems]


# ---------------------------------------------------------------- overlays found


def test_overlays_in_a_directory_are_people_not_map(mapdir: Path) -> None:
    m = load(mapdir)
    assert sorted(m.people) == ["alice", "bob"]
    assert m.claims["rain"].credence is not None and m.claims["rain"].credence.p == 0.4
    assert m.people["alice"].name == "Alice"
    assert m.people["bob"].path.endswith("people/bob.yaml")


def test_person_files_and_people_beside_a_one_file_map(tmp_path: Path) -> None:
    f = tmp_path / "w.yaml"
    f.write_text(MAP)
    (tmp_path / "a.yaml").write_text(ALICE)
    assert load(f).people == {}
    assert list(load(f, people=[tmp_path / "a.yaml"]).people) == ["alice"]
    (tmp_path / "w.people").mkdir()
    (tmp_path / "w.people" / "b.yaml").write_text(BOB)
    assert sorted(load(f, people=[tmp_path / "a.yaml"]).people) == ["alice", "bob"]
    assert sorted(load(POWER).people) == ["carlsmith-2021", "superforecasters-2023"]


# ---------------------------------------------------------------- located errors


def test_a_new_id_is_an_error_with_did_you_mean(tmp_path: Path) -> None:
    got = problems(tmp_path, "argmap: 1\nperson: z\nclaims:\n  rains: {credence: 5%}\n")
    assert len(got) == 1
    assert re.match(r".*/x\.yaml:4:3: unknown claim 'rains'.*did you mean 'rain'\?", got[0])


def test_text_and_structure_changes_are_errors(tmp_path: Path) -> None:
    overlay = (
        "argmap: 1\nperson: z\ntitle: Mine\nclaims:\n  rain: {text: Snow., credence: 5%}\n"
        "arguments:\n  rain-wets: {premises: [wet], attacks: wet}\n"
    )
    got = problems(tmp_path, overlay)
    assert any(
        ":3:1: an overlay may set only parameters; `title` belongs to the map" in p for p in got
    )
    assert any(
        re.search(r":5:10: an overlay may set only parameters; it cannot change its text", p)
        for p in got
    )
    assert any("cannot change its premises" in p for p in got)
    assert any("cannot change its target" in p for p in got)
    assert all(re.match(r".*/x\.yaml:\d+:\d+: ", p) for p in got)


def test_wrong_section_unknown_frame_and_bad_values(tmp_path: Path) -> None:
    overlay = (
        "argmap: 1\nperson: z\nclaims:\n  rain-wets: {credence: 5%}\n"
        "  rain: {credence: 150%, frames: {hto: {credence: 5%}}}\n"
    )
    got = problems(tmp_path, overlay)
    assert any(
        "'rain-wets' is an argument of the map, not a claim; move it under `arguments:`" in p
        for p in got
    )
    assert any("unknown frame 'hto'" in p and "did you mean 'hot'?" in p for p in got)
    assert any("150%" in p for p in got)


def test_a_person_used_twice_is_reported_at_both(tmp_path: Path) -> None:
    got = problems(tmp_path, ALICE, ALICE.replace("10%", "20%"))
    assert len(got) == 2
    assert re.match(
        r".*/x\.yaml:2:9: person 'alice' is used twice, again at .*/y\.yaml:2:9", got[0]
    )
    assert re.match(
        r".*/y\.yaml:2:9: person 'alice' is used twice, first at .*/x\.yaml:2:9", got[1]
    )


def test_reserved_and_malformed_person_ids(tmp_path: Path) -> None:
    assert any(
        "reserved for the pooled credence" in p
        for p in problems(tmp_path, "argmap: 1\nperson: pooled\n")
    )
    assert any("must match" in p for p in problems(tmp_path, "argmap: 1\nperson: Alice Smith\n"))
    assert any("argmap: 1" in p for p in problems(tmp_path, "person: zed\n"))


def test_weights_for_some_frames_only_on_an_unweighted_map(tmp_path: Path) -> None:
    d = tmp_path / "u"
    d.mkdir()
    (d / "map.yaml").write_text(MAP.replace("{weight: 1}", "{}").replace("{weight: 3}", "{}"))
    (d / "x.yaml").write_text("argmap: 1\nperson: z\nframes:\n  hot: {weight: 2}\n")
    with pytest.raises(MapError, match=r"x\.yaml:4:\d+: person 'z' weighs frames, but cold"):
        load(d)


def test_errors_exit_1_with_locations(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "w.yaml"
    f.write_text(MAP)
    o = tmp_path / "o.yaml"
    o.write_text("argmap: 1\nperson: o\nclaims:\n  wett: {credence: 5%}\n")
    code, _, err = run(capsys, "eval", str(f), "--person", str(o), "--people")
    assert code == 1 and re.search(r"o\.yaml:4:3: unknown claim 'wett'.*did you mean 'wet'", err)
    code, _, err = run(capsys, "eval", str(f), "--person", str(f))
    assert code == 1 and "not a person overlay" in err
    code, _, err = run(capsys, "eval", str(o))
    assert code == 1 and "only person overlays here" in err
    code, _, err = run(capsys, "eval", str(f), "--people")
    assert code == 2 and "no person overlays" in err
    code, _, err = run(capsys, "eval", str(f), "--person", str(o).replace("o.yaml", "x.yaml"))
    assert code == 2 and "no such file" in err


# ---------------------------------------------------------------- eval --as / --people


def test_eval_as_is_the_overlay_applied(capsys: pytest.CaptureFixture[str], mapdir: Path) -> None:
    code, out, _ = run(capsys, "eval", str(mapdir), "--as", "alice", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["person"] == "alice"
    # alice's 10% holds in every frame, replacing the map's cold override
    assert doc["claims"]["rain"]["credence"] == {
        "hot": pytest.approx(0.1, abs=1e-15),
        "cold": pytest.approx(0.1, abs=1e-15),
        "overall": pytest.approx(0.1, abs=1e-15),
    }
    assert doc["claims"]["wet"]["credence"]["hot"] == pytest.approx(0.09, abs=1e-12)
    code, out, _ = run(capsys, "eval", str(mapdir), "--as", "alice", "--given", "wet")
    assert code == 0 and "(as alice)" in out and "given: wet=true" in out
    code, out, _ = run(
        capsys,
        "eval",
        str(mapdir),
        "--as",
        "bob",
        "--set",
        "rain=50%",
        "--frame",
        "hot",
        "--explain",
        "--format",
        "json",
    )
    doc = json.loads(out)
    assert doc["claims"]["wet"]["credence"]["hot"] == pytest.approx(0.25, abs=1e-12)
    assert doc["claims"]["wet"]["explanation"]["hot"]["rain-wets"] == pytest.approx(0.25)
    code, _, err = run(capsys, "eval", str(mapdir), "--as", "alcie")
    assert code == 2 and "did you mean 'alice'" in err


def test_eval_as_keeps_bands(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "w.yaml"
    f.write_text(MAP)
    o = tmp_path / "o.yaml"
    o.write_text("argmap: 1\nperson: o\nclaims:\n  rain: {credence: 20% to 60%}\n")
    code, out, _ = run(
        capsys,
        "eval",
        str(f),
        "--person",
        str(o),
        "--as",
        "o",
        "--format",
        "json",
        "--samples",
        "200",
    )
    doc = json.loads(out)
    assert code == 0 and "interval" in doc["claims"]["wet"] and doc["band"]["draws"] == 200


PEOPLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["map", "columns", "people", "pooled", "claims"],
    "properties": {
        "columns": {"type": "array", "items": {"type": "string"}},
        "people": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["name", "file", "frames", "claims"],
                "properties": {
                    "claims": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "required": ["credence"],
                            "properties": {
                                "credence": {
                                    "type": "object",
                                    "additionalProperties": {"type": "number"},
                                }
                            },
                        },
                    }
                },
            },
        },
        "pooled": {
            "type": "object",
            "required": ["method", "claims"],
            "properties": {
                "method": {"const": "mean of log-odds"},
                "claims": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "required": ["credence"],
                        "properties": {
                            "credence": {
                                "type": "object",
                                "additionalProperties": {"type": ["number", "null"]},
                            }
                        },
                    },
                },
            },
        },
        "claims": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["people", "pooled"],
                "properties": {
                    "people": {
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "additionalProperties": {"type": "number"},
                        },
                    },
                    "pooled": {
                        "type": "object",
                        "additionalProperties": {"type": ["number", "null"]},
                    },
                },
            },
        },
    },
}


def test_eval_people_json(capsys: pytest.CaptureFixture[str], mapdir: Path) -> None:
    code, out, _ = run(capsys, "eval", str(mapdir), "--people", "--format", "json")
    doc = json.loads(out)
    assert code == 0
    jsonschema.validate(doc, PEOPLE_SCHEMA)
    assert doc["columns"] == ["hot", "cold", "overall"]
    a = doc["people"]["alice"]["claims"]["wet"]["credence"]
    b = doc["people"]["bob"]["claims"]["wet"]["credence"]
    for col in doc["columns"]:
        la = math.log(a[col] / (1 - a[col]))
        lb = math.log(b[col] / (1 - b[col]))
        want = 1 / (1 + math.exp(-(la + lb) / 2))
        assert doc["pooled"]["claims"]["wet"]["credence"][col] == pytest.approx(want, abs=1e-12)
        assert (
            doc["claims"]["wet"]["pooled"][col] == doc["pooled"]["claims"]["wet"]["credence"][col]
        )
        assert doc["claims"]["wet"]["people"]["alice"][col] == a[col]
    # bob's weights: hot 3, cold 3 (the map's); alice keeps the map's 1 and 3
    assert doc["people"]["bob"]["frames"]["hot"]["weight"] == pytest.approx(0.5)
    assert doc["people"]["alice"]["frames"]["hot"]["weight"] == pytest.approx(0.25)


def test_pooled_is_null_when_some_hold_0_and_others_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "w.yaml"
    f.write_text(MAP)
    (tmp_path / "w.people").mkdir()
    (tmp_path / "w.people" / "y.yaml").write_text(
        "argmap: 1\nperson: y\nclaims: {rain: {credence: 1}}\n"
    )
    (tmp_path / "w.people" / "n.yaml").write_text(
        "argmap: 1\nperson: n\nclaims: {rain: {credence: 0}}\n"
    )
    _, out, _ = run(capsys, "eval", str(f), "--people", "--format", "json")
    doc = json.loads(out)
    assert doc["pooled"]["claims"]["rain"]["credence"] == {
        "hot": None,
        "cold": None,
        "overall": None,
    }
    _, out, _ = run(capsys, "eval", str(f), "--people", "--format", "csv")
    assert "rain,hot,0.0,1.0,,It rains.\n" in out
    _, out, _ = run(capsys, "eval", str(f), "--people")
    assert "undefined" in out


def test_eval_people_text_md_csv(capsys: pytest.CaptureFixture[str], mapdir: Path) -> None:
    code, out, _ = run(capsys, "eval", str(mapdir), "--people")
    assert code == 0 and "— overall" in out and "pooled" in out and "alice: Alice" in out
    code, out, _ = run(capsys, "eval", str(mapdir), "--people", "--format", "md", "--claim", "wet")
    assert "#### overall" in out and "| `wet` |" in out and "| `rain` |" not in out
    code, out, _ = run(capsys, "eval", str(mapdir), "--people", "--format", "csv")
    assert out.splitlines()[0] == "claim,column,alice,bob,pooled,text"
    assert len(out.splitlines()) == 1 + 2 * 3
    code, _, _ = run(capsys, "eval", str(mapdir), "--people", "--as", "bob")
    assert code == 2


# ---------------------------------------------------------------- disagree


def test_disagree_power_seeking(capsys: pytest.CaptureFixture[str], golden: Any) -> None:
    argv = [
        "disagree",
        str(POWER.relative_to(ROOT)),
        "ps-doom",
        "carlsmith-2021",
        "superforecasters-2023",
    ]
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code, text, _ = run(capsys, *argv)
        _, md, _ = run(capsys, *argv, "--format", "md")
        _, js, _ = run(capsys, *argv, "--format", "json", "--top", "3")
    finally:
        os.chdir(cwd)
    assert code == 0
    golden("disagree-power-seeking.txt", text)
    golden("disagree-power-seeking.md", md)
    doc = json.loads(js)
    a = [0.65, 0.8, 0.4, 0.65, 0.4, 0.95]
    b = [0.8, 0.9, 0.58, 0.25, 0.05, 0.4]
    assert doc["a"]["credence"] == pytest.approx(math.prod(a), abs=1e-15)
    assert doc["b"]["credence"] == pytest.approx(math.prod(b), abs=1e-15)
    contributions = doc["attribution"]["contributions"]
    assert doc["attribution"]["method"] == "exact" and len(contributions) == 6
    assert abs(math.fsum(c["contribution"] for c in contributions) - doc["gap"]) <= 1e-12
    assert contributions[0]["parameter"] == "ps-disempowerment.credence"
    assert len(doc["double_cruxes"]) == 3
    assert doc["double_cruxes"][0]["claim"] == "ps-disempowerment"


def test_disagree_usage_errors(capsys: pytest.CaptureFixture[str], mapdir: Path) -> None:
    code, _, err = run(capsys, "disagree", str(mapdir), "wet", "alice", "alice")
    assert code == 2
    code, _, err = run(capsys, "disagree", str(mapdir), "wett", "alice", "bob")
    assert code == 2 and "did you mean 'wet'" in err
    code, _, err = run(capsys, "disagree", str(mapdir), "wet", "alice", "carol")
    assert code == 2 and "no person 'carol'" in err
    code, out, _ = run(
        capsys,
        "disagree",
        str(mapdir),
        "wet",
        "alice",
        "bob",
        "--frame",
        "cold",
        "--format",
        "json",
    )
    doc = json.loads(out)
    assert code == 0 and doc["column"] == "cold"
    keys = {c["parameter"] for c in doc["attribution"]["contributions"]}
    assert keys == {"rain.credence", "rain-wets.strength"}  # the hot weight cannot move cold


def test_report_people_and_render_as(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    report = tmp_path / "r.md"
    code, _, _ = run(capsys, "report", str(POWER), "--people", "--mermaid", "-o", str(report))
    text = report.read_text()
    assert code == 0 and "## People" in text and "### Disagreement on `ps-doom`" in text
    assert "| `ps-doom` | 5.14% | 0.21% | 1.05% |" in text
    dot = tmp_path / "m.dot"
    code, _, _ = run(capsys, "render", str(POWER), "--as", "superforecasters-2023", "-o", str(dot))
    assert code == 0 and "0.2%" in dot.read_text()


def test_readme_shows_the_current_disagree_output(capsys: pytest.CaptureFixture[str]) -> None:
    import os

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("$ argmap disagree arguments/examples/power-seeking.yaml ps-doom")
    command, _, rest = readme[start:].partition("\n")
    shown = rest[: rest.index("```")]
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code, out, _ = run(capsys, *command.removeprefix("$ argmap ").split())
    finally:
        os.chdir(cwd)
    assert code == 0 and out == shown


def test_person_schema_accepts_overlays_and_rejects_structure() -> None:
    from argmap.schema.jsonschema import PERSON_SCHEMA_PATH, person_schema, render
    from argmap.schema.yamlsrc import parse_yaml

    assert PERSON_SCHEMA_PATH.read_text(encoding="utf-8") == render(person=True)
    schema = person_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    shipped = sorted((ROOT / "arguments").glob("**/*.people/*.yaml"))
    assert len(shipped) >= 2
    for text in [ALICE, BOB, *(p.read_text(encoding="utf-8") for p in shipped)]:
        assert list(validator.iter_errors(parse_yaml(text, "x.yaml").data)) == []
    for bad in [
        "argmap: 1\nperson: z\nclaims: {rain: {text: Snow.}}\n",
        "argmap: 1\nperson: z\narguments: {a: {premises: [b]}}\n",
        "argmap: 1\nperson: pooled\n",
        "argmap: 1\nperson: z\ntitle: Mine\n",
        "argmap: 1\nclaims: {rain: {credence: 5%}}\n",
    ]:
        assert list(validator.iter_errors(parse_yaml(bad, "x.yaml").data)) != []


def test_textconv_of_an_overlay_shows_that_persons_credences(
    capsys: pytest.CaptureFixture[str],
) -> None:
    overlay = POWER.with_name("power-seeking.people") / "superforecasters-2023.yaml"
    code, out, _ = run(capsys, "textconv", str(overlay))
    assert code == 0 and "# argmap: ps-doom  0.21%" in out


def test_schema_person(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "--person")
    assert code == 0 and json.loads(out)["title"] == "argmap person overlay"


def test_disagree_with_set_and_given(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["disagree", str(POWER), "ps-doom", "carlsmith-2021", "superforecasters-2023"]
    code, out, _ = run(capsys, *argv, "--set", "ps-disempowerment=20%", "--format", "json")
    doc = json.loads(out)
    keys = [c["parameter"] for c in doc["attribution"]["contributions"]]
    assert code == 0 and "ps-disempowerment.credence" not in keys and len(keys) == 5
    a = [0.65, 0.8, 0.4, 0.65, 0.2, 0.95]
    b = [0.8, 0.9, 0.58, 0.25, 0.2, 0.4]
    assert doc["gap"] == pytest.approx(math.prod(a) - math.prod(b), abs=1e-15)
    assert (
        abs(math.fsum(c["contribution"] for c in doc["attribution"]["contributions"]) - doc["gap"])
        < 1e-12
    )
    code, out, _ = run(capsys, *argv, "--given", "ps-timelines", "--format", "json")
    doc = json.loads(out)
    assert doc["a"]["credence"] == pytest.approx(math.prod(a[1:4]) * 0.4 * 0.95)
    assert "ps-timelines" not in [x["claim"] for x in doc["double_cruxes"]]


def test_docstring_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    import doctest

    import argmap.engine.people

    monkeypatch.chdir(ROOT)
    result = doctest.testmod(argmap.engine.people, extraglobs={"load": load})
    assert result.attempted >= 7 and result.failed == 0


def test_disagree_says_when_it_samples(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    claims = "".join(f"  p{i}: {{credence: 50%}}\n" for i in range(12))
    premises = ", ".join(f"p{i}" for i in range(12))
    f = tmp_path / "chain.yaml"
    f.write_text(
        f"argmap: 1\nclaims:\n{claims}  c: {{text: C}}\n"
        f"arguments:\n  all: {{premises: [{premises}], supports: c}}\n"
    )
    (tmp_path / "chain.people").mkdir()
    for pid, p in (("hi", "90%"), ("lo", "60%")):
        body = "".join(f"  p{i}: {{credence: {p}}}\n" for i in range(12))
        (tmp_path / "chain.people" / f"{pid}.yaml").write_text(
            f"argmap: 1\nperson: {pid}\nclaims:\n{body}"
        )
    code, out, _ = run(capsys, "disagree", str(f), "c", "hi", "lo", "--orders", "20")
    assert code == 0
    assert "estimated from 20 random orders of the 12 parameters" in out and " ± " in out
    code, out, _ = run(capsys, "disagree", str(f), "c", "hi", "lo", "--format", "json")
    doc = json.loads(out)["attribution"]
    assert doc["method"] == "sampled" and doc["orders"] == 100 and doc["seed"] == 0
    assert all("stderr" in c for c in doc["contributions"])


def test_cruxes_and_sensitivity_as_a_person(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("cruxes", "sensitivity"):
        code, out, _ = run(
            capsys, command, str(POWER), "ps-doom", "--as", "superforecasters-2023", "--top", "1"
        )
        assert code == 0 and "ps-doom (default): 0.21%" in out
