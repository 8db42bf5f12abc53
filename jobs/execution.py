"""Running one job in a worker: claim it, run its kind's runner with a reporter while the
worker's heartbeat thread vouches for it, then record done, failed or nothing (cancelled).

A failure is stored as the body the API would answer for the same error (`error_body`: a domain
error's `{"detail", "code", ...}`, anything else a logged `server_error`), so AI failures keep
their codes. When the database itself is unreachable nothing can be recorded: the
job is left to its stale heartbeat and reaped (retried or failed `worker_lost`) later.
"""

from __future__ import annotations

import logging

from django.conf import settings

from autoauthor.core import context
from autoauthor.core.database import is_database_unavailable
from autoauthor.core.errors import SERVER_ERROR, DomainError
from jobs import (
    ai_runners,  # noqa: F401 - registers the AI runners
    heartbeat,
)
from jobs.reporter import JobCancelled, JobReporter, JobTimedOut
from jobs.runners import RUNNERS
from jobs.services import lifecycle

logger = logging.getLogger("autoauthor.jobs")

JOB_TIMEOUT = {
    "detail": "The job took too long and was stopped.",
    "code": "job_timeout",
}
UNKNOWN_KIND = {"detail": "This kind of job cannot be run.", "code": "job_kind_unknown"}


def error_body(exc: Exception) -> dict:
    """The error body the API answers for `exc`: a domain error's detail, code and extra fields
    (its field `errors` too); anything else is logged and stored as a `server_error`, never
    echoing exception text."""
    if isinstance(exc, DomainError):
        return exc.body()
    logger.exception("Job failed with an unexpected error", exc_info=exc)
    return dict(SERVER_ERROR)


def job_run(*, job_id, worker: str) -> str:
    """Run the job if this delivery may claim it; returns what happened (for the worker log):
    skipped, done, failed, cancelled or abandoned (database unreachable)."""
    job = lifecycle.job_claim(job_id=job_id, worker=worker)
    if job is None:
        return "skipped"
    attempts = job.attempts
    run = RUNNERS.get(job.kind)
    if run is None:
        lifecycle.job_fail(job_id=job.pk, attempts=attempts, error=UNKNOWN_KIND)
        return "failed"
    reporter = JobReporter(
        job_id=job.pk, attempts=attempts, time_limit=float(settings.JOBS_TIME_LIMIT_SECONDS)
    )
    heartbeat.track(job.pk, attempts)
    # Audit rows written by the job name its owner, as the request that queued it would.
    actor = context.ActorContext(actor_id=str(job.owner_id), request_id=f"job-{job.pk}")
    try:
        with context.acting_as(actor):
            outcome = run(job, reporter)
    except JobCancelled:
        return "cancelled"
    except JobTimedOut:
        lifecycle.job_fail(job_id=job.pk, attempts=attempts, error=JOB_TIMEOUT)
        return "failed"
    except Exception as exc:
        if is_database_unavailable(exc):
            logger.warning("Job %s abandoned: database unavailable (%s)", job.pk, exc)
            return "abandoned"
        lifecycle.job_fail(job_id=job.pk, attempts=attempts, error=error_body(exc))
        return "failed"
    finally:
        heartbeat.untrack(job.pk)
    if lifecycle.job_finish(
        job_id=job.pk, attempts=attempts, result=outcome.result, file=outcome.file
    ):
        return "done"
    if outcome.file is not None:  # cancelled (or taken over) while it finished
        lifecycle.job_delete_file(name=outcome.file.name)
    return "cancelled"
