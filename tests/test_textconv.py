"""`argmap textconv`: the file, then its claims' credences; never fails; works under git diff."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import make_repo

from argmap.cli import main

ROOT = Path(__file__).resolve().parent.parent
POWER = ROOT / "arguments" / "examples" / "power-seeking.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_single_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "textconv", str(POWER))
    assert code == 0
    assert out.startswith(POWER.read_text(encoding="utf-8"))
    assert "# argmap: ps-doom  5.14%\n" in out


def test_file_of_a_directory_map_uses_its_siblings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    g = make_repo(tmp_path / "r")
    code, out = run(capsys, "textconv", str(g.root / "arguments/test/arguments.yaml"))
    assert code == 0 and "# argmap:" in out
    assert "not evaluated" not in out
    # The claims file lists its own claims, each with the other columns.
    code, out = run(capsys, "textconv", str(g.root / "arguments/test/claims.yaml"))
    lines = [x for x in out.splitlines() if x.startswith("# argmap: ") and "%" in x]
    assert [x.split()[2] for x in lines] == ["a", "b", "c", "d", "e"]
    assert "(hi " in lines[0] and ", lo " in lines[0]


@pytest.mark.parametrize("text", ["bad: [\n", "argmap: 1\nclaims:\n  a: {credence: 2}\n", ""])
def test_never_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    f = tmp_path / "sub" / "x.yaml"
    f.parent.mkdir()
    f.write_text(text)
    code, out = run(capsys, "textconv", str(f))
    assert code == 0 and out.startswith(text) and "# argmap: not evaluated (" in out
    code, out = run(capsys, "textconv", str(tmp_path / "missing.yaml"))
    assert code == 0 and "cannot read" in out


def test_git_diff_shows_credences(tmp_path: Path) -> None:
    g = make_repo(tmp_path / "r")
    g.write(".gitattributes", "*.yaml diff=argmap\n")
    # git runs the textconv command through the shell, hence the quoting.
    g.git("config", "diff.argmap.textconv", f"{shlex.quote(sys.executable)} -m argmap textconv")
    g.commit("attributes")
    g.replace("arguments/examples/tiny.yaml", "strength: 0.5", "strength: 0.9")
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1")
    out = subprocess.run(
        ["git", "diff"], cwd=g.root, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "-# argmap: y  25.00%" in out and "+# argmap: y  45.00%" in out
