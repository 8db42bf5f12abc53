"""The worker's heartbeat: one daemon thread per process writes `heartbeat_at` of every job this
process is running, every JOBS_HEARTBEAT_SECONDS, whatever the job is doing (an export deep in a
renderer, an AI call waiting on the network). A job whose heartbeat stops (the process died or
hung) goes stale and is reaped (jobs.services.lifecycle.job_reap_stale)."""

from __future__ import annotations

import logging
import threading

from django.conf import settings

logger = logging.getLogger("autoauthor.jobs")

_lock = threading.Lock()
_running: dict = {}  # job id -> attempts of the run this process owns
_thread: threading.Thread | None = None


def track(job_id, attempts: int) -> None:
    """Vouch for `job_id` (this run: `attempts`) until `untrack`."""
    with _lock:
        _running[job_id] = attempts
    _ensure_thread()


def untrack(job_id) -> None:
    with _lock:
        _running.pop(job_id, None)


def _ensure_thread() -> None:
    global _thread
    with _lock:
        if _thread is not None and _thread.is_alive():
            return
        _thread = threading.Thread(target=_beat, name="job-heartbeat", daemon=True)
        _thread.start()


def _beat() -> None:
    from jobs.services.lifecycle import job_heartbeat

    stop = threading.Event()
    while not stop.wait(float(settings.JOBS_HEARTBEAT_SECONDS)):
        with _lock:
            running = list(_running.items())
        for job_id, attempts in running:
            try:
                job_heartbeat(job_id=job_id, attempts=attempts)
            except Exception as exc:  # the database is down: the next beat tries again
                logger.warning("Heartbeat of job %s failed: %s", job_id, exc)
