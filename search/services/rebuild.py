"""Rebuilding the search index for operators (`manage.py reindex_search`): the books of one
user or of everyone, in batches, and the removal of entries whose book is gone."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

from books.models import Book
from books.selectors import readable_book_ids
from search.models import SearchEntry
from search.services.indexing import BOOK_INDEX_FIELDS, books_reindex

BATCH_BOOKS = 10


def search_index_rebuild(
    *, user=None, force: bool = False, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Re-index the live books `user` may read (every live book when `user` is None), BATCH_BOOKS
    at a time; `force` drops their entries first (after a change of the text rules). Without a
    user, entries of books that no longer exist (or are being deleted) are removed. Returns
    {"books", "entries", "orphans"}; `progress(done, total)` after each batch."""
    queryset = Book.objects.filter(deleted_at=None)
    book_ids = readable_book_ids(user) if user is not None else list(
        queryset.order_by("pk").values_list("pk", flat=True)
    )  # fmt: skip
    collection = connection.database[SearchEntry._meta.db_table]
    written = 0
    for start in range(0, len(book_ids), BATCH_BOOKS):
        batch = book_ids[start : start + BATCH_BOOKS]
        if force:
            collection.delete_many({"book_id": {"$in": batch}})
        books = list(queryset.filter(pk__in=batch).only(*BOOK_INDEX_FIELDS))
        written += books_reindex(books=books)
        if progress is not None:
            progress(min(start + BATCH_BOOKS, len(book_ids)), len(book_ids))
    orphans = 0
    if user is None:
        indexed = set(SearchEntry.objects.values_list("book_id", flat=True).distinct())
        gone = sorted(indexed - set(book_ids), key=str)
        if gone:
            orphans = collection.delete_many({"book_id": {"$in": gone}}).deleted_count
    return {"books": len(book_ids), "entries": written, "orphans": orphans}
