"""`argmap history --people`: each person's credence and the pooled one at every commit,
checked against `argmap eval --people` at each revision; an overlay that is absent or
invalid at a commit leaves only that person's cell empty, with the reason."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_run import run
from gitrepo import GitRepo, make_repo

from argmap.render.history import (
    PeoplePoint,
    headline,
    history_csv,
    history_markdown,
    history_people_json,
    history_svg,
    history_text,
    people_points,
)
from argmap.schema.loader import load_blobs_people

BOB = "argmap: 1\nperson: bob\nclaims:\n  a: {credence: 10%}\n"
ALICE = "argmap: 1\nperson: alice\nclaims:\n  a: {credence: 90%}\n"
PEOPLE = "arguments/test/people"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """arguments/test (frames hi, lo, weighted): no one, then bob, then alice; alice's
    overlay names a claim the map lacks; bob's stops parsing while alice's is mended;
    bob's is mended with a new number."""
    g = make_repo(tmp_path / "repo")
    g.write(f"{PEOPLE}/bob.yaml", BOB)
    g.commit("bob")
    g.write(f"{PEOPLE}/alice.yaml", ALICE)
    g.commit("[wip] alice")
    g.write(f"{PEOPLE}/alice.yaml", ALICE.replace("  a:", "  zz:"))
    g.commit("alice breaks")
    g.write(f"{PEOPLE}/bob.yaml", "argmap: 1\nperson: bob\nclaims: [\n")
    g.write(f"{PEOPLE}/alice.yaml", ALICE.replace("90%", "80%"))
    g.commit("bob's YAML breaks")
    g.write(f"{PEOPLE}/bob.yaml", BOB.replace("10%", "20%"))
    g.commit("bob mended")
    monkeypatch.chdir(g.root)
    return g


def _eval_people(
    capsys: pytest.CaptureFixture[str], repo: GitRepo, commit: str, drop: list[str]
) -> dict[str, Any]:
    """`argmap eval --people` of the map checked out at ``commit`` (``drop``: overlays
    removed first, for a commit where they are invalid)."""
    repo.git("checkout", "-q", commit)
    try:
        for pid in drop:
            (repo.root / PEOPLE / f"{pid}.yaml").unlink()
        code, out, err = run(capsys, "eval", "arguments/test", "--people", "--format", "json")
        assert code == 0, err
        doc: dict[str, Any] = json.loads(out)
        return doc
    finally:
        repo.git("checkout", "-q", "-f", "main")


def test_each_commit_matches_eval_people(capsys: pytest.CaptureFixture[str], repo: GitRepo) -> None:
    code, out, err = run(capsys, "history", "arguments/test", "d", "--people", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["people"] == ["alice", "bob"] and doc["column"] == "overall"
    points = doc["history"]
    subjects = [p["subject"] for p in points]
    assert subjects == [
        "first",
        "bob",
        "[wip] alice",
        "alice breaks",
        "bob's YAML breaks",
        "bob mended",
    ]
    missing = [p.get("missing", {}) for p in points]
    assert missing[0] == {"alice": "no overlay yet", "bob": "no overlay yet"}
    assert missing[1] == {"alice": "no overlay yet"}
    assert missing[2] == {} and missing[5] == {}
    assert missing[3] == {"alice": "invalid overlay (1 problem(s))"}
    assert missing[4] == {"bob": "invalid overlay (1 problem(s))"}
    assert "unknown claim 'zz'" in points[3]["problems"]["alice"][0]
    assert points[0]["people"] == {} and points[0]["pooled"] is None
    checked = 0
    for p, gone in zip(points[1:], ([], [], ["alice"], ["bob"], []), strict=True):
        want = _eval_people(capsys, repo, p["commit"], gone)
        side = want["claims"]["d"]
        assert sorted(p["people"]) == sorted(side["people"])
        for pid, cols in side["people"].items():
            assert p["people"][pid] == pytest.approx(cols, abs=1e-12)
        assert p["pooled"] == pytest.approx(side["pooled"], abs=1e-12)
        checked += 1
    assert checked == 5
    # the pooled credence of two people is the mean of their log-odds, not of their credences
    both = points[5]
    a, b = both["people"]["alice"]["overall"], both["people"]["bob"]["overall"]
    assert both["pooled"]["overall"] != pytest.approx((a + b) / 2, abs=1e-6)


def test_text_md_and_csv_show_a_column_per_person(
    capsys: pytest.CaptureFixture[str], repo: GitRepo
) -> None:
    code, out, _ = run(capsys, "history", "arguments/test", "d", "--people", "--format", "json")
    points = json.loads(out)["history"]
    code, out, err = run(capsys, "history", "d", "--people")
    assert code == 0, err
    header = out.splitlines()[1]
    assert [h.strip() for h in header.split("┃")][3:6] == ["alice", "bob", "pooled"]
    assert "[wip] alice" in out  # a subject in brackets is not swallowed as markup
    code, plain, _ = run(capsys, "history", "d")
    assert code == 0 and "[wip] alice" in plain  # nor in the table without --people
    assert f"{points[3]['commit'][:10]}: alice: invalid overlay (1 problem(s))" in out
    assert f"{points[0]['commit'][:10]}: alice: no overlay yet; bob: no overlay yet" in out
    code, out, _ = run(capsys, "history", "d", "--people", "--format", "md")
    assert code == 0
    assert "| date | commit | author | alice | bob | pooled | subject |" in out
    assert "alice: invalid overlay (1 problem(s))" in out
    code, out, _ = run(capsys, "history", "d", "--people", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["commit"] for r in rows] == [p["commit"] for p in points]
    for row, p in zip(rows, points, strict=True):
        for pid in ("alice", "bob"):
            got = p["people"].get(pid, {}).get("overall")
            assert row[pid] == ("" if got is None else repr(got))
        pooled = (p["pooled"] or {}).get("overall")
        assert row["pooled"] == ("" if pooled is None else repr(pooled))
    assert rows[4]["note"] == "bob: invalid overlay (1 problem(s))"


def test_chart_draws_a_line_per_person_and_a_dashed_pool(
    capsys: pytest.CaptureFixture[str], repo: GitRepo
) -> None:
    code, _, err = run(capsys, "history", "d", "--people", "-o", "h.svg")
    assert code == 0, err
    svg = (repo.root / "h.svg").read_text()
    ET.fromstring(svg)
    legend = [t for t in ("alice", "bob", "pooled") if f">{t}</text>" in svg]
    assert legend == ["alice", "bob", "pooled"]
    dashed = [line for line in svg.splitlines() if "stroke-dasharray" in line]
    assert dashed and all("<polyline" in d or "<line" in d for d in dashed)
    # lines: alice 5-6 (3 is a lone dot before the gap where her overlay is invalid),
    # bob 2-4 (6 a lone dot after his gap), pooled 2-6
    assert svg.count("<polyline") == 3
    assert svg.count("<circle") == 3 + 4 + 5


def test_frame_selects_the_column(capsys: pytest.CaptureFixture[str], repo: GitRepo) -> None:
    code, out, err = run(capsys, "history", "d", "--people", "--frame", "lo", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["column"] == "lo"
    last = doc["history"][-1]
    want = _eval_people(capsys, repo, last["commit"], [])["claims"]["d"]
    assert last["people"]["bob"]["lo"] == pytest.approx(want["people"]["bob"]["lo"], abs=1e-12)
    code, out, _ = run(capsys, "history", "d", "--people", "--frame", "lo")
    assert "per person (lo)" in out


def test_people_and_as_exclude_each_other(
    capsys: pytest.CaptureFixture[str], repo: GitRepo
) -> None:
    code, _, err = run(capsys, "history", "d", "--people", "--as", "bob")
    assert code == 2 and "--people and --as exclude each other" in err


def test_a_map_without_overlays_says_so(capsys: pytest.CaptureFixture[str], repo: GitRepo) -> None:
    code, _, err = run(capsys, "history", "arguments/examples/tiny.yaml", "y", "--people")
    assert code == 2 and "no person overlays" in err
    assert "Traceback" not in err


def test_one_file_map_with_a_broken_overlay_beside_it(
    capsys: pytest.CaptureFixture[str], repo: GitRepo
) -> None:
    repo.write("arguments/examples/tiny.people/carol.yaml", "argmap: 1\nperson: carol\n")
    repo.write(
        "arguments/examples/tiny.people/dan.yaml",
        "argmap: 1\nperson: dan\nclaims:\n  x: {credence: 2}\n",
    )
    repo.commit("carol and a bad dan")
    code, out, err = run(
        capsys, "history", "arguments/examples/tiny.yaml", "y", "--people", "--format", "json"
    )
    assert code == 0, err
    last = json.loads(out)["history"][-1]
    assert list(last["people"]) == ["carol"] and last["missing"] == {
        "dan": "invalid overlay (1 problem(s))"
    }
    assert last["pooled"]["default"] == pytest.approx(last["people"]["carol"]["default"])


def test_load_blobs_people_leaves_out_only_the_bad_overlays() -> None:
    base = b"argmap: 1\nclaims: {x: {text: X., credence: 40%}}\n"
    files = [
        ("m/a.yaml", base),
        ("m/me.yaml", b"argmap: 1\nperson: me\nclaims: {x: {credence: 30%}}\n"),
        ("m/twice1.yaml", b"argmap: 1\nperson: twin\n"),
        ("m/twice2.yaml", b"argmap: 1\nperson: twin\n"),
        ("m/unparsed.yaml", b"argmap: 1\nperson: 'gone'\nclaims: [\n"),
    ]
    amap, bad = load_blobs_people("m", files)
    assert list(amap.people) == ["me"]
    assert sorted(bad) == ["gone", "twin"]
    assert all("used twice" in str(p) for p in bad["twin"])
    # the map's own problems still make it invalid
    with pytest.raises(Exception, match="syntax error"):
        load_blobs_people("m", [("m/a.yaml", b"argmap: 1\nclaims: [\n")])


def test_a_person_whose_numbers_cannot_be_evaluated_loses_only_their_cell(
    capsys: pytest.CaptureFixture[str], repo: GitRepo
) -> None:
    """`eval --people` fails on the whole map when one person's numbers make a group
    impossible; history keeps the others, and their pool, and says why."""
    repo.write(
        "arguments/g.yaml",
        "argmap: 1\nclaims:\n  x: {text: X., credence: 50%}\n  y: {text: Y., credence: 50%}\n"
        "  z: {text: Z.}\ngroups:\n  one: {exactly-one: [x, y]}\narguments:\n"
        "  xz: {premises: [x], supports: z, strength: 0.8}\n",
    )
    repo.write(
        "arguments/g.people/ok.yaml", "argmap: 1\nperson: ok\nclaims: {x: {credence: 30%}}\n"
    )
    repo.write(
        "arguments/g.people/nil.yaml",
        "argmap: 1\nperson: nil\nclaims: {x: {credence: 0%}, y: {credence: 0%}}\n",
    )
    repo.commit("a group nil makes impossible")
    code, _, err = run(capsys, "eval", "arguments/g.yaml", "--people")
    assert code == 1 and "impossible" in err
    code, out, err = run(capsys, "history", "arguments/g.yaml", "z", "--people", "--format", "json")
    assert code == 0, err
    (p,) = json.loads(out)["history"]
    assert list(p["people"]) == ["ok"] and "impossible" in p["missing"]["nil"]
    code, ok, err = run(
        capsys, "eval", "arguments/g.yaml", "--as", "ok", "--format", "json", "--samples", "0"
    )
    want = json.loads(ok)["claims"]["z"]["credence"]
    assert p["people"]["ok"] == pytest.approx(want, abs=1e-12)
    assert p["pooled"] == pytest.approx(want, abs=1e-12)  # the pool of one is theirs


# -- the renderers on hand-built points (golden files) ------------------------------

POINTS = [
    PeoplePoint(
        "a" * 40,
        "2026-01-01T10:00:00+00:00",
        "first",
        "Ann",
        missing={"al": "no overlay yet", "bo": "no overlay yet"},
    ),
    PeoplePoint(
        "b" * 40,
        "2026-01-02T10:00:00+00:00",
        "bo | *joins*",
        "Ann",
        people={"bo": {"default": 0.2}},
        pooled={"default": 0.2},
        missing={"al": "no overlay yet"},
    ),
    PeoplePoint(
        "c" * 40,
        "2026-01-03T10:00:00+00:00",
        "[wip] al",
        "Bo",
        people={"al": {"default": 1.0}, "bo": {"default": 0.0}},
        pooled={"default": None},
    ),
    PeoplePoint(
        "d" * 40,
        "2026-01-04T10:00:00+00:00",
        "al breaks",
        "Al",
        people={"bo": {"default": 0.25}},
        pooled={"default": 0.25},
        missing={"al": "invalid overlay (1 problem(s))"},
        problems={"al": ["d:m/al.yaml:3:3: unknown claim 'zz'"]},
    ),
    PeoplePoint(
        "e" * 40, "2026-01-05T10:00:00+00:00", "map breaks", "Al", note="invalid map (2 problem(s))"
    ),
]


@pytest.mark.parametrize("fmt", ["txt", "md", "csv", "json", "svg"])
def test_people_history_golden(fmt: str, golden: Callable[[str, str], None]) -> None:
    people, col = ["al", "bo"], headline(POINTS)
    assert col == "default"
    shown = people_points(POINTS, people, col)
    cols, title = [*people, "pooled"], "x: credence by commit, per person (default)"
    text = {
        "txt": lambda: history_text("x", shown, columns=cols, title=title, missing="-"),
        "md": lambda: history_markdown("x", shown, columns=cols, title=title, missing="-"),
        "csv": lambda: history_csv(shown, columns=cols),
        "json": lambda: history_people_json("x", "m", POINTS, people, col),
        "svg": lambda: history_svg("x", shown, title=title, columns=cols, dashed={"pooled"}),
    }[fmt]()
    golden(f"history_people.{fmt}", text)


def test_frame_without_people(capsys: pytest.CaptureFixture[str], repo: GitRepo) -> None:
    """`history --frame` evaluates only that frame, as `eval --frame`."""
    code, out, err = run(capsys, "history", "d", "--frame", "lo", "--format", "json")
    assert code == 0, err
    last = json.loads(out)["history"][-1]
    code, ev, _ = run(
        capsys, "eval", "arguments/test", "--frame", "lo", "--format", "json", "--samples", "0"
    )
    want = json.loads(ev)["claims"]["d"]["credence"]
    assert last["credence"] == pytest.approx(want, abs=1e-12) and "hi" not in last["credence"]
    code, out, _ = run(capsys, "history", "d", "--format", "csv")
    assert out.splitlines()[0] == "commit,date,author,subject,hi,lo,overall,note"
