"""The command line end to end: exit codes, formats, options, outputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import run

from argmap.cli import main

ROOT = Path(__file__).resolve().parent.parent
POWER = ROOT / "arguments" / "examples" / "power-seeking.yaml"

BAD = """\
argmap: 1
claims:
  a: {credence: 150%}
  b: {text: no credence and nothing supports it}
arguments:
  x: {premises: [a, cc], supports: b}
"""


def test_check_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(POWER))
    assert code == 0, err
    assert "ok (7 claims, 1 arguments, 0 frames)" in out


def test_check_invalid_reports_located_problems(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    code, _, err = run(capsys, "check", str(bad))
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith(str(bad))]
    assert len(lines) >= 2
    for line in lines:
        _, line_no, col, message = line.split(":", 3)
        assert int(line_no) >= 1 and int(col) >= 1 and message.strip()


def test_check_json_and_github(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad, 50%: file.yaml"
    bad.write_text(BAD)
    code, out, _ = run(capsys, "check", "--format", "json", str(bad), str(POWER))
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False and doc["maps"][0]["claims"] == 7
    assert {"path", "line", "col", "message"} <= set(doc["problems"][0])
    code, out, _ = run(capsys, "check", "--format", "github", str(bad))
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("::error file=") and "bad%2C 50%25%3A file.yaml" in first


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", str(tmp_path / "missing.yaml")])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["eval", str(POWER), "--format", "xml"])
    assert exc.value.code == 2
    code, _, err = run(capsys, "eval", str(POWER), "--given", "ps-timeline=true")
    assert code == 2 and "did you mean 'ps-timelines'" in err
    code, _, err = run(capsys, "eval", str(POWER), "--given", "ps-timelines=maybe")
    assert code == 2 and "true or false" in err
    code, _, err = run(capsys, "eval", str(POWER), "--claim", "nope")
    assert code == 2


def test_eval_power_seeking_prints_5_14(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "eval", str(POWER))
    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith("ps-doom"))
    assert "5.14%" in row


def test_eval_json_matches_design(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "eval", str(POWER), "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert doc["map"] == str(POWER)
    assert list(doc["frames"]) == ["default"]
    doom = doc["claims"]["ps-doom"]["credence"]
    assert set(doom) == {"default"}
    assert doom["default"] == pytest.approx(0.65 * 0.8 * 0.4 * 0.65 * 0.4 * 0.95, abs=1e-12)


def test_eval_given_and_set(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(
        capsys,
        "eval",
        str(POWER),
        "--format",
        "json",
        "--given",
        "ps-timelines=true",
        "--set",
        "ps-incentives=1",
        "--claim",
        "ps-doom",
    )
    doc = json.loads(out)
    assert list(doc["claims"]) == ["ps-doom"]
    assert doc["claims"]["ps-doom"]["credence"]["default"] == pytest.approx(0.4 * 0.65 * 0.4 * 0.95)
    assert doc["given"] == {"ps-timelines": True} and doc["set"] == {"ps-incentives.credence": "1"}
    _, out, _ = run(capsys, "eval", str(POWER), "--format", "csv", "--given", "ps-doom=true")
    rows = {r.split(",")[0]: r.split(",")[1] for r in out.splitlines()[1:]}
    assert float(rows["ps-timelines"]) == 1.0


def test_eval_output_file_is_written_whole(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "sub" / "out.md"
    target.parent.mkdir()  # argmap never creates directories (tests/test_output.py)
    code, out, _ = run(capsys, "eval", str(POWER), "--format", "md", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text().startswith("### ")
    assert [p.name for p in target.parent.iterdir()] == ["out.md"]  # no temporary left behind


def test_failed_run_keeps_previous_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    target = tmp_path / "out.json"
    target.write_text("precious")
    code, _, _ = run(capsys, "eval", str(bad), "--format", "json", "-o", str(target))
    assert code == 1
    assert target.read_text() == "precious"


def test_internal_error_exits_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import argmap.commands.eval as cmd

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(cmd, "evaluate", boom)
    code, _, err = run(capsys, "eval", str(POWER))
    assert code == 3 and "internal error" in err and "kaboom" in err and "Traceback" not in err


def test_python_dash_m(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "argmap", "eval", str(POWER), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["claims"]["ps-doom"]["credence"]["default"] > 0.05


def test_eval_is_deterministic(tmp_path: Path) -> None:
    outs = [
        subprocess.run(
            [sys.executable, "-m", "argmap", "eval", str(POWER), "--explain"],
            capture_output=True,
            cwd=tmp_path,
        ).stdout
        for _ in range(2)
    ]
    assert outs[0] == outs[1] and outs[0]


IMPOSSIBLE_IN_ONE_FRAME = """\
argmap: 1
frames:
  f1: {weight: 1}
  f2: {weight: 1}
claims:
  a:
    credence: 50%
    frames:
      f2: {credence: 0}
"""


def test_impossible_evidence(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(IMPOSSIBLE_IN_ONE_FRAME)
    code, out, _ = run(capsys, "eval", str(path), "--given", "a=true")
    assert code == 0
    assert "no column for f2" in out and "f2 0.5 -> 0" in out
    code, out, _ = run(capsys, "eval", str(path), "--given", "a=true", "--format", "md")
    assert code == 0 and "No column for `f2`" in out
    code, out, err = run(capsys, "eval", str(path), "--given", "a=true", "--frame", "f2")
    assert code == 1 and out == ""
    assert "impossible evidence" in err and "a=true" in err
