"""`argmap serve MAP`: a local web page of the map, redrawn on save, answering what-ifs."""

from __future__ import annotations

import argparse
import sys
import webbrowser
from typing import Any

from argmap.explorer.server import is_loopback, start
from argmap.options import add_memory_option, add_renderer_option, existing_path
from argmap.render.terminal import sanitize
from argmap.schema import UsageError


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="a live explorer in the browser: redrawn on save, with what-if controls",
        description=(
            "Serve a local web page with the map. Saving the YAML redraws it (an invalid save "
            "shows its located errors and keeps the last good map); clicking a claim shows its "
            "credences, explanation and cruxes, and lets you assume it true or false or move "
            "its credence and the strengths of its arguments (docs/explorer.md)."
        ),
    )
    p.add_argument("map", type=existing_path, metavar="MAP", help="a .yaml file or a directory")
    p.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default 8000; 0: any free one)"
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    p.add_argument("--open", action="store_true", help="open the page in a web browser")
    add_renderer_option(p)
    add_memory_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: not 0 to 65535")
    try:
        server = start(
            args.map,
            host=args.host,
            port=args.port,
            renderer=args.renderer,
            max_memory=args.max_memory,
        )
    except OSError as exc:
        where = f"{args.host}:{args.port}"
        print(
            f"argmap serve: cannot listen on {where}: {exc.strerror or exc}"
            + (" (try another --port, or --port 0)" if args.port else ""),
            file=sys.stderr,
        )
        return 1
    try:
        problems = server.explorer.watcher.snapshot.problems
        for problem in problems:
            print(sanitize(problem), file=sys.stderr)
        if problems:
            print("argmap serve: the page shows these problems until fixed", file=sys.stderr)
        if not is_loopback(args.host):
            print(
                f"argmap serve: warning: on {args.host}, other machines can read this map",
                file=sys.stderr,
            )
        print(f"serving {args.map} at {server.url} (Ctrl-C to stop)", flush=True)
        if args.open:
            webbrowser.open(server.url)
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)
    finally:
        server.close()
    return 0
