"""A claim's ``label`` in the JSON of ``diff``, ``cruxes`` and ``sensitivity``: beside each
claim the document names, only when that claim has one (as ``eval --format json``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitrepo import make_repo

from argmap.cli import main

LABELLED = """\
argmap: 1
title: Labels
claims:
  rain: {text: It rains., credence: 30%, label: "1"}
  wet: {text: The street is wet., label: "hazy 1"}
  plain: {text: No label here., credence: 50%}
  cloud: {text: Clouds., credence: 60%, label: "1.1", evidence: [{text: Grey sky., bits: 1}]}
arguments:
  r2w: {premises: [rain], supports: wet, strength: 90%}
  p2w: {premises: [plain], supports: wet, strength: 20%}
  c2r: {premises: [cloud], supports: rain, strength: 50%}
"""


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert isinstance(doc, dict)
    return doc


@pytest.fixture
def labelled(tmp_path: Path) -> str:
    path = tmp_path / "labels.yaml"
    path.write_text(LABELLED, encoding="utf-8")
    return str(path)


def test_cruxes_json_carries_labels(labelled: str, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, "cruxes", labelled, "wet", "--format", "json")
    assert doc["label"] == "hazy 1"  # the claim asked about
    items = {c["claim"]: c for c in doc["cruxes"]}  # type: ignore[attr-defined]
    assert {c: e["label"] for c, e in items.items() if "label" in e} == {
        "rain": "1",
        "cloud": "1.1",
    }
    assert list(items["rain"])[:3] == ["claim", "label", "text"]  # beside the id
    assert "label" not in items["plain"]
    doc = _json(capsys, "cruxes", labelled, "plain", "--format", "json")
    assert "label" not in doc


def test_sensitivity_json_carries_labels_of_claims_only(
    labelled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _json(capsys, "sensitivity", labelled, "wet", "--format", "json")
    assert doc["label"] == "hazy 1"
    items = {p["parameter"]: p for p in doc["parameters"]}  # type: ignore[attr-defined]
    got = {k: e["label"] for k, e in items.items() if "label" in e}
    assert got == {"rain.credence": "1", "cloud.credence": "1.1", "cloud.evidence": "1.1"}
    assert "label" not in items["plain.credence"] and "label" not in items["r2w.strength"]
    assert list(items["rain.credence"])[:2] == ["parameter", "label"]


def test_diff_json_carries_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    g = make_repo(tmp_path / "repo")
    g.write("arguments/labels.yaml", LABELLED)
    g.commit("labelled map")
    g.replace("arguments/labels.yaml", "strength: 90%", "strength: 40%")
    g.replace("arguments/labels.yaml", 'label: "hazy 1"', 'label: "hazy 2"')
    g.replace("arguments/labels.yaml", "  plain: {text: No label here., credence: 50%}\n", "")
    g.replace(
        "arguments/labels.yaml", "  p2w: {premises: [plain], supports: wet, strength: 20%}\n", ""
    )
    g.write(
        "arguments/labels.yaml",
        (g.root / "arguments/labels.yaml").read_text()
        + "  s2w: {premises: [sun], attacks: wet, strength: 30%}\n",
    )
    g.replace(
        "arguments/labels.yaml",
        "arguments:\n",
        '  sun: {text: Sun., credence: 20%, label: "2"}\narguments:\n',
    )
    g.commit("edit")
    monkeypatch.chdir(g.root)
    doc = _json(capsys, "diff", "HEAD~1", "HEAD", "--format", "json", "--", "arguments/labels.yaml")
    (m,) = doc["maps"]  # type: ignore[misc]
    assert m["claims"]["wet"]["label"] == "hazy 2"  # the head's label
    assert list(m["claims"]["wet"])[:2] == ["label", "text"]
    assert m["added"]["sun"]["label"] == "2"
    assert "label" not in m["removed"]["plain"]
    # a label dropped at head is not carried over from the base
    g.replace("arguments/labels.yaml", ', label: "hazy 2"}', "}")
    g.replace("arguments/labels.yaml", "strength: 40%", "strength: 10%")
    g.commit("no label")
    doc = _json(capsys, "diff", "HEAD~1", "HEAD", "--format", "json", "--", "arguments/labels.yaml")
    (m,) = doc["maps"]  # type: ignore[misc]
    assert "label" not in m["claims"]["wet"]
