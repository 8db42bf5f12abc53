"""Search reads: the index entries that hold a query's terms, and the live text of the hits."""

from __future__ import annotations

from django.db import connection

from books.models import Book, Chapter
from books.selectors import toc_iter_nodes
from questions.models import QuestionResponse
from search.models import EntryKind, SearchEntry
from search.text import Clause, html_text

PREFIX_END = "\uffff"
ENTRY_PROJECTION = {
    "book_id": 1,
    "kind": 1,
    "chapter_id": 1,
    "question_id": 1,
    "positions": 1,
    "length": 1,
}


def _term_condition(term: str, *, prefix: bool) -> dict:
    if not prefix:
        return {"terms": term}
    # $elemMatch: both bounds on the same array element (separate $gte/$lt would each match
    # any element). On MongoDB this is a range scan of the (book_id, terms) index.
    return {"terms": {"$elemMatch": {"$gte": term, "$lt": term + PREFIX_END}}}


def entries_matching(*, book_ids: list, clauses: list[Clause]) -> list[dict]:
    """The entries of the books `book_ids` that hold every term of `clauses` (the last term of
    a prefix clause as a prefix), without their term lists: one indexed command. Phrases are
    only candidates here; their positions are checked by the caller."""
    if not book_ids or not clauses:
        return []
    conditions = []
    for clause in clauses:
        *head, last = clause.terms
        conditions.extend(_term_condition(term, prefix=False) for term in head)
        conditions.append(_term_condition(last, prefix=clause.prefix))
    query = {"book_id": {"$in": list(book_ids)}, "$and": conditions}
    collection = connection.database[SearchEntry._meta.db_table]
    return list(collection.find(query, ENTRY_PROJECTION))


def hit_books(*, book_ids) -> dict:
    """{book pk: live book (title, description, summary, TOC)} of `book_ids`: one read."""
    books = Book.objects.filter(pk__in=list(book_ids), deleted_at=None)
    return {book.pk: book for book in books.only("title", "description", "summary", "toc")}


def hit_chapter_texts(*, pairs: set[tuple]) -> dict:
    """{(book pk, chapter id): visible text of the chapter's content} for `pairs`: one read."""
    if not pairs:
        return {}
    rows = Chapter.objects.filter(
        book_id__in=list({book for book, _ in pairs}),
        chapter_id__in=list({chapter for _, chapter in pairs}),
    ).values_list("book_id", "chapter_id", "content")
    return {(b, c): html_text(content) for b, c, content in rows if (b, c) in pairs}


def hit_answer_texts(*, question_ids: set) -> dict:
    """{question pk: the book's answer text} for `question_ids`: one read."""
    if not question_ids:
        return {}
    rows = QuestionResponse.objects.filter(question_id__in=list(question_ids))
    return dict(rows.values_list("question_id", "response_text"))


def toc_nodes(book: Book) -> dict[str, dict]:
    """{chapter id: TOC node} of every chapter the book's TOC lists."""
    nodes = (node for node, _, _ in toc_iter_nodes(book.toc))
    return {node["id"]: node for node in nodes if isinstance(node.get("id"), str)}


BOOK_FIELD_ATTRIBUTES = {
    EntryKind.TITLE: "title",
    EntryKind.DESCRIPTION: "description",
    EntryKind.SUMMARY: "summary",
}
NODE_FIELD_KEYS = {EntryKind.CHAPTER_TITLE: "title", EntryKind.CHAPTER_DESCRIPTION: "description"}
