"""The static page's person switch: people's numbers and pictures as patches of the map's own."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from serving import embedded

import argmap
from argmap.cli import main
from argmap.engine.people import POOLED, evaluate_people, pooled_evaluation
from argmap.render.html import (
    apply_patch,
    document_patch,
    evaluation_document,
    static_html,
    svg_patch,
)
from argmap.render.recolour import _segments
from argmap.schema.people import person_map

ROOT = Path(__file__).resolve().parent.parent
POWER = ROOT / "arguments" / "examples" / "power-seeking.yaml"
SF = "superforecasters-2023"
BASE_SVG = '<svg>\n<g id="claim-ps-doom" class="node">\n<text>5.1%</text>\n</g>\n</svg>'


def _power_people() -> tuple[argmap.Evaluation, dict[str, argmap.Evaluation]]:
    amap = argmap.load(POWER)
    own = argmap.evaluate(amap, band_draws=0, explain=True)
    people = {
        pid: argmap.evaluate(person_map(amap, pid), band_draws=0, explain=True)
        for pid in sorted(amap.people)
    }
    people[POOLED] = pooled_evaluation(evaluate_people(amap, band_draws=0))
    return own, people


def test_people_document_golden(golden: Callable[[str, str], None]) -> None:
    """What the page embeds per person: only the numbers that differ, and picture patches."""
    own, people = _power_people()
    base = evaluation_document(own)
    patches = {
        pid: {
            "label": pid,
            "doc": document_patch(base, evaluation_document(ev)),
            "views": {"": svg_patch(BASE_SVG, BASE_SVG.replace("5.1%", f"{pid} %"))},
        }
        for pid, ev in people.items()
    }
    doc = embedded(static_html(own, {"": BASE_SVG}, patches, SF))
    golden("explorer_people.json", json.dumps(doc["people_static"], indent=1) + "\n")
    assert doc["person"] == SF
    # Carlsmith's overlay is the map's own numbers: nothing to embed but the label.
    assert doc["people_static"]["carlsmith-2021"]["doc"] == {}
    # Texts are shared, never repeated per person.
    assert "text" not in json.dumps(doc["people_static"][SF]["doc"]["claims"]["ps-doom"])


def test_document_patch_rebuilds_the_persons_document() -> None:
    """The page's merge (per entry, the changed keys over the map's own) gives back
    exactly the person's document."""
    own, people = _power_people()
    base = evaluation_document(own)
    for ev in people.values():
        theirs = evaluation_document(ev)
        patch = document_patch(base, theirs)
        merged = {**base}
        for key, value in patch.items():
            if key in ("frames", "claims", "arguments"):
                merged[key] = {i: {**base[key][i], **value.get(i, {})} for i in base[key]}
            else:
                merged[key] = value
        merged = {k: v for k, v in merged.items() if v is not None}
        assert json.dumps(merged, sort_keys=True) == json.dumps(theirs, sort_keys=True)


LINES = st.lists(st.sampled_from(["a", "b", 'fill="#fff"', "é", "\U0001f600 x", ""]), max_size=8)


@given(LINES, LINES, st.sampled_from(["", "\U0001f600", "<text>"]))
def test_svg_patch_round_trip(old: list[str], new: list[str], pad: str) -> None:
    """Including characters outside the BMP (the script counts UTF-16 units)."""
    a = "\n".join(pad + "long common prefix " + x + " and suffix" for x in old)
    b = "\n".join(pad + "long common prefix " + x + " and suffix" for x in new)
    assert apply_patch(a, svg_patch(a, b)) == b


def _nodes(svg: str) -> dict[str, tuple[list[str], str]]:
    """Node id -> (its texts, its first fill)."""
    out = {}
    for node, (a, b) in _segments(svg).items():
        seg = svg[a:b]
        texts = [html.unescape(t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", seg, re.S)]
        fill = re.search(r'<path fill="([^"]*)"', seg)
        out[node] = (texts, fill.group(1) if fill else "")
    return out


def test_rendered_page_people(tmp_path: Path) -> None:
    """`render -o page.html` with overlays: each person's picture (the map's own with
    the patch applied) says what a picture of `render --as ID` says, node by node."""
    out = tmp_path / "page.html"
    assert main(["render", str(POWER), "-o", str(out), "--renderer", "wasm"]) == 0
    doc = embedded(out.read_text())
    assert list(doc["people_static"]) == ["carlsmith-2021", SF, POOLED]
    assert doc["person"] == ""
    picture = apply_patch(doc["views"][""], doc["people_static"][SF]["views"][""])
    alone = tmp_path / "sf.svg"
    assert main(["render", str(POWER), "--as", SF, "-o", str(alone), "--renderer", "wasm"]) == 0
    assert _nodes(picture) == _nodes(alone.read_text())
    assert "0.2%" in _nodes(picture)["claim-ps-doom"][0]
    # the panel's numbers are `eval --as`'s
    js = tmp_path / "sf.json"
    assert main(["eval", str(POWER), "--as", SF, "--format", "json", "-o", str(js)]) == 0
    credence = json.loads(js.read_text())["claims"]["ps-doom"]["credence"]
    assert doc["people_static"][SF]["doc"]["claims"]["ps-doom"]["credence"] == credence
    # where their numbers come from, as in `argmap serve`
    timelines = doc["people_static"][SF]["doc"]["claims"]["ps-timelines"]
    assert timelines["numbers_source"].endswith("superforecaster aggregation, Timelines")
    # same input, same bytes
    again = tmp_path / "again.html"
    assert main(["render", str(POWER), "-o", str(again), "--renderer", "wasm"]) == 0
    assert again.read_bytes() == out.read_bytes()


def test_render_as_opens_on_the_person(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    assert main(["render", str(POWER), "-o", str(out), "--as", SF]) == 0
    doc = embedded(out.read_text())
    assert doc["person"] == SF
    # the page's own numbers stay the map's: the switch offers both
    assert doc["claims"]["ps-doom"]["shown"] == {"default": "5.14%"}


def test_render_as_unknown_person(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "page.html"
    # a usage error, as `eval --as`
    assert main(["render", str(POWER), "-o", str(out), "--as", "superforecaster"]) == 2
    err = capsys.readouterr().err
    assert "no person 'superforecaster'" in err and SF in err
    assert not out.exists()


def test_no_people(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    assert main(["render", str(POWER), "-o", str(out), "--no-people"]) == 0
    assert "people_static" not in embedded(out.read_text())


def test_a_person_who_changes_the_layout_gets_their_own(tmp_path: Path) -> None:
    """An argument switched off changes the layout: that person's picture is laid out
    again (the patch is then larger), and still shows their numbers."""
    path = tmp_path / "power-seeking.yaml"
    shutil.copy(POWER, path)
    people = tmp_path / "power-seeking.people"
    people.mkdir()
    (people / "dee.yaml").write_text(
        "argmap: 1\nperson: dee\narguments:\n  ps-chain: {enabled: false}\n", encoding="utf-8"
    )
    out = tmp_path / "page.html"
    assert main(["render", str(path), "-o", str(out), "-v"]) == 0
    doc = embedded(out.read_text())
    picture = apply_patch(doc["views"][""], doc["people_static"]["dee"]["views"][""])
    assert "off" in _nodes(picture)["argument-ps-chain"][0]
    assert list(doc["people_static"]) == ["dee"]  # one person: no pool


def test_recolour_refuses_a_person_whose_boxes_say_more(tmp_path: Path) -> None:
    """A person's range adds the `~ uncertain` mark to a box: the layout differs, so the
    picture is not recoloured (it was, before person maps counted as drawn alike, never)."""
    from argmap.render.dot import drawing
    from argmap.render.graphviz import layout
    from argmap.render.recolour import recolour
    from argmap.render.view import make_view

    path = tmp_path / "power-seeking.yaml"
    shutil.copy(POWER, path)
    (tmp_path / "power-seeking.people").mkdir()
    for pid, value in (("ann", "80%"), ("ben", "70% to 90%")):
        (tmp_path / "power-seeking.people" / f"{pid}.yaml").write_text(
            f"argmap: 1\nperson: {pid}\nclaims:\n  ps-timelines: {{credence: {value}}}\n",
            encoding="utf-8",
        )
    amap = argmap.load(path)
    own = make_view(argmap.evaluate(amap, band_draws=0))
    svg = layout("auto").svg(drawing(own).map)
    ann = make_view(argmap.evaluate(person_map(amap, "ann"), band_draws=0))
    ben = make_view(argmap.evaluate(person_map(amap, "ben"), band_draws=0))
    got = recolour(svg, own, ann)
    assert got is not None and "80.0%" in _nodes(got)["claim-ps-timelines"][0]
    assert recolour(svg, own, ben) is None


def test_a_person_whose_numbers_fail_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--given` applies to every person; one for whom it is impossible is left out with
    a warning, and the page keeps the others (one person: no pool)."""
    path = tmp_path / "power-seeking.yaml"
    shutil.copy(POWER, path)
    people = tmp_path / "power-seeking.people"
    people.mkdir()
    for pid, value in (("sure", "100%"), ("meh", "40%")):
        (people / f"{pid}.yaml").write_text(
            f"argmap: 1\nperson: {pid}\nclaims:\n  ps-timelines: {{credence: {value}}}\n",
            encoding="utf-8",
        )
    out = tmp_path / "page.html"
    assert main(["render", str(path), "--given", "ps-timelines=false", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: sure is left out of the page: impossible evidence" in err
    doc = embedded(out.read_text())
    assert list(doc["people_static"]) == ["meh"]


def test_a_hostile_person_name_stays_data(tmp_path: Path) -> None:
    path = tmp_path / "power-seeking.yaml"
    shutil.copy(POWER, path)
    (tmp_path / "power-seeking.people").mkdir()
    name = "</script><img src=x onerror=alert(1)>"
    (tmp_path / "power-seeking.people" / "eve.yaml").write_text(
        f"argmap: 1\nperson: eve\nname: {json.dumps(name)}\n"
        "claims:\n  ps-timelines: {credence: 10%}\n",
        encoding="utf-8",
    )
    out = tmp_path / "page.html"
    assert main(["render", str(path), "-o", str(out)]) == 0
    page = out.read_text()
    assert "<img" not in page and page.count("</script>") == 2  # the data's and the script's
    assert embedded(page)["people_static"]["eve"]["label"] == name
