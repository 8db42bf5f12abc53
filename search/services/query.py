"""The one search service: `search_run` answers a query over the books a user may read.

Matching: every clause of the query (word, prefix, phrase; search.text) must match in the same
field. Ranking is BM25-like per field: each clause's matches saturate (k1) and are normalised by
the field's length against the mean length of the matching fields (b), then multiplied by the
field's weight (a title match outranks a chapter title match, which outranks a summary or a
description, which outranks content and answers). Ties keep a stable order (book, field,
chapter).

What a hit shows is always cut from the live documents, never from the index: a hit whose book,
chapter or answer is gone, or whose current text no longer matches, is dropped. So a deleted
book's or chapter's text is never returned, even before the index has caught up.
"""

from __future__ import annotations

from autoauthor.core.errors import NotFound, ValidationFailed
from autoauthor.core.ids import parse_object_id
from books.selectors import BOOK_NOT_FOUND, readable_book_ids
from search import selectors
from search.models import EntryKind
from search.services.indexing import search_index_refresh
from search.text import Clause, clause_starts, query_parse, snippet, stored_positions

WEIGHTS = {
    EntryKind.TITLE: 8.0,
    EntryKind.CHAPTER_TITLE: 5.0,
    EntryKind.SUMMARY: 2.5,
    EntryKind.DESCRIPTION: 2.5,
    EntryKind.CHAPTER_DESCRIPTION: 2.0,
    EntryKind.CONTENT: 1.0,
    EntryKind.ANSWER: 1.0,
}
KIND_ORDER = {kind: index for index, kind in enumerate(WEIGHTS)}
K1 = 1.2
B = 0.75
LIMIT_DEFAULT = 20
LIMIT_MAX = 50


def _scored(entries: list[dict], clauses: list[Clause]) -> list[tuple[float, dict]]:
    """(score, entry) of the entries where every clause matches (phrases checked against the
    stored positions). Answers are the book's: every reader of the book finds them."""
    matching = []
    for entry in entries:
        positions = stored_positions(entry["positions"], clauses)
        starts = [clause_starts(clause, positions) for clause in clauses]
        if all(starts):
            entry["first"] = min(found[0] for found in starts)
            matching.append(([len(found) for found in starts], entry))
    if not matching:
        return []
    mean_length = sum(max(entry["length"], 1) for _, entry in matching) / len(matching)
    scored = []
    for counts, entry in matching:
        norm = K1 * (1 - B + B * max(entry["length"], 1) / mean_length)
        score = sum(count * (K1 + 1) / (count + norm) for count in counts)
        entry["matches"] = sum(counts)
        scored.append((round(score * WEIGHTS.get(entry["kind"], 1.0), 4), entry))
    scored.sort(
        key=lambda item: (
            -item[0],
            str(item[1]["book_id"]),
            KIND_ORDER.get(item[1]["kind"], 99),
            item[1]["chapter_id"],
        )
    )
    return scored


def _live_text(entry: dict, book, nodes: dict, chapters: dict, answers: dict) -> str | None:
    """The current text of the field `entry` indexed, None when it no longer exists."""
    kind, chapter_id = entry["kind"], entry["chapter_id"]
    if kind in selectors.BOOK_FIELD_ATTRIBUTES:
        return getattr(book, selectors.BOOK_FIELD_ATTRIBUTES[kind]) or ""
    if chapter_id not in nodes:
        return None  # the chapter was deleted
    if kind in selectors.NODE_FIELD_KEYS:
        value = nodes[chapter_id].get(selectors.NODE_FIELD_KEYS[kind])
        return value if isinstance(value, str) else ""
    if kind == EntryKind.CONTENT:
        return chapters.get((entry["book_id"], chapter_id))
    return answers.get(entry["question_id"])


def _hits(scored: list[tuple[float, dict]], clauses: list[Clause], limit: int) -> list:
    """The first `limit` hits of `scored` whose live text still matches, with their snippets.
    Three reads at most (books, chapters, answers) for the candidates considered."""
    candidates = scored[: limit * 2]
    books = selectors.hit_books(book_ids={entry["book_id"] for _, entry in candidates})
    chapters = selectors.hit_chapter_texts(
        pairs={
            (entry["book_id"], entry["chapter_id"])
            for _, entry in candidates
            if entry["kind"] == EntryKind.CONTENT and entry["book_id"] in books
        }
    )
    answers = selectors.hit_answer_texts(
        question_ids={e["question_id"] for _, e in candidates if e["kind"] == EntryKind.ANSWER}
    )
    nodes = {pk: selectors.toc_nodes(book) for pk, book in books.items()}
    hits = []
    for score, entry in candidates:
        book = books.get(entry["book_id"])
        if book is None:
            continue  # deleted since it was indexed
        text = _live_text(entry, book, nodes[book.pk], chapters, answers)
        cut, matches = snippet(text or "", clauses, first=entry["first"])
        if not matches:
            continue  # gone, or changed since it was indexed
        if matches < 0:
            matches = entry["matches"]  # the text is as indexed
        node = nodes[book.pk].get(entry["chapter_id"]) if entry["chapter_id"] else None
        hits.append(
            {
                "book_id": book.pk,
                "book_title": book.title,
                "chapter_id": entry["chapter_id"] or None,
                "chapter_title": node.get("title") if node else None,
                "field": entry["kind"],
                "question_id": entry.get("question_id"),
                "score": score,
                "matches": matches,
                "snippet": cut,
            }
        )
        if len(hits) == limit:
            break
    return hits


def _search_books(*, user, book_id) -> list:
    readable = readable_book_ids(user)
    if book_id is None:
        return readable
    oid = parse_object_id(book_id)
    if oid is None or oid not in set(readable):
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    return [oid]


def search_run(*, user, query: str, book_id=None, limit: int = LIMIT_DEFAULT) -> dict:
    """The fields of the books `user` may read (their own and those shared with them; only
    `book_id` when given: 404 `book_not_found` when they may not read it) that match `query`,
    best first, at most `limit` (1–50). A query without any word is refused (422). The index
    of books written since it was last refreshed is refreshed first."""
    clauses = query_parse(query)
    if not clauses:
        raise ValidationFailed("q", "The search query must contain at least one word.")
    book_ids = _search_books(user=user, book_id=book_id)
    search_index_refresh(book_ids=book_ids)
    scored = _scored(selectors.entries_matching(book_ids=book_ids, clauses=clauses), clauses)
    return {
        "query": query,
        "total": len(scored),
        "results": _hits(scored, clauses, max(1, min(limit, LIMIT_MAX))),
    }
