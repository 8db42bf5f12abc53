"""Restoring a revision: a normal save on top, so nothing is ever lost by a restore.

A chapter restore is `chapter_content_save` with the revision's text and source `restore`
(the same compare-and-swap and `expected_version` guard, 409 `version_conflict` when stale, the
same audit row, access log and read-cache invalidation as any content write), plus a
`chapter_revision_restore` audit row naming the revision. The text it replaces is already the
newest revision, except for content saved before revisions existed: that is kept first as a
`snapshot` revision. A summary restore goes through `book_summary_update` with its version
guard (the replaced summary goes to the history as any save's does) and writes a
`summary_revision_restore` audit row.
"""

from accounts.services.audit import audit_record
from autoauthor.core.errors import NotFound
from books import selectors
from books.models import Book, Chapter, RevisionSource
from books.selectors.revisions import (
    chapter_revision_get,
    chapter_revision_newest_number,
    summary_revisions,
)
from books.services import content as content_services
from books.services import summary as summary_services
from books.services.revisions.writes import chapter_revision_record
from books.services.toc import actor_id_of

REVISION_NOT_FOUND = "Revision not found"


def revision_not_found() -> NotFound:
    return NotFound(REVISION_NOT_FOUND, code="revision_not_found")


def chapter_revision_find(*, book: Book, chapter_id: str, number: int):
    """The revision `number` of a chapter the TOC lists (404 `chapter_not_found`, then 404
    `revision_not_found`)."""
    if selectors.toc_node_find(book.toc, chapter_id) is None:
        raise content_services.chapter_not_found()
    revision = chapter_revision_get(book=book, chapter_id=chapter_id, number=number)
    if revision is None:
        raise revision_not_found()
    return revision


def _snapshot_current(*, book: Book, chapter_id: str) -> None:
    """Keep the chapter's current text as a revision when none holds it yet (content written
    before revisions existed, or a revision lost to a crash between swap and record)."""
    chapter = next(iter(Chapter.objects.filter(book_id=book.pk, chapter_id=chapter_id)[:1]), None)
    if chapter is None or chapter.version == 0:
        return
    newest = chapter_revision_newest_number(book=book, chapter_id=chapter_id)
    if newest is None or newest < chapter.version:
        chapter_revision_record(
            chapter=chapter, previous=chapter.version, source=RevisionSource.SNAPSHOT, actor=None
        )


def chapter_revision_restore(
    *, book: Book, chapter_id: str, number: int, expected_version: int | None, actor
) -> tuple[Chapter, int]:
    """Make revision `number` the chapter's content again, as a new save on top (see the module
    docstring). Returns the saved chapter and the restored revision's number."""
    revision = chapter_revision_find(book=book, chapter_id=chapter_id, number=number)
    _snapshot_current(book=book, chapter_id=chapter_id)
    chapter = content_services.chapter_content_save(
        book=book,
        chapter_id=chapter_id,
        content=revision.content,
        expected_version=expected_version,
        actor=actor,
        source=RevisionSource.RESTORE,
    )
    content_services.chapter_audit_record(
        action="chapter_revision_restore",
        book=book,
        chapter_id=chapter_id,
        changes={
            "restored_revision": revision.number,
            "version": [chapter.version - 1, chapter.version],
        },
        actor=actor,
    )
    return chapter, revision.number


def summary_revision_find(*, book: Book, number: int) -> dict:
    """The summary revision `number` (404 `revision_not_found`)."""
    found = next((r for r in summary_revisions(book=book) if r["number"] == number), None)
    if found is None:
        raise revision_not_found()
    return found


def summary_revision_restore(
    *, book: Book, number: int, expected_version: int | None, actor
) -> Book:
    """Make summary revision `number` the summary again through `book_summary_update` (its
    rules apply: a text today's rules refuse is 400; a stale `expected_version` is 409
    `version_conflict`). Restoring the current text writes nothing. Returns the book."""
    revision = summary_revision_find(book=book, number=number)
    text = summary_services.summary_validate(summary=revision["summary"], partial=False)
    before = book.summary_version
    book = summary_services.book_summary_update(
        book=book, summary=text, expected_version=expected_version
    )
    if book.summary_version != before:
        audit_record(
            action="summary_revision_restore",
            resource_type="book",
            target_id=str(book.pk),
            book_id=str(book.pk),
            changes={
                "restored_revision": number,
                "summary_version": [before, book.summary_version],
            },
            actor_id=actor_id_of(actor),
        )
    return book
