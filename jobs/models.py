"""A background job: one document per job, the only record of it (Celery keeps no results).

Status moves queued -> running -> done | failed | cancelled; a running job whose worker was lost
goes back to queued (retried) or to failed (`worker_lost`). Every transition is a single-document
compare-and-swap on `status` (see jobs.services), so a message delivered twice never runs a job
twice. An export's file lives in the default storage under `exports/<job id>/`; `file_name` is
its storage name ("" when there is none, or once purged).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)
FINISHED_STATUSES = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class JobKind(models.TextChoices):
    EXPORT = "export"
    GENERATE_TOC = "generate_toc"
    GENERATE_DRAFT = "generate_draft"
    GENERATE_QUESTIONS = "generate_questions"


class Job(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    book = models.ForeignKey(
        "books.Book", on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    kind = models.CharField(max_length=32, choices=JobKind.choices)
    params = models.JSONField(default=dict, blank=True)
    # Same fingerprint = same input (book content state, format, options): see jobs.fingerprint.
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_percent = models.IntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True, default="")
    result = models.JSONField(null=True, blank=True)  # AI jobs: the synchronous response body
    file_name = models.CharField(max_length=500, blank=True, default="")
    file_size = models.BigIntegerField(null=True, blank=True)
    file_mime = models.CharField(max_length=100, blank=True, default="")
    download_filename = models.CharField(max_length=300, blank=True, default="")
    error = models.JSONField(null=True, blank=True)  # {"detail", "code"} as the API answers
    attempts = models.IntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    worker = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When the job's message was last published (a queued job is re-published when its message
    # may have been lost: JOBS_REPUBLISH_SECONDS).
    published_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "jobs_job"
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_created_idx"),
            models.Index(fields=["owner", "fingerprint"], name="job_owner_fingerprint_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat_idx"),
            models.Index(fields=["status", "published_at"], name="job_status_published_idx"),
            models.Index(fields=["status", "finished_at"], name="job_status_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} job {self.pk} ({self.status})"
