"""Helpers for the explorer tests: a real server on a free port, in a thread, and requests."""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from argmap.engine.memory import DEFAULT_MAX_MEMORY
from argmap.explorer.server import ExplorerServer, start

ROOT = Path(__file__).resolve().parent.parent
SCHEMING = ROOT / "arguments" / "scheming"
POWER = ROOT / "arguments" / "examples" / "power-seeking.yaml"


@contextmanager
def serving(
    path: Path, interval: float = 0.05, max_memory: int | str = DEFAULT_MAX_MEMORY
) -> Iterator[ExplorerServer]:
    """A server for ``path`` on 127.0.0.1 and a free port, stopped on exit."""
    server = start(path, port=0, interval=interval, renderer="auto", max_memory=max_memory)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.close()


def request(
    server: ExplorerServer,
    target: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes, http.client.HTTPMessage]:
    """Send ``target`` exactly as written (no normalisation of ``..``): status, body, headers."""
    conn = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=60)
    try:
        conn.request(method, target, headers=headers or {})
        res = conn.getresponse()
        return res.status, res.read(), res.headers
    finally:
        conn.close()


def get_json(server: ExplorerServer, target: str) -> tuple[int, Any]:
    status, body, headers = request(server, target)
    assert headers["Content-Type"].startswith("application/json"), headers["Content-Type"]
    return status, json.loads(body)


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``check`` until it holds; fail after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"timed out after {timeout} s")
        time.sleep(0.05)


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in ``path``; the text must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def embedded(html: str) -> dict[str, Any]:
    """The JSON document inside a page (the static page's, or the live page's shell)."""
    m = re.search(r'<script type="application/json" id="ax-data">(.*?)</script>', html, re.S)
    assert m, "no data element"
    doc: dict[str, Any] = json.loads(m[1])
    return doc
