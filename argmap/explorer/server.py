"""The explorer's HTTP layer: the standard library's threading server and four routes.

``GET /`` the page, ``GET /api/state`` and ``GET /api/claim`` JSON (see
docs/explorer.md), ``GET /events`` a server-sent event stream announcing each
new version of the files. Nothing from a request ever names a file: the
routes are fixed strings and the only map is the one the server started with.
Every failure is a short JSON ``{"error": ...}`` with a 4xx status (5xx for a
bug), logged on one line; no traceback reaches the client or the terminal.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import socketserver
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from argmap.engine.memory import DEFAULT_MAX_MEMORY
from argmap.render.graphviz import Renderer
from argmap.render.terminal import sanitize

from .app import BadRequest, Busy, Explorer, Superseded
from .watch import MapWatcher

KEEPALIVE = 15.0  # seconds between comments on an idle event stream (proxies drop silent ones)
TICK = 0.5  # how often an event stream checks whether the server is stopping
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # The page's own policy (script and style by hash) is in its <meta>; this adds
    # what a <meta> cannot say.
    "Content-Security-Policy": "frame-ancestors 'none'",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ExplorerServer(ThreadingHTTPServer):
    """Serves one map. :meth:`close` stops the watcher and every event stream."""

    daemon_threads = True  # an open event stream must not keep the process alive
    # The listen backlog (socketserver's default is 5): a page opening several
    # connections at once, or a burst of what-ifs, waited 1-27 s for a free place.
    request_queue_size = 128

    def __init__(self, explorer: Explorer, host: str, port: int) -> None:
        self.explorer = explorer
        self.stopping = threading.Event()
        # On loopback, refuse other Host names: a web page elsewhere cannot then
        # reach this server by pointing its own domain at 127.0.0.1 (DNS rebinding).
        self.check_host = is_loopback(host)
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), Handler)
        self._watching = threading.Thread(
            target=explorer.watcher.run, args=(self.stopping,), name="argmap-watch", daemon=True
        )
        self._watching.start()

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's DNS name, which can stall; we do not need it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    @property
    def url(self) -> str:
        """The page's address, e.g. ``http://127.0.0.1:8000/``."""
        host = self.server_name
        return f"http://{f'[{host}]' if ':' in host else host}:{self.server_port}/"

    def close(self) -> None:
        self.stopping.set()
        self.server_close()
        self._watching.join(timeout=5)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return  # the browser went away mid-answer
        log(f"error answering {client_address[0]}: {type(exc).__name__}: {exc}")


def log(message: str) -> None:
    # Request lines come from the network: sanitised like every terminal output.
    print(sanitize(f"argmap serve: {message}"), file=sys.stderr, flush=True)


class Handler(BaseHTTPRequestHandler):
    """One request. Routes are exact paths; the query goes to :class:`Explorer` as text."""

    server: ExplorerServer
    server_version = "argmap"
    sys_version = ""
    timeout = 60  # a client that opens a connection and says nothing is dropped

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        routes: dict[str, Callable[[str], None]] = {
            "/": lambda _q: self._send(200, "text/html; charset=utf-8", self._page()),
            "/api/state": lambda q: self._json(200, self.server.explorer.state(q)),
            "/api/claim": lambda q: self._json(200, self.server.explorer.claim(q)),
            "/events": lambda _q: self._events(),
        }
        if self.server.check_host and not self._local_host():
            self._error(HTTPStatus.FORBIDDEN, "this server answers only to localhost addresses")
            return
        route = routes.get(url.path)
        if route is None:
            self._error(HTTPStatus.NOT_FOUND, f"no such page: {url.path[:200]}")
            return
        try:
            route(url.query)
        except BadRequest as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
        except Superseded as exc:
            self._error(HTTPStatus.CONFLICT, str(exc))
        except Busy as exc:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except (ConnectionError, TimeoutError):
            pass
        except Exception as exc:  # a bug: one line in the log, a 500 to the client
            self._error(
                HTTPStatus.INTERNAL_SERVER_ERROR,
                f"internal error (a bug in argmap, please report it): {type(exc).__name__}: {exc}",
            )

    def __getattr__(self, name: str) -> Callable[[], None]:
        # BaseHTTPRequestHandler looks up do_<METHOD>; every method but GET is a 405.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, f"{self.command} is not allowed; use GET")

    def _local_host(self) -> bool:
        host = self.headers.get("Host")
        if host is None:
            return True
        if host.startswith("["):  # [::1]:8000
            name = host[1:].partition("]")[0]
        else:
            name = host.rpartition(":")[0] if ":" in host else host
        return name.lower() in LOCAL_NAMES

    def _page(self) -> bytes:
        return self.server.explorer.page().encode("utf-8")

    def _send(
        self, status: int, kind: str, body: bytes, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (_SECURITY_HEADERS | (extra or {})).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, doc: dict[str, Any]) -> None:
        body = json.dumps(doc, ensure_ascii=False, allow_nan=False).encode("utf-8")
        self._send(status, "application/json; charset=utf-8", body)

    def _error(self, status: HTTPStatus, message: str) -> None:
        if status != HTTPStatus.CONFLICT:  # superseded requests are routine, not news
            log(f"{int(status)} {self.command} {self.path[:200]}: {message}")
        extra = {"Allow": "GET"} if status == HTTPStatus.METHOD_NOT_ALLOWED else None
        try:
            body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
            self._send(int(status), "application/json; charset=utf-8", body, extra)
        except (ConnectionError, TimeoutError):
            pass

    def _events(self) -> None:
        """Server-sent events: ``version`` now, and again whenever the files change."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        for key, value in _SECURITY_HEADERS.items():
            self.send_header(key, value)
        self.end_headers()
        watcher = self.server.explorer.watcher
        version = watcher.snapshot.version
        self._event(version)
        idle = 0.0
        while not self.server.stopping.is_set():
            new = watcher.wait(version, TICK)
            if new != version:
                version, idle = new, 0.0
                self._event(version)
            else:
                idle += TICK
                if idle >= KEEPALIVE:
                    idle = 0.0
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()

    def _event(self, version: int) -> None:
        data = json.dumps({"version": version})
        self.wfile.write(f"retry: 1000\nevent: version\ndata: {data}\n\n".encode())
        self.wfile.flush()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # successful requests are not worth a line each

    def log_message(self, format: str, *args: Any) -> None:
        # Only BaseHTTPRequestHandler's own errors come here (a malformed request line...).
        log(f"{self.address_string()}: {format % args}")


def start(
    path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    renderer: Renderer = "auto",
    interval: float = 0.25,
    max_memory: int | str = DEFAULT_MAX_MEMORY,
) -> ExplorerServer:
    """A server for the map at ``path``, bound and watching; call ``serve_forever``.

    ``max_memory`` bounds every evaluation the page asks for (bytes or text like
    ``"4GB"``): a map that needs more is sampled, and the page says so.

    Raises OSError when the address cannot be bound (the port is in use...).
    """
    watcher = MapWatcher(path, interval=interval)
    return ExplorerServer(Explorer(watcher, renderer, max_memory=max_memory), host, port)
