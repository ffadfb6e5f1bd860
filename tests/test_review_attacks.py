"""The review path under attack, on a real repository built here: each attack fails.

Renaming a map to slip a move past ``--fail-above``, a symlink that would leak a
file outside the repository, and the attribution of a pull request's changes
summing to each claim's delta. (The Action's comment attacks are in
tests/test_action.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run
from gitrepo import GitRepo, make_repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    g = make_repo(tmp_path / "repo")
    g.git("branch", "feat")
    g.git("checkout", "-q", "feat")
    monkeypatch.chdir(g.root)
    return g


def _maps(out: str) -> dict[str, dict[str, object]]:
    return {m["map"]: m for m in json.loads(out)["maps"]}


def test_renaming_a_map_does_not_bypass_the_gate(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("mv", "arguments/examples/tiny.yaml", "arguments/examples/renamed.yaml")
    repo.replace("arguments/examples/renamed.yaml", "x: {credence: 50%}", "x: {credence: 99%}")
    repo.commit("move and edit")
    code, out, err = run(capsys, "diff", "main", "feat", "--fail-above", "1", "--format", "json")
    assert code == 1, out
    assert "more than --fail-above 1" in err
    maps = _maps(out)
    assert "arguments/examples/tiny.yaml" not in maps  # not "removed" and "added"
    m = maps["arguments/examples/renamed.yaml"]
    assert m["status"] == "changed"
    assert m["changes"][0] == {
        "kind": "map",
        "id": "arguments/examples/renamed.yaml",
        "op": "changed",
        "field": "path",
        "before": "arguments/examples/tiny.yaml",
        "after": "arguments/examples/renamed.yaml",
    }
    assert m["claims"]["x"]["delta"]["default"] == pytest.approx(0.49)
    # Naming the old path (or the new one) follows the rename all the same.
    for name in ("arguments/examples/tiny.yaml", "arguments/examples/renamed.yaml"):
        argv = ["diff", "main", "feat", "--fail-above", "1", "--format", "json", "--", name]
        code, out, _ = run(capsys, *argv)
        assert code == 1
        assert list(_maps(out)) == ["arguments/examples/renamed.yaml"]


def test_rename_of_a_directory_map_and_an_untracked_move_in_the_working_tree(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("mv", "arguments/test", "arguments/moved")
    repo.replace("arguments/moved/arguments.yaml", "strength: 0.9", "strength: 0.2")
    repo.commit("move the directory")
    code, out, _ = run(capsys, "diff", "main", "feat", "--fail-above", "5", "--format", "json")
    assert code == 1
    assert set(_maps(out)) == {"arguments/moved", "arguments/examples/tiny.yaml"}
    # A plain mv, not yet known to git: found by content, as git would.
    (repo.root / "arguments/examples/tiny.yaml").rename(repo.root / "arguments/examples/t2.yaml")
    repo.replace("arguments/examples/t2.yaml", "strength: 0.5", "strength: 0.1")
    code, out, _ = run(capsys, "diff", "HEAD", "--fail-above", "5", "--format", "json")
    assert code == 1
    assert set(_maps(out)) == {"arguments/examples/t2.yaml", "arguments/moved"}


def test_a_rewrite_beyond_gits_similarity_is_matched_by_claim_ids(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("rm", "-q", "arguments/examples/tiny.yaml")
    repo.write(
        "arguments/examples/other.yaml",
        "argmap: 1\ntitle: Something else entirely, padded to look unrelated to git\n"
        "claims:\n  x:\n    text: Rewritten from scratch.\n    credence: 0.01\n",
    )
    repo.commit("rewrite")
    code, out, _ = run(capsys, "diff", "main", "feat", "--fail-above", "1", "--format", "json")
    assert code == 1
    m = _maps(out)["arguments/examples/other.yaml"]
    assert m["changes"][0]["field"] == "path"
    assert m["claims"]["x"]["delta"]["default"] == pytest.approx(-0.49)


def test_a_copy_is_compared_with_its_source(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (repo.root / "arguments/examples/tiny.yaml").read_text()
    repo.write("arguments/examples/copy.yaml", text.replace("50%", "90%"))
    repo.commit("copy")
    code, out, _ = run(capsys, "diff", "main", "feat", "--fail-above", "1", "--format", "json")
    assert code == 1
    maps = _maps(out)
    assert maps["arguments/examples/tiny.yaml"]["status"] == "unchanged"
    copy = maps["arguments/examples/copy.yaml"]
    assert copy["changes"][0]["field"] == "copied from"
    assert copy["claims"]["x"]["delta"]["default"] == pytest.approx(0.4)


def test_attribution_sums_to_every_delta(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.replace("arguments/test/arguments.yaml", "strength: 0.9", "strength: 0.5")
    repo.replace("arguments/test/claims.yaml", "credence: 60%", "credence: 90%")
    repo.replace("arguments/test/claims.yaml", "lo: {credence: 40%}", "lo: {credence: 10%}")
    repo.replace(
        "arguments/test/claims.yaml",
        "hi: {text: Optimistic., weight: 0.5}",
        "hi: {text: Optimistic., weight: 2}",
    )
    with (repo.root / "arguments/test/claims.yaml").open("a") as fh:
        fh.write("  f: {text: New F., credence: 80%}\n")
    with (repo.root / "arguments/test/arguments.yaml").open("a") as fh:
        fh.write("  fd: {premises: [f], supports: d, strength: 0.3}\n")
    repo.commit("several changes")
    code, out, err = run(capsys, "diff", "main", "feat", "--format", "json", "--threshold", "0")
    assert code == 0, err
    m = _maps(out)["arguments/test"]
    changes = m["changes"]
    assert len(changes) == 6
    assert m["claims"]
    for cid, claim in m["claims"].items():
        shares = claim["attribution"]
        covered = sorted(i for s in shares for i in s["changes"])
        assert covered == list(range(len(changes))), cid
        for col, delta in claim["delta"].items():
            assert abs(sum(s["delta"][col] for s in shares) - delta) <= 1e-12, (cid, col)
        sizes = [max(abs(v) for v in s["delta"].values()) for s in shares]
        assert sizes == sorted(sizes, reverse=True)
    # The new claim and the argument citing it are one unit.
    units = [s["changes"] for s in m["claims"]["d"]["attribution"]]
    pair = [i for i, c in enumerate(changes) if c["id"] in ("f", "fd")]
    assert pair in units
    code, md, _ = run(capsys, "diff", "main", "feat", "--format", "md")
    assert "Which change moved each claim" in md
    assert "argument ab: strength 0.9 → 0.5" in md


LEAK = "argmap: 1\nclaims:\n  s: {text: TOPSECRET-CONTENT, credence: 50%}\n"


@pytest.mark.parametrize("committed", [True, False])
def test_a_symlink_leaving_the_map_is_a_located_problem_never_read(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], committed: bool
) -> None:
    secret = repo.root.parent / "secret.yaml"
    secret.write_text(LEAK)
    links = {
        "arguments/examples/leak.yaml": "../../../secret.yaml",
        "arguments/examples/abs.yaml": str(secret),
        "arguments/examples/zero.yaml": "/dev/zero",
        "arguments/test/up.yaml": "../examples/tiny.yaml",  # leaves its directory map
    }
    for name, target in links.items():
        (repo.root / name).symlink_to(target)
    if committed:
        repo.commit("links")
    argv = ["diff", "main", "feat"] if committed else ["diff", "main"]
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert "TOPSECRET" not in err
    prefix = "feat:" if committed else ""
    for name in links:
        line = f"{prefix}{name}:1:1: symbolic link to a file outside the map's directory"
        assert line in err, err
    for fmt in ("json", "md"):
        code, out, err = run(capsys, *argv, "--format", fmt)
        assert code == 1 and "TOPSECRET" not in out + err
    # check (the working tree, as the Action runs it on the PR's code) says the same.
    code, out, err = run(capsys, "check", "--format", "github", "arguments")
    assert code == 1 and "TOPSECRET" not in out + err
    assert "symbolic link to a file outside the map's directory" in out + err


@pytest.mark.parametrize("committed", [True, False])
def test_a_symlink_inside_the_map_is_followed_alike_on_both_sides(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], committed: bool
) -> None:
    (repo.root / "arguments/examples/alias.yaml").symlink_to("tiny.yaml")
    if committed:
        repo.commit("alias")
    argv = ["diff", "main", "feat"] if committed else ["diff", "main"]
    code, out, err = run(capsys, *argv, "--format", "json")
    assert code == 0, err
    alias = _maps(out)["arguments/examples/alias.yaml"]
    assert set(alias["added"]) == {"x", "y"}


def test_history_reports_a_leaking_symlink_as_an_invalid_map(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = repo.root.parent / "secret.yaml"
    secret.write_text(LEAK)
    path = repo.root / "arguments/examples/tiny.yaml"
    path.unlink()
    path.symlink_to("../../../secret.yaml")
    repo.commit("leak")
    code, out, err = run(capsys, "history", "x", "arguments/examples/tiny.yaml")
    assert code == 0, err
    assert "TOPSECRET" not in out + err
    assert "invalid map" in out


def test_moving_a_claim_into_another_map_does_not_bypass_the_gate(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.replace("arguments/examples/tiny.yaml", "  x: {credence: 50%}\n", "")
    repo.replace("arguments/examples/tiny.yaml", "premises: [x]", "premises: [w]")
    repo.replace("arguments/examples/tiny.yaml", "claims:\n", "claims:\n  w: {credence: 50%}\n")
    repo.write("arguments/examples/other.yaml", "argmap: 1\nclaims:\n  x: {credence: 99%}\n")
    repo.commit("split")
    code, _, err = run(capsys, "diff", "main", "feat", "--fail-above", "5")
    assert code == 1
    assert "claim x moved from arguments/examples/tiny.yaml to arguments/examples/other.yaml" in err
    assert "+49.00 percentage points" in err


def test_moving_a_map_out_of_arguments_does_not_bypass_the_gate(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.git("mv", "arguments/test", "elsewhere")
    repo.replace("elsewhere/arguments.yaml", "strength: 0.9", "strength: 0.1")
    repo.commit("hide it")
    code, out, _ = run(capsys, "diff", "main", "feat", "--fail-above", "5", "--format", "json")
    assert code == 1
    m = _maps(out)["elsewhere"]
    assert m["changes"][0]["before"] == "arguments/test" and m["status"] == "changed"


def test_no_attribution_leaves_it_out(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.replace("arguments/test/arguments.yaml", "strength: 0.9", "strength: 0.5")
    repo.replace("arguments/test/claims.yaml", "credence: 60%", "credence: 90%")
    repo.commit("two changes")
    argv = ["diff", "main", "feat", "--format", "json"]
    code, out, _ = run(capsys, *argv, "--no-attribution")
    assert code == 0
    claims = _maps(out)["arguments/test"]["claims"]
    assert claims and all(c["attribution"] == [] for c in claims.values())
    code, out, _ = run(capsys, *argv)
    assert all(c["attribution"] for c in _maps(out)["arguments/test"]["claims"].values())
