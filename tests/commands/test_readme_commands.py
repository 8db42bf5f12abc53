"""The README's commands work as written in a fresh copy of the checkout after `make run`.

The copy holds what a clone would (tracked and untracked, not ignored, files: no .env, no .venv,
no var/). `make run` is started there with an environment that names no project setting but the
ports (so a developer's own `make run` on 8000/27017 is left alone) and the test Redis; every
command afterwards gets the same environment and nothing else: DEBUG and SECRET_KEY come from
the .env that the first `make run` writes.
"""

import os
import re
import shutil
import signal
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.servers import ROOT, free_port, wait_for_http

pytestmark = [
    pytest.mark.timeout(900),
    # `make run` serves its own SQLite-engine server whatever engine the suite runs on: the test
    # is the same in both passes of .ci/run, so it runs in the SQLite one.
    pytest.mark.skipif(
        os.environ.get("EMBEDDED_MONGO_ENGINE", "sqlite") != "sqlite",
        reason="runs in the SQLite pass (make run's engine); the memory pass would repeat it",
    ),
]

START_TIMEOUT = 600  # a fresh virtualenv (from uv's cache), migrations and three demo books


def fresh_copy(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def user_environment(checkout: Path) -> dict[str, str]:
    """A shell's environment on a fresh machine, plus the ports and the test Redis."""
    uv = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    return {
        "PATH": os.pathsep.join([str(Path(uv).parent), os.environ.get("PATH", "/usr/bin:/bin")]),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "PORT": str(free_port()),
        "EMBEDDED_MONGO_PORT": str(free_port()),
        "REDIS_URL": os.environ["REDIS_URL"],
    }


def run(checkout: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(checkout / ".venv" / "bin" / "python"), *args],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_readme_commands_work_after_make_run(tmp_path):
    checkout = fresh_copy(tmp_path / "checkout")
    assert not (checkout / ".env").exists() and not (checkout / ".venv").exists()
    env = user_environment(checkout)
    log = (tmp_path / "make-run.log").open("wb")
    stack = subprocess.Popen(
        ["make", "run"], cwd=checkout, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_http(f"http://127.0.0.1:{env['PORT']}/api/v1/health", timeout=START_TIMEOUT)
        dotenv = (checkout / ".env").read_text()
        assert "DEBUG=true" in dotenv
        key = re.search(r"^SECRET_KEY=(\S+)$", dotenv, re.M).group(1)
        settings_source = "".join(
            p.read_text() for p in (ROOT / "autoauthor" / "settings").glob("*.py")
        )
        assert len(key) >= 50 and key not in settings_source

        health = run(checkout, env, "manage.py", "healthcheck")
        assert health.returncode == 0, health.stdout + health.stderr
        assert run(checkout, env, "manage.py", "healthcheck", "--json").returncode == 0

        editor = run(checkout, env, "manage.py", "create_editor", "editor@example.com",
                     "--password", "Editor-password-2026")  # fmt: skip
        assert editor.returncode == 0, editor.stderr
        seeded = run(checkout, env, "manage.py", "seed_demo", "--books", "1")
        assert seeded.returncode == 0, seeded.stderr
        book_id = re.search(r"created demo book: .* \(([0-9a-f]{24})\)", seeded.stdout).group(1)

        for command in (
            ["check_indexes"],
            ["validate_data"],
            ["purge_access_logs", "--days", "90", "--dry-run"],
            ["purge_audit_log", "--days", "365", "--dry-run"],
            ["purge_jobs", "--dry-run"],
            ["thin_revisions", "--dry-run"],
            ["reindex_search", "--all"],
            ["export_book", book_id, "--format", "markdown", "--output", str(tmp_path / "b.md")],
        ):
            result = run(checkout, env, "manage.py", *command)
            assert result.returncode == 0, (command, result.stdout, result.stderr)
        assert (tmp_path / "b.md").read_text().startswith("# ")
        for script in (["bench/pool_load.py"], ["bench/export_bench.py", "--chapters", "3",
                                                "--words", "3000"],
                       ["bench/slow_work.py", "--quick"],
                       ["bench/revisions_bench.py", "--saves", "60"],
                       ["bench/search_bench.py", "--quick"],
                       ["bench/engine_shims_bench.py", "--sizes", "200",
                        "--repeat", "2"],
                       ["bench/shim_ab.py", "--shim", "atomic_copies", "--documents", "100",
                        "--rounds", "1"]):  # fmt: skip
            result = run(checkout, env, *script)
            assert result.returncode == 0, (script, result.stdout, result.stderr)

        # The README's second embedded server, on a free port instead of 27018.
        mongo_port = str(free_port())
        server = subprocess.Popen(
            [str(checkout / ".venv" / "bin" / "python"), "manage.py", "mongoserver",
             "--engine", "memory", "--port", mongo_port],
            cwd=checkout, env=env, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert server.stdout.readline().startswith(f"READY mongodb://127.0.0.1:{mongo_port}/")
        finally:
            server.terminate()
            assert server.wait(timeout=30) == 0
            server.stdout.close()

        # The served API is the checkout's: the demo user signs in.
        request = urllib.request.Request(
            f"http://127.0.0.1:{env['PORT']}/api/v1/auth/login",
            data=b'{"email": "demo@autoauthor.local", "password": "autoauthor-demo-user"}',
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
    finally:
        os.killpg(stack.pid, signal.SIGINT)
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
            stack.wait()
        log.close()
    output = (tmp_path / "make-run.log").read_text(errors="replace")
    assert "demo@autoauthor.local" in output and "Stopped." in output, output[-3000:]
