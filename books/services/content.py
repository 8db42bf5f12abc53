"""Chapter content autosave (a compare-and-swap on the chapter's own document), tab state, and
the helpers every chapter write shares: access logs, audit rows, the 404."""

import logging
from typing import Any

from django.db import DatabaseError
from django.db.models import F
from django.utils import timezone

from accounts.services.audit import audit_record
from autoauthor.core.errors import Conflict, NotFound
from autoauthor.queries import one_or_none
from books.export.document import content_stats
from books.models import (
    AccessType,
    Book,
    Chapter,
    ChapterAccessLog,
    ChapterStatus,
    RevisionSource,
    chapter_status_normalize,
)
from books.read_cache import invalidates
from books.rules import saved_reading_time, word_count
from books.selectors import CHAPTER_NOT_FOUND, toc_node_find
from books.services.revisions.writes import chapter_revision_record
from books.services.toc import actor_id_of, chapter_document_ensure

logger = logging.getLogger("books.chapters")

CONTENT_CONFLICT = "The chapter content has been modified elsewhere. Please reload and try again."
CONTENT_SAVE_ATTEMPTS = 25


def chapter_not_found() -> NotFound:
    return NotFound(CHAPTER_NOT_FOUND, code="chapter_not_found")


def status_after_save(status: str, words: int) -> str:
    """Automatic status step of a content save (§3.4): draft → in_progress above 100 words,
    in_progress → completed above 500 words; one step per save, never down. A status stored in
    the reference's spelling (`in-progress`) is read as `in_progress`."""
    status = chapter_status_normalize(status)
    if status == ChapterStatus.DRAFT and words > 100:
        return ChapterStatus.IN_PROGRESS
    if status == ChapterStatus.IN_PROGRESS and words > 500:
        return ChapterStatus.COMPLETED
    return status


def access_log_record(
    *,
    user,
    book: Book,
    chapter_id: str,
    access_type: str,
    metadata: dict | None = None,
    tab_order: list | None = None,
    best_effort: bool = False,
) -> ChapterAccessLog | None:
    """Insert one chapter access log. Reads of content log `best_effort` (a failed insert is
    logged and ignored, the reader still gets the content); writes let the failure surface."""
    try:
        return ChapterAccessLog.objects.create(
            user_id=user.pk,
            book_id=book.pk,
            chapter_id=chapter_id,
            access_type=access_type,
            metadata=metadata or {},
            tab_order=tab_order,
        )
    except DatabaseError:
        if not best_effort:
            raise
        logger.warning("Could not record %s access log for book %s", access_type, book.pk)
        return None


def chapter_audit_record(*, action: str, book: Book, chapter_id: str, changes: dict, actor) -> None:
    """An audit row about one chapter: resource_type "chapter", target = the book id (chapter rows
    are listed with the book's), the chapter id first in `changes`."""
    audit_record(
        action=action,
        resource_type="chapter",
        target_id=str(book.pk),
        book_id=str(book.pk),
        changes={"chapter_id": chapter_id, **changes},
        actor_id=actor_id_of(actor),
    )


def _content_fields(
    content: str, chapter: Chapter, *, stats: tuple[bool, int], auto_update_metadata: bool, now
) -> dict:
    """The fields a content save writes: the content and its export counts (`stats`), and with
    `auto_update_metadata` the word count, reading time and automatic status step."""
    has_visible_content, visible_words = stats
    fields: dict[str, Any] = {
        "content": content,
        "updated_at": now,
        "visible_word_count": visible_words,
        "has_visible_content": has_visible_content,
    }
    if auto_update_metadata:
        words = word_count(content)
        fields.update(
            word_count=words,
            last_modified=now,
            estimated_reading_time=saved_reading_time(words),
            status=status_after_save(chapter.status, words),
        )
    return fields


def _content_swap(
    *, book: Book, chapter_id: str, content: str, expected_version, auto_update_metadata: bool
) -> tuple[Chapter, int, int]:
    """The compare-and-swap of a content save on the chapter's `version` (and status), retried
    on a concurrent write when no `expected_version` was given. Returns the saved chapter, the
    old content length and the old version; a stale version is 409 `version_conflict`."""
    stats = content_stats(content)
    for _ in range(CONTENT_SAVE_ATTEMPTS):
        chapter = chapter_document_ensure(book=book, chapter_id=chapter_id)
        if expected_version is not None and chapter.version != expected_version:
            raise Conflict(
                CONTENT_CONFLICT, code="version_conflict", current_version=chapter.version
            )
        fields = _content_fields(
            content,
            chapter,
            stats=stats,
            auto_update_metadata=auto_update_metadata,
            now=timezone.now(),
        )
        # The status is part of the swap condition: a bulk-status change since the read makes
        # the automatic step be recomputed instead of overwriting it.
        updated = Chapter.objects.filter(
            pk=chapter.pk, version=chapter.version, status=chapter.status
        ).update(version=F("version") + 1, **fields)
        if updated:
            old_length, old_version = len(chapter.content), chapter.version
            for key, value in fields.items():
                setattr(chapter, key, value)
            chapter.version = old_version + 1
            return chapter, old_length, old_version
    current = one_or_none(Chapter.objects.filter(book_id=book.pk, chapter_id=chapter_id))
    raise Conflict(
        CONTENT_CONFLICT,
        code="version_conflict",
        current_version=current.version if current else 0,
    )


@invalidates
def chapter_content_save(
    *,
    book: Book,
    chapter_id: str,
    content: str,
    expected_version: int | None,
    auto_update_metadata: bool = True,
    actor,
    source: str = RevisionSource.AUTOSAVE,
) -> Chapter:
    """Save a chapter's content (the editor's autosave) with a compare-and-swap on the chapter's
    own `version`, so saves to different chapters never touch each other and two saves of the
    same chapter from the same `expected_version` give one success and one 409
    `version_conflict` (with `current_version`). Without `expected_version` the save applies to
    whatever version is current.

    With `auto_update_metadata` it also sets `word_count` (whitespace words), `last_modified`,
    `estimated_reading_time` (`books.rules.saved_reading_time`) and takes one automatic status
    step (§3.4).
    Whatever `auto_update_metadata` says, it stores what an export sees in the content
    (`visible_word_count`, `has_visible_content`: `content_stats`, the export's own definition),
    so export stats and chapter selection never parse the HTML again.
    The chapter must be listed by the TOC (404 "Chapter not found"). Also bumps the book's
    `updated_at` (not its TOC version) and writes a `chapter_content_update` audit row (content by
    length) and an `update_content` access log, and keeps the new text as a revision of
    `source` (`books.services.revisions`: one more command, autosaves collapse). Returns the
    saved Chapter."""
    if toc_node_find(book.toc, chapter_id) is None:
        raise chapter_not_found()
    chapter, old_length, old_version = _content_swap(
        book=book,
        chapter_id=chapter_id,
        content=content,
        expected_version=expected_version,
        auto_update_metadata=auto_update_metadata,
    )
    chapter_revision_record(chapter=chapter, previous=old_version, source=source, actor=actor)
    Book.objects.filter(pk=book.pk).update(updated_at=chapter.updated_at)
    _content_save_trail(
        book=book,
        chapter=chapter,
        old_length=old_length,
        old_version=old_version,
        auto_update_metadata=auto_update_metadata,
        actor=actor,
    )
    return chapter


def _content_save_trail(
    *, book: Book, chapter: Chapter, old_length: int, old_version: int, auto_update_metadata, actor
) -> None:
    """The `update_content` access log (best effort) and the `chapter_content_update` audit row
    (content by length) of a content save."""
    now = chapter.updated_at
    access_log_record(
        user=actor,
        book=book,
        chapter_id=chapter.chapter_id,
        access_type=AccessType.UPDATE_CONTENT,
        metadata={
            "content_length": len(chapter.content),
            "auto_updated_metadata": auto_update_metadata,
            "update_timestamp": now.isoformat(),
        },
        best_effort=True,
    )
    changes: dict[str, Any] = {
        "content": [old_length, len(chapter.content)],
        "version": [old_version, chapter.version],
    }
    chapter_audit_record(
        action="chapter_content_update",
        book=book,
        chapter_id=chapter.chapter_id,
        changes=changes,
        actor=actor,
    )


def tab_state_save(
    *, book: Book, user, active_chapter_id: str, open_tab_ids: list, tab_order: list
) -> ChapterAccessLog:
    """Save the editor's tab state as a `tab_state` access log (the latest one is the state).
    Shape rules (at most 20 open tabs, no duplicates, tab_order covers every open tab) are checked
    by the input serializer; ids are not checked against the TOC (the reference does not)."""
    return access_log_record(
        user=user,
        book=book,
        chapter_id=active_chapter_id,
        access_type=AccessType.TAB_STATE,
        metadata={
            "active_chapter_id": active_chapter_id,
            "open_tab_ids": open_tab_ids,
            "tab_order": tab_order,
        },
        tab_order=tab_order,
    )
