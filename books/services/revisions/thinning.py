"""Thinning every chapter's revisions by age (`manage.py thin_revisions`), in bounded memory."""

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from books.models import ChapterRevision
from books.services.revisions.retention import keep_all_seconds, retention_tiers, revisions_to_drop
from books.services.revisions.writes import revisions_delete

THIN_BATCH_SIZE = 1000


def _old_revisions(now):
    """Revisions past the keep-all age, ordered chapter by chapter, newest first (the order of
    the (book, chapter_id, -number) index), with only what the tiers look at."""
    tiers = retention_tiers()
    cutoff = now - timedelta(seconds=min(keep_all_seconds(tiers), 10**9))
    return tiers, ChapterRevision.objects.filter(updated_at__lt=cutoff).order_by(
        "book_id", "chapter_id", "-number"
    )


def revisions_thin_count(*, now=None) -> int:
    """How many revisions are past the keep-all age (what `revisions_thin` will look at)."""
    _, rows = _old_revisions(now or timezone.now())
    return rows.count()


def revisions_thin(
    *,
    dry_run: bool = False,
    batch_size: int = THIN_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    now=None,
) -> tuple[int, int]:
    """Delete, in every chapter, the revisions the REVISION_RETENTION tiers no longer keep.
    Rows are streamed chapter by chapter (memory holds one chapter's old revisions' ids and
    dates) and deleted `batch_size` at a time; `progress(scanned)` runs after each chapter.
    With `dry_run` nothing is deleted. Returns (scanned, deleted or to delete)."""
    now = now or timezone.now()
    tiers, rows = _old_revisions(now)
    scanned = deleted = 0
    pending: list = []
    chapter, pairs = None, []

    def flush_chapter():
        nonlocal deleted
        drop = revisions_to_drop(tiers, pairs, now=now)
        deleted += len(drop)
        if not dry_run:
            pending.extend(drop)
        if progress is not None:
            progress(scanned)

    rows = rows.values_list("pk", "book_id", "chapter_id", "updated_at")
    for pk, book_id, chapter_id, written in rows.iterator(chunk_size=batch_size):
        if (book_id, chapter_id) != chapter:
            if chapter is not None:
                flush_chapter()
            chapter, pairs = (book_id, chapter_id), []
        pairs.append((pk, written))
        scanned += 1
        if len(pending) >= batch_size:
            revisions_delete(pending)
            pending = []
    if chapter is not None:
        flush_chapter()
    revisions_delete(pending)
    return scanned, deleted
