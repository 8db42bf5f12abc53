"""The API as `make run` serves it, for the bench scripts: `manage.py runstack` (embedded MongoDB
on a fresh database in a temporary directory, migrations, gunicorn with autoauthor/gunicorn_conf.py)
with DEBUG and rate limiting off, in a process group of its own so that stopping it stops
everything it started."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    server: subprocess.Popen
    base: str  # http://127.0.0.1:<port>
    env: dict[str, str]  # the environment the stack runs with
    mongo_uri: str  # the embedded server, for direct connections from the bench process
    log: Path  # the stack's stderr (gunicorn, the worker, warnings such as every 409)


def stack_start(
    *, engine: str = "memory", database: str = "autoauthor_bench", env: dict | None = None
) -> Stack:
    """Start the stack and wait until /api/v1/health answers (SystemExit after 120 s)."""
    workdir = Path(tempfile.mkdtemp(prefix="autoauthor-bench-"))
    api_port, mongo_port = free_port(), free_port()
    stack_env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "RATELIMIT_ENABLE": "false",
        "EMBEDDED_MONGO_PORT": str(mongo_port),
        "EMBEDDED_MONGO_PATH": str(workdir / "mongo.sqlite"),
        "EMBEDDED_MONGO_ENGINE": engine,
        "DATABASE_NAME": database,
        "PORT": str(api_port),
        "GUNICORN_ACCESSLOG": "",
        "LOG_LEVEL": "WARNING",
        "OPENAI_API_KEY": "",
        **(env or {}),
    }
    stack_env.pop("MONGODB_URI", None)
    log = workdir / "stack.log"
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runstack"],
            env=stack_env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    stack = Stack(
        server=server,
        base=f"http://127.0.0.1:{api_port}",
        env=stack_env,
        mongo_uri=f"mongodb://127.0.0.1:{mongo_port}/?directConnection=true",
        log=log,
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{stack.base}/api/v1/health", timeout=2).close()
            return stack
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                stack_stop(stack)
                tail = log.read_text(errors="replace")[-3000:]
                raise SystemExit(f"the API did not start (see {log}):\n{tail}") from None
            time.sleep(0.5)


def stack_stop(stack: Stack) -> None:
    """Ctrl-C to the whole process group (runstack stops what it started), SIGKILL after 30 s;
    then the database file is deleted."""
    if stack.server.poll() is None:
        os.killpg(stack.server.pid, signal.SIGINT)
        try:
            stack.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(stack.server.pid, signal.SIGKILL)
    for path in stack.log.parent.glob("mongo.sqlite*"):  # up to 1 GB at --growth 100; the log stays
        path.unlink(missing_ok=True)
