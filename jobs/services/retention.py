"""Retention of job files and job rows (`manage.py purge_jobs`).

- An export's file can be downloaded until its `expires_at` (JOBS_FILE_RETENTION_HOURS after the
  job finished); after that the download answers 410 `export_expired` and the purge deletes the
  file (the job stays, without its file, so the answer stays 410 rather than 404).
- Finished jobs (done, failed, cancelled) older than JOBS_HISTORY_DAYS are deleted with their
  files.
- Folders under exports/ that belong to no job (a job deleted with its book or its user) are
  deleted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from autoauthor.core.ids import parse_object_id
from jobs.models import FINISHED_STATUSES, Job, JobStatus
from jobs.services.lifecycle import job_delete_file

EXPORTS_DIR = "exports"


@dataclass
class PurgeResult:
    files_expired: int = 0
    jobs_deleted: int = 0
    orphans_deleted: int = 0


def _orphan_dirs() -> list[str]:
    try:
        directories, _files = default_storage.listdir(EXPORTS_DIR)
    except FileNotFoundError:
        return []
    ids = {oid: name for name in directories if (oid := parse_object_id(name)) is not None}
    known = set(Job.objects.filter(pk__in=list(ids)).values_list("pk", flat=True))
    return [f"{EXPORTS_DIR}/{name}" for oid, name in ids.items() if oid not in known]


def _delete_dir(path: str) -> None:
    """Delete the files of one job's folder, and the folder where the storage has folders."""
    try:
        _directories, files = default_storage.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        job_delete_file(name=f"{path}/{name}")
    try:
        os.rmdir(default_storage.path(path))
    except (NotImplementedError, OSError):  # object storages have no folders to remove
        pass


def jobs_purge(*, now=None, dry_run: bool = False, progress=None) -> PurgeResult:
    """Apply the retention rules of the module docstring; returns the counts. `progress`, when
    given, is called with (done, total) as jobs and folders are handled (total: the old jobs
    plus the jobs with an expired file, learned before anything is deleted, then the orphans)."""
    now = now or timezone.now()
    result = PurgeResult()
    report = progress or (lambda done, total: None)
    old = Job.objects.filter(
        status__in=list(FINISHED_STATUSES),
        finished_at__lt=now - timedelta(days=float(settings.JOBS_HISTORY_DAYS)),
    )
    old_rows = list(old.values_list("pk", "file_name"))
    old_ids = {job_id for job_id, _ in old_rows}
    expired = Job.objects.filter(status=JobStatus.DONE, expires_at__lte=now).exclude(file_name="")
    # Jobs deleted with the old ones are not expired files too (a dry run deleted nothing).
    expired_rows = [row for row in expired.values_list("pk", "file_name") if row[0] not in old_ids]
    total = len(old_rows) + len(expired_rows)
    done = 0
    report(done, total)
    for job_id, name in old_rows:
        result.jobs_deleted += 1
        if not dry_run:
            job_delete_file(name=name)
            _delete_dir(f"{EXPORTS_DIR}/{job_id}")
            Job.objects.filter(pk=job_id).delete()
        done += 1
        report(done, total)
    for job_id, name in expired_rows:
        result.files_expired += 1
        if not dry_run:
            job_delete_file(name=name)
            _delete_dir(f"{EXPORTS_DIR}/{job_id}")
            Job.objects.filter(pk=job_id, file_name=name).update(file_name="")
        done += 1
        report(done, total)
    orphans = _orphan_dirs()
    result.orphans_deleted = len(orphans)
    total += len(orphans)
    if not dry_run:
        for path in orphans:
            _delete_dir(path)
            done += 1
            report(done, total)
    report(total, total)
    return result
