"""What a running job's code reports through: progress, and the cancel and time-limit checks.

`JobReporter` is a `books.export.Deadline`, so the export renderers' existing checks between
chapters and pages (and their `chapter_done` hook) reach it with no change to them. Database
traffic is bounded whatever the renderer's call rate: progress is written at most once per
JOBS_PROGRESS_INTERVAL_SECONDS (1 s; plus the first and the last chapter and each forced stage),
and the cancel flag is read at most once per interval, so a cancelled job stops within about a
second of its next check.
"""

from __future__ import annotations

import time

from django.conf import settings

from books.export import Deadline, ExportCancelled
from jobs.services import lifecycle

# An export's chapters fill the progress from CHAPTERS_START to CHAPTERS_END percent; measuring
# the book comes before, storing the file after.
CHAPTERS_START = 5
CHAPTERS_END = 95


class JobCancelled(ExportCancelled):
    """The job was cancelled while it ran."""


class JobTimedOut(ExportCancelled):
    """The job ran past JOBS_TIME_LIMIT_SECONDS."""


class JobReporter(Deadline):
    def __init__(self, *, job_id, attempts: int, time_limit: float | None = None):
        super().__init__(time_limit)
        self.job_id = job_id
        self.attempts = attempts
        self._last_write = 0.0
        self._last_read = time.monotonic()
        self._pending: tuple[int, str] | None = None
        self.interval = float(settings.JOBS_PROGRESS_INTERVAL_SECONDS)
        self.lost = False  # the job is no longer this run's (cancelled, taken over)

    def progress(self, percent: int, stage: str, *, force: bool = False) -> None:
        """Record `percent` and `stage` (throttled unless `force`)."""
        self._pending = (percent, stage)
        now = time.monotonic()
        if force or now - self._last_write >= self.interval:
            self.flush()

    def flush(self) -> None:
        """Write the latest progress not yet written."""
        if self._pending is None:
            return
        percent, stage = self._pending
        self._pending = None
        self._last_write = time.monotonic()
        if not lifecycle.job_progress(
            job_id=self.job_id, attempts=self.attempts, percent=percent, stage=stage
        ):
            self.lost = True

    def chapter_done(self, index: int, total: int) -> None:
        span = CHAPTERS_END - CHAPTERS_START
        percent = CHAPTERS_START + (span * index) // max(total, 1)
        self.progress(percent, f"chapter {index} of {total}", force=index in (1, total))

    def check(self) -> None:
        """Raise JobCancelled once the job was cancelled, JobTimedOut past its time limit."""
        try:
            super().check()
        except ExportCancelled:
            raise JobTimedOut from None
        now = time.monotonic()
        if self.lost or now - self._last_read >= self.interval:
            self._last_read = now
            if self.lost or lifecycle.job_is_cancelled(job_id=self.job_id):
                raise JobCancelled
