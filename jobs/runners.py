"""What each kind of job does: a registry kind -> runner(job, reporter) -> Outcome.

A runner raises a DomainError for a failure the API would answer (it lands in the job's `error`
as the same `{"detail", "code"}` body) and calls `reporter.check()` often enough to stop soon
after a cancel (the export renderers do so between chapters and pages).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files import File
from django.core.files.storage import default_storage

from autoauthor.core.errors import NotFound
from autoauthor.queries import one_or_none
from books.export import FORMATS
from books.models import Book
from books.services import export as export_services
from jobs.models import Job, JobKind
from jobs.reporter import JobReporter
from jobs.services.lifecycle import StoredFile

BOOK_GONE = "The book of this job was deleted."


@dataclass
class Outcome:
    result: dict | None = None
    file: StoredFile | None = None


Runner = Callable[[Job, JobReporter], Outcome]
RUNNERS: dict[str, Runner] = {}


def runner(kind: str):
    """Register the decorated function as the runner of `kind`."""

    def register(function: Runner) -> Runner:
        RUNNERS[kind] = function
        return function

    return register


def export_storage_name(job_id, extension: str) -> str:
    """Where an export job's file is stored (the download is named after the book)."""
    return f"exports/{job_id}/export{extension}"


def job_book(job: Job, fields: tuple[str, ...] | None = None) -> Book:
    """The job's book (404 `book_not_found` once it was deleted)."""
    queryset = Book.objects.filter(pk=job.book_id, deleted_at=None)
    if fields is not None:
        queryset = queryset.only("owner_id", *fields)
    book = one_or_none(queryset)
    if book is None:
        raise NotFound(BOOK_GONE, code="book_not_found")
    return book


@runner(JobKind.EXPORT)
def run_export(job: Job, reporter: JobReporter) -> Outcome:
    """Render the book as the sync export would (same rules, same access-log row), into a
    temporary file, then store it under exports/<job id>/."""
    fmt = job.params["format"]
    options = dict(job.params.get("options") or {})
    include_empty = bool(options.pop("include_empty_chapters", False))
    export_services.export_available(fmt)
    book = job_book(job, export_services.EXPORT_BOOK_FIELDS)
    owner = job.owner
    export_format = FORMATS[fmt]
    reporter.progress(1, "measuring the book", force=True)
    with tempfile.TemporaryFile() as out:
        count = export_services.export_render(
            book=book,
            owner=owner,
            fmt=fmt,
            include_empty=include_empty,
            options=options,
            deadline=reporter,
            out=out,
        )
        size = out.tell()
        out.seek(0)
        reporter.progress(96, "storing the file", force=True)
        reporter.check()
        filename, _ = export_services.content_disposition(book.title, export_format.extension)
        name = default_storage.save(export_storage_name(job.pk, export_format.extension), File(out))
    export_services.export_log(
        book=book,
        user=owner,
        fmt=fmt,
        include_empty=include_empty,
        size=size,
        count=count,
        options=options,
    )
    return Outcome(
        file=StoredFile(name=name, size=size, mime_type=export_format.mime_type, filename=filename)
    )
