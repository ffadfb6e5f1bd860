"""`argmap export --as ID` (and `--person FILE`): one person's numbers in another tool's
format. Read back by pgmpy and pyAgrum, the networks give `argmap eval --as ID`'s credences."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from argmap.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCHEMING = ROOT / "arguments" / "scheming"
POWER = ROOT / "arguments" / "examples" / "power-seeking.yaml"
ALICE = """\
argmap: 1
person: alice
claims:
  uniform-over-individuals: {credence: 10%}
  count-is-a-measure:
    credence: 70%
    frames:
      extra-criteria: {credence: 60%}
arguments:
  counting-1-and-2: {strength: 60%}
frames:
  extra-criteria: {weight: 0.7}
"""


@pytest.fixture
def alice(tmp_path: Path) -> Path:
    path = tmp_path / "alice.yaml"
    path.write_text(ALICE, encoding="utf-8")
    return path


def eval_json(tmp_path: Path, *argv: str) -> dict[str, Any]:
    out = tmp_path / "eval.json"
    assert main(["eval", *argv, "--samples", "0", "--format", "json", "-o", str(out)]) == 0
    doc: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return doc


def pgmpy_marginals(path: Path, fmt: str) -> dict[str, float]:
    """P(node = true) of every c_ node, with every e_ and g_ node observed true."""
    pytest.importorskip("pgmpy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.inference import VariableElimination
        from pgmpy.readwrite import BIFReader, XDSLReader, XMLBIFReader
    reader = {"bif": BIFReader, "bifxml": XMLBIFReader, "xdsl": XDSLReader}[fmt]
    model = reader(str(path)).get_model()
    ve = VariableElimination(model)
    nodes = [str(n) for n in model.nodes()]
    observed = {n: "true" for n in nodes if n.startswith(("e_", "g_"))}
    out = {}
    for name in nodes:
        if name.startswith("c_"):
            got = ve.query([name], evidence=observed, show_progress=False)
            out[name] = float(got.get_value(**{name: "true"}))
    return out


def node_names(path: Path, person: str, *people: Path) -> dict[str, str]:
    """Each claim's node in the network (the exporter's own naming: names, not numbers)."""
    import argmap
    from argmap.interop import bayesnet

    return bayesnet.network(argmap.as_person(argmap.load(path, people=list(people)), person)).names


@pytest.mark.parametrize("fmt", ["bif", "bifxml", "xdsl"])
def test_a_person_files_network_gives_eval_as_numbers(
    fmt: str, alice: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"alice.{fmt}"
    argv = ["export", str(SCHEMING), "--person", str(alice), "--as", "alice", "-o", str(out)]
    assert main(argv) == 0
    assert "the numbers are alice's" in capsys.readouterr().err
    want = eval_json(tmp_path, str(SCHEMING), "--person", str(alice), "--as", "alice")
    own = eval_json(tmp_path, str(SCHEMING))
    got = pgmpy_marginals(out, fmt)
    names = node_names(SCHEMING, "alice", alice)
    moved = 0
    for cid, claim in want["claims"].items():
        p = claim["credence"]["overall"]
        assert got[names[cid]] == pytest.approx(p, abs=1e-6 if fmt == "bif" else 1e-9), cid
        moved += abs(p - own["claims"][cid]["credence"]["overall"]) > 1e-3
    assert moved >= 3  # alice's numbers differ from the map's own: the test can tell them apart


def test_a_map_overlays_person_to_bifxml_read_by_pyagrum(tmp_path: Path) -> None:
    """The overlays beside a one-file map, one frame: pyAgrum agrees with `eval --as`."""
    gum = pytest.importorskip("pyagrum")
    person = "superforecasters-2023"
    out = tmp_path / "sf.bifxml"
    assert main(["export", str(POWER), "--as", person, "-o", str(out)]) == 0
    assert f"(as {person})" in out.read_text(encoding="utf-8")  # the file says whose numbers
    want = eval_json(tmp_path, str(POWER), "--as", person)["claims"]
    ie = gum.LazyPropagation(gum.loadBN(str(out)))
    ie.makeInference()
    names = node_names(POWER, person)
    for cid, claim in want.items():
        p = claim["credence"]["default"]
        assert ie.posterior(names[cid])[1] == pytest.approx(p, abs=1e-9), cid
    assert want["ps-doom"]["credence"]["default"] == pytest.approx(0.0021, abs=1e-4)


def test_squiggle_and_argdown_carry_the_persons_numbers(tmp_path: Path) -> None:
    person = "superforecasters-2023"
    for fmt in ("squiggle", "argdown"):
        out = tmp_path / f"sf.{fmt}"
        assert main(["export", str(POWER), "--as", person, "--format", fmt, "-o", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        assert "0.58" in text or "58%" in text, text  # ps-alignment-hard: 58%, the map's 40%


def test_an_unknown_person_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(POWER), "--as", "superforecaster", "--format", "bif"]) == 2
    err = capsys.readouterr().err
    assert "no person 'superforecaster'" in err and "did you mean 'superforecasters-2023'" in err
