"""`argmap serve`: the API against `argmap eval`, bad requests, file watching, events."""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import POWER, SCHEMING, edit, get_json, request, serving, wait_for

from argmap.cli import main
from argmap.engine.sensitivity import cruxes
from argmap.explorer.server import ExplorerServer
from argmap.render.fmt import band, moving, percent, points
from argmap.schema.loader import load

_opened: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _opened is not None and event == "open":
        _opened.append(str(args[0]))


# Audit hooks cannot be removed; this one only records while a test asks it to.
sys.addaudithook(_audit)


@pytest.fixture(scope="module")
def scheming(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExplorerServer]:
    """The scheming map, served from a copy (the tests here never change it)."""
    path = tmp_path_factory.mktemp("maps") / "scheming"
    shutil.copytree(SCHEMING, path)
    with serving(path) as server:
        yield server


def eval_json(tmp_path: Path, path: Path, *args: str) -> dict[str, Any]:
    out = tmp_path / "eval.json"
    assert (
        main(["eval", str(path), "--format", "json", "--samples", "0", *args, "-o", str(out)]) == 0
    )
    doc: dict[str, Any] = json.loads(out.read_text())
    return doc


WHAT_IFS = [
    [],
    ["--given", "uniform-over-individuals=false"],
    ["--set", "uniform-over-individuals=30%"],
    ["--set", "strict-counting-argument.strength=50%", "--given", "counting-3=true"],
    ["--set", "strict-counting-argument.enabled=false", "--set", "extra-criteria.weight=3"],
]


@pytest.mark.parametrize("what", WHAT_IFS, ids=lambda w: " ".join(w) or "as-is")
def test_state_equals_eval(scheming: ExplorerServer, tmp_path: Path, what: list[str]) -> None:
    query = "&".join(
        f"{flag[2:]}={value}" for flag, value in zip(what[::2], what[1::2], strict=True)
    )
    status, state = get_json(scheming, f"/api/state?{query}".replace("%", "%25"))
    assert status == 200, state
    expected = eval_json(tmp_path, scheming.explorer.watcher.path, *what)
    assert state["columns"] == list(next(iter(expected["claims"].values()))["credence"])
    for cid, claim in expected["claims"].items():
        assert state["claims"][cid]["credence"] == claim["credence"], cid
        assert state["claims"][cid]["shown"] == {
            col: percent(p) for col, p in claim["credence"].items()
        }
    for name, frame in expected["frames"].items():
        assert state["frames"][name]["posterior_weight"] == frame["posterior_weight"]
    assert state["given"] == {k: str(v).lower() for k, v in expected.get("given", {}).items()}
    assert state["problems"] == [] and state["version"] == 1
    assert (
        state["svg"].lstrip().startswith("<?xml")
        and 'id="claim&#45;counting&#45;4"' in (state["svg"])
    )


def test_frame_draws_one_column(scheming: ExplorerServer) -> None:
    _, every = get_json(scheming, "/api/state")
    status, one = get_json(scheming, "/api/state?frame=extra-criteria")
    assert status == 200 and one["frame"] == "extra-criteria"
    # the numbers are the whole evaluation's; only the picture changes
    assert one["claims"] == every["claims"] and one["svg"] != every["svg"]
    # one column: counting-4's badge is its bare extra-criteria credence, not "ec ..."
    shown = percent(every["claims"]["counting-4"]["credence"]["extra-criteria"], 1)
    assert f">ec {shown}<" not in one["svg"] and f">{shown}<" in one["svg"]
    assert f">ec {shown}<" in every["svg"]


def test_claim_details_match_the_cli(scheming: ExplorerServer, tmp_path: Path) -> None:
    q = "id=counting-4&given=uniform-over-individuals%3Dtrue"
    status, doc = get_json(scheming, f"/api/claim?{q}")
    assert status == 200, doc
    out = tmp_path / "eval.json"
    args = ["eval", str(scheming.explorer.watcher.path), "--format", "json", "-o", str(out)]
    assert main([*args, "--given", "uniform-over-individuals=true"]) == 0
    lo, hi = json.loads(out.read_text())["claims"]["counting-4"]["interval"]["overall"]
    assert doc["interval"]["overall"] == [lo, hi]  # numbers
    assert doc["interval_shown"]["overall"] == band(lo, hi)  # and as `argmap eval` prints them
    amap = load(scheming.explorer.watcher.path)
    found = cruxes(amap, "counting-4", given={"uniform-over-individuals": True})
    assert [c["claim"] for c in doc["cruxes"]] == [c.claim for c in found[:10]]
    assert doc["cruxes"][0]["p"] == found[0].probability
    assert doc["cruxes"][0]["shown"]["p"] == percent(found[0].probability)


@pytest.mark.parametrize("cid", ["counting-4", "selects-schemer", "uniform-over-individuals"])
def test_explanation_comes_with_the_click_not_the_what_if(
    scheming: ExplorerServer, tmp_path: Path, cid: str
) -> None:
    """A what-if computes no explanations; a claim's details carry that claim's, equal to
    `argmap eval --explain` (arguments that change nothing left out, as the panel shows)."""
    q = "given=uniform-over-individuals%3Dtrue"
    status, state = get_json(scheming, f"/api/state?{q}")
    assert status == 200, state
    assert all(not c["explanation"] for c in state["claims"].values())
    status, doc = get_json(scheming, f"/api/claim?id={cid}&{q}")
    assert status == 200, doc
    path = scheming.explorer.watcher.path
    assumed = ["--given", "uniform-over-individuals=true"]
    want = eval_json(tmp_path, path, "--explain", *assumed)["claims"][cid]["explanation"]
    assert doc["explanation"] == moving(want)
    assert doc["explanation_shown"] == {
        col: {a: points(d) for a, d in deltas.items()} for col, deltas in doc["explanation"].items()
    }
    if cid == "counting-4":
        assert doc["explanation"]["overall"], "counting-4 has arguments that move it"


def test_claim_details_without_frames(tmp_path: Path) -> None:
    with serving(POWER) as server:
        status, doc = get_json(server, "/api/claim?id=ps-doom")
    assert status == 200 and doc["interval"] == {}  # no uncertain values
    first = doc["cruxes"][0]
    assert first["claim"] == "ps-alignment-hard" and first["column"] == "default"
    assert first["p"] == pytest.approx(0.4) and first["if_false"] == 0.0
    assert first["shown"] == {
        "p": "40.00%",
        "if_true": "12.84%",
        "if_false": "0%",
        "change": "6.17 pp",  # as `argmap cruxes ps-doom MAP` prints it
    }


def test_unweighted_frames_need_a_frame_for_cruxes(tmp_path: Path) -> None:
    path = tmp_path / "frames.yaml"
    path.write_text(
        "argmap: 1\nframes: {a: {}, b: {}}\n"
        "claims:\n  x: {credence: 30%, frames: {b: {credence: 60%}}}\n  y: {}\n"
        "arguments:\n  xy: {premises: [x], supports: y}\n"
    )
    with serving(path) as server:
        _, doc = get_json(server, "/api/claim?id=y")
        assert doc["cruxes_error"] == "the frames carry no weights: choose a frame under View"
        _, doc = get_json(server, "/api/claim?id=y&frame=b")
        assert doc["cruxes"][0]["claim"] == "x" and doc["cruxes"][0]["column"] == "b"


BAD = [
    ("/api/state?map=/etc/passwd", "unknown parameter 'map'"),
    ("/api/state?given=no-such-claim=true", "no-such-claim"),
    ("/api/state?given=counting-4=maybe", "true or false"),
    ("/api/state?set=counting-4", "expected KEY=VALUE"),
    ("/api/state?set=counting-4=170%25", "counting-4"),
    ("/api/state?frame=extra-criterion", "did you mean 'extra-criteria'"),
    ("/api/state?frame=a&frame=b", "given 2 times"),
    ("/api/state?given=%ff%fe=true", "malformed query"),
    ("/api/claim?id=counting-five", "did you mean"),
    ("/api/claim", "no claim ''"),
]


@pytest.mark.parametrize(("target", "message"), BAD)
def test_bad_requests_get_400(scheming: ExplorerServer, target: str, message: str) -> None:
    status, doc = get_json(scheming, target)
    assert status == 400
    assert message in doc["error"] and "Traceback" not in doc["error"]


def test_impossible_given_is_a_400() -> None:
    with serving(POWER) as server:
        status, doc = get_json(server, "/api/state?set=ps-timelines=0&given=ps-timelines=true")
    assert status == 400 and "impossible" in doc["error"], doc


@pytest.mark.parametrize(
    "target", ["/../../etc/passwd", "/etc/passwd", "//etc/passwd", "/api/../../../etc/passwd"]
)
def test_unknown_paths_are_404_and_read_nothing(scheming: ExplorerServer, target: str) -> None:
    global _opened
    _opened = []
    try:
        status, body, _ = request(scheming, target)
        status2, _ = get_json(scheming, "/api/state?map=/etc/passwd&given=../../etc/passwd")
        scheming.explorer.watcher.poll()  # reads the map: shows that the hook records
    finally:
        opened, _opened = _opened, None
    assert status == 404 and status2 == 400
    assert b"root:" not in body
    map_dir = str(scheming.explorer.watcher.path)
    strays = [p for p in opened if "passwd" in p or (p.startswith("/") and "/etc/" in p)]
    assert not strays, strays
    # what was opened at all: the watched map's files
    yaml = [p for p in opened if p.endswith(".yaml")]
    assert yaml and all(p.startswith(map_dir) for p in yaml), opened


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "BREW"])
def test_only_get(scheming: ExplorerServer, method: str) -> None:
    status, body, headers = request(scheming, "/api/state", method=method)
    assert status == 405 and headers["Allow"] == "GET"
    if method != "HEAD":
        assert json.loads(body) == {"error": f"{method} is not allowed; use GET"}


def test_other_host_names_are_refused(scheming: ExplorerServer) -> None:
    status, _, _ = request(scheming, "/", headers={"Host": "attacker.example:8000"})
    assert status == 403
    for host in (f"localhost:{scheming.server_port}", "127.0.0.1", f"[::1]:{scheming.server_port}"):
        assert request(scheming, "/api/state", headers={"Host": host})[0] == 200, host


def test_page_is_the_explorer_with_safety_headers(scheming: ExplorerServer) -> None:
    status, body, headers = request(scheming, "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert "connect-src 'self'" in page and '"mode":"live"' in page
    assert "Scheming AIs" in page.split("<title>")[1]


def test_malformed_request_line_is_a_clean_400(scheming: ExplorerServer) -> None:
    with socket.create_connection(("127.0.0.1", scheming.server_port), timeout=10) as s:
        s.sendall(b"GET / HTTP/1.1 extra words\r\n\r\n")
        answer = s.recv(4096)
    assert b"400" in answer and b"Traceback" not in answer


def test_saves_are_watched(tmp_path: Path) -> None:
    path = tmp_path / "power.yaml"
    shutil.copy(POWER, path)
    with serving(path) as server:
        _, state = get_json(server, "/api/state?given=ps-catastrophe=true")
        assert state["version"] == 1 and state["problems"] == []
        before = state["claims"]["ps-doom"]["credence"]["default"]

        # a valid save: new version, new numbers
        edit(path, "credence: 65%", "credence: 90%")
        wait_for(lambda: server.explorer.watcher.snapshot.version == 2)
        _, state = get_json(server, "/api/state?given=ps-catastrophe=true")
        assert state["version"] == 2 and state["map_version"] == 2
        assert state["claims"]["ps-doom"]["credence"]["default"] > before
        good = state["claims"]

        # an invalid save: located problems, the last good map still served
        edit(path, "credence: 90%", "credance: 90%")
        wait_for(lambda: server.explorer.watcher.snapshot.version == 3)
        _, state = get_json(server, "/api/state?given=ps-catastrophe=true")
        assert state["version"] == 3 and state["map_version"] == 2
        assert state["claims"] == good and state["svg"]
        assert any(
            p.startswith(f"{path}:") and "did you mean 'credence'" in p for p in state["problems"]
        ), state["problems"]

        # broken YAML, then the file gone: still problems, still the last good map
        path.write_text("claims: [unclosed\n")
        wait_for(lambda: server.explorer.watcher.snapshot.version == 4)
        assert server.explorer.watcher.snapshot.problems[0].startswith(f"{path}:")
        path.unlink()
        wait_for(lambda: server.explorer.watcher.snapshot.version == 5)
        _, state = get_json(server, "/api/state")
        assert state["claims"] and state["problems"]

        # fixed: no problems again
        shutil.copy(POWER, path)
        wait_for(lambda: server.explorer.watcher.snapshot.version == 6)
        _, state = get_json(server, "/api/state")
        assert state["problems"] == [] and state["map_version"] == 6


def test_a_map_never_valid_is_served_with_its_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("argmap: 1\nclaims:\n  a: {credence: 170%}\n")
    with serving(path) as server:
        status, state = get_json(server, "/api/state")
        assert status == 200 and state["claims"] is None
        assert state["problems"] and state["problems"][0].startswith(f"{path}:3:")
        assert get_json(server, "/api/claim?id=a")[0] == 400


def test_events_announce_new_versions(tmp_path: Path) -> None:
    path = tmp_path / "power.yaml"
    shutil.copy(POWER, path)
    with serving(path) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        conn.request("GET", "/events")
        res = conn.getresponse()
        assert res.headers["Content-Type"].startswith("text/event-stream")

        def next_event() -> dict[str, Any]:
            lines = []
            while (line := res.readline()) != b"\n":
                lines.append(line.decode())
            data = [ln for ln in lines if ln.startswith("data: ")]
            assert "event: version\n" in lines, lines
            return dict(json.loads(data[0][6:]))

        assert next_event() == {"version": 1}
        edit(path, "credence: 65%", "credence: 60%")
        assert next_event() == {"version": 2}
        conn.close()


def test_serve_command_prints_the_url_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    path = tmp_path / "power.yaml"
    shutil.copy(POWER, path)
    cmd = [sys.executable, "-m", "argmap", "serve", str(path), "--port", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith(f"serving {path} at http://127.0.0.1:"), line
        port = int(line.split(":")[2].split("/")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/state")
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_serve_command_busy_port(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serving(POWER) as server:
        code = main(["serve", str(POWER), "--port", str(server.server_port)])
    assert code == 1
    assert f"cannot listen on 127.0.0.1:{server.server_port}" in capsys.readouterr().err


def test_state_is_deterministic(scheming: ExplorerServer) -> None:
    first = request(scheming, "/api/state?given=counting-3=false")[1]
    time.sleep(0.01)
    assert request(scheming, "/api/state?given=counting-3=false")[1] == first


def test_the_band_is_prefetched_once_per_what_if(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a what-if the band starts in the background; a click arriving while it runs
    waits for it instead of computing it again, and later clicks find it ready."""
    import threading

    from argmap.engine.model import Model
    from argmap.explorer.app import BAND_DRAWS, Explorer
    from argmap.explorer.watch import MapWatcher

    started = threading.Event()
    release = threading.Event()
    bands: list[int] = []
    ex = Explorer(MapWatcher(SCHEMING))
    # this explorer's compiled model (other tests' servers may still be drawing bands)
    model: Model = ex._model(ex.watcher.snapshot)
    real = model.evaluate

    def counted(**kw: Any) -> Any:
        if kw.get("band_draws"):
            bands.append(kw["band_draws"])
            started.set()
            release.wait(30)  # hold the prefetch until the click has arrived
        return real(**kw)

    monkeypatch.setattr(model, "evaluate", counted)
    ex.state("given=counting-4%3Dtrue")
    assert started.wait(30), "no band was started after the what-if"
    answers: list[dict[str, Any]] = []
    click = threading.Thread(
        target=lambda: answers.append(ex.claim("id=selects-schemer&given=counting-4%3Dtrue"))
    )
    click.start()
    time.sleep(0.2)  # the click is now waiting for the prefetch
    release.set()
    click.join(30)
    assert answers and answers[0]["interval"], answers
    ex.claim("id=counting-3&given=counting-4%3Dtrue")
    assert bands == [BAND_DRAWS]  # one band for the what-if, shared by both clicks


def test_no_prefetch_without_uncertain_values(monkeypatch: pytest.MonkeyPatch) -> None:
    from argmap.explorer.app import Explorer
    from argmap.explorer.watch import MapWatcher

    threads: list[str] = []
    real_start = __import__("threading").Thread.start

    def start(self: Any) -> None:
        threads.append(self.name)
        real_start(self)

    monkeypatch.setattr("threading.Thread.start", start)
    Explorer(MapWatcher(POWER)).state("")
    assert "argmap-band" not in threads
