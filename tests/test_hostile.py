"""The hostile corpus (tests/hostile/, README there): input written to break argmap.

Each NAME.yaml with a NAME.expected must give exactly those located lines from
`argmap check` (exit 1, never 3); the other cases are built here. Output (-o)
and reading cases live in tests/test_output.py and tests/test_reading.py.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from cli_run import run
from gitrepo import GitRepo, make_repo

from argmap.api import evaluate
from argmap.engine.result import Evaluation
from argmap.render.terminal import UNSAFE, sanitize
from argmap.render.text import eval_table
from argmap.schema.loader import load, loads
from argmap.schema.values import Interval, parse_value

HOSTILE = Path(__file__).parent / "hostile"
CASES = sorted(p.stem for p in HOSTILE.glob("*.expected"))
ESCAPES = HOSTILE / "escapes.yaml"
# escapes.yaml without its bad key: a valid map whose title and text are hostile.
VALID_ESCAPES = HOSTILE / "escapes-valid.yaml"
RAW_TEXT = "clear\x1b[2J\x1b[H the screen \u202eevil\u2066 \x9b31m \x07 bell"


def unsafe_in(text: str) -> list[str]:
    return sorted({f"U+{ord(c):04X}" for c in text if ord(c) in UNSAFE})


def test_corpus_is_complete() -> None:
    valid = {p.stem for p in HOSTILE.glob("*-valid.yaml")}
    assert {p.stem for p in HOSTILE.glob("*.yaml")} == set(CASES) | valid
    assert len(CASES) >= 6


@pytest.mark.parametrize("case", CASES)
def test_case_gives_exactly_its_located_lines(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(HOSTILE)
    code, _, err = run(capsys, "check", f"{case}.yaml")
    want = (HOSTILE / f"{case}.expected").read_text(encoding="utf-8").splitlines()
    got = [line for line in err.splitlines() if not line.endswith("problem(s)")]
    assert code == 1
    assert got == want
    assert not unsafe_in(err)


# --- numbers ---------------------------------------------------------------------------


def test_subnormal_interval_is_evaluated() -> None:
    """ "1:2^1074 to 1:2^1073": its mean, far in the tail where expit(z) = e^z, is the
    log-normal mean exp(mu + sigma^2 / 2), computed here in log space."""
    value = parse_value("1:2^1074 to 1:2^1073")
    assert isinstance(value, Interval)
    lo, hi = -1074 * math.log(2), -1073 * math.log(2)
    mu, sigma = (lo + hi) / 2, (hi - lo) / (2 * 1.6448536269514722)
    assert value.mean().log_odds == pytest.approx(mu + sigma**2 / 2, rel=1e-9)
    amap = loads('argmap: 1\nclaims:\n  a: {credence: "1:2^1074 to 1:2^1073"}\n')
    assert 0 < evaluate(amap, band_draws=0).claims["a"].credence["default"] < 1e-322


@pytest.mark.parametrize(
    "sets",
    [
        ["c.evidence=" + "9" * 400],
        ["f.weight=" + "9" * 400],
    ],
)
def test_extreme_set_values_are_usage_errors(
    sets: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "argmap: 1\nframes:\n  f: {weight: 1}\n  g: {weight: 2}\n"
        "claims:\n  a: {credence: 0.5}\n  c: {credence: 0.5}\n"
    )
    argv = ["eval", str(path)]
    for s in sets:
        argv += ["--set", s]
    code, _, err = run(capsys, *argv)
    assert code == 2, err
    assert "internal error" not in err and len(err) < 300


def test_weights_near_the_largest_float_are_relative(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Weights of 1e308 (an fsum overflow, exit 3, before) are weights like any others."""
    path = HOSTILE / "huge-weights-valid.yaml"
    code, out, err = run(capsys, "eval", str(path), "--format", "json")
    assert code == 0, err
    assert {f: d["weight"] for f, d in json.loads(out)["frames"].items()} == {"f": 0.5, "g": 0.5}
    code, out, err = run(capsys, "eval", str(path), "--format", "json", "--set", "f.weight=1.7e308")
    assert code == 0, err
    assert json.loads(out)["frames"]["f"]["weight"] == pytest.approx(1.7 / 2.7)


# --- ids and --set keys ------------------------------------------------------------------


def test_set_key_has_one_reading(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A claim named `ab.enabled` is refused, so `--set ab.enabled=false` is argument ab's."""
    path = tmp_path / "m.yaml"
    shadow = (
        "argmap: 1\nclaims:\n  a: {credence: 0.5}\n  b: {}\n  ab.enabled: {credence: 0.3}\n"
        "arguments:\n  ab: {premises: [a], supports: b, strength: 0.9}\n"
    )
    path.write_text(shadow)
    code, _, err = run(capsys, "eval", str(path), "--set", "ab.enabled=false")
    assert code == 1
    assert f"{path}:5:3: claim id 'ab.enabled' ends in '.enabled'" in err
    path.write_text(shadow.replace("ab.enabled:", "ab-enabled:"))
    code, out, err = run(capsys, "eval", str(path), "--format", "json", "--set", "ab.enabled=false")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["claims"]["b"]["credence"]["default"] == 0.0
    assert doc["claims"]["ab-enabled"]["credence"]["default"] == 0.3


# --- the terminal ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "md", "csv", "json"])
def test_eval_never_prints_escapes(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "eval", str(VALID_ESCAPES), "--format", fmt)
    assert code == 0, err
    assert not unsafe_in(out + err)
    assert "\\u001b" in out and "\\u202e" in out  # shown, not dropped
    if fmt == "json":
        assert json.loads(out)["claims"]["a"]["text"] == RAW_TEXT  # the data is unchanged


def test_colour_table_keeps_only_its_own_codes() -> None:
    ev: Evaluation = evaluate(load(VALID_ESCAPES), band_draws=0)
    text = eval_table(ev, color=True)
    codes = re.findall(r"\x1b\[[0-9;]*m", text)
    assert codes, "the table is in colour"
    assert not unsafe_in(re.sub(r"\x1b\[[0-9;]*m", "", text))


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_check_messages_never_print_escapes(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "--format", fmt, str(ESCAPES))
    assert code == 1
    assert not unsafe_in(out + err)
    assert "bad\\u001b[31mkey\\u202e" in out + err


def test_sanitize_is_linear_and_idempotent() -> None:
    text = "".join(chr(c) for c in range(0x2100)) * 3
    once = sanitize(text)
    assert not unsafe_in(once) and sanitize(once) == once
    assert "\n" in once and "\t" in once


@pytest.fixture
def hostile_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    g = make_repo(tmp_path / "repo")
    g.replace("arguments/test/arguments.yaml", "strength: 0.9", "strength: 0.5")
    g.commit("weaker\x1b]0;pwned\x07 \u202eevil")
    g.replace("arguments/test/claims.yaml", "text: Premise A.", 'text: "A\\e[2J\\u202e"')
    monkeypatch.chdir(g.root)
    return g


def test_history_never_prints_escapes(
    hostile_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "history", "d")
    assert code == 0, err
    assert not unsafe_in(out + err)
    assert "weaker\\u001b]0;pwned" in out


@pytest.mark.parametrize("fmt", ["text", "md", "json"])
def test_diff_never_prints_escapes(
    fmt: str, hostile_repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "diff", "HEAD~1", "--format", fmt, "--threshold", "0")
    assert code == 0, err
    assert not unsafe_in(out + err)


# --- size and time ------------------------------------------------------------------


def test_long_word_wraps_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 5 MB word took 42 s: textwrap breaks a long word in quadratic time. Only what can be
    shown (max_lines lines) reaches textwrap now, so the rest is linear (a count, not a timing)."""
    import textwrap

    from argmap.render import style

    _wrap_of_a_cut_text_is_the_wrap_of_the_whole()
    seen: list[int] = []
    real = textwrap.wrap

    def counting(text: str, *args: object, **kwargs: object) -> list[str]:
        seen.append(len(text))
        return real(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(textwrap, "wrap", counting)
    lines = style.wrap("x" * 5_000_000, 28, 4)
    assert seen and max(seen) <= 4 * 29 + 29
    assert len(lines) == 4 and lines[-1].endswith("…") and all(len(x) <= 28 for x in lines)


def _wrap_of_a_cut_text_is_the_wrap_of_the_whole() -> None:
    """Wrapping only the text that can be shown changes nothing."""
    import textwrap

    from argmap.render import style

    for text in ["word " * 400, "a" * 27 + " " + "b" * 200, ("x" * 29 + " ") * 50, "ab " * 3]:
        full = textwrap.wrap(" ".join(text.split()), 28, break_on_hyphens=False)
        got = style.wrap(text, 28, 4)
        if len(full) <= 4:
            assert got == full
        else:
            assert got[:3] == full[:3] and got[3] == full[3][:27].rstrip() + "…"


def test_huge_tooltip_is_cut() -> None:
    from argmap.render import dotquote

    quoted = dotquote.tooltip("x" * 5_000_000)
    assert len(quoted) < dotquote.TOOLTIP_MAX + 10


def test_big_picture_warns_and_names_focus(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    import argmap.commands.render as render_command
    from argmap.engine.generate import random_map_data

    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(random_map_data(1000, seed=1)))  # about 6 s to lay out
    # No layout needed to test the warning: stop at the drawing.
    monkeypatch.setattr(render_command, "draw", lambda *a, **k: b"<svg/>")
    code, _, err = run(capsys, "render", str(path), "-o", str(tmp_path / "big.svg"))
    assert code == 0, err
    assert "claims and arguments to lay out" in err and "--focus" in err
    code, _, err = run(capsys, "render", str(VALID_ESCAPES), "-o", str(tmp_path / "s.svg"))
    assert code == 0 and "--focus" not in err


def test_explorer_listen_backlog() -> None:
    from argmap.explorer.server import ExplorerServer

    assert ExplorerServer.request_queue_size >= 128


def test_explorer_drops_superseded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """A computation waiting for a slot is dropped once a newer request of its kind or a
    newer map arrives; a running one that reports progress stops; the queue is bounded."""
    import threading

    from argmap.explorer import app

    version = [1]
    adm = app.Admission(lambda: version[0])
    release = threading.Event()
    busy = [adm.ticket(f"busy{i}", 1) for i in range(app.RUNNING)]
    runners = [threading.Thread(target=adm.run, args=(t, release.wait), daemon=True) for t in busy]
    for r in runners:
        r.start()
    old = adm.ticket("state", 1)
    outcome: list[str] = []

    def wait_old() -> None:
        try:
            adm.run(old, lambda: outcome.append("ran"))
        except app.Superseded:
            outcome.append("superseded")

    waiter = threading.Thread(target=wait_old, daemon=True)
    waiter.start()
    adm.ticket("state", 1)  # a newer what-if
    waiter.join(timeout=5)
    assert outcome == ["superseded"]
    # A newer map drops waiting work too.
    stale = adm.ticket("state", 1)
    version[0] = 2
    with pytest.raises(app.Superseded):
        adm.run(stale, lambda: None)
    # A running computation stops at its next progress report.
    running = adm.ticket("band", 2)
    adm.ticket("band", 2)
    with pytest.raises(app.Superseded):
        adm.check(running)
    release.set()
    for r in runners:
        r.join(timeout=5)
    assert adm.run(adm.ticket("state", 2), lambda: 42) == 42
    monkeypatch.setattr(app, "WAITING", 0)
    with pytest.raises(app.Busy):
        adm.run(adm.ticket("state", 2), lambda: 42)


@pytest.mark.parametrize("fmt", ["dot", "mmd", "svg", "html"])
def test_render_to_stdout_never_prints_escapes(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "render", str(VALID_ESCAPES), "--format", fmt, "--renderer", "wasm"
    )
    assert code == 0, err
    assert not unsafe_in(out + err)


def test_serve_log_never_prints_escapes(capfd: pytest.CaptureFixture[str]) -> None:
    """The server logs bad requests; a request line from the network carries raw bytes."""
    import socket
    import threading

    from argmap.explorer.server import start

    server = start(str(VALID_ESCAPES), port=0, renderer="wasm")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for line in (b"GET /\x1b]0;pwned\x07 HTTP/1.1", b"\x1b[2J\x9b31m BAD"):
            with socket.create_connection((server.server_name, server.server_port)) as s:
                s.sendall(line + b"\r\nHost: localhost\r\n\r\n")
                s.recv(65536)
    finally:
        server.shutdown()
        server.close()
    err = capfd.readouterr().err
    assert "\\u001b" in err
    assert not unsafe_in(err)
