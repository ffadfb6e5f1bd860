"""`argmap diff` end to end on real git repositories, and the pure comparison it uses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cli_run import run
from gitrepo import MAP_ARGUMENTS, MAP_CLAIMS, GitRepo, make_repo

from argmap.api import evaluate
from argmap.cli import main
from argmap.engine.diff import diff_maps, input_changes
from argmap.schema.loader import load_blobs, loads


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """The test repository, with a second commit that weakens argument ab (0.9 -> 0.5)."""
    g = make_repo(tmp_path / "repo")
    g.replace("arguments/test/arguments.yaml", "strength: 0.9", "strength: 0.5")
    g.commit("weaken ab")
    monkeypatch.chdir(g.root)
    return g


def _credences(claims: str, arguments: str) -> dict[str, dict[str, float]]:
    amap = load_blobs(
        "m", [("m/arguments.yaml", arguments.encode()), ("m/claims.yaml", claims.encode())]
    )
    return {cid: r.credence for cid, r in evaluate(amap).claims.items()}


def test_strength_change_moves_every_downstream_claim_exactly(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "diff", "HEAD~1", "HEAD", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["base"] == "HEAD~1" and doc["head"] == "HEAD" and doc["threshold"] == 0.005
    maps = {m["map"]: m for m in doc["maps"]}
    assert maps["arguments/examples/tiny.yaml"]["status"] == "unchanged"
    m = maps["arguments/test"]
    before = _credences(MAP_CLAIMS, MAP_ARGUMENTS)
    after = _credences(MAP_CLAIMS, MAP_ARGUMENTS.replace("strength: 0.9", "strength: 0.5"))
    expected = {
        cid
        for cid in before
        if max(abs(after[cid][c] - before[cid][c]) for c in before[cid]) >= 0.005
    }
    assert set(m["claims"]) == expected
    assert {"c", "d", "a", "b"} <= expected and "e" not in expected
    for cid, entry in m["claims"].items():
        assert set(entry["before"]) == {"hi", "lo", "overall"}
        for col in entry["before"]:
            assert entry["before"][col] == pytest.approx(before[cid][col], abs=1e-12)
            assert entry["after"][col] == pytest.approx(after[cid][col], abs=1e-12)
            assert entry["delta"][col] == pytest.approx(
                after[cid][col] - before[cid][col], abs=1e-12
            )
    # Largest move first.
    moves = [max(abs(d) for d in e["delta"].values()) for e in m["claims"].values()]
    assert moves == sorted(moves, reverse=True)
    assert m["changes"] == [
        {
            "kind": "argument",
            "id": "ab",
            "op": "changed",
            "field": "strength",
            "before": "0.9",
            "after": "0.5",
        }
    ]
    assert m["added"] == {} and m["removed"] == {}


def test_threshold_and_fail_above(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "HEAD~1", "HEAD", "--format", "json", "--threshold", "99")
    assert code == 0
    test_map = next(m for m in json.loads(out)["maps"] if m["map"] == "arguments/test")
    assert test_map["claims"] == {} and test_map["changes"]  # the cause is still listed
    largest = test_map["largest_delta"] * 100
    code, _, err = run(capsys, "diff", "HEAD~1", "HEAD", "--fail-above", f"{largest - 0.01:.4f}")
    assert code == 1 and "more than --fail-above" in err
    code, _, _ = run(capsys, "diff", "HEAD~1", "HEAD", "--fail-above", f"{largest + 0.01:.4f}pp")
    assert code == 0
    with pytest.raises(SystemExit) as exc:  # argparse: a usage error
        main(["diff", "HEAD~1", "HEAD", "--threshold", "lots"])
    assert exc.value.code == 2 and "percentage points" in capsys.readouterr().err


def _table_rows(md: str) -> list[list[str]]:
    """Cells of every table line, pipes escaped as \\| kept inside their cell."""
    rows = []
    for line in md.splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line.strip())
            assert cells[0] == "" and cells[-1] == "", line
            rows.append(cells[1:-1])
    return rows


def test_markdown_table_and_mermaid(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "HEAD~1", "HEAD", "--format", "md")
    assert code == 0
    assert out.startswith("<!-- argmap-diff -->\n")
    rows = _table_rows(out)
    assert rows and len({len(r) for r in rows}) == 1
    assert rows[0][0].strip() == "claim" and all(set(c) <= set("-:") for c in rows[1])
    assert re.search(r"→ .*\(-\d+\.\d\d pp\)", out)
    assert "argument ab: strength 0.9 → 0.5" in out
    fences = re.findall(r"^```(\w*)$", out, re.M)
    assert fences == ["mermaid", ""]
    body = out.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert "flowchart" in body and "class " in body and " hl" in body


def test_text_output(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "HEAD~1", "HEAD")
    assert code == 0
    assert "HEAD~1 → HEAD" in out and "argument ab: strength 0.9 → 0.5" in out
    assert "\x1b[" not in out  # not a terminal: no colour
    line = next(x for x in out.splitlines() if x.startswith("c "))
    assert "→" in line and "-" in line


def test_working_tree_and_default_base(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("checkout", "-q", "-b", "feature")
    repo.replace("arguments/test/claims.yaml", "credence: 60%", "credence: 20%")  # not committed
    code, out, err = run(capsys, "diff", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["head"] == "working tree"
    assert doc["base"] == repo.git("rev-parse", "main").strip()[:12]
    m = next(m for m in doc["maps"] if m["map"] == "arguments/test")
    assert m["changes"] == [
        {
            "kind": "claim",
            "id": "a",
            "op": "changed",
            "field": "credence",
            "before": "60%",
            "after": "20%",
        }
    ]
    assert "a" in m["claims"]
    # One revision: it against the working tree; paths after --.
    code, out, _ = run(capsys, "diff", "HEAD~1", "--format", "json", "--", "arguments/test")
    doc = json.loads(out)
    assert [m["map"] for m in doc["maps"]] == ["arguments/test"]
    assert {c["field"] for c in doc["maps"][0]["changes"]} == {"credence", "strength"}
    # an option written after the paths is still that option, not a path
    again = run(capsys, "diff", "HEAD~1", "--", "arguments/test", "--format", "json")
    assert again[0] == 0 and json.loads(again[1]) == doc
    again = run(capsys, "diff", "HEAD~1", "--", "arguments/test", "--format=json")
    assert again[0] == 0 and json.loads(again[1]) == doc


def test_files_added_deleted_renamed_and_maps_on_one_side(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("mv", "arguments/test/arguments.yaml", "arguments/test/args.yaml")
    repo.git("rm", "-q", "arguments/examples/tiny.yaml")
    repo.write(
        "arguments/examples/new.yaml", "argmap: 1\nclaims:\n  n: {text: New, credence: 25%}\n"
    )
    repo.commit("shuffle")
    code, out, err = run(capsys, "diff", "HEAD~1", "HEAD", "--format", "json")
    assert code == 0, err
    maps = {m["map"]: m for m in json.loads(out)["maps"]}
    assert maps["arguments/test"]["changes"] == [
        {
            "kind": "file",
            "id": "arguments/test/args.yaml",
            "op": "changed",
            "field": "path",
            "before": "arguments/test/arguments.yaml",
            "after": "arguments/test/args.yaml",
        }
    ]
    assert maps["arguments/test"]["claims"] == {}
    new = maps["arguments/examples/new.yaml"]
    assert new["status"] == "added" and new["added"]["n"]["credence"] == {"default": 0.25}
    gone = maps["arguments/examples/tiny.yaml"]
    assert gone["status"] == "removed" and set(gone["removed"]) == {"x", "y"}
    code, out, _ = run(capsys, "diff", "HEAD~1", "HEAD", "--format", "md")
    assert "the map was added" in out and "the map was removed" in out


def test_invalid_map_on_one_side(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("arguments/test/broken.yaml", "argmap: 1\nclaims:\n  q: {credence: 150%}\n")
    repo.commit("broken")
    code, out, err = run(capsys, "diff", "HEAD~1", "HEAD")
    assert code == 1 and out == ""
    assert re.search(r"^HEAD:arguments/test/broken\.yaml:3:\d+: .*150%", err, re.M), err
    assert "Traceback" not in err
    code, _, err = run(capsys, "diff", "HEAD~1")  # the working tree names files plainly
    assert code == 1 and "\narguments/test/broken.yaml:3:" in "\n" + err


def test_usage_errors(
    repo: GitRepo,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _, err = run(capsys, "diff", "no-such-rev", "HEAD")
    assert code == 2 and "unknown revision 'no-such-rev'" in err
    code, _, err = run(capsys, "diff", "HEAD;touch pwned", "HEAD")
    assert code == 2 and not (repo.root / "pwned").exists()
    code, _, err = run(capsys, "diff", "HEAD~1", "HEAD", "HEAD")
    assert code == 2 and "at most two revisions" in err
    code, _, err = run(capsys, "diff", "HEAD~1", "HEAD", "--", "nowhere")
    assert code == 2 and "no map there" in err
    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.chdir(plain)
    code, _, err = run(capsys, "diff")
    assert code == 2 and "not a git repository" in err


def test_output_file(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "HEAD~1", "HEAD", "--format", "json", "-o", "d.json")
    assert code == 0 and out == ""
    assert json.loads((repo.root / "d.json").read_text())["base"] == "HEAD~1"


# --- the pure comparison ---------------------------------------------------------------

OLD = """\
argmap: 1
title: Old title
frames:
  f: {weight: 1}
  g: {weight: 1}
claims:
  a: {text: A, credence: 50%, frames: {f: {credence: 40%}}}
  b: {text: B}
  gone: {credence: 10%}
arguments:
  x: {premises: [a], supports: b, strength: 0.5}
  y: {premises: [gone], attacks: b}
"""

NEW = """\
argmap: 1
title: New title
frames:
  f: {weight: 2}
  g: {weight: 1}
claims:
  a: {text: A edited, credence: 50%, frames: {f: {credence: 45%}}}
  b:
    text: B
    evidence: [{bits: 1}]
  fresh: {credence: 90%}
arguments:
  x: {premises: [a, fresh], supports: b, strength: 0.5, frames: {g: {enabled: false}}}
"""


def _key(c: Any) -> tuple[str, str, str, str | None]:
    return (c.kind, c.id, c.op, c.field)


def test_input_changes_each_listed_once() -> None:
    changes = input_changes(loads(OLD, "old.yaml"), loads(NEW, "new.yaml"))
    keys = [_key(c) for c in changes]
    assert len(keys) == len(set(keys))
    assert set(keys) == {
        ("map", "new.yaml", "changed", "title"),
        ("frame", "f", "changed", "weight"),
        ("claim", "a", "changed", "text"),
        ("claim", "a", "changed", "frames.f.credence"),
        ("claim", "b", "changed", "evidence"),
        ("claim", "gone", "removed", None),
        ("claim", "fresh", "added", None),
        ("argument", "x", "changed", "premises"),
        ("argument", "x", "changed", "frames.g.enabled"),
        ("argument", "y", "removed", None),
    }
    by = {_key(c): c for c in changes}
    assert by[("claim", "a", "changed", "frames.f.credence")].before == "40%"
    assert by[("argument", "x", "changed", "premises")].after == ["a", "fresh"]
    # Same value, other spelling: no change.
    assert input_changes(loads(OLD), loads(OLD.replace("credence: 50%", "credence: 0.5"))) == []


def test_diff_maps_frames_on_one_side() -> None:
    plain = "argmap: 1\nclaims:\n  a: {credence: 40%}\n"
    framed = "argmap: 1\nframes:\n  f: {weight: 1}\nclaims:\n  a: {credence: 60%}\n"
    d = diff_maps("m", evaluate(loads(plain)), evaluate(loads(framed)))
    (move,) = d.moved
    assert move.before == {"default": pytest.approx(0.4)}
    assert move.after == {"f": pytest.approx(0.6), "overall": pytest.approx(0.6)}
    assert move.delta == {"overall": pytest.approx(0.2)}  # the headline columns compared
    same = diff_maps("m", evaluate(loads(plain)), evaluate(loads(plain)))
    assert same.status == "unchanged" and same.largest == 0.0


GROUPS_OLD = """\
argmap: 1
claims:
  a: {credence: 50%}
  b: {credence: 40%}
  c: {credence: 20%}
groups:
  kept: {exactly-one: [a, b]}
  gone: {at-most-one: [b, c]}
  edited: {text: Old., at-least-one: [a, c]}
"""
GROUPS_NEW = """\
argmap: 1
claims:
  a: {credence: 50%}
  b: {credence: 40%}
  c: {credence: 20%}
groups:
  kept: {exactly-one: [a, b]}
  edited: {text: New., exactly-one: [a, b, c]}
  fresh: {at-most-one: [a, c]}
"""


def test_diff_lists_added_removed_and_changed_groups() -> None:
    old = evaluate(loads(GROUPS_OLD, "old.yaml"))
    new = evaluate(loads(GROUPS_NEW, "new.yaml"))
    d = diff_maps("m", old, new)
    got = [(c.kind, c.id, c.op, c.field, c.before, c.after) for c in d.changes]
    assert got == [
        ("group", "gone", "removed", None, {"at-most-one": ["b", "c"]}, None),
        ("group", "edited", "changed", "kind", "at-least-one", "exactly-one"),
        ("group", "edited", "changed", "members", ["a", "c"], ["a", "b", "c"]),
        ("group", "edited", "changed", "text", "Old.", "New."),
        ("group", "fresh", "added", None, None, {"at-most-one": ["a", "c"]}),
    ]
    from argmap.render.diff import change_line

    assert change_line(d.changes[2]) == 'group edited: members ["a", "c"] → ["a", "b", "c"]'
    assert {m.id for m in d.moved} == {"a", "b", "c"}
