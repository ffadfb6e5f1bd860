"""A claim's ``label`` in machine-readable outputs: eval JSON, eval --people JSON, and
each export format where the format has a place for it (docs/interop.md)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from argmap.cli import main
from argmap.interop import aif, argdown, export_map
from argmap.interop.bayesnet import bif_label_fits
from argmap.interop.common import to_yaml
from argmap.schema import ArgumentMap
from argmap.schema.loader import load, loads

ROOT = Path(__file__).resolve().parent.parent
SCHEMING = ROOT / "arguments" / "scheming"
LABELLED = """\
argmap: 1
title: Labels
claims:
  rain: {text: It rains., credence: 30%, label: "1"}
  wet: {text: The street is wet., label: "hazy 1"}
  plain: {text: No label here., credence: 50%}
arguments:
  r2w: {premises: [rain], supports: wet, strength: 90%}
  p2w: {premises: [plain], supports: wet, strength: 20%}
"""
LABELS = {"rain": "1", "wet": "hazy 1"}


def _map(labels: dict[str, str] | None = None) -> ArgumentMap:
    if labels is None:
        return loads(LABELLED, "labels.yaml")
    data = yaml.safe_load(LABELLED)
    for cid, claim in data["claims"].items():
        claim.pop("label", None)
        if cid in labels:
            claim["label"] = labels[cid]
    return loads(to_yaml(data), "labels.yaml")  # the importer's writer: line breaks kept


def _labels(amap: ArgumentMap) -> dict[str, str]:
    return {c: cl.label for c, cl in amap.claims.items() if cl.label}


# -- JSON --------------------------------------------------------------------------


def test_eval_json_carries_labels(tmp_path: Path) -> None:
    path, out = tmp_path / "labels.yaml", tmp_path / "eval.json"
    path.write_text(LABELLED, encoding="utf-8")
    assert main(["eval", str(path), "--format", "json", "-o", str(out)]) == 0
    claims = json.loads(out.read_text())["claims"]
    assert {c: e["label"] for c, e in claims.items() if "label" in e} == LABELS
    assert list(claims["rain"]) == ["text", "label", "credence"]  # beside the text
    assert "label" not in claims["plain"]  # only claims that have one


def test_eval_json_of_the_scheming_map_carries_its_labels(tmp_path: Path) -> None:
    out = tmp_path / "eval.json"
    assert main(["eval", str(SCHEMING), "--format", "json", "--samples", "0", "-o", str(out)]) == 0
    claims = json.loads(out.read_text())["claims"]
    assert {c: e["label"] for c, e in claims.items() if "label" in e} == _labels(load(SCHEMING))


def test_people_json_carries_labels(tmp_path: Path) -> None:
    path, out = tmp_path / "labels.yaml", tmp_path / "people.json"
    path.write_text(LABELLED, encoding="utf-8")
    people = tmp_path / "labels.people"
    people.mkdir()
    (people / "ann.yaml").write_text("argmap: 1\nperson: ann\nclaims:\n  rain: {credence: 60%}\n")
    (people / "bo.yaml").write_text("argmap: 1\nperson: bo\nclaims:\n  rain: {credence: 10%}\n")
    assert main(["eval", str(path), "--people", "--format", "json", "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert {c: e["label"] for c, e in doc["claims"].items() if "label" in e} == LABELS
    assert list(doc["claims"]["wet"]) == ["text", "label", "people", "pooled"]
    for person in doc["people"].values():  # each is `eval --as ID --format json`
        assert {c: e["label"] for c, e in person["claims"].items() if "label" in e} == LABELS


# -- exports and imports -----------------------------------------------------------


def _reimport(amap: ArgumentMap, fmt: str) -> ArgumentMap:
    text, _ = export_map(amap, fmt)
    parse = argdown.parse if fmt == "argdown" else aif.parse
    return loads(to_yaml(parse(text, f"x.{fmt}").data), "round-trip")


@pytest.mark.parametrize("fmt", ["argdown", "aif"])
def test_round_trip_keeps_labels(fmt: str) -> None:
    assert _labels(_reimport(_map(), fmt)) == LABELS
    assert _labels(_reimport(load(SCHEMING), fmt)) == _labels(load(SCHEMING))


LABEL = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=16,
).filter(lambda s: s.strip() == s and s.strip())


@pytest.mark.parametrize("fmt", ["argdown", "aif"])
@given(label=LABEL)
@example(label="0\x850")  # NEL: YAML reads it as a line break (and once folded it)
@example(label="a\nb: {c}")
@example(label="<!--")  # an Argdown comment opener inside the YAML data
@example(label="a /* b // c")
def test_any_label_round_trips(fmt: str, label: str) -> None:
    """Quotes, braces, colons, brackets and line breaks survive Argdown's YAML data, AIF's
    JSON and the imported map's YAML."""
    assert _labels(_reimport(_map({"wet": label}), fmt)) == {"wet": label}


def test_argdown_keeps_the_label_in_the_statements_data() -> None:
    text, _ = export_map(_map(), "argdown")
    assert "[rain]: It rains. {credence: 30%, label: '1'}" in text
    assert "[plain]: No label here. {credence: 50%}" in text


def test_aif_keeps_the_label_beside_the_id() -> None:
    text, _ = export_map(_map(), "aif")
    nodes = {n["argmap"]["id"]: n for n in json.loads(text)["nodes"] if "argmap" in n}
    assert nodes["wet"]["argmap"]["label"] == "hazy 1"
    assert nodes["wet"]["text"] == "The street is wet."  # the AIF text stays the claim's
    assert "label" not in nodes["plain"]["argmap"]


def test_bif_carries_labels_as_properties() -> None:
    pgmpy = pytest.importorskip("pgmpy.readwrite")
    text, _ = export_map(_map(), "bif")
    assert '  property label = "hazy 1" ;' in text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = pgmpy.BIFReader(string=text, include_properties=True).get_model()
    assert {n: d["label"] for n, d in model.nodes(data=True) if "label" in d} == {
        "c_rain": "1",
        "c_wet": "hazy 1",
    }


def test_bif_leaves_out_a_label_it_cannot_quote() -> None:
    pgmpy = pytest.importorskip("pgmpy.readwrite")
    assert not bif_label_fits('say "1"') and not bif_label_fits("a;b")
    text, _ = export_map(_map({"rain": 'say "1"', "wet": "a;b}"}), "bif")
    assert "property" not in text
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert pgmpy.BIFReader(string=text).get_model().check_model()


def test_xmlbif_carries_labels_as_properties() -> None:
    pgmpy = pytest.importorskip("pgmpy.readwrite")
    text, _ = export_map(_map({"rain": "<1 & 2>", "wet": "hazy 1"}), "bifxml")
    assert "<PROPERTY>label = &lt;1 &amp; 2&gt;</PROPERTY>" in text
    reader = pgmpy.XMLBIFReader(string=text)
    assert reader.get_property()["c_rain"] == ["label = <1 & 2>"]


def test_xdsl_and_squiggle_keep_labels_in_comments() -> None:
    xdsl, _ = export_map(_map(), "xdsl")
    assert "<!-- claim wet (label hazy 1) -->" in xdsl
    squig, _ = export_map(_map({"wet": "two\nlines"}), "squiggle")
    assert "c_wet = (1 - (1 - a_p2w) * (1 - a_r2w))  // claim wet (label two lines)" in squig


def test_argdown_data_stays_on_its_line() -> None:
    """A line break in any text of the YAML data (a label, notes) is escaped: the Argdown
    reader ends the data with its line (a multi-line label once broke the file)."""
    data = yaml.safe_load(LABELLED)
    data["claims"]["rain"] |= {"label": "a\nb", "notes": "one\ntwo"}
    amap = loads(yaml.safe_dump(data), "labels.yaml")
    back = _reimport(amap, "argdown")
    assert (back.claims["rain"].label, back.claims["rain"].notes) == ("a\nb", "one\ntwo")
