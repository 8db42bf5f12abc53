"""The one Celery task: run a job by id. The message carries only the id; the job document
holds everything else, so a message delivered twice, late, or after a cancel is harmless (the
claim decides; see jobs.services.lifecycle)."""

import socket

from celery import shared_task

from autoauthor.core.ids import parse_object_id
from jobs import execution


@shared_task(name="jobs.run_job", bind=True, acks_late=True, reject_on_worker_lost=True)
def run_job(self, job_id: str) -> str:
    oid = parse_object_id(job_id)
    if oid is None:
        return "skipped"
    worker = self.request.hostname or socket.gethostname()
    return execution.job_run(job_id=oid, worker=worker)
