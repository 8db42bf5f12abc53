"""Revision reads: a chapter's kept revisions (books.models.ChapterRevision) and the book
summary's, numbered from `Book.summary_history`.

Chapter revisions are read through the (book, chapter_id, -number) index: a page of the list
and one revision by number never scan. Summary revisions are numbered stably: an entry of the
history carries the `version` its text had (`summary_version` while it was current: written by
`books.services.summary` since revisions exist); an older entry without one is numbered by its
position, counting back from the first numbered entry (or from the current summary), which
gives the same numbers a versioned history would have had when every save added an entry, and
stays the same as the history grows and drops its oldest entries. The current summary's number
is `summary_version`. (A history written before `summary_version` existed counts back from 0:
its numbers can be 0 or negative.)"""

from books.models import Book, ChapterRevision
from books.services.revisions.writes import revision_key

REVISION_LIST_FIELDS = (
    "number",
    "author_id",
    "source",
    "word_count",
    "size",
    "created_at",
    "updated_at",
)


def chapter_revision_list(*, book: Book, chapter_id: str):
    """The revisions of a chapter, newest first, without their text (a queryset to page)."""
    return (
        ChapterRevision.objects.filter(book_id=book.pk, chapter_id=chapter_id)
        .order_by("-number")
        .only(*REVISION_LIST_FIELDS)
    )


def chapter_revision_get(*, book: Book, chapter_id: str, number: int) -> ChapterRevision | None:
    """One revision of a chapter with its text, by number (the unique key), or None."""
    key = revision_key(book_id=book.pk, chapter_id=chapter_id, number=number)
    return next(iter(ChapterRevision.objects.filter(unique_key=key)[:1]), None)


def chapter_revision_newest_number(*, book: Book, chapter_id: str) -> int | None:
    """The number of a chapter's newest revision, or None when it has none."""
    return (
        chapter_revision_list(book=book, chapter_id=chapter_id)
        .values_list("number", flat=True)
        .first()
    )


def summary_revisions(*, book: Book) -> list[dict]:
    """The summary's revisions, newest first: {number, summary, timestamp, current}. The current
    summary comes first (when there is one), then the history (see the module docstring for the
    numbers)."""
    history = [entry for entry in (book.summary_history or []) if isinstance(entry, dict)]
    numbers: list[int | None] = [entry.get("version") for entry in history]
    anchor = next((n for n in numbers if isinstance(n, int)), book.summary_version)
    first_numbered = next((i for i, n in enumerate(numbers) if isinstance(n, int)), len(history))
    revisions = []
    for index, entry in enumerate(history):
        number = numbers[index]
        if not isinstance(number, int):
            number = anchor - (first_numbered - index)
        revisions.append(
            {
                "number": number,
                "summary": entry.get("summary") or "",
                "timestamp": entry.get("timestamp"),
                "current": False,
            }
        )
    if book.summary:
        revisions.append(
            {
                "number": book.summary_version,
                "summary": book.summary,
                "timestamp": book.updated_at.isoformat() if book.updated_at else None,
                "current": True,
            }
        )
    return revisions[::-1]
