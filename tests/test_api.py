"""The public API: everything in argmap.__all__, its doctests, short reprs, one
exception tree, and a lazy import."""

from __future__ import annotations

import argparse
import doctest
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import argmap

ROOT = Path(__file__).resolve().parent.parent
API_MODULES = ["argmap", "argmap.api", "argmap._exceptions", "argmap.engine.model"]


@pytest.mark.parametrize("name", API_MODULES)
def test_doctests(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples load arguments/...
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_everything_in_all_is_there() -> None:
    for name in argmap.__all__:
        assert getattr(argmap, name) is not None, name
    with pytest.raises(AttributeError):
        argmap.no_such_thing  # noqa: B018


def test_old_import_paths_still_work() -> None:
    from argmap.git import GitError
    from argmap.render.graphviz import RenderError
    from argmap.schema import ArgmapError, MapError, UsageError

    assert RenderError is argmap.RenderError and GitError is argmap.GitError
    assert MapError is argmap.MapError and UsageError is argmap.UsageError
    assert all(issubclass(e, ArgmapError) for e in (RenderError, GitError, MapError))


def test_reprs_are_short() -> None:
    m = argmap.load(ROOT / "arguments" / "scheming")
    ev = argmap.evaluate(m, explain=True)
    for obj in (m, ev, argmap.Model(m)):
        assert len(repr(obj)) < 200, repr(obj)
    html = ev._repr_html_()
    assert html.startswith("<table>") and "selects-schemer" in html


def test_library_errors_speak_library_words() -> None:
    m = argmap.load(ROOT / "arguments" / "examples" / "power-seeking.yaml")
    with pytest.raises(argmap.UsageError) as exc:
        argmap.evaluate(m, set={"ps-timelinez": "50%"})
    assert "--" not in str(exc.value)
    assert str(exc.value).startswith("set ps-timelinez: unknown claim")


def test_cli_adds_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    from argmap.cli import main

    path = str(ROOT / "arguments" / "examples" / "power-seeking.yaml")
    assert main(["eval", path, "--set", "ps-timelinez=50%"]) == 2
    assert "--set ps-timelinez: unknown claim" in capsys.readouterr().err


def _grid_over_budget() -> argmap.ArgumentMap:
    from argmap.engine.generate import grid_map_data
    from argmap.schema.loader import from_data

    return from_data(grid_map_data(300, 8, 1, p_evidence=0.3), "grid.yaml")


def test_memory_and_sampling_remedies_speak_library_words() -> None:
    """Library messages name parameters (``max_memory=``), never the command line's flags."""
    grid = _grid_over_budget()
    with pytest.raises(argmap.EvaluationError) as exc:
        argmap.evaluate(grid, method="exact", max_memory="1MB")
    assert "max_memory=" in str(exc.value) and 'method="sampled"' in str(exc.value)
    assert "--" not in str(exc.value)
    with pytest.raises(argmap.SamplingCollapsedError) as collapsed:
        argmap.evaluate(grid, method="sampled", samples=200, band_draws=0)
    assert "--" not in str(collapsed.value) and "samples=" in str(collapsed.value)
    m = argmap.loads(
        "argmap: 1\nclaims: {a: {credence: 10% to 30%}}\n", "band.yaml"
    )  # one uncertain value: a band
    with pytest.raises(argmap.UsageError) as band:
        argmap.evaluate(m, band_draws=10**9, max_memory="1MB")
    assert "band_draws=" in str(band.value) and "--" not in str(band.value)


def test_cli_says_the_same_with_its_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line prints the library's message with its flags (argmap._words)."""
    import yaml

    from argmap.cli import main
    from argmap.engine.generate import grid_map_data

    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump(grid_map_data(300, 8, 1, p_evidence=0.3)))
    assert main(["eval", str(path), "--method", "exact", "--max-memory", "1MB"]) == 1
    err = capsys.readouterr().err
    assert "raise the budget (--max-memory) or estimate by sampling (--method sampled)" in err
    assert "max_memory=" not in err
    assert main(["eval", str(path), "--method", "sampled", "--samples", "200"]) == 1
    err = capsys.readouterr().err
    assert "draw far more --samples" in err and "(--frame, fewer --given)" in err, err
    assert "samples=" not in err


def test_import_is_lazy() -> None:
    code = "import sys, argmap; print('numpy' in sys.modules, 'pydantic' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    ).stdout
    assert out.split() == ["False", "False"]


def test_check_does_not_import_the_engine() -> None:
    code = (
        "import sys\nfrom argmap.cli import main\n"
        f"main(['check', {str(ROOT / 'arguments' / 'scheming')!r}])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('networkx', 'argmap.engine', "
        "'argmap.render.graphviz', 'rich'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_every_command_help_is_its_modules() -> None:
    from argmap.cli import COMMANDS, build_parser

    parser = build_parser()  # every command module loaded
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {a.dest: a.help for a in sub._choices_actions}
    assert {name: helps[name] for name in COMMANDS} == COMMANDS


def test_render_error_is_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import argmap.render.graphviz as gv
    from argmap.cli import main

    def fail(*_a: object, **_k: object) -> bytes:
        raise argmap.RenderError("no font to draw text with")

    monkeypatch.setattr(gv, "svg_to_png", fail)
    path = str(ROOT / "arguments" / "examples" / "power-seeking.yaml")
    out = Path(os.environ.get("TMPDIR", "/tmp")) / "argmap-test-tornado.png"
    assert main(["sensitivity", path, "ps-doom", "-o", str(out)]) == 1
    assert "argmap sensitivity: no font to draw text with" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("command", "extra"),
    [("render", ["-o", "map.png"]), ("render", ["-o", "map.html"]), ("report", ["-o", "r.md"])],
)
def test_render_and_report_leave_render_errors_to_the_one_handler(
    command: str,
    extra: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No command catches RenderError itself: cli.exit_code reports it (sanitised, exit 1)
    and nothing is written."""
    import argmap.cli as cli
    import argmap.render.graphviz as gv
    from argmap.cli import main

    def fail(*_a: object, **_k: object) -> bytes:
        raise argmap.RenderError("no Graphviz \x1b[31mhere")

    seen: list[str] = []
    real = cli.exit_code
    monkeypatch.setattr(cli, "exit_code", lambda c, e: seen.append(type(e).__name__) or real(c, e))
    monkeypatch.setattr(gv, "layout", lambda renderer="auto": gv.Layout("broken", fail))
    monkeypatch.chdir(tmp_path)
    path = str(ROOT / "arguments" / "examples" / "power-seeking.yaml")
    assert main([command, path, *extra]) == 1
    err = capsys.readouterr().err
    assert f"argmap {command}: no Graphviz \\u001b[31mhere" in err, err
    assert seen == ["RenderError"]
    assert list(tmp_path.iterdir()) == []


def test_the_old_argument_order_is_understood(capsys: pytest.CaptureFixture[str]) -> None:
    from argmap.cli import main

    path = str(ROOT / "arguments" / "examples" / "power-seeking.yaml")
    assert main(["cruxes", path, "ps-doom", "--top", "1"]) == 0
    new = capsys.readouterr()
    assert main(["cruxes", "ps-doom", path, "--top", "1"]) == 0
    old = capsys.readouterr()
    assert old.out == new.out and new.err == ""
    assert f"did you mean `argmap cruxes {path} ps-doom`?" in old.err
    assert main(["cruxes", "ps-doom", "nowhere.yaml"]) == 2
    assert "no such file or directory: ps-doom" in capsys.readouterr().err
