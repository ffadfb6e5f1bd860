"""The explorer in a real browser: what-ifs equal `argmap eval`, saves redraw, static page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from serving import POWER, SCHEMING, edit, serving

from argmap.cli import main
from argmap.render.fmt import percent

pytestmark = pytest.mark.browser
expect: Any
try:
    from playwright.sync_api import expect
except ImportError:  # the fixture skips these tests
    expect = None

PREMISE = "uniform-over-individuals"  # the strict counting argument's uniform-selection premise
HOSTILE = "</script><img src=x onerror=alert(1)>"


def eval_overall(tmp_path: Path, path: Path, claim: str, *args: str) -> float:
    """CLAIM's overall credence from `argmap eval --format json`, under ``args``."""
    out = tmp_path / "eval.json"
    cmd = ["eval", str(path), "--format", "json", "--samples", "0", *args, "-o", str(out)]
    assert main(cmd) == 0
    p: float = json.loads(out.read_text())["claims"][claim]["credence"]["overall"]
    return p


def eval_shown(tmp_path: Path, path: Path, claim: str, *args: str) -> str:
    """The same as `argmap eval` prints it (and the page's panel shows it)."""
    return percent(eval_overall(tmp_path, path, claim, *args))


def node(page: Any, cid: str) -> Any:
    return page.locator(f'#ax-map g.node[id="claim-{cid}"]')


def overall(page: Any) -> Any:
    return page.locator('#ax-credences td.value[data-column="overall"]')


@pytest.fixture
def scheming(tmp_path: Path) -> Path:
    path = tmp_path / "scheming"
    shutil.copytree(SCHEMING, path)
    return path


def test_what_if_in_the_live_page(page: Any, scheming: Path, tmp_path: Path) -> None:
    with serving(scheming) as server:
        page.goto(server.url)
        node(page, PREMISE).click()
        expect(page.locator("#ax-claim-id")).to_have_text(PREMISE)
        expect(overall(page)).to_have_text(eval_shown(tmp_path, scheming, PREMISE))

        # a slider: the premise's base credence to 30%
        page.locator("#ax-base-slider").fill("30")
        want = eval_shown(tmp_path, scheming, PREMISE, "--set", f"{PREMISE}=30%")
        expect(overall(page)).to_have_text(want)
        assert f"set={PREMISE}%3D30%25" in page.url
        expect(page.locator("#ax-whatif")).to_contain_text(f"set {PREMISE} = 30%")
        page.locator("#ax-reset").click()
        expect(overall(page)).to_have_text(eval_shown(tmp_path, scheming, PREMISE))

        # "what if the uniform-selection premise is false?": click the premise, click
        # "assume false" (it is selected already: one click here), and the map redraws.
        page.locator("#ax-assume-false").click()
        expect(page.locator("#ax-whatif")).to_contain_text(f"given {PREMISE} = false")
        expect(overall(page)).to_have_text("0%")
        for conclusion in ("counting-4", "selects-schemer"):
            p = eval_overall(tmp_path, scheming, conclusion, "--given", f"{PREMISE}=false")
            # the picture's badge (one decimal), then the panel (as `argmap eval` prints it)
            expect(node(page, conclusion)).to_contain_text(f"overall {percent(p, 1)}")
            node(page, conclusion).click()
            expect(overall(page)).to_have_text(percent(p))
        # the server works through each clicked claim's band and cruxes in turn: on a
        # loaded two-core machine that takes tens of seconds for this map
        expect(page.locator("#ax-cruxes tr.crux").first).to_be_visible(timeout=60_000)
        # the clicked claim's explanation came with its details (a what-if has none)
        expect(page.locator("#ax-explanation h3")).to_contain_text("What each argument contributes")
        expect(page.locator("#ax-explanation td a").first).to_be_visible()

        # the URL holds the what-if: a reload shows the same page
        page.reload()
        expect(page.locator("#ax-claim-id")).to_have_text("selects-schemer")
        expect(overall(page)).to_have_text(
            eval_shown(tmp_path, scheming, "selects-schemer", "--given", f"{PREMISE}=false")
        )
        page.locator("#ax-frame").select_option("extra-criteria")
        expect(node(page, "selects-schemer")).not_to_contain_text("overall")
        expect(page.locator("#ax-credences tr.current td").first).to_have_text("extra-criteria")


def test_saving_redraws_and_problems_show(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "power.yaml"
    shutil.copy(POWER, path)
    with serving(path) as server:
        page.goto(server.url)
        expect(node(page, "ps-doom")).to_contain_text("5.1%")
        edit(path, "credence: 65%}", "credence: 95%}")  # ps-timelines
        expect(node(page, "ps-doom")).to_contain_text("7.5%", timeout=5_000)

        edit(path, "credence: 95%}", "credance: 95%}")
        expect(page.locator("#ax-problems")).to_be_visible(timeout=5_000)
        expect(page.locator("#ax-problem-list")).to_contain_text(f"{path}:")
        expect(page.locator("#ax-problem-list")).to_contain_text("did you mean 'credence'")
        expect(node(page, "ps-doom")).to_contain_text("7.5%")  # the last good map stays

        edit(path, "credance: 95%}", "credence: 65%}")
        expect(page.locator("#ax-problems")).to_be_hidden(timeout=5_000)
        expect(node(page, "ps-doom")).to_contain_text("5.1%")


def test_static_page(page: Any, scheming: Path, tmp_path: Path) -> None:
    out = tmp_path / "scheming.html"
    assert main(["render", str(scheming), "-o", str(out)]) == 0
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    node(page, PREMISE).click()
    expect(page.locator("#ax-claim-id")).to_have_text(PREMISE)
    expect(overall(page)).to_have_text(eval_shown(tmp_path, scheming, PREMISE))
    expect(page.locator("#ax-assume-false")).to_be_hidden()  # what-if needs the server
    node(page, "selects-schemer").click()  # the static page holds every explanation
    expect(page.locator("#ax-explanation td a").first).to_be_visible()
    node(page, PREMISE).click()
    page.locator("#ax-frame").select_option("contributors-to-reward")
    expect(node(page, PREMISE)).not_to_contain_text("overall")
    expect(page.locator("#ax-credences tr.current td").first).to_have_text("contributors-to-reward")
    assert "frame=contributors-to-reward" in page.url
    assert all(u.startswith("file://") for u in requests), requests


def test_hostile_text_is_text(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(
        "argmap: 1\n"
        f"title: {json.dumps(HOSTILE)}\n"
        "claims:\n"
        f"  evil: {{text: {json.dumps(HOSTILE)}, credence: 50%, source: {json.dumps(HOSTILE)}}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "hostile.html"
    assert main(["render", str(path), "-o", str(out)]) == 0
    with serving(path) as server:
        for url in (out.as_uri(), server.url):
            page.goto(url)
            node(page, "evil").click()
            expect(page.locator("#ax-claim-text")).to_have_text(HOSTILE)
            expect(page.locator("#ax-title")).to_have_text(HOSTILE)
            assert page.locator("img").count() == 0
            assert page.title() == f"{HOSTILE} · argmap"


# A small map of its own (the shipped maps change): frames, a negated premise, an
# undercut, evidence written as a likelihood ratio, a label, notes and marks.
SMALL = """\
argmap: 1
title: A small map for the panel
frames:
  hopeful: {weight: 1}
  wary: {weight: 1}
claims:
  h1:
    label: "(1)"
    text: Almost every civilisation dies young.
    credence: 30%
  h2:
    text: Almost no mature civilisation simulates its ancestors.
    credence: 40%
    frames:
      wary: {credence: 60%}
  sim:
    text: We live in a simulation.
  seen:
    text: Physics looks computable.
    credence: 50%
    tags: [illustrative]
    notes: A made-up number, to show the panel.
    evidence:
      - {text: No lattice cutoffs are seen., lr: 1.3}
arguments:
  trilemma:
    premises: [not h1, not h2]
    supports: sim
    strength: 90%
    text: If neither of the first two holds, the third does.
    source: Bostrom (2003)
    notes: The argument's note.
  computable:
    premises: [seen]
    supports: sim
    strength: 30%
  doubt:
    premises: [h1]
    undercuts: trilemma
    strength: 50%
    text: Doubts about the trilemma.
"""


def argument_node(page: Any, aid: str) -> Any:
    return page.locator(f'#ax-map g.node[id="argument-{aid}"]')


def test_arguments_undercuts_evidence_and_weights_in_the_live_page(
    page: Any, tmp_path: Path
) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    with serving(path) as server:
        page.goto(server.url)
        # the picture names claims by label and id, and marks the negated premises
        expect(node(page, "h1")).to_contain_text("(1) · h1")
        edges = page.locator('#ax-map g.edge:not([id^="legend"])')
        expect(edges.get_by_text("NOT", exact=True)).to_have_count(2)

        # click an argument: its text, source, notes, strength and premises
        argument_node(page, "trilemma").click()
        expect(page.locator("#ax-argument-id")).to_have_text("trilemma")
        expect(page.locator("#ax-argument-text")).to_have_text(
            "If neither of the first two holds, the third does."
        )
        expect(page.locator("#ax-argument-source")).to_have_text("Source: Bostrom (2003)")
        expect(page.locator("#ax-argument-notes")).to_have_text("Notes: The argument's note.")
        expect(page.locator("#ax-argument-strength")).to_contain_text("Strength 90%")
        expect(page.locator("#ax-argument-premises .not")).to_have_count(2)
        assert "argument=trilemma" in page.url

        # switch the argument's undercut off from the argument's panel
        page.locator('#ax-argument-undercuts input[data-enable="doubt"]').uncheck()
        expect(page.locator("#ax-whatif")).to_contain_text("set doubt.enabled = false")
        want = eval_overall(tmp_path, path, "sim", "--set", "doubt.enabled=false")
        expect(node(page, "sim")).to_contain_text(f"overall {percent(want, 1)}")
        page.locator("#ax-reset").click()

        # ... and from the claim's panel: the undercut of an argument aimed at it
        node(page, "sim").click()
        box = page.locator('#ax-arguments input[data-enable="doubt"]')
        expect(box).to_be_checked()
        box.uncheck()
        expect(overall(page)).to_have_text(percent(want))

        # the evidence control: the total, in bits, of the evidence on `seen`
        page.locator("#ax-reset").click()
        node(page, "seen").click()
        expect(page.locator("#ax-claim-notes")).to_have_text(
            "Notes: A made-up number, to show the panel."
        )
        expect(page.locator("#ax-claim-marks")).to_contain_text("illustrative")
        expect(page.locator("#ax-evidence")).to_contain_text("lr 1.3")
        # evidence moved it: the prior (as written) beside the posterior
        expect(page.locator('#ax-credences td.prior[data-column="overall"]')).to_have_text("50% →")
        page.locator("#ax-evidence-bits").fill("3")
        page.locator("#ax-evidence-bits").press("Enter")
        want = eval_overall(tmp_path, path, "seen", "--set", "seen.evidence=3")
        expect(overall(page)).to_have_text(percent(want))
        expect(page.locator("#ax-whatif")).to_contain_text("set seen.evidence = 3")

        # a frame weight
        weight = page.locator('#ax-weights input[data-frame="wary"]')
        weight.fill("3")
        weight.press("Enter")
        want = eval_overall(
            tmp_path, path, "seen", "--set", "seen.evidence=3", "--set", "wary.weight=3"
        )
        node(page, "h2").click()
        want_h2 = eval_overall(
            tmp_path, path, "h2", "--set", "seen.evidence=3", "--set", "wary.weight=3"
        )
        expect(overall(page)).to_have_text(percent(want_h2))
        assert "wary.weight%3D3" in page.url


def test_static_page_shows_arguments(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "small.html"
    assert main(["render", str(path), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert str(tmp_path) not in html  # published: no path of this machine
    page.goto(out.as_uri())
    argument_node(page, "doubt").click()
    expect(page.locator("#ax-argument-kind")).to_have_text("undercuts the argument trilemma")
    page.locator("#ax-argument-kind a").click()
    expect(page.locator("#ax-argument-id")).to_have_text("trilemma")
    expect(page.locator("#ax-argument-notes")).to_have_text("Notes: The argument's note.")
    expect(page.locator('#ax-argument-undercuts input[data-enable="doubt"]')).to_be_disabled()
    page.locator("#ax-argument-premises a", has_text="h1").click()
    expect(page.locator("#ax-claim-id")).to_have_text("h1")
    expect(page.locator("#ax-claim-label")).to_have_text("(1)")


def test_groups_show_in_the_static_page(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "crop.yaml"
    shutil.copy(Path(__file__).parents[2] / "arguments" / "examples" / "crop-failure.yaml", path)
    out = tmp_path / "crop.html"
    assert main(["render", str(path), "-o", str(out)]) == 0
    page.goto(out.as_uri())
    expect(page.locator('#ax-map g.cluster[id="group-cause"]')).to_contain_text(
        "exactly one of · cause"
    )
    node(page, "pests").click()
    expect(page.locator("#ax-claim-groups li")).to_have_text(
        "In group cause: exactly one of drought, pests, blight"
    )
    node(page, "insure").click()
    expect(page.locator("#ax-claim-groups")).to_be_hidden()


def test_person_switch_and_disagreement(page: Any, tmp_path: Path) -> None:
    path = tmp_path / "power-seeking.yaml"
    shutil.copy(POWER, path)
    shutil.copytree(POWER.with_name("power-seeking.people"), tmp_path / "power-seeking.people")
    with serving(path) as server:
        page.goto(server.url)
        expect(node(page, "ps-doom")).to_contain_text("5.1%")
        page.locator("#ax-person").select_option("superforecasters-2023")
        expect(node(page, "ps-doom")).to_contain_text("0.2%")
        assert "as=superforecasters-2023" in page.url
        node(page, "ps-doom").click()
        expect(page.locator("#ax-gap")).to_contain_text("gap -4.93 pp", timeout=20_000)
        expect(page.locator("#ax-disagreement tr.double-crux").first).to_contain_text(
            "ps-disempowerment"
        )
        page.locator("#ax-person").select_option("pooled")
        expect(node(page, "ps-doom")).to_contain_text("1.1%")


def only_shown(tmp_path: Path, path: Path, claim: str, *args: str) -> str:
    """CLAIM's credence in a map's only column, as `argmap eval --format json` gives it."""
    out = tmp_path / "eval.json"
    cmd = ["eval", str(path), "--format", "json", "--samples", "0", *args, "-o", str(out)]
    assert main(cmd) == 0
    (p,) = json.loads(out.read_text())["claims"][claim]["credence"].values()
    return percent(p)


def test_static_person_switch(page: Any, tmp_path: Path) -> None:
    """Offline: each person's numbers and pictures, the pool, the choice in the fragment."""
    path = tmp_path / "power-seeking.yaml"
    shutil.copy(POWER, path)
    shutil.copytree(POWER.with_name("power-seeking.people"), tmp_path / "power-seeking.people")
    out = tmp_path / "power-seeking.html"
    assert main(["render", str(path), "-o", str(out)]) == 0
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    value = page.locator("#ax-credences td.value")  # the only column's
    expect(page.locator("#ax-person-control")).to_be_visible()
    expect(node(page, "ps-doom")).to_contain_text("5.1%")
    page.locator("#ax-person").select_option("superforecasters-2023")
    assert "as=superforecasters-2023" in page.url
    expect(node(page, "ps-doom")).to_contain_text("0.2%")
    node(page, "ps-doom").click()
    who = ("--as", "superforecasters-2023")
    expect(value).to_have_text(only_shown(tmp_path, path, "ps-doom", *who))
    node(page, "ps-timelines").click()
    expect(value).to_have_text(only_shown(tmp_path, path, "ps-timelines", *who))
    expect(page.locator("#ax-claim-numbers")).to_have_text(
        "Numbers of superforecasters-2023: Carlsmith (2023): superforecaster aggregation, Timelines"
    )
    # The address reproduces the choice: a fresh load opens on the same person.
    address = page.url
    page.goto("about:blank")
    page.goto(address)
    expect(page.locator("#ax-person")).to_have_value("superforecasters-2023")
    expect(value).to_have_text(only_shown(tmp_path, path, "ps-timelines", *who))
    page.locator("#ax-person").select_option("pooled")
    expect(node(page, "ps-doom")).to_contain_text("1.1%")
    page.locator("#ax-person").select_option("")
    expect(node(page, "ps-doom")).to_contain_text("5.1%")
    expect(page.locator("#ax-claim-numbers")).to_be_hidden()
    expect(value).to_have_text(only_shown(tmp_path, path, "ps-timelines"))
    assert "as=" not in page.url
    assert all(u.startswith("file://") for u in requests), requests


def test_static_person_switch_with_frames(page: Any, scheming: Path, tmp_path: Path) -> None:
    """A person who switches an argument off gets their own layout; frames follow the person;
    `render --as` opens on that person and `as=` (empty) is the map's own."""
    (scheming / "people").mkdir()
    (scheming / "people" / "bob.yaml").write_text(
        f"argmap: 1\nperson: bob\nname: Bob\nclaims:\n  {PREMISE}: {{credence: 90%}}\n",
        encoding="utf-8",
    )
    (scheming / "people" / "cy.yaml").write_text(
        "argmap: 1\nperson: cy\narguments:\n  hazy-to-schemer: {enabled: false}\n",
        encoding="utf-8",
    )
    out = tmp_path / "scheming.html"
    assert main(["render", str(scheming), "-o", str(out), "--as", "bob"]) == 0
    page.goto(out.as_uri())
    expect(page.locator("#ax-person")).to_have_value("bob")
    node(page, PREMISE).click()
    bob = eval_shown(tmp_path, scheming, PREMISE, "--as", "bob")
    expect(overall(page)).to_have_text(bob)
    frame = "contributors-to-reward"
    page.locator("#ax-frame").select_option(frame)
    out = tmp_path / "bob.json"
    cmd = ["eval", str(scheming), "--as", "bob", "--format", "json", "-o", str(out)]
    assert main(cmd) == 0
    in_frame = json.loads(out.read_text())["claims"][PREMISE]["credence"][frame]
    expect(node(page, PREMISE)).to_contain_text(percent(in_frame, 1))
    expect(page.locator(f'#ax-credences td.value[data-column="{frame}"]')).to_have_text(
        percent(in_frame)
    )
    page.locator("#ax-person").select_option("cy")
    expect(page.locator('#ax-map g.node[id="argument-hazy-to-schemer"]')).to_contain_text("off")
    node(page, "selects-schemer").click()
    cy = eval_shown(tmp_path, scheming, "selects-schemer", "--as", "cy")
    expect(overall(page)).to_have_text(cy)
    page.locator("#ax-person").select_option("")
    assert "as=&" in page.url or page.url.endswith("as=")
    own_numbers = eval_shown(tmp_path, scheming, "selects-schemer")
    expect(overall(page)).to_have_text(own_numbers)


def over_budget(tmp_path: Path) -> Path:
    """A 100-claim grid whose exact inference needs 1.46 MB: over a 1 MB budget."""
    import yaml

    from argmap.engine.generate import grid_map_data

    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump(grid_map_data(100, 10, 2, p_evidence=0.0)), encoding="utf-8")
    return path


def test_warnings_show_in_the_live_and_static_page(page: Any, tmp_path: Path) -> None:
    """A map over `--max-memory` is sampled; the page says so, as `argmap eval` does."""
    path = over_budget(tmp_path)
    box = page.get_by_role("region", name="Warnings about these numbers")
    with serving(path, max_memory="1MB") as server:
        page.goto(server.url)
        expect(box).to_be_visible()
        expect(box.locator("li")).to_have_count(1)
        expect(box.locator("li")).to_have_text(
            "exact inference needs 1.46 MB (a junction-tree clique of 15 variables), "
            "over the 1 MB memory budget: estimated by sampling instead"
        )
        page.goto(server.url + "?given=c00%3Dtrue")  # a what-if keeps saying it
        expect(page.locator("#ax-whatif")).to_contain_text("given c00 = true")
        expect(box).to_contain_text("over the 1 MB memory budget")
        page.goto(server.url)
        expect(box).to_be_visible()
        # saved as a map within the budget: redrawn exact, and the box goes
        path.write_text(POWER.read_text(encoding="utf-8"), encoding="utf-8")
        expect(node(page, "ps-doom")).to_be_visible(timeout=10_000)
        expect(box).to_be_hidden()
    path = over_budget(tmp_path)
    with serving(path) as server:  # within the default 1 GB: exact, nothing to say
        page.goto(server.url)
        expect(node(page, "c00")).to_be_visible()
        expect(box).to_be_hidden()
    out = tmp_path / "grid.html"
    assert main(["render", str(path), "--max-memory", "1MB", "-o", str(out)]) == 0
    page.goto(out.as_uri())
    expect(box).to_contain_text("over the 1 MB memory budget: estimated by sampling instead")


def test_warnings_are_text(page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Map ids and names may appear in a warning: it is shown as text, never as markup."""
    from argmap.explorer.app import Explorer

    monkeypatch.setattr(Explorer, "_warnings", lambda *_: [HOSTILE, "in <b>frame</b>"])
    with serving(POWER) as server:
        page.goto(server.url)
        items = page.locator("#ax-warning-list li")
        expect(items).to_have_text([HOSTILE, "in <b>frame</b>"])
        expect(page.locator("#ax-warnings img, #ax-warnings b")).to_have_count(0)
