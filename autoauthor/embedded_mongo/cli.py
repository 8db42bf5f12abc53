"""Command line of the embedded server: ``python -m autoauthor.embedded_mongo``."""

from __future__ import annotations

import argparse

from autoauthor.embedded_mongo.server import serve
from autoauthor.embedded_mongo.switches import SHIMS

DESCRIPTION = (
    "Embedded MongoDB-compatible server (mongoeco) and the shims it needs to serve this project."
)


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m autoauthor.embedded_mongo [--engine ...] [--port ...]``."""
    parser = argparse.ArgumentParser(
        prog="python -m autoauthor.embedded_mongo", description=DESCRIPTION
    )
    parser.add_argument("--engine", choices=("memory", "sqlite"), default="memory")
    parser.add_argument("--path", help="SQLite database file (sqlite engine only)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--disable-shim",
        action="append",
        default=[],
        choices=SHIMS,
        metavar="NAME",
        help=f"leave a compatibility shim out (repeatable): {', '.join(SHIMS)}",
    )
    parser.add_argument(
        "--parent-pid", type=int, help="stop when this process is no longer the parent"
    )
    args = parser.parse_args(argv)
    serve(
        engine=args.engine,
        path=args.path,
        host=args.host,
        port=args.port,
        disabled_shims=args.disable_shim,
        parent_pid=args.parent_pid,
    )
