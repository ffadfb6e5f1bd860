"""argmap import / export: each format's reading, round trips, and other tools' numbers."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.api import evaluate
from argmap.cli import main
from argmap.engine.generate import random_map
from argmap.interop import aif, argdown, bayesnet, export_map, kialo, squiggle
from argmap.interop.common import slug, to_yaml
from argmap.schema import ArgumentMap, MapError
from argmap.schema.loader import load, loads

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "interop"
SHIPPED = ["arguments/scheming", "arguments/examples/power-seeking.yaml"]


def _credences(amap: ArgumentMap) -> dict[tuple[str, str], float]:
    ev = evaluate(amap, band_draws=0)
    return {(c, col): v for c, r in ev.claims.items() for col, v in r.credence.items()}


def _reimport(amap: ArgumentMap, fmt: str) -> ArgumentMap:
    text, _ = export_map(amap, fmt)
    parse = argdown.parse if fmt == "argdown" else aif.parse
    return loads(to_yaml(parse(text, f"x.{fmt}").data), "round-trip")


# -- round trips -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["argdown", "aif"])
@pytest.mark.parametrize("path", SHIPPED)
def test_shipped_maps_round_trip_with_the_same_credences(path: str, fmt: str) -> None:
    amap = load(ROOT / path)
    back = _reimport(amap, fmt)
    assert set(back.claims) == set(amap.claims)
    assert set(back.arguments) == set(amap.arguments)
    assert set(back.frames) == set(amap.frames)
    want, got = _credences(amap), _credences(back)
    assert want.keys() == got.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=1e-12), key


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 18), seed=st.integers(0, 10_000), frames=st.integers(0, 2))
@pytest.mark.parametrize("fmt", ["argdown", "aif"])
def test_random_maps_round_trip(fmt: str, n: int, seed: int, frames: int) -> None:
    amap = random_map(n, seed, n_frames=frames, p_evidence=0.3, p_uncertain=0.2)
    back = _reimport(amap, fmt)
    want, got = _credences(amap), _credences(back)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=1e-12), key


# -- Argdown -----------------------------------------------------------------------


def test_argdown_fixture_maps_every_element() -> None:
    imp = argdown.parse((FIXTURES / "debate.argdown").read_text(), "debate.argdown")
    data = imp.data
    args = data["arguments"]
    assert data["title"] == "Should the city close its centre to cars?"
    assert data["claims"]["car-free"]["tags"] == ["thesis"]
    assert data["claims"]["cost"]["text"] == "Closing the centre costs the city money #budget."
    # a reconstructed argument: two inference steps chained through the intermediate conclusion
    assert args["health-step-1"] == {
        "premises": ["less-exhaust", "exhaust-harms"],
        "supports": "healthier",
    }
    assert args["health"] == {"premises": ["healthier"], "supports": "car-free"}
    # relation symbols and directions: + (child supports), - (attack on an argument is an
    # undercut), _ (undercut), <+ (explicit incoming), -> (outgoing attack), <_ (incoming undercut)
    assert args["clean-air"]["supports"] == "car-free" and args["clean-air"]["strength"] == 0.8
    assert args["electric-cars"]["undercuts"] == "clean-air"
    assert args["tyre-dust"]["undercuts"] == "electric-cars"
    assert args["deliveries"]["attacks"] == "car-free"
    assert args["buses-faster-supports-car-free"]["premises"] == ["buses-faster"]
    assert args["night-windows-undercuts-deliveries"]["undercuts"] == "deliveries"
    assert args["cost-attacks-car-free"] == {"premises": ["cost"], "attacks": "car-free"}
    assert imp.counts == {"statements": 8, "arguments": 5, "relations": 8, "headings": 1}
    assert any("attack on argument <Clean air>" in a for a in imp.approximated)
    assert any("'author'" in n for n in imp.not_mapped)
    loads(to_yaml(data), "debate.yaml")  # a valid map


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[a]: x {credence: [}\n", "1:8: YAML data is not valid"),
        ("===\ntitle: x\n", "1:1: front matter opened with '===' is never closed"),
        ("/* open\n[a]: x\n", "1:1: comment is never closed"),
        ("[a] trailing words\n", "1:1: expected ':' after the title '[a]'"),
        ("(1) a\n--\nrule\n", "3:1: an expanded inference opened with '--' is never closed"),
        ("[a]: x\n  + <b>\n+ <c>\n", "3:1: a relation needs a parent element above it"),
        ("===\n- a list\n===\n[a]: x\n", "1:1: front matter must be a YAML mapping"),
    ],
)
def test_argdown_errors_are_located(text: str, message: str) -> None:
    with pytest.raises(MapError) as err:
        argdown.parse(text, "bad.argdown")
    assert any(message in str(p) for p in err.value.problems), err.value.problems


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]<>(){}:+-_#/*=\n ab1\\'\"@>|.")), max_size=80))
def test_argdown_reader_only_raises_map_errors(text: str) -> None:
    try:
        imp = argdown.parse(text, "fuzz.argdown")
    except MapError:
        return
    loads(to_yaml(imp.data), "fuzz.yaml")  # whatever it reads becomes a valid map


def test_argdown_cycles_are_broken_and_reported() -> None:
    imp = argdown.parse("[a]: A\n  + [b]: B\n    + [a]\n", "cycle.argdown")
    loads(to_yaml(imp.data), "cycle.yaml")
    assert any("closes a cycle" in n for n in imp.not_mapped)


EXAMPLES = os.environ.get("ARGMAP_ARGDOWN_EXAMPLES")
ARGDOWN_CORE = os.environ.get("ARGMAP_ARGDOWN_CORE")


@pytest.mark.skipif(
    not EXAMPLES, reason="set ARGMAP_ARGDOWN_EXAMPLES to a folder of .argdown files"
)
def test_the_argdown_projects_examples_import() -> None:
    files = sorted(Path(EXAMPLES or ".").glob("*.argdown"))
    assert files
    for path in files:
        imp = argdown.parse(path.read_text(encoding="utf-8"), str(path))
        amap = loads(to_yaml(imp.data), str(path))
        assert len(amap.claims) + len(imp.not_mapped) > 0


@pytest.mark.skipif(
    not (EXAMPLES and ARGDOWN_CORE and shutil.which("node")),
    reason="set ARGMAP_ARGDOWN_EXAMPLES and ARGMAP_ARGDOWN_CORE (a folder with @argdown/core)",
)
def test_statements_and_arguments_agree_with_argdowns_own_parser() -> None:
    env = {**os.environ, "NODE_PATH": str(Path(ARGDOWN_CORE or ".") / "node_modules")}
    for path in sorted(Path(EXAMPLES or ".").glob("*.argdown")):
        out = subprocess.run(
            ["node", str(FIXTURES / "argdown_counts.cjs"), str(path)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            timeout=60,
        )
        theirs = json.loads(out.stdout)
        ours = argdown.parse(path.read_text(encoding="utf-8"), str(path)).counts
        assert theirs["errors"] == 0
        assert (ours["statements"], ours["arguments"]) == (
            theirs["statements"],
            theirs["arguments"],
        ), path.name
        # Argdown's model folds a reconstructed argument's relation to its own conclusion
        # into the argument; argmap reads it the same way but counts it as read.
        assert ours["relations"] >= theirs["relations"], path.name


# -- Kialo -------------------------------------------------------------------------


def test_kialo_export_imports_into_a_valid_map() -> None:
    imp = kialo.parse((FIXTURES / "cars.kialo.txt").read_text(), "cars.txt")
    data = imp.data
    assert data["title"] == "Should cities ban cars from their centres?"
    assert set(data["claims"]) == {"1", "1.1", "1.1.1", "1.1.1.1", "1.2", "1.2.1"}
    assert data["claims"]["1.1.1.1"]["text"] == "Tyres and brakes still emit particulates (PM2.5)."
    assert data["claims"]["1.2"]["text"].endswith("Some shops would lose trade.")
    assert data["arguments"]["1.1-supports-1"] == {"premises": ["1.1"], "supports": "1"}
    assert data["arguments"]["1.1.1-attacks-1.1"] == {"premises": ["1.1.1"], "attacks": "1.1"}
    # "-> See 1.1.1.1": the linked claim is the premise; no new claim
    assert data["arguments"]["1.3-supports-1"] == {"premises": ["1.1.1.1"], "supports": "1"}
    amap = loads(to_yaml(data), "cars.yaml")
    assert 0 < evaluate(amap).claims["1"].credence["default"] < 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1. A\n1.1. B\n", "2:6: 1.1 needs 'Pro:' or 'Con:'"),
        ("1. A\n1.2.1. Pro: B\n", "2:1: 1.2.1 has no parent 1.2 above it"),
        ("1. A\n1. B\n", "2:1: number 1 appears twice"),
        ("1. A\n1.1. Pro: -> See 9.\n", "2:1: '-> See 9' names no claim"),
        ("hello\n", "1:1: expected 'Discussion Title: ...'"),
        ("1. Pro: A\n", "1:1: 1 is the thesis"),
    ],
)
def test_kialo_errors_are_located(text: str, message: str) -> None:
    with pytest.raises(MapError) as err:
        kialo.parse(text, "k.txt")
    assert any(message in str(p) for p in err.value.problems), err.value.problems


# -- AIF ---------------------------------------------------------------------------


def test_aif_fixture_maps_attacks_undercuts_and_lists_the_rest() -> None:
    imp = aif.parse((FIXTURES / "small.aif.json").read_text(), "small.json")
    args = list(imp.data["arguments"].values())
    claims = imp.data["claims"]
    ban = next(c for c, v in claims.items() if v["text"].startswith("Cities"))
    air = next(c for c, v in claims.items() if v["text"].startswith("Car-free centres have c"))
    assert {"premises": [air], "supports": ban} in args
    attack = next(a for a in args if a.get("attacks") == air)
    undercut = next(a for a in args if "undercuts" in a)
    assert undercut["undercuts"] in imp.data["arguments"]
    assert imp.data["arguments"][undercut["undercuts"]] == attack
    assert any("dialogue nodes" in n for n in imp.not_mapped)
    assert any("rephrase" in n for n in imp.not_mapped)
    assert imp.counts["I-nodes"] == 5 and imp.counts["edges"] == 10
    loads(to_yaml(imp.data), "small.yaml")


def test_xaif_wrapper_is_read() -> None:
    doc = json.loads((FIXTURES / "small.aif.json").read_text())
    imp = aif.parse(json.dumps({"AIF": doc, "text": "..."}), "x.json")
    assert len(imp.data["claims"]) == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"nodes": [', "1:12: not JSON"),
        ("[]", "1:1: not AIF"),
        (
            '{"nodes": [{"nodeID": "1", "type": "I"}],\n "edges": [{"fromID": "1", "toID": "9"}]}',
            "2:36: edges[0] names node '9'",
        ),
        ('{"nodes": [{"text": "x"}]}', "nodes[0] needs 'nodeID' and 'type'"),
    ],
)
def test_aif_errors_are_located(text: str, message: str) -> None:
    with pytest.raises(MapError) as err:
        aif.parse(text, "x.json")
    assert any(message in str(p) for p in err.value.problems), err.value.problems


# -- Bayesian networks ---------------------------------------------------------------


def _observe_all(net: bayesnet.Network) -> dict[str, str]:
    return {n: "true" for n in net.evidence}


def _cases() -> list[tuple[ArgumentMap, str | None]]:
    scheming = load(ROOT / "arguments/scheming")
    return [
        (scheming, None),  # the weighted mix: the frame node
        (scheming, "extra-criteria"),
        (load(ROOT / "arguments/examples/power-seeking.yaml"), None),
        (random_map(40, 7, n_frames=2, p_evidence=0.3, window=5), None),
        (random_map(40, 3, p_evidence=0.3, p_uncertain=0.3), None),
    ]


def _column(amap: ArgumentMap, frame: str | None) -> tuple[str, dict[str, float]]:
    ev = evaluate(amap, frames=[frame] if frame else None, band_draws=0)
    col = frame or ("overall" if len(ev.frames) > 1 else next(iter(ev.frames)))
    return col, {c: r.credence[col] for c, r in ev.claims.items()}


@pytest.mark.parametrize("case", range(5))
@pytest.mark.parametrize(("fmt", "suffix"), [("bifxml", ".bifxml"), ("bif", ".bif")])
def test_pyagrum_reproduces_the_marginals(case: int, fmt: str, suffix: str, tmp_path: Path) -> None:
    gum = pytest.importorskip("pyagrum")
    amap, frame = _cases()[case]
    net = bayesnet.network(amap, frame)
    path = tmp_path / f"net{suffix}"
    path.write_text(bayesnet.to_xmlbif(net) if fmt == "bifxml" else bayesnet.to_bif(net))
    ie = gum.LazyPropagation(gum.loadBN(str(path)))
    ie.setEvidence(_observe_all(net))
    ie.makeInference()
    _, want = _column(amap, frame)
    # pyAgrum reads BIF's numbers in single precision (7 digits); XMLBIF in double.
    tol = 1e-9 if fmt == "bifxml" else 1e-6
    for cid, p in want.items():
        assert ie.posterior(net.names[cid])[1] == pytest.approx(p, abs=tol), cid


@pytest.mark.parametrize("case", range(5))
@pytest.mark.parametrize("fmt", ["bif", "bifxml", "xdsl"])
def test_pgmpy_reproduces_the_marginals(case: int, fmt: str, tmp_path: Path) -> None:
    pytest.importorskip("pgmpy")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.inference import VariableElimination
        from pgmpy.readwrite import BIFReader, XDSLReader, XMLBIFReader
    amap, frame = _cases()[case]
    net = bayesnet.network(amap, frame)
    writer = {"bif": bayesnet.to_bif, "bifxml": bayesnet.to_xmlbif, "xdsl": bayesnet.to_xdsl}
    path = tmp_path / f"net.{fmt}"
    path.write_text(writer[fmt](net))
    reader = {"bif": BIFReader, "bifxml": XMLBIFReader, "xdsl": XDSLReader}[fmt]
    ve = VariableElimination(reader(str(path)).get_model())
    _, want = _column(amap, frame)
    for cid, p in want.items():
        name = net.names[cid]
        got = ve.query([name], evidence=_observe_all(net), show_progress=False)
        assert float(got.get_value(**{name: "true"})) == pytest.approx(p, abs=1e-9), cid


def test_frame_node_posterior_is_the_posterior_weight() -> None:
    gum = pytest.importorskip("pyagrum")
    amap = load(ROOT / "arguments/scheming")
    net = bayesnet.network(amap)
    bn = gum.BayesNet()
    # Build through the XMLBIF text, as a user would open it.
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "net.bifxml"
        path.write_text(bayesnet.to_xmlbif(net))
        bn = gum.loadBN(str(path))
    ie = gum.LazyPropagation(bn)
    ie.setEvidence(_observe_all(net))
    ie.makeInference()
    post = ie.posterior("frame")
    ev = evaluate(amap, band_draws=0)
    for i, name in enumerate(amap.frames):
        assert post[i] == pytest.approx(ev.frames[name].posterior_weight, abs=1e-12)


def test_wide_fan_in_uses_helpers() -> None:
    claims = {f"p{i}": {"credence": 0.5} for i in range(25)}
    claims["c"] = {}
    arguments = {
        f"a{i}": {"premises": [f"p{i}"], "supports": "c", "strength": 0.1} for i in range(25)
    }
    amap = loads(to_yaml({"argmap": 1, "claims": claims, "arguments": arguments}), "wide.yaml")
    net = bayesnet.network(amap)
    assert max(len(n.parents) for n in net.nodes) <= bayesnet.MAX_PARENTS
    assert any(n.name.startswith("h_") for n in net.nodes)
    want = 1 - (1 - 0.05) ** 25
    pgmpy = pytest.importorskip("pgmpy")
    del pgmpy
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.inference import VariableElimination
        from pgmpy.readwrite import BIFReader
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "wide.bif"
        path.write_text(bayesnet.to_bif(net))
        ve = VariableElimination(BIFReader(str(path)).get_model())
        got = ve.query(["c_c"], show_progress=False).get_value(c_c="true")
    assert got == pytest.approx(want, abs=1e-12)
    assert evaluate(amap).claims["c"].credence["default"] == pytest.approx(want, abs=1e-12)


def test_unweighted_frames_need_a_frame() -> None:
    amap = loads("argmap: 1\nframes: {f: {}, g: {}}\nclaims: {a: {credence: 0.5}}\n", "frames.yaml")
    with pytest.raises(Exception, match="choose one with frame="):
        bayesnet.network(amap)
    assert bayesnet.network(amap, "f").nodes


# -- Squiggle ----------------------------------------------------------------------


def test_squiggle_model_structure() -> None:
    amap = load(ROOT / "arguments/scheming")
    text = squiggle.write(amap, "extra-criteria")
    assert "cannot condition on them" in text
    assert "evidence on toy-non-schemer-selected, not applied" in text
    assert "group model-classes, not applied: exactly-one of" in text
    assert "SampleSet.fromDist(bernoulli(" in text
    # every name is defined before it is used
    defined: set[str] = set()
    for line in text.splitlines():
        if " = " in line and not line.startswith("//"):
            name, expr = line.split(" = ", 1)
            code = expr.split("//")[0]
            for token in code.replace("(", " ").replace(")", " ").replace("*", " ").split():
                if token.startswith(("c_", "a_")):
                    assert token in defined, (token, line)
            defined.add(name)


SQUIGGLE_DIR = os.environ.get("ARGMAP_SQUIGGLE_DIR")


@pytest.mark.skipif(
    not (SQUIGGLE_DIR and shutil.which("node")),
    reason="set ARGMAP_SQUIGGLE_DIR to a folder with node_modules/@quri/squiggle-lang and run.mjs",
)
def test_squiggle_runs_and_agrees_before_evidence(tmp_path: Path) -> None:
    amap = load(ROOT / "arguments/scheming")
    frame = "contributors-to-reward"
    path = tmp_path / "model.squiggle"
    path.write_text(squiggle.write(amap, frame))
    n = 200_000
    out = subprocess.run(
        ["node", "run.mjs", str(path), str(n)],
        cwd=SQUIGGLE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    got = json.loads(out.stdout)
    no_evidence = {f"{c}.evidence": "0" for c, v in amap.claims.items() if v.evidence}
    ev = evaluate(amap, frames=[frame], set=no_evidence, band_draws=0)
    for cid, res in ev.claims.items():
        p = res.credence[frame]
        se = math.sqrt(max(p * (1 - p), 1e-12) / n)
        name = "c_" + "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in cid)
        assert abs(got[name] - p) < 5 * se + 1e-9, cid


# -- command line --------------------------------------------------------------------


def test_cli_import_export_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ad = tmp_path / "scheming.argdown"
    assert main(["export", str(ROOT / "arguments/scheming"), "-o", str(ad)]) == 0
    out = tmp_path / "scheming.yaml"
    assert main(["import", str(ad), "-o", str(out)]) == 0
    claims = len(load(ROOT / "arguments/scheming").claims)
    assert f"wrote: {claims} claims" in capsys.readouterr().err
    before = out.read_bytes()
    assert main(["import", str(ad), "-o", str(out)]) == 2  # never overwrites without --force
    assert "exists" in capsys.readouterr().err
    assert out.read_bytes() == before
    assert main(["import", str(ad), "-o", str(out), "--force"]) == 0


def test_cli_unknown_ending_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(ROOT / "arguments/examples/power-seeking.yaml"), "-o", "x.doc"]) == 2
    assert "use --format" in capsys.readouterr().err


def test_cli_malformed_input_exits_1_with_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("1. A\n1.1. B\n")
    assert main(["import", str(bad)]) == 1
    assert "bad.txt:2:6: 1.1 needs 'Pro:' or 'Con:'" in capsys.readouterr().err


def test_cli_export_bif_notes_evidence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s.bif"
    assert main(["export", str(ROOT / "arguments/scheming"), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    # the evidence, and the group's constraint (argmap's credences are conditional on it)
    observe = "e_toy_non_schemer_selected, g_model_classes"
    assert f"set these evidence and group nodes to true: {observe}" in err
    assert out.read_text().startswith("network ")


def test_slug() -> None:
    assert slug("Électricité & co") == "lectricit-co"
    assert slug("") == "x"


def test_groups_are_observed_nodes_and_keep_the_frame_weights(tmp_path: Path) -> None:
    """A group whose constraint is likelier in one frame: the exported network, with the
    group's node observed, still gives argmap's marginals and posterior frame weights."""
    gum = pytest.importorskip("pyagrum")
    text = """argmap: 1
frames: {f: {weight: 0.3}, g: {weight: 0.7}}
groups: {pick: {exactly-one: [a, b, c]}}
claims:
  a: {credence: 0.2, frames: {g: {credence: 0.9}}}
  b: {credence: 0.5}
  c: {credence: 0.4, evidence: [{lr: 3}]}
  d: {text: D}
arguments:
  ad: {premises: [a], supports: d, strength: 0.8}
"""
    amap = loads(text, "groups.yaml")
    net = bayesnet.network(amap)
    assert [n for n in net.evidence if n.startswith("g_")] == ["g_pick"]
    path = tmp_path / "net.bifxml"
    path.write_text(bayesnet.to_xmlbif(net))
    ie = gum.LazyPropagation(gum.loadBN(str(path)))
    ie.setEvidence(_observe_all(net))
    ie.makeInference()
    ev = evaluate(amap, band_draws=0)
    assert ev.frames["f"].posterior_weight != pytest.approx(0.3, abs=1e-3)  # evidence moved it
    for cid, res in ev.claims.items():
        assert ie.posterior(net.names[cid])[1] == pytest.approx(res.credence["overall"], abs=1e-9)
    post = ie.posterior("frame")
    for i, name in enumerate(amap.frames):
        assert post[i] == pytest.approx(ev.frames[name].posterior_weight, abs=1e-9)
    # the constraint is likelier in f (0.46 against 0.32), so the frame node's prior lowers
    # f's weight: observing the constraint must not raise it by itself
    frame_node = next(n for n in net.nodes if n.name == "frame")
    assert frame_node.rows[0][0] == pytest.approx((0.3 / 0.46) / (0.3 / 0.46 + 0.7 / 0.32))


def test_cli_import_reads_by_the_map_reading_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe.argdown"
    os.mkfifo(fifo)  # would block a plain read for ever
    assert main(["import", str(fifo)]) == 1
    assert "pipe.argdown:1:1: a FIFO (named pipe) is not read" in capsys.readouterr().err
