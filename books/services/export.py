"""Book export: rules of GET /books/{id}/export/<format> and /export/formats.

- Chapters are the TOC in pre-order (see books.export.document for selection and numbering).
  No chapters at all -> 400 EXPORT_NO_CHAPTERS; chapters but none with visible content while
  empty chapters are excluded -> 400 EXPORT_NO_CONTENT (messages of the reference).
- Generation runs on a small dedicated thread pool (EXPORT_MAX_WORKERS threads) under
  settings.EXPORT_TIMEOUT_SECONDS, counted from the request; past it the caller gets 504
  EXPORT_TIMEOUT and the job is told to stop: renderers check the same deadline between chapters
  and pages and abandon the work, so a timed-out export does not keep a worker busy.
- The output is written to a SpooledTemporaryFile (memory up to SPOOL_MAX_BYTES, disk beyond),
  which the response streams and closes.
- Layout (PDF, DOCX, EPUB): `template_id`, `custom_options` and, for PDF, `page_size` resolve
  to one `books.export.layout.Layout` before anything is read or rendered (an unknown template
  or a bad option is 400 at once; rules in that module). Markdown takes none of them.
- The author printed (name and bio) is the book owner's profile, whoever exports.
- Each successful export writes one ChapterAccessLog row: access_type export_<format>,
  chapter_id "export" (the log's chapter_id is required; the export covers the whole book, so a
  fixed marker that no TOC chapter id can take is stored), metadata {format, chapters_exported,
  include_empty_chapters, size_bytes[, page_size][, template_id][, custom_options]}. The
  reference tried to store None there and silently lost every row.
"""

from __future__ import annotations

import logging
import tempfile
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.db import close_old_connections

from autoauthor.core.errors import (
    DomainError,
    Failed,
    GatewayTimeout,
    Invalid,
    ServiceUnavailable,
)
from books.export import FORMATS, Deadline, ExportCancelled
from books.export.options import export_options
from books.export.source import BookExportSource, book_export_stats
from books.export.templates import template_specs
from books.models import AccessType, ChapterAccessLog

logger = logging.getLogger("autoauthor.export")

EXPORT_NO_CHAPTERS = (
    "This book has no chapters to export. Generate a table of contents and add some content first."
)
EXPORT_NO_CONTENT = (
    "This book has no chapter content yet. Add content to at least one chapter, or enable "
    "'Include empty chapters' to export the outline."
)
EXPORT_TIMEOUT = (
    "Export took too long and was stopped. This usually happens with very large books — try "
    "exporting fewer chapters, or try again in a moment."
)
EXPORT_LOG_CHAPTER_ID = "export"
# Book fields an export reads (the book's projection).
EXPORT_BOOK_FIELDS = ("title", "subtitle", "description", "genre", "target_audience", "toc")
EXPORT_MAX_WORKERS = 2
SPOOL_MAX_BYTES = 8 * 1024 * 1024
_LABELS = {"pdf": "PDF", "docx": "DOCX", "epub": "EPUB", "markdown": "Markdown"}
_ACCESS_TYPES = {
    "pdf": AccessType.EXPORT_PDF,
    "docx": AccessType.EXPORT_DOCX,
    "epub": AccessType.EXPORT_EPUB,
    "markdown": AccessType.EXPORT_MARKDOWN,
}

_executor = ThreadPoolExecutor(max_workers=EXPORT_MAX_WORKERS, thread_name_prefix="export")


class ExportFailed(Failed):
    """The renderer raised: 500 with a fixed message (the exception is logged, never echoed)."""

    code = "export_failed"


@dataclass
class ExportFile:
    file: IO[bytes]  # positioned at 0; the caller (the response) closes it
    size: int
    filename: str  # "<safe title>.<ext>"
    content_disposition: str
    mime_type: str
    chapters_exported: int


def safe_filename_stem(title: str | None) -> str:
    """The title keeping only letters, digits, spaces, "-" and "_", stripped; "untitled" when
    nothing is left. (Unicode letters count; see `content_disposition` for the ASCII form.)"""
    kept = "".join(c for c in (title or "") if c.isalnum() or c in " -_").strip()
    return kept or "untitled"


def content_disposition(title: str | None, extension: str) -> tuple[str, str]:
    """(filename, Content-Disposition value). `filename=` carries an ASCII-only safe title
    (accents folded: "Café" -> "Cafe"); when the Unicode safe title differs, RFC 6266
    `filename*=UTF-8''...` carries it too."""
    stem = safe_filename_stem(title)
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = safe_filename_stem(folded)
    value = f'attachment; filename="{ascii_stem}{extension}"'
    if ascii_stem != stem:
        value += f"; filename*=UTF-8''{quote(stem + extension)}"
    return f"{stem}{extension}", value


def export_render(
    *, book, owner, fmt: str, include_empty: bool, options: dict, deadline: Deadline, out: IO[bytes]
) -> int:
    """Check the 400 rules and render `book` as `fmt` into `out`, in the calling thread, under
    `deadline` only (no thread pool, no time limit of its own: `book_export` adds those, a
    background job its own). `options`: see `export_options`. Returns the number of chapters
    exported."""
    layout, _ = export_options(fmt=fmt, options=options)
    source = BookExportSource(book, owner=owner, deadline=deadline)
    if source.total_chapters == 0:
        raise Invalid(EXPORT_NO_CHAPTERS, code="export_no_chapters")
    if not include_empty and source.chapters_with_content == 0:
        raise Invalid(EXPORT_NO_CONTENT, code="export_no_content")
    document = source.document(include_empty=include_empty, layout=layout)
    FORMATS[fmt].render(document, out)
    return len(document.outline)


def export_available(fmt: str) -> None:
    """503 `export_unavailable` when the format's library is not installed."""
    export_format = FORMATS[fmt]
    if not export_format.available:
        raise ServiceUnavailable(
            f"{_LABELS[fmt]} export unavailable: {export_format.library} is not installed",
            code="export_unavailable",
        )


def export_log(
    *, book, user, fmt: str, include_empty: bool, size: int, count: int, options: dict
) -> None:
    """The access-log row of one successful export (module docstring)."""
    metadata = {
        "format": fmt,
        "chapters_exported": count,
        "include_empty_chapters": include_empty,
        "size_bytes": size,
        **options,
    }
    ChapterAccessLog.objects.create(
        user=user,
        book=book,
        chapter_id=EXPORT_LOG_CHAPTER_ID,
        access_type=_ACCESS_TYPES[fmt],
        metadata=metadata,
    )


def _generate(*, book, owner, fmt: str, include_empty: bool, options: dict, deadline: Deadline):
    """Worker: measure, check the 400 rules, render into a spooled file."""
    close_old_connections()
    try:
        out = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)
        try:
            count = export_render(
                book=book,
                owner=owner,
                fmt=fmt,
                include_empty=include_empty,
                options=options,
                deadline=deadline,
                out=out,
            )
            size = out.tell()
            out.seek(0)
        except BaseException:
            out.close()
            raise
        return out, size, count
    finally:
        close_old_connections()


def _discard(future) -> None:
    """Close the file of a job that finished after its caller gave up."""
    if not future.cancelled() and future.exception() is None:
        future.result()[0].close()


def book_export(*, book, user, fmt: str, include_empty: bool = False, **options) -> ExportFile:
    """Render `book` as `fmt` ("pdf", "docx", "epub", "markdown"; pdf takes page_size; pdf,
    docx and epub take template_id and custom_options) within EXPORT_TIMEOUT_SECONDS and
    record the export in the access log. Rules: module docstring."""
    export_format = FORMATS[fmt]
    label = _LABELS[fmt]
    export_available(fmt)
    _, options = export_options(fmt=fmt, options=options)
    timeout = float(settings.EXPORT_TIMEOUT_SECONDS)
    deadline = Deadline(timeout)
    future = _executor.submit(
        _generate,
        book=book,
        owner=user,
        fmt=fmt,
        include_empty=include_empty,
        options=options,
        deadline=deadline,
    )
    try:
        out, size, count = future.result(timeout=timeout)
    except (FutureTimeout, ExportCancelled):
        deadline.cancel()
        future.add_done_callback(_discard)
        raise GatewayTimeout(EXPORT_TIMEOUT, code="export_timeout") from None
    except DomainError:
        raise
    except Exception as exc:
        if _is_database_error(exc):
            raise
        logger.exception("%s export of book %s failed", label, book.pk)
        raise ExportFailed(f"Failed to generate {label}") from exc

    filename, disposition = content_disposition(book.title, export_format.extension)
    try:
        export_log(
            book=book,
            user=user,
            fmt=fmt,
            include_empty=include_empty,
            size=size,
            count=count,
            options=options,
        )
    except BaseException:
        out.close()
        raise
    return ExportFile(
        file=out,
        size=size,
        filename=filename,
        content_disposition=disposition,
        mime_type=export_format.mime_type,
        chapters_exported=count,
    )


def _is_database_error(exc: BaseException) -> bool:
    from autoauthor.core.database import is_database_unavailable

    return is_database_unavailable(exc)


def export_formats(*, book) -> dict:
    """The formats endpoint body: every format with its availability and options, the export
    templates, and the book's stats (flattened chapter count, chapters with visible content,
    words of the HTML-stripped content, pages at 300 words, at least 1 when there are words),
    from the counts each content save stored: one projected query, no chapter content read."""
    return {
        "formats": [
            {
                "format": f.format,
                "name": f.name,
                "description": f.description,
                "mime_type": f.mime_type,
                "extension": f.extension,
                "available": f.available,
                "options": f.options,
            }
            for f in FORMATS.values()
        ],
        "templates": template_specs(),
        "book_stats": book_export_stats(book=book),
    }


def export_templates() -> dict:
    """The templates endpoint body: every export template's spec (books.export.templates)."""
    return {"templates": template_specs()}
