"""Job reads. A job is visible to its owner only: anyone else gets the same 404 as for a job
that does not exist, so job ids cannot be probed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import IO

from django.core.files.storage import default_storage
from django.utils import timezone

from autoauthor.core.errors import Conflict, Gone, NotFound
from autoauthor.core.ids import parse_object_id
from autoauthor.queries import one_or_none
from books.services.export import content_disposition
from jobs.models import Job, JobKind, JobStatus

JOB_NOT_FOUND = "Job not found."


def job_get_for_user(*, job_id, user) -> Job:
    """The job `job_id` if `user` owns it, else 404 `not_found` (malformed id included)."""
    oid = parse_object_id(job_id)
    if oid is None:
        raise NotFound(JOB_NOT_FOUND)
    job = one_or_none(Job.objects.filter(pk=oid, owner_id=user.pk))
    if job is None:
        raise NotFound(JOB_NOT_FOUND)
    return job


def job_list(*, user):
    """The user's jobs, newest first."""
    return Job.objects.filter(owner_id=user.pk).order_by("-created_at", "-pk")


class ExportExpired(Gone):
    code = "export_expired"
    default_detail = "This export's file has expired. Start a new export."


@dataclass
class OpenedFile:
    file: IO[bytes]  # the response streams and closes it
    size: int
    mime_type: str
    content_disposition: str


def job_file_open(*, job: Job) -> OpenedFile:
    """The stored file of a done export job, opened for reading. 409 `job_not_ready` before the
    job is done, 404 `job_has_no_file` for jobs that make no file, 410 `export_expired` once the
    retention period passed or the file was purged."""
    if job.status != JobStatus.DONE:
        raise Conflict(f"This job is {job.status}, not done.", code="job_not_ready")
    if job.kind != JobKind.EXPORT:
        raise NotFound("This job has no file to download.", code="job_has_no_file")
    if not job.file_name or job.expires_at is None or job.expires_at <= timezone.now():
        raise ExportExpired()
    try:
        file = default_storage.open(job.file_name, "rb")
    except FileNotFoundError:
        raise ExportExpired() from None
    stem, extension = os.path.splitext(job.download_filename)
    _filename, disposition = content_disposition(stem, extension)
    return OpenedFile(
        file=file,
        size=job.file_size or 0,
        mime_type=job.file_mime or "application/octet-stream",
        content_disposition=disposition,
    )
