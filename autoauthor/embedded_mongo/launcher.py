"""The launcher used by tests and development tools: the server as a supervised child process."""

from __future__ import annotations

import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

from autoauthor.embedded_mongo.server import READY_PREFIX
from autoauthor.embedded_mongo.switches import SHIMS

logger = logging.getLogger("autoauthor.embedded_mongo")


class EmbeddedMongo:
    """The embedded server as a child process: start, stop, restart if it died, supervise.

    The first ``start()`` with ``port=0`` lets the child pick a free port; every later start
    (``start()`` after ``stop()``, ``ensure_running()``) reuses that port, so the URI stays valid.
    """

    def __init__(
        self,
        *,
        engine: str = "memory",
        path: str | os.PathLike[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        disabled_shims: Iterable[str] = (),
        log_file: str | os.PathLike[str] | None = None,
    ) -> None:
        if engine not in ("memory", "sqlite"):
            raise ValueError(f"unknown engine {engine!r}; use 'memory' or 'sqlite'")
        if (engine == "sqlite") != (path is not None):
            raise ValueError("a path is required by the sqlite engine and only used by it")
        self.engine = engine
        self.path = None if path is None else Path(path)
        self.host = host
        self.port = port
        self.disabled_shims = tuple(disabled_shims)
        unknown = set(self.disabled_shims) - set(SHIMS)
        if unknown:
            raise ValueError(f"unknown shim(s): {', '.join(sorted(unknown))}; known: {SHIMS}")
        self.log_file = None if log_file is None else Path(log_file)
        self._uri: str | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.RLock()
        self._supervisor: threading.Thread | None = None
        self._supervisor_stop = threading.Event()

    def __repr__(self) -> str:
        return f"<EmbeddedMongo {self.engine} uri={self._uri} pid={self.pid}>"

    @property
    def uri(self) -> str | None:
        """``mongodb://HOST:PORT/?directConnection=true``; None until the first start."""
        return self._uri

    @property
    def pid(self) -> int | None:
        """Process id of the running child, or None."""
        proc = self._proc
        return None if proc is None else proc.pid

    def alive(self) -> bool:
        """True while the child process is running."""
        proc = self._proc
        return proc is not None and proc.poll() is None

    def _command(self) -> list[str]:
        command = [sys.executable, "-m", "autoauthor.embedded_mongo", "--engine", self.engine]
        if self.path is not None:
            command += ["--path", str(self.path)]
        command += ["--host", self.host, "--port", str(self.port)]
        for shim in self.disabled_shims:
            command += ["--disable-shim", shim]
        command += ["--parent-pid", str(os.getpid())]
        return command

    def start(self, timeout: float = 30) -> str:
        """Start the server (no-op if running) and return its URI once it accepts connections."""
        with self._lock:
            if self.alive():
                return self._uri
            self._proc = None
            env = dict(os.environ)
            # The child runs "-m autoauthor.embedded_mongo", whatever the caller's cwd.
            project_root = str(Path(__file__).resolve().parents[2])
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [project_root, env.get("PYTHONPATH")]))
            stderr = None if self.log_file is None else self.log_file.open("ab")
            try:
                proc = subprocess.Popen(
                    self._command(),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=stderr,
                    env=env,
                    close_fds=True,
                    # Its own process group: Ctrl-C in a terminal reaches the launcher, which
                    # stops the server through stop(), instead of killing it behind the
                    # supervisor's back.
                    process_group=0,
                )
            finally:
                if stderr is not None:
                    stderr.close()
            try:
                line = self._read_ready_line(proc, deadline=time.monotonic() + timeout)
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            finally:
                # The child sends later stdout output to stderr (see _serve).
                proc.stdout.close()
            self._uri = line[len(READY_PREFIX) :]
            self.port = urlsplit(self._uri).port
            self._proc = proc
            return self._uri

    def _read_ready_line(self, proc: subprocess.Popen[bytes], *, deadline: float) -> str:
        fd = proc.stdout.fileno()
        buffer = b""
        while True:
            while b"\n" in buffer:
                raw, buffer = buffer.split(b"\n", 1)
                line = raw.decode(errors="replace").strip()
                if line.startswith(READY_PREFIX):
                    return line
                logger.info("embedded MongoDB server: %s", line)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"embedded MongoDB server did not report READY: {self}")
            readable, _, _ = select.select([fd], [], [], min(remaining, 0.5))
            chunk = os.read(fd, 4096) if readable else None
            if chunk == b"" or (chunk is None and proc.poll() is not None):
                where = self.log_file or "stderr"
                raise RuntimeError(
                    f"embedded MongoDB server exited with code {proc.wait()} before READY "
                    f"(see {where})"
                )
            buffer += chunk or b""

    def stop(self, timeout: float = 10) -> int | None:
        """Stop supervision and the server: SIGTERM, then SIGKILL after ``timeout`` seconds.

        Returns the child's exit code (0 after a clean shutdown), or None if it was not started.
        """
        self._stop_supervisor()
        with self._lock:
            proc, self._proc = self._proc, None
            if proc is None:
                return None
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            return proc.returncode

    def ensure_running(self, timeout: float = 30) -> bool:
        """Start the server again (same engine, path and port) if it is not running.

        Returns True if it had to start it, False if it was already running.
        """
        with self._lock:
            if self.alive():
                return False
            self.start(timeout=timeout)
            return True

    def supervise(self, interval: float = 1.0) -> threading.Thread:
        """Check every ``interval`` seconds in a daemon thread and restart a dead server.

        Each restart is logged as a warning on the "autoauthor.embedded_mongo" logger. ``stop()``
        ends supervision. Returns the (already running) thread.
        """
        with self._lock:
            if self._supervisor is not None and self._supervisor.is_alive():
                return self._supervisor
            self._supervisor_stop.clear()
            thread = threading.Thread(
                target=self._supervise_loop,
                args=(interval,),
                name="embedded-mongo-supervisor",
                daemon=True,
            )
            self._supervisor = thread
            thread.start()
            return thread

    def _supervise_loop(self, interval: float) -> None:
        while not self._supervisor_stop.wait(interval):
            with self._lock:
                if self._supervisor_stop.is_set():
                    return
                dead = self._proc
                try:
                    restarted = self.ensure_running()
                except Exception:
                    logger.exception("embedded MongoDB server is down and could not be restarted")
                    continue
            if restarted:
                logger.warning(
                    "embedded MongoDB server (pid %s, exit code %s) died; restarted as pid %s, %s",
                    None if dead is None else dead.pid,
                    None if dead is None else dead.returncode,
                    self.pid,
                    self._uri,
                )

    def _stop_supervisor(self) -> None:
        thread = self._supervisor
        self._supervisor_stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()
        self._supervisor = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
