"""Real server processes for tests: the API under gunicorn, and private Redis servers."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def api_server(
    *,
    env: dict[str, str] | None = None,
    workers: int = 1,
    extra_args: tuple[str, ...] = (),
    output: Path | None = None,
):
    """Serve the project with gunicorn on a free port, against the test database.

    `extra_args` are appended to gunicorn's command line (e.g. an access log); with `output` the
    server's stdout and stderr go to that file instead of the test's."""
    port = free_port()
    process_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "MONGODB_URI": settings.DATABASES["default"]["HOST"],
        "DATABASE_NAME": connection.settings_dict["NAME"],
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    log = output.open("ab") if output is not None else None
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "autoauthor.wsgi:application",
         "-b", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
         *extra_args],
        cwd=ROOT,
        env=process_env,
        stdout=log,
        stderr=subprocess.STDOUT if log is not None else None,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/api/v1/")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)
        if log is not None:
            log.close()


class RedisServer:
    """A private redis-server on a free port that a test may stop and start again."""

    def __init__(self, tmp_path: Path):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.skip("redis-server is not installed (bin/ensure-redis --install installs it)")
        self.port = free_port()
        self.dir = tmp_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class WorkerProcess:
    """A running Celery worker started by `celery_worker`."""

    def __init__(self, process: subprocess.Popen, hostname: str, log_path: Path):
        self.process = process
        self.hostname = hostname
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while " ready." not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start:\n{self.log()[-3000:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: the worker dies at once, as on a crashed machine."""
        self.process.kill()
        self.process.wait(timeout=10)


@contextmanager
def celery_worker(
    *,
    env: dict[str, str] | None = None,
    concurrency: int = 2,
    name: str = "worker",
    log_dir: Path | None = None,
    timeout: float = 60,
    wait: bool = True,
):
    """Run a real Celery worker (`celery -A autoauthor worker --pool threads`) against the test
    database and the test broker (CELERY_BROKER_URL from tests/settings.py), with the same
    environment approach as `api_server`; yields a WorkerProcess once the worker is ready
    (with `wait=False` at once: call its `wait_ready()`, so several can start in parallel).
    Stopped with SIGTERM (warm shutdown: running jobs finish), SIGKILL after 20 s."""
    import tempfile

    hostname = f"{name}-{free_port()}@{socket.gethostname()}"
    process_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "MONGODB_URI": settings.DATABASES["default"]["HOST"],
        "DATABASE_NAME": connection.settings_dict["NAME"],
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    directory = Path(log_dir or tempfile.mkdtemp(prefix="autoauthor-worker-"))
    log_path = directory / f"{hostname.split('@')[0]}.log"
    log = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "autoauthor", "worker", "--pool", "threads",
         "--concurrency", str(concurrency), "--hostname", hostname, "--loglevel", "INFO",
         "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=process_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    worker = WorkerProcess(process, hostname, log_path)
    try:
        if wait:
            worker.wait_ready(timeout)
        yield worker
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log.close()
