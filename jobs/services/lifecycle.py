"""Job lifecycle writes. Every transition is one compare-and-swap on the job document's
`status` (and `attempts` for the running worker's own writes), so:

- a message delivered twice (Redis redelivery, a reaped job re-sent) runs the job at most once
  at a time: only the delivery that moves queued -> running (or takes over a running job whose
  heartbeat went stale) runs it; every other delivery is skipped;
- a cancel and a worker's finish can race: whichever swap lands first wins, the other sees a
  status it no longer owns and backs off (the worker then deletes the file it stored);
- a lost worker's job is noticed by its stale heartbeat and re-queued while it has attempts left
  (JOBS_MAX_ATTEMPTS runs in all), else failed with `worker_lost`; it is never left running.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone

from autoauthor.core.errors import Conflict, ServiceUnavailable
from autoauthor.queries import one_or_none
from jobs.models import ACTIVE_STATUSES, Job, JobStatus

logger = logging.getLogger("autoauthor.jobs")

WORKER_LOST = {
    "detail": "The worker running this job stopped before it finished. Please try again.",
    "code": "worker_lost",
}
QUEUE_UNAVAILABLE = "The job queue is unavailable. Please try again shortly."


def _stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=float(settings.JOBS_STALE_SECONDS))


def job_send(*, job: Job) -> None:
    """Publish the job's message to the broker (any worker may take it)."""
    from jobs.tasks import run_job

    run_job.apply_async(args=[str(job.pk)], retry=True)


def job_enqueue(*, owner, kind: str, book=None, params: dict, fingerprint: str = "") -> Job:
    """Create a queued job and publish it. When the broker cannot be reached the job is marked
    failed (so it is never left queued with no message) and the caller gets 503."""
    job = Job.objects.create(
        owner=owner,
        book=book,
        kind=kind,
        params=params,
        fingerprint=fingerprint,
        stage="queued",
        published_at=timezone.now(),
    )
    try:
        job_send(job=job)
    except Exception as exc:
        logger.warning("Could not publish job %s: %s", job.pk, exc)
        error = {"detail": QUEUE_UNAVAILABLE, "code": "queue_unavailable"}
        job_fail(job_id=job.pk, attempts=None, error=error, statuses=(JobStatus.QUEUED,))
        raise ServiceUnavailable(QUEUE_UNAVAILABLE, code="queue_unavailable") from exc
    return job


def job_claim(*, job_id, worker: str) -> Job | None:
    """Take the job for this delivery: queued -> running, or a running job whose heartbeat is
    stale (its worker was lost) with attempts left. None: another delivery owns it, or it is
    finished or cancelled, or out of attempts (then it is failed `worker_lost`)."""
    now = timezone.now()
    claim = {
        "status": JobStatus.RUNNING,
        "started_at": now,
        "heartbeat_at": now,
        "attempts": F("attempts") + 1,
        "worker": worker,
        "stage": "starting",
    }
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED, cancel_requested=False).update(
        **claim
    )
    if not claimed:
        claimed = Job.objects.filter(
            pk=job_id,
            status=JobStatus.RUNNING,
            heartbeat_at__lt=_stale_before(now),
            attempts__lt=settings.JOBS_MAX_ATTEMPTS,
        ).update(**claim)
    if not claimed:
        job_reap_stale(job_ids=[job_id])
        return None
    return one_or_none(Job.objects.filter(pk=job_id))


def _owned(job_id, attempts: int | None):
    """The job while it is running this attempt (attempts None: any attempt)."""
    queryset = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING)
    return queryset if attempts is None else queryset.filter(attempts=attempts)


def job_progress(*, job_id, attempts: int, percent: int, stage: str) -> bool:
    """Record progress (and a heartbeat). False when the job is no longer this run's."""
    return bool(
        _owned(job_id, attempts).update(
            progress_percent=max(0, min(100, int(percent))),
            stage=stage[:200],
            heartbeat_at=timezone.now(),
        )
    )


def job_heartbeat(*, job_id, attempts: int) -> bool:
    """The worker is alive and still running this attempt."""
    return bool(_owned(job_id, attempts).update(heartbeat_at=timezone.now()))


def job_is_cancelled(*, job_id) -> bool:
    """True when the job was cancelled (or a cancel was requested) while it ran."""
    row = one_or_none(Job.objects.filter(pk=job_id).values("status", "cancel_requested"))
    return row is None or row["cancel_requested"] or row["status"] == JobStatus.CANCELLED


@dataclass
class StoredFile:
    name: str  # storage name
    size: int
    mime_type: str
    filename: str  # what the download is called


def job_finish(
    *, job_id, attempts: int, result: dict | None = None, file: StoredFile | None = None
) -> bool:
    """running -> done with the result or the stored file (which expires after
    JOBS_FILE_RETENTION_HOURS). False when the job was cancelled or taken over meanwhile: the
    caller deletes the file it stored."""
    now = timezone.now()
    fields = {
        "status": JobStatus.DONE,
        "progress_percent": 100,
        "stage": "done",
        "finished_at": now,
        "heartbeat_at": now,
        "result": result,
        "error": None,
    }
    if file is not None:
        fields.update(
            file_name=file.name,
            file_size=file.size,
            file_mime=file.mime_type,
            download_filename=file.filename,
            expires_at=now + timedelta(hours=float(settings.JOBS_FILE_RETENTION_HOURS)),
        )
    return bool(_owned(job_id, attempts).update(**fields))


def job_fail(*, job_id, attempts: int | None, error: dict, statuses=(JobStatus.RUNNING,)) -> bool:
    """-> failed with `error` ({"detail", "code"}, the API's error body)."""
    queryset = Job.objects.filter(pk=job_id, status__in=list(statuses))
    if attempts is not None:
        queryset = queryset.filter(attempts=attempts)
    now = timezone.now()
    return bool(
        queryset.update(status=JobStatus.FAILED, error=error, finished_at=now, stage="failed")
    )


def job_cancel(*, job: Job) -> Job:
    """Cancel a queued or running job at once: its status is cancelled when this returns. A
    queued job's message is skipped when a worker gets it; a running job's worker sees the
    cancel within about a second (JobReporter) and stops. A finished job cannot be cancelled
    (409 `job_finished`); its file expires with the retention period."""
    now = timezone.now()
    cancelled = Job.objects.filter(pk=job.pk, status__in=list(ACTIVE_STATUSES)).update(
        status=JobStatus.CANCELLED, cancel_requested=True, finished_at=now, stage="cancelled"
    )
    job.refresh_from_db()
    if not cancelled:
        raise Conflict(f"This job is already {job.status}.", code="job_finished")
    return job


@dataclass
class ReapResult:
    requeued: int = 0
    failed: int = 0
    republished: int = 0


def _republish_waiting(now: datetime) -> int:
    """Publish again the message of every job queued longer than JOBS_REPUBLISH_SECONDS since
    its last publication (a broker that lost its data, a crash between the job's creation and
    its publication). A duplicate message is harmless (the claim runs a job once), and each job
    is re-published at most once per period."""
    before = now - timedelta(seconds=float(settings.JOBS_REPUBLISH_SECONDS))
    waiting = Job.objects.filter(
        status=JobStatus.QUEUED, cancel_requested=False, published_at__lt=before
    )
    count = 0
    for job_id, published_at in waiting.values_list("pk", "published_at")[:1000]:
        if Job.objects.filter(pk=job_id, status=JobStatus.QUEUED, published_at=published_at).update(
            published_at=now
        ):
            try:
                job_send(job=Job(pk=job_id))
                count += 1
            except Exception as exc:  # the broker is down: the next round tries again
                logger.warning("Could not re-publish job %s: %s", job_id, exc)
    return count


def job_reap_stale(*, job_ids=None) -> ReapResult:
    """Running jobs whose heartbeat is older than JOBS_STALE_SECONDS lost their worker: each is
    re-queued and re-published while it has attempts left, else failed `worker_lost`. Runs at
    every worker start, periodically in every worker, and when a stale job is read. A full
    round (no `job_ids`) also re-publishes jobs left queued too long (`_republish_waiting`)."""
    now = timezone.now()
    stale_before = _stale_before(now)
    queryset = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before)
    if job_ids is not None:
        queryset = queryset.filter(pk__in=list(job_ids))
    outcome = ReapResult()
    for job_id, attempts in queryset.values_list("pk", "attempts"):
        mine = Job.objects.filter(
            pk=job_id, status=JobStatus.RUNNING, attempts=attempts, heartbeat_at__lt=stale_before
        )
        if attempts < settings.JOBS_MAX_ATTEMPTS:
            if mine.update(
                status=JobStatus.QUEUED,
                stage="retrying: the worker was lost",
                published_at=now,
            ):
                outcome.requeued += 1
                try:
                    job_send(job=Job(pk=job_id))
                except Exception as exc:  # the next reap (or a redelivery) publishes it
                    logger.warning("Could not re-publish job %s: %s", job_id, exc)
        elif mine.update(
            status=JobStatus.FAILED, error=WORKER_LOST, finished_at=now, stage="failed"
        ):
            outcome.failed += 1
    if job_ids is None:
        outcome.republished = _republish_waiting(now)
    if outcome.requeued or outcome.failed:
        logger.warning(
            "Reaped stale jobs: %s re-queued, %s failed", outcome.requeued, outcome.failed
        )
    return outcome


def job_delete_file(*, name: str) -> None:
    """Delete a stored file (missing is fine)."""
    if name:
        try:
            default_storage.delete(name)
        except FileNotFoundError:
            pass


def job_reap_if_stale(*, job: Job) -> Job:
    """`job`, reaped first when it is running with a stale heartbeat (a reader never sees a job
    stuck in running after its worker died, even before a worker's reaper comes round)."""
    if job.status != JobStatus.RUNNING or job.heartbeat_at is None:
        return job
    if job.heartbeat_at >= _stale_before(timezone.now()):
        return job
    job_reap_stale(job_ids=[job.pk])
    job.refresh_from_db()
    return job
