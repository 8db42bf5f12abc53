"""The stored export counts of chapters (`Chapter.has_visible_content`, `visible_word_count`)
checked against their content, and repaired (`manage.py validate_data [--fix]`).

Every content save stores them with the content in one update (books.services.content), so they
disagree only with data written some other way: by hand, by a restore, by code older than
migration 0006 still running while it was applied. Checking reads every chapter's content, in
batches of COUNT_BATCH_SIZE documents (memory stays flat however large the collection); that is
the job of this maintenance command, never of a request.
"""

from collections import defaultdict
from collections.abc import Callable

from books.export.document import content_stats
from books.models import Chapter

COUNT_BATCH_SIZE = 100
_FIELDS = (
    "pk",
    "book_id",
    "chapter_id",
    "version",
    "content",
    "visible_word_count",
    "has_visible_content",
)


def chapter_counts_stale(
    *,
    batch_size: int = COUNT_BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, list[str]]:
    """{book id: [chapter ids]} of the chapter documents whose stored counts are not what
    `content_stats` gives for their content (documents in pk order, one query per batch);
    `progress(checked, total)` runs after each batch. Reads only."""
    total = Chapter.objects.count()
    stale: dict[str, list[str]] = defaultdict(list)
    checked, last_pk = 0, None
    while True:
        queryset = Chapter.objects.order_by("pk").only(*_FIELDS)
        if last_pk is not None:
            queryset = queryset.filter(pk__gt=last_pk)
        docs = list(queryset[:batch_size])
        if not docs:
            break
        last_pk = docs[-1].pk
        for doc in docs:
            if content_stats(doc.content) != (doc.has_visible_content, doc.visible_word_count):
                stale[str(doc.book_id)].append(doc.chapter_id)
        checked += len(docs)
        if progress is not None:
            progress(checked, total)
    return dict(stale)


def chapter_counts_refresh(*, book_id, chapter_ids) -> int:
    """Store the counts `content_stats` gives for the current content of those chapters of
    the book. Each update is a compare-and-swap on the chapter's `version`: a content save in
    between stored its own (right) counts and is never overwritten with older ones. Returns
    the number of documents updated (0 when they were right already)."""
    updated = 0
    docs = Chapter.objects.filter(book_id=book_id, chapter_id__in=list(chapter_ids)).only(*_FIELDS)
    for doc in docs:
        has_content, words = content_stats(doc.content)
        if (has_content, words) == (doc.has_visible_content, doc.visible_word_count):
            continue
        updated += Chapter.objects.filter(pk=doc.pk, version=doc.version).update(
            has_visible_content=has_content, visible_word_count=words
        )
    return updated
