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


def wait_for_http(url: str, timeout: float = 30) -> None:
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
