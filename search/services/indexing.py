"""Keeping the search index current: the entries of a book are rebuilt from its documents when
they may have changed, field by field.

Writes do not touch the index (no extra MongoDB command on any write path). Every write to a
book already replaces the book's generation token in Redis (books.read_cache, once per write;
answer saves do too). Before a query answers, `search_index_refresh` compares each readable
book's token with the one it saw when it last refreshed that book: only books written since
are read again, and of those only fields whose text changed (a hash per entry) are re-indexed.

The token is read *before* the book's documents, so a write that lands during a refresh leaves
a newer token behind and the next query refreshes again. Without Redis every query refreshes
every readable book (correct, slower). A refresh is also repeated after SEEN_SECONDS whatever
the token says, which bounds how long a write no service made (a shell, a process killed
between its write and its token) can stay invisible to search.
"""

from __future__ import annotations

import hashlib

from django.db import connection
from pymongo import UpdateOne
from pymongo.errors import BulkWriteError

from autoauthor import redis_cache
from books import read_cache
from books.models import Book, Chapter
from books.selectors import toc_iter_nodes
from questions.models import Question, QuestionResponse
from search.models import EntryKind, SearchEntry
from search.text import html_text, terms_positions

SEEN_SECONDS = 900
DUPLICATE_KEY = 11000


def _seen_key(book_id) -> str:
    return f"search:seen:{book_id}"


def _field(kind, book_id, text, *, chapter_id="", question_id=None) -> dict:
    suffix = "".join(f":{part}" for part in (chapter_id, question_id) if part)
    return {
        "key": f"{book_id}:{kind}{suffix}",
        "book_id": book_id,
        "kind": str(kind),
        "chapter_id": chapter_id,
        "question_id": question_id,
        "text": text or "",
    }


CHAPTER_NODE_FIELDS = (
    (EntryKind.CHAPTER_TITLE, "title"),
    (EntryKind.CHAPTER_DESCRIPTION, "description"),
)


def _book_fields(book: Book) -> list[dict]:
    fields = [
        _field(EntryKind.TITLE, book.pk, book.title),
        _field(EntryKind.DESCRIPTION, book.pk, book.description),
        _field(EntryKind.SUMMARY, book.pk, book.summary),
    ]
    for node, _, _ in toc_iter_nodes(book.toc):
        chapter_id = node.get("id")
        if not isinstance(chapter_id, str) or not chapter_id:
            continue
        for kind, name in CHAPTER_NODE_FIELDS:
            value = node.get(name)
            text = value if isinstance(value, str) else ""
            fields.append(_field(kind, book.pk, text, chapter_id=chapter_id))
    return fields


def searchable_fields(books: list[Book]) -> list[dict]:
    """Every searchable field of `books` (live documents only; chapters the TOC lists), each
    with its entry key and text. At most three reads whatever the number of books: chapters,
    questions and answers."""
    fields = [field for book in books for field in _book_fields(book)]
    listed = {(f["book_id"], f["chapter_id"]) for f in fields if f["kind"] == "chapter_title"}
    book_ids = [book.pk for book in books]
    chapters = Chapter.objects.filter(book_id__in=book_ids).values_list(
        "book_id", "chapter_id", "content"
    )
    for book_id, chapter_id, content in chapters:
        if (book_id, chapter_id) in listed:
            fields.append(
                _field(EntryKind.CONTENT, book_id, html_text(content), chapter_id=chapter_id)
            )
    questions = {
        pk: (book_id, chapter_id)
        for pk, book_id, chapter_id in Question.objects.filter(book_id__in=book_ids).values_list(
            "pk", "book_id", "chapter_id"
        )
    }
    # The book's answers (one per question): every reader of the book finds them, whoever
    # saved them, so an entry names no user.
    answers = (
        QuestionResponse.objects.filter(question_id__in=list(questions)).values_list(
            "question_id", "response_text"
        )
        if questions
        else []
    )
    for question_id, text in answers:
        book_id, chapter_id = questions[question_id]
        if (book_id, chapter_id) in listed:
            fields.append(
                _field(
                    EntryKind.ANSWER, book_id, text, chapter_id=chapter_id, question_id=question_id
                )
            )
    # An empty field has no entry: nothing can match it.
    return [field for field in fields if field["text"].strip()]


# Part of every digest: changing the text rules (search.text) or the entry shape and this
# number re-indexes every field at its book's next refresh.
INDEX_VERSION = 2  # 2: answers are the book's (no user in their entries)


def _digest(field: dict) -> str:
    identity = f"{INDEX_VERSION}\n{field['text']}"
    return hashlib.sha256(identity.encode()).hexdigest()


def _entry_document(field: dict) -> dict:
    positions, length = terms_positions(field["text"])
    document = {name: field[name] for name in ("book_id", "kind", "chapter_id", "question_id")}
    return document | {
        "user_id": None,  # entries before INDEX_VERSION 2 named an answer's author
        "digest": _digest(field),
        "terms": sorted(positions),
        "positions": SearchEntry._meta.get_field("positions").get_prep_value(positions),
        "length": length,
    }


# One bulk write carries at most about this much entry data: the embedded server stalls past
# the socket timeout (and once died) on bulk writes of several megabytes.
BULK_BYTES = 256 * 1024


def _upsert(collection, operations: list) -> None:
    try:
        collection.bulk_write(operations, ordered=False)
    except BulkWriteError as error:
        # Two refreshes inserting the same new entry: the unique key kept one, equal to ours.
        if any(e.get("code") != DUPLICATE_KEY for e in error.details.get("writeErrors", [])):
            raise


def _entries_write(changed: list[dict], removed: list[str]) -> None:
    collection = connection.database[SearchEntry._meta.db_table]
    operations, size = [], 0
    for field in changed:
        document = _entry_document(field)
        operations.append(UpdateOne({"key": field["key"]}, {"$set": document}, upsert=True))
        size += len(document["positions"]) + 8 * len(document["terms"])
        if size >= BULK_BYTES:
            _upsert(collection, operations)
            operations, size = [], 0
    if operations:
        _upsert(collection, operations)
    if removed:
        collection.delete_many({"key": {"$in": removed}})


def books_reindex(*, books: list[Book]) -> int:
    """Bring the entries of `books` (live books, loaded with title, description, summary and
    TOC) in line with their documents: changed fields re-indexed, fields that no longer exist
    (deleted chapters, answers) removed. Returns the number of entries written or removed."""
    if not books:
        return 0
    fields = searchable_fields(books)
    stored = dict(
        SearchEntry.objects.filter(book_id__in=[book.pk for book in books]).values_list(
            "key", "digest"
        )
    )
    changed = [f for f in fields if stored.get(f["key"]) != _digest(f)]
    removed = sorted(set(stored) - {f["key"] for f in fields})
    _entries_write(changed, removed)
    return len(changed) + len(removed)


BOOK_INDEX_FIELDS = ("title", "description", "summary", "toc", "owner_id")


def search_index_refresh(*, book_ids: list) -> int:
    """Re-index whichever of the live books `book_ids` may have changed since this was last
    done for them (see the module docstring). Returns the number of books read again."""
    tokens = read_cache.book_generations(book_ids)
    stale = list(book_ids)
    if tokens is not None:
        seen = redis_cache.call(
            redis_cache.client().mget, [_seen_key(book_id) for book_id in book_ids], default=None
        )
        if seen is not None:
            stale = [b for b, s in zip(book_ids, seen, strict=True) if s != tokens[str(b)]]
    if not stale:
        return 0
    books = list(Book.objects.filter(pk__in=stale, deleted_at=None).only(*BOOK_INDEX_FIELDS))
    books_reindex(books=books)
    if tokens is not None:

        def remember():
            pipe = redis_cache.client().pipeline(transaction=False)
            for book_id in stale:
                pipe.set(_seen_key(book_id), tokens[str(book_id)], ex=SEEN_SECONDS)
            pipe.execute()

        redis_cache.call(remember)
    return len(stale)


def search_entries_delete(*, book_id) -> None:
    """Remove every entry of the book `book_id` (the book is gone)."""
    connection.database[SearchEntry._meta.db_table].delete_many({"book_id": book_id})
