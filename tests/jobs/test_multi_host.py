"""Two API servers and two workers sharing one database and one Redis, as on two machines: one
is `manage.py runstack` (what `make run` starts: gunicorn and a Celery worker), the other a
gunicorn and a worker started apart. A job queued through one server is run by either worker
and downloadable through both; Ctrl-C stops runstack's server and worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from autoauthor.celery import app as celery_app
from jobs.models import Job
from tests.reliability.support import expect, register, seed_book
from tests.servers import ROOT, api_server, celery_worker, free_port, wait_for_http

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

FORMATS = ("pdf", "docx", "epub", "markdown")
ENV = {"RATELIMIT_ENABLE": "false"}


def poll_done(http, job_id: str) -> dict:
    deadline = time.monotonic() + 60
    while True:
        body = expect(http.get(f"/api/v1/jobs/{job_id}"), 200)
        if body["status"] in {"done", "failed", "cancelled"}:
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


def session_processes(session_id: int) -> list[int]:
    """Pids of live processes in the session `session_id` (zombies excluded)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[3]) == session_id:
            pids.append(int(entry.name))
    return pids


def start_runstack(log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        **ENV,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "MONGODB_URI": settings.DATABASES["default"]["HOST"],
        "DATABASE_NAME": connection.settings_dict["NAME"],
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESSLOG": "",
        "CELERY_WORKER_CONCURRENCY": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runstack"],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, f"http://127.0.0.1:{port}"


def test_jobs_run_on_either_worker_and_download_from_both_servers(tmp_path):
    celery_app.control.purge()
    log_path = tmp_path / "runstack.log"
    runstack, first = start_runstack(log_path)
    try:
        with (
            celery_worker(env=ENV, concurrency=1, name="west", wait=False) as west,
            api_server(env=ENV) as second,
        ):
            wait_for_http(f"{first}/api/v1/", timeout=60)
            west.wait_ready()
            deadline = time.monotonic() + 60
            while " ready." not in log_path.read_text(errors="replace"):
                assert time.monotonic() < deadline and runstack.poll() is None, log_path.read_text()
                time.sleep(0.2)
            assert "Jobs worker:      Celery, 1 threads" in log_path.read_text()
            run_jobs_across(first, second, west.hostname)
    finally:
        if runstack.poll() is None:
            runstack.send_signal(signal.SIGINT)  # Ctrl-C
        returncode = runstack.wait(timeout=60)
    assert returncode == 0, log_path.read_text()[-3000:]
    assert "Stopped." in log_path.read_text()
    assert session_processes(runstack.pid) == []  # gunicorn and the worker are gone too


def run_jobs_across(first: str, second: str, west_hostname: str) -> None:
    author = seed_book(register(first), questions=False)
    on_second = register(second, prefix="second")
    on_second.http.token = author.access
    stranger = register(second, prefix="stranger")
    job_ids = []
    for fmt in FORMATS:
        reply = author.http.post(f"/api/v1/books/{author.book_id}/exports", {"format": fmt})
        job_ids.append(expect(reply, 202)["id"])
    for job_id in job_ids:
        done = poll_done(on_second.http, job_id)
        assert done["status"] == "done", done
        assert done["download_url"].startswith(second)
        via_first = author.http.get(f"/api/v1/jobs/{job_id}/download")
        via_second = on_second.http.get(f"/api/v1/jobs/{job_id}/download")
        assert via_first.status == via_second.status == 200
        assert via_first.raw == via_second.raw and via_first.raw
        assert via_first.headers["Content-Disposition"].startswith("attachment; filename=")
        assert stranger.http.get(f"/api/v1/jobs/{job_id}").status == 404
        assert stranger.http.get(f"/api/v1/jobs/{job_id}/download").status == 404
    workers = {job.worker for job in Job.objects.filter(pk__in=job_ids)}
    assert workers and all(
        name == west_hostname or name.startswith("worker@") for name in workers
    ), workers
