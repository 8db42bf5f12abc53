"""Export jobs: POST /books/{id}/exports.

Dedup: a job's fingerprint hashes what the file is made of: the book id, format, template and
normalized options, and the book's content state (its toc_version, summary_version and
updated_at, and each chapter document's id, version and updated_at; the owner's name and bio
printed as author - the book's owner, whoever asks). While an earlier job of the same user with
the same fingerprint is queued or running, or done with a file that has not expired, that job
is the answer instead of rendering again; any save of the book, its TOC or a chapter changes
the fingerprint.
"""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone

from books.models import Chapter
from books.services.export import export_available
from jobs.models import Job, JobKind, JobStatus
from jobs.services.lifecycle import job_enqueue

# Book fields the fingerprint reads (for the book's projection), besides the export's.
FINGERPRINT_BOOK_FIELDS = ("toc_version", "summary_version", "updated_at", "title")


def export_fingerprint(*, book, user, fmt: str, template_id: str | None, options: dict) -> str:
    """sha256 of the export's inputs and the book's content state (module docstring). One
    projected query for the chapters (ids, versions and timestamps, never their content)."""
    chapters = sorted(
        (chapter_id, version, updated_at.isoformat() if updated_at else "")
        for chapter_id, version, updated_at in Chapter.objects.filter(book_id=book.pk).values_list(
            "chapter_id", "version", "updated_at"
        )
    )
    state = {
        "book": str(book.pk),
        "format": fmt,
        "template_id": template_id,
        "options": dict(sorted(options.items())),
        "toc_version": book.toc_version,
        "summary_version": book.summary_version,
        "updated_at": book.updated_at.isoformat() if book.updated_at else "",
        "author": _author_state(book=book, user=user),
        "chapters": chapters,
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def _author_state(*, book, user) -> list[str]:
    """What the export prints of its author: the book owner's name fields and bio."""
    owner = user if user.pk == book.owner_id else book.owner
    return [
        owner.display_name or "",
        owner.first_name or "",
        owner.last_name or "",
        owner.bio or "",
    ]


def _reusable(*, user, fingerprint: str) -> Job | None:
    """The newest job of `user` with this fingerprint that is queued, running, or done with a
    file still downloadable."""
    now = timezone.now()
    candidates = Job.objects.filter(
        owner=user,
        fingerprint=fingerprint,
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE],
    ).order_by("-created_at")[:5]
    for job in candidates:
        if job.status != JobStatus.DONE:
            return job
        if job.file_name and job.expires_at is not None and job.expires_at > now:
            return job
    return None


def export_job_create(
    *, book, user, fmt: str, template_id: str | None = None, options: dict
) -> tuple[Job, bool]:
    """Queue an export of `book` (owned by `user`, checked by the caller) as `fmt`; returns
    (job, created). An unchanged book with the same request returns the earlier job
    (created False). 503 `export_unavailable` when the format cannot be rendered here."""
    export_available(fmt)
    fingerprint = export_fingerprint(
        book=book, user=user, fmt=fmt, template_id=template_id, options=options
    )
    earlier = _reusable(user=user, fingerprint=fingerprint)
    if earlier is not None:
        return earlier, False
    params = {"format": fmt, "template_id": template_id, "options": options}
    job = job_enqueue(
        owner=user, kind=JobKind.EXPORT, book=book, params=params, fingerprint=fingerprint
    )
    return job, True
