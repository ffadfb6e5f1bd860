"""The explorer page (render/html.py) and `argmap render -o map.html`."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from diagram_maps import NASTY, chain, hostile, tiny
from serving import embedded

from argmap.cli import main
from argmap.render.fmt import band
from argmap.render.html import page, script_json, static_html

ROOT = Path(__file__).resolve().parent.parent
FAKE_SVG = '<svg xmlns="http://www.w3.org/2000/svg"><g id="claim-rain" class="node"/></svg>'


def test_tiny_golden(golden: Callable[[str, str], None]) -> None:
    golden("explorer_tiny.html", static_html(tiny(), {"": FAKE_SVG}))


def test_chain_document_golden(golden: Callable[[str, str], None]) -> None:
    views = {"": FAKE_SVG, "optimistic-about-training": "<svg/>", "pessimistic": "<svg/>"}
    doc = embedded(static_html(chain(), views))
    golden("explorer_chain.json", json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


def test_chain_claims_carry_what_the_panel_shows() -> None:
    doc = embedded(static_html(chain(), {"": FAKE_SVG}))
    end = doc["claims"]["end"]
    assert end["shown"] == {
        "optimistic-about-training": "15.88%",
        "pessimistic": "9.53%",
        "overall": "11.11%",
    }
    assert end["location"] is None  # made from data: no file to point at
    assert end["credence"]["overall"] == pytest.approx(0.111132)  # numbers, not text
    assert end["arguments"] == [
        {"id": "onward", "relation": "supports"},
        {"id": "rebuttal", "relation": "attacks"},
    ]
    args = doc["arguments"]
    assert [args[a]["strength"] for a in ("onward", "rebuttal")] == [
        {"value": "60%", "p": pytest.approx(0.6), "uncertain": False},
        {"value": "70% to 90%", "p": pytest.approx(0.8, abs=0.02), "uncertain": True},
    ]
    assert args["rebuttal"]["marks"] == ["uncertain"]
    assert end["explanation_shown"]["overall"] == {"onward": "+13.34 pp", "rebuttal": "-8.89 pp"}
    assert end["explanation"]["overall"]["onward"] == pytest.approx(0.1334, abs=1e-4)
    assert doc["claims"]["premise-b"]["arguments"] == [
        {"id": "counting", "relation": "negated-premise"}
    ]
    assert args["counting"]["premises"] == [
        {"claim": "premise-a", "negated": False},
        {"claim": "premise-b", "negated": True},
    ]
    assert args["counting"]["undercut_by"] == ["selection-power"]
    assert args["selection-power"]["frames"] == {"optimistic-about-training": {"enabled": False}}
    # a label, notes and marks travel to the panel
    a, c = doc["claims"]["premise-a"], doc["claims"]["premise-c"]
    assert (a["label"], a["name"]) == ("1.2", "1.2 · premise-a")
    assert (c["notes"], c["marks"]) == ("A made-up number.", ["illustrative"])
    # evidence moved `objection` from its written prior: both, and the ratio as written
    obj = doc["claims"]["objection"]
    assert obj["prior_shown"]["overall"] == "1:2^100" and obj["shown"]["overall"] == "50.00%"
    assert obj["evidence"]["items"][0]["ratio"] == "+100 bits"
    assert obj["evidence"]["bits"] == 100
    assert doc["frames"]["pessimistic"]["posterior_weight"] == 0.75


@pytest.mark.parametrize("text", [*NASTY, "</script><img src=x onerror=alert(1)>", "<!--", "]]>"])
def test_script_json_cannot_end_its_element(text: str) -> None:
    out = script_json({"t": text, text: [text]})
    assert not set(out) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(out) == {"t": text, text: [text]}


def test_hostile_text_stays_data() -> None:
    ev = hostile()
    html = static_html(ev, {"": FAKE_SVG})
    # Only the page's own two script elements, and no markup from the map.
    assert html.count("<script") == 2 and html.count("</script>") == 2
    assert "<b>tags</b>" not in html and "<i>text</i>" not in html
    assert '<script>alert("x")</script>' not in html
    # The title element is escaped text.
    title = html.split("<title>")[1].split("</title>")[0]
    assert "<b>" not in title and "&lt;b&gt;tags&lt;/b&gt;" in title
    doc = embedded(html)
    assert doc["claims"]["graph"]["text"] == ev.map.claims["graph"].text
    assert doc["source"] == ev.map.source


def test_csp_admits_exactly_the_inline_script_and_style() -> None:
    html = page({"title": "t"}, "static")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert csp
    script = html.rsplit("<script>", 1)[1].split("</script>")[0]
    style = html.split("<style>", 1)[1].split("</style>")[0]

    def digest(s: str) -> str:
        return base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()

    assert f"script-src 'sha256-{digest(script)}'" in csp[1]
    assert f"style-src 'sha256-{digest(style)}'" in csp[1]
    assert "connect-src 'none'" in csp[1] and "default-src 'none'" in csp[1]
    # No script or style comes from elsewhere, and nothing is fetched.
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", html)
    assert "http://" not in script and "https://" not in script


def test_same_input_same_page() -> None:
    views = {"": FAKE_SVG}
    assert static_html(chain(), views) == static_html(chain(), views)


def test_render_html_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "map.html"
    path = ROOT / "arguments" / "examples" / "power-seeking.yaml"
    assert main(["render", str(path), "-o", str(out), "--renderer", "wasm"]) == 0
    html = out.read_text()
    doc = embedded(html)
    assert list(doc["views"]) == [""] and doc["views"][""].lstrip().startswith("<?xml")
    assert doc["claims"]["ps-doom"]["shown"] == {"default": "5.14%"}
    assert doc["mode"] == "static"
    # same input, same bytes; --format html to stdout gives the same page
    again = tmp_path / "again.htm"
    assert main(["render", str(path), "-o", str(again), "--renderer", "wasm"]) == 0
    assert again.read_bytes() == out.read_bytes()
    capsys.readouterr()
    assert main(["render", str(path), "--format", "html", "--renderer", "wasm"]) == 0
    assert capsys.readouterr().out == html


def test_render_html_has_one_picture_per_frame(tmp_path: Path) -> None:
    out, js = tmp_path / "scheming.html", tmp_path / "eval.json"
    assert main(["render", str(ROOT / "arguments" / "scheming"), "-o", str(out)]) == 0
    doc = embedded(out.read_text())
    assert list(doc["views"]) == ["", "contributors-to-reward", "extra-criteria"]
    uniform = doc["claims"]["uniform-over-individuals"]
    # the band as `argmap eval` prints it
    assert (
        main(["eval", str(ROOT / "arguments" / "scheming"), "--format", "json", "-o", str(js)]) == 0
    )
    lo, hi = json.loads(js.read_text())["claims"]["uniform-over-individuals"]["interval"]["overall"]
    assert uniform["interval"]["overall"] == [lo, hi]
    assert uniform["interval_shown"]["overall"] == band(lo, hi)
    # relative to the repository, never this machine's folders
    assert uniform["location"].startswith("arguments/scheming/counting-argument.yaml:")
    assert str(ROOT) not in out.read_text()
    assert "restaurants-analogy" in uniform["explanation"]["overall"]
