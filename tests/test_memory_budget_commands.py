"""`--max-memory` for `argmap serve` and `argmap textconv`: every evaluation they make
keeps to it (sampled past it, and said so), as every evaluating command does."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from gitrepo import make_repo

from argmap.cli import build_parser, main
from argmap.engine.generate import grid_map_data
from argmap.engine.memory import DEFAULT_MAX_MEMORY
from argmap.schema import UsageError

ROOT = Path(__file__).resolve().parent.parent
POWER = ROOT / "arguments" / "examples" / "power-seeking.yaml"
OVER = "over the 1 MB memory budget: estimated by sampling instead"


def grid(tmp_path: Path, name: str = "grid.yaml") -> Path:
    """A map that needs a little over 1 MB for exact inference (a clique of 14)."""
    path = tmp_path / name
    path.write_text(yaml.safe_dump(grid_map_data(200, 8, 2, p_evidence=0.0)), encoding="utf-8")
    return path


# ------------------------------------------------------------------------ serve


def test_serve_takes_max_memory() -> None:
    parser = build_parser()
    args = parser.parse_args(["serve", str(POWER), "--max-memory", "4GB"])
    assert args.max_memory == 4 * 10**9
    assert parser.parse_args(["serve", str(POWER)]).max_memory == DEFAULT_MAX_MEMORY


def test_serve_rejects_a_bad_budget(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["serve", str(POWER), "--max-memory", "lots"])
    assert exc.value.code == 2
    assert "--max-memory: not a memory size: 'lots'" in capsys.readouterr().err


def test_serve_passes_the_budget_to_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from argmap.commands import serve

    seen: dict[str, Any] = {}

    def fake_start(path: Any, **kw: Any) -> Any:
        seen.update(kw)
        raise OSError(98, "stop here")

    monkeypatch.setattr(serve, "start", fake_start)
    assert main(["serve", str(POWER), "--port", "0", "--max-memory", "2GB"]) == 1
    assert seen["max_memory"] == 2 * 10**9


def test_explorer_models_keep_to_the_budget(tmp_path: Path) -> None:
    """The page's evaluation of a map over the budget is sampled, with the warning in
    /api/state; within the default budget it is exact and says nothing."""
    from argmap.explorer.app import Explorer
    from argmap.explorer.watch import MapWatcher

    path = grid(tmp_path)
    small = Explorer(MapWatcher(path), max_memory="1MB")
    doc = small.state("")
    assert small._model(small.watcher.snapshot).budget == 10**6
    assert any(OVER in w for w in doc["warnings"]), doc["warnings"]
    big = Explorer(MapWatcher(path))
    doc = big.state("")
    assert "warnings" not in doc


def test_explorer_refuses_a_bad_budget(tmp_path: Path) -> None:
    import argmap
    from argmap.explorer.app import Explorer
    from argmap.explorer.watch import MapWatcher

    with pytest.raises(argmap.UsageError, match="max_memory: not a memory size"):
        Explorer(MapWatcher(POWER), max_memory="lots")


def test_explorer_band_draws_fit_the_budget(tmp_path: Path) -> None:
    """As `eval`'s default: 1,000 draws, or as many as the budget holds."""
    from argmap.explorer.app import Explorer
    from argmap.explorer.watch import MapWatcher

    claims = {f"c{i}": {"credence": "10% to 20%"} for i in range(200)}
    path = tmp_path / "band.yaml"
    path.write_text(yaml.safe_dump({"argmap": 1, "claims": claims}), encoding="utf-8")
    ex = Explorer(MapWatcher(path), max_memory="1MB")
    amap = ex.watcher.snapshot.map
    assert amap is not None
    assert ex.band_draws(amap) == 208  # as `eval --max-memory 1MB`
    doc = ex.claim("id=c0")  # was: a 400, the 1,000-draw band over the budget
    assert doc["interval"], doc
    (warning,) = ex.state("")["warnings"]  # the page says the band is drawn fewer times
    assert warning.startswith("the band is drawn 208 times, not 1,000: more would not fit")
    assert Explorer(MapWatcher(path)).band_draws(amap) == 1000


def test_explorer_people_keep_to_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each person's Model, and the pooled people, are evaluated within the budget."""
    from argmap.explorer.app import Explorer
    from argmap.explorer.watch import MapWatcher

    path = grid(tmp_path)
    people = tmp_path / "grid.people"
    people.mkdir()
    first = next(iter(grid_map_data(200, 8, 2, p_evidence=0.0)["claims"]))
    (people / "ann.yaml").write_text(
        f"argmap: 1\nperson: ann\nclaims:\n  {first}: {{credence: 20%}}\n", encoding="utf-8"
    )
    (people / "bob.yaml").write_text(
        f"argmap: 1\nperson: bob\nclaims:\n  {first}: {{credence: 80%}}\n", encoding="utf-8"
    )
    ex = Explorer(MapWatcher(path), max_memory="1MB")
    for person in ("ann", "pooled"):
        doc = ex.state(f"as={person}")
        assert any("over the 1 MB memory budget" in w for w in doc["warnings"]), (person, doc)
    # a click's disagreement between the two is asked for within the same budget
    calls: list[object] = []

    def spy(*_: Any, **kw: Any) -> Any:
        calls.append(kw.get("max_memory"))
        raise UsageError("spied")  # the real one samples for half a minute here

    monkeypatch.setattr("argmap.explorer.app.disagree", spy)
    from argmap.explorer.app import WhatIf

    got = ex._disagreement(ex.watcher.snapshot, WhatIf(person="ann"), first, None)
    assert calls == [10**6] and got == {"error": "spied"}


# ------------------------------------------------------------------------ textconv


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_textconv_keeps_to_max_memory_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = grid(tmp_path)
    code, out = run(capsys, "textconv", "--max-memory", "1MB", str(path))
    assert code == 0
    assert "# argmap: warning: exact inference needs 1.17 MB" in out and OVER in out
    assert "max_memory=" not in out  # the command line's words
    code, out = run(capsys, "textconv", str(path))
    assert code == 0 and "warning" not in out  # exact within the default 1 GB


def test_textconv_install_writes_the_budget_into_the_git_command(tmp_path: Path) -> None:
    g = make_repo(tmp_path / "r")
    argmap = Path(sys.executable).parent / "argmap"
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", PATH="/usr/bin:/bin")

    def install(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(argmap), "textconv", "--install", *extra],
            cwd=g.root,
            env=env,
            capture_output=True,
            text=True,
        )

    done = install("--max-memory", "1MB")
    assert done.returncode == 0, done.stderr
    config = g.git("config", "diff.argmap.textconv").strip()
    assert config.endswith(" textconv --max-memory 1MB"), config
    assert shlex.quote(config) in done.stdout
    # git runs it: the diff of a map over that budget says it was sampled
    g.write("arguments/grid.yaml", grid(tmp_path).read_text(encoding="utf-8"))
    g.commit("grid")
    g.replace("arguments/grid.yaml", "argmap: 1", "argmap: 1\ntitle: Grid")
    out = subprocess.run(
        ["git", "diff"], cwd=g.root, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "# argmap: warning: exact inference needs" in out and OVER in out
    # installing again without it goes back to the default budget
    assert install().returncode == 0
    assert g.git("config", "diff.argmap.textconv").strip().endswith(" textconv")


def test_textconv_install_rejects_a_bad_budget(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["textconv", "--install", "--max-memory", "0"])
    assert exc.value.code == 2
    assert "--max-memory: memory size '0' is out of range" in capsys.readouterr().err
