"""Worker process hooks: when a Celery worker is ready it reaps stale jobs at once (a job left
running by a worker that died before this one started) and then every
JOBS_REAP_INTERVAL_SECONDS in a daemon thread, so any one live worker is enough to notice a lost
worker's job."""

from __future__ import annotations

import logging
import threading

from celery.signals import worker_ready, worker_shutdown
from django.conf import settings

logger = logging.getLogger("autoauthor.jobs")

_stop = threading.Event()


def _reap_forever() -> None:
    from jobs.services.lifecycle import job_reap_stale

    while True:
        try:
            job_reap_stale()
        except Exception as exc:  # the database is down: try again next round
            logger.warning("Reaping stale jobs failed: %s", exc)
        if _stop.wait(float(settings.JOBS_REAP_INTERVAL_SECONDS)):
            return


def _on_worker_ready(**kwargs) -> None:
    _stop.clear()
    threading.Thread(target=_reap_forever, name="job-reaper", daemon=True).start()


def _on_worker_shutdown(**kwargs) -> None:
    _stop.set()


def connect() -> None:
    worker_ready.connect(_on_worker_ready, weak=False, dispatch_uid="jobs.reaper.start")
    worker_shutdown.connect(_on_worker_shutdown, weak=False, dispatch_uid="jobs.reaper.stop")
