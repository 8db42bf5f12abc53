"""The server process: mongoeco's wire-protocol server over a memory or SQLite engine."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from autoauthor.embedded_mongo.engine_shims import repair_sqlite_numbers
from autoauthor.embedded_mongo.shims import apply_shims
from autoauthor.embedded_mongo.switches import active

logger = logging.getLogger("autoauthor.embedded_mongo")

READY_PREFIX = "READY "


def _make_engine(engine: str, path: str | os.PathLike[str] | None) -> Any:
    if engine == "memory":
        if path is not None:
            raise ValueError("path is only used by the sqlite engine")
        from mongoeco.engines import MemoryEngine

        return MemoryEngine()
    if engine == "sqlite":
        if path is None:
            raise ValueError("the sqlite engine needs a path")
        db_path = Path(path)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        if "sqlite_numbers" in active:
            repaired = repair_sqlite_numbers(db_path)
            if repaired:
                logger.warning("rewrote tagged numbers of %d stored documents (shim 5)", repaired)
        from mongoeco.engines import SQLiteEngine

        return SQLiteEngine(str(db_path))
    raise ValueError(f"unknown engine {engine!r}; use 'memory' or 'sqlite'")


def _uri(host: str, port: int) -> str:
    netloc_host = f"[{host}]" if ":" in host else host
    return f"mongodb://{netloc_host}:{port}/?directConnection=true"


async def _serve(
    storage: Any, *, host: str, port: int, parent_pid: int | None, poll_interval: float = 1.0
) -> None:
    from mongoeco.wire import AsyncMongoEcoProxyServer

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    server = AsyncMongoEcoProxyServer(engine=storage, host=host, port=port)
    address = await server.start()
    try:
        print(f"{READY_PREFIX}{_uri(host, address.port)}", flush=True)
        if parent_pid is not None:
            # EmbeddedMongo reads the READY line and closes the pipe; anything printed later
            # would raise BrokenPipeError, so it goes to stderr (the log file) instead.
            os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=poll_interval)
            except TimeoutError:
                # Launched by EmbeddedMongo: stop when the launching process is gone, so a
                # test run killed with SIGKILL does not leave servers behind.
                if parent_pid is not None and os.getppid() != parent_pid:
                    stop.set()
    finally:
        # close() also disconnects the engine it owns, which flushes and closes SQLite.
        await server.close()


def serve(
    *,
    engine: str = "memory",
    path: str | os.PathLike[str] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    disabled_shims: Iterable[str] = (),
    parent_pid: int | None = None,
) -> None:
    """Run the embedded server in this process until SIGTERM or SIGINT (blocking).

    Applies the shims not listed in ``disabled_shims``, starts mongoeco's wire-protocol server on
    ``host:port`` (port 0 picks a free port) over a memory engine or a SQLite file at ``path``
    (parent directories are created), and prints exactly one line,
    ``READY mongodb://HOST:PORT/?directConnection=true``, once it accepts connections. On a
    signal it closes the server and the engine, so SQLite data is flushed. With ``parent_pid``
    it also stops when that process is no longer its parent.
    """
    apply_shims(disabled_shims)
    storage = _make_engine(engine, path)
    asyncio.run(_serve(storage, host=host, port=port, parent_pid=parent_pid))
