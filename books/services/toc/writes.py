"""Table-of-contents writes: the compare-and-swap every structural write goes through
(`toc_write`) and the Chapter documents that follow the structure.

Every write that changes the structure is one single-document compare-and-swap on the book
(`toc_version` = the version the change was computed from), so two writers never overwrite each
other: the loser gets 409 `version_conflict` when it sent `expected_version`, or recomputes its
change on the fresh TOC when it did not. Chapter documents are created and removed after the
swap: a reader only shows chapters the TOC lists, so a document left behind by an interrupted
write is invisible, and a chapter whose document is missing shows the defaults of a new one.
"""

import copy
import uuid
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError
from django.utils import timezone

from autoauthor.core.errors import Conflict, NotFound
from autoauthor.queries import one_or_none
from books.models import Book, Chapter, ChapterRevision
from books.read_cache import invalidates
from books.selectors import BOOK_NOT_FOUND

VERSION_CONFLICT = "The TOC has been modified by another user. Please refresh and try again."
TOC_WRITE_ATTEMPTS = 25  # writers without expected_version recompute on the fresh TOC this often


def now_iso() -> str:
    return timezone.now().isoformat()


def new_chapter_id() -> str:
    return uuid.uuid4().hex


def version_conflict(current_version: int) -> Conflict:
    return Conflict(VERSION_CONFLICT, code="version_conflict", current_version=current_version)


def actor_id_of(actor) -> str | None:
    pk = getattr(actor, "pk", None)
    return str(pk) if pk is not None else None


def toc_write(
    *,
    book: Book,
    expected_version: int | None,
    build: Callable[[dict | None, int], tuple[dict, Any]],
    build_mutates: bool = True,
) -> Any:
    """Apply one structural change to the book's TOC with a compare-and-swap on `toc_version`.

    `build(current_toc_copy, current_version)` returns `(new_toc, result)` and may raise (404,
    422...). With `expected_version` the change is computed once and a stale version is 409
    `version_conflict` (nothing written). Without it, a concurrent write makes the change be
    recomputed on the fresh TOC (a bounded number of times, then 409). The version only ever
    increases by one per write. On success the in-memory `book` carries the new TOC and version
    and `result` is returned. `build` gets a deep copy of the stored TOC to change in place,
    unless `build_mutates` is False (a `build` that only reads it and returns a new one).
    """
    for _ in range(TOC_WRITE_ATTEMPTS):
        current = book.toc_version
        if expected_version is not None and expected_version != current:
            raise version_conflict(current)
        current_toc = copy.deepcopy(book.toc) if build_mutates else book.toc
        new_toc, result = build(current_toc, current)
        now = timezone.now()
        updated = Book.objects.filter(pk=book.pk, toc_version=current, deleted_at=None).update(
            toc=new_toc, toc_version=current + 1, updated_at=now
        )
        if updated:
            book.toc, book.toc_version, book.updated_at = new_toc, current + 1, now
            return result
        fresh = one_or_none(
            Book.objects.filter(pk=book.pk, deleted_at=None).only("toc", "toc_version")
        )
        if fresh is None:
            raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
        book.toc, book.toc_version = fresh.toc, fresh.toc_version
    raise version_conflict(book.toc_version)


def chapter_document_ensure(*, book: Book, chapter_id: str) -> Chapter:
    """The Chapter document of `chapter_id`, created (empty, draft, version 0) when missing.
    Race-safe: the unique (book, chapter_id) constraint makes a concurrent second insert fail,
    and the loser reads the winner's document."""
    chapter = one_or_none(Chapter.objects.filter(book_id=book.pk, chapter_id=chapter_id))
    if chapter is not None:
        return chapter
    try:
        return Chapter.objects.create(book_id=book.pk, chapter_id=chapter_id)
    except IntegrityError:
        return Chapter.objects.get(book_id=book.pk, chapter_id=chapter_id)


def chapter_documents_create_missing(*, book: Book, chapter_ids, existing=None) -> None:
    """Create the Chapter documents of `chapter_ids` that do not exist yet (one bulk insert; on a
    concurrent insert of the same id, falls back to `chapter_document_ensure` per id)."""
    if existing is None:
        existing = set(
            Chapter.objects.filter(book_id=book.pk, chapter_id__in=list(chapter_ids)).values_list(
                "chapter_id", flat=True
            )
        )
    missing = [cid for cid in chapter_ids if cid not in existing]
    if not missing:
        return
    try:
        Chapter.objects.bulk_create([Chapter(book_id=book.pk, chapter_id=cid) for cid in missing])
    except IntegrityError:
        for cid in missing:
            chapter_document_ensure(book=book, chapter_id=cid)


@invalidates
def chapter_documents_delete(*, book: Book, chapter_ids) -> int:
    """Delete the Chapter documents of `chapter_ids` through Django's collector, so whatever
    cascades from a Chapter (its questions, once they exist) goes with it, then the chapters'
    revisions (keyed by chapter id, not a foreign key: one command, nothing cascades from them;
    a chapter re-created with the same id starts a fresh history)."""
    chapter_ids = list(chapter_ids)
    if not chapter_ids:
        return 0
    deleted, _ = Chapter.objects.filter(book_id=book.pk, chapter_id__in=chapter_ids).delete()
    revisions = ChapterRevision.objects.filter(book_id=book.pk, chapter_id__in=chapter_ids)
    revisions._raw_delete(revisions.db)
    return deleted
