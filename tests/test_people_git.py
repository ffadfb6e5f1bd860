"""People in `argmap diff` and `argmap history`: a changed overlay moves that person's numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run
from gitrepo import GitRepo, make_repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    """tiny.yaml with alice beside it (tiny.people/), and bob in the directory map; then
    alice changes her mind about x (50% -> 90%)."""
    g = make_repo(tmp_path / "repo")
    g.write(
        "arguments/examples/tiny.people/alice.yaml",
        "argmap: 1\nperson: alice\nclaims:\n  x: {credence: 50%}\n",
    )
    g.write(
        "arguments/test/people/bob.yaml", "argmap: 1\nperson: bob\nclaims:\n  a: {credence: 10%}\n"
    )
    g.commit("people")
    g.replace("arguments/examples/tiny.people/alice.yaml", "50%", "90%")
    g.commit("alice changes her mind")
    monkeypatch.chdir(g.root)
    return g


def test_a_changed_overlay_moves_that_persons_credences(
    capsys: pytest.CaptureFixture[str], repo: GitRepo
) -> None:
    code, out, _ = run(capsys, "diff", "HEAD~1", "HEAD", "--format", "json")
    assert code == 0
    maps = {m["map"]: m for m in json.loads(out)["maps"]}
    alice = maps["arguments/examples/tiny.yaml as alice"]
    assert alice["claims"]["y"]["delta"]["default"] == pytest.approx(0.2, abs=1e-12)
    assert any(c.get("field") == "credence" and c["id"] == "x" for c in alice["changes"])
    # the map's own numbers did not move; bob did not change, so he is not listed
    assert maps["arguments/examples/tiny.yaml"]["claims"] == {}
    assert "arguments/test as bob" not in maps
    code, out, _ = run(capsys, "diff", "HEAD~1", "HEAD", "--format", "json", "--people")
    assert "arguments/test as bob" in {m["map"] for m in json.loads(out)["maps"]}
    code, out, _ = run(capsys, "diff", "HEAD~1", "HEAD", "--format", "md")
    assert "tiny.yaml as alice" in out


def test_diff_as_a_person(capsys: pytest.CaptureFixture[str], repo: GitRepo) -> None:
    _, out, _ = run(
        capsys,
        "diff",
        "HEAD~2",
        "HEAD",
        "--format",
        "json",
        "--as",
        "alice",
        "--",
        "arguments/examples/tiny.yaml",
    )
    (m,) = json.loads(out)["maps"]
    # before the overlay existed, alice's numbers were the map's: x stays... 50% -> 90%
    assert m["claims"]["y"]["after"]["default"] == pytest.approx(0.45, abs=1e-12)


def test_history_as_a_person(capsys: pytest.CaptureFixture[str], repo: GitRepo) -> None:
    code, out, err = run(
        capsys, "history", "arguments/examples/tiny.yaml", "y", "--as", "alice", "--format", "json"
    )
    assert code == 0, err
    points = json.loads(out)
    values = [p["credence"]["default"] for p in points["history"]]
    # the overlay's own commits count: first (the map's 25%), people (50%: 25%), alice (90%)
    assert values == [pytest.approx(v, abs=1e-12) for v in (0.25, 0.25, 0.45)]


def test_diff_as_an_unknown_person(capsys: pytest.CaptureFixture[str], repo: GitRepo) -> None:
    code, _, err = run(capsys, "diff", "HEAD~1", "HEAD", "--as", "carol")
    assert code == 2 and "no map here has a person 'carol'" in err
