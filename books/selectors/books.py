"""Book reads: the caller's book, the book list and the book-level parts (summary, answers,
TOC readiness, audit log)."""

from autoauthor.core.ids import parse_object_id
from autoauthor.queries import one_or_none
from books.models import Book, Chapter, ChapterStatus
from books.rules import summary_meets_minimum, word_count
from books.selectors.access import readable_filter
from books.selectors.chapters import chapters_flat
from books.selectors.toc import toc_chapter_ids

BOOK_NOT_FOUND = "Book not found"
# What the role check reads (books.selectors.access.book_role) and what a write needs to
# invalidate every reader's cached list (books.read_cache.book_writes): loaded with every book.
BOOK_ACCESS_FIELDS = ("owner_id", "collaborators", "collaborator_ids", "collaborators_version")


def book_find(*, book_id, fields: tuple[str, ...] | None = None) -> Book | None:
    """The live (not deleted) book `book_id` (a 24-hex string or ObjectId), None when the id is
    malformed or names no live book. One database read; `fields` restricts the projection (the
    owner and the collaborators are always loaded, for the permission check)."""
    oid = parse_object_id(book_id)
    if oid is None:
        return None
    queryset = Book.objects.filter(pk=oid, deleted_at=None)
    if fields is not None:
        queryset = queryset.only(*BOOK_ACCESS_FIELDS, *fields)
    return one_or_none(queryset)


# The fields a book's answer is rendered from: those of BookResponse, and the TOC structure its
# `chapters`, `progress`, `word_count` and `toc_items` are derived from (`books_with_outline`).
# The list loads only these (never the summary, the answers or the chapters' content).
BOOK_RESPONSE_FIELDS = (
    "title",
    "subtitle",
    "description",
    "genre",
    "target_audience",
    "cover_image_url",
    "metadata",
    "created_at",
    "updated_at",
    "owner_id",
    "toc_items",
    "published",
    "collaborators",
    "collaborator_ids",
    "collaborators_version",
    "toc",
)

DONE_STATUSES = (ChapterStatus.COMPLETED, ChapterStatus.PUBLISHED)


def _percent(part: int, whole: int) -> int:
    """round(100 * part / whole) with halves rounded up, as the frontend's Math.round does
    (Python's round() would give 12 for 1/8 where the frontend computes 13); 0 for no whole."""
    return 0 if whole <= 0 else (200 * part + whole) // (2 * whole)


def book_outline(*, book, docs: dict) -> dict:
    """The TOC-derived part of a book's answer, from its TOC and its Chapter documents `docs`
    ({chapter_id: Chapter}): `toc_items` = every chapter in pre-order (the reference's
    TocItemSchema without `content_id`, merged like GET /toc: status and word count from the
    chapter's document, defaults without one);
    `chapters` = their number; `word_count` = the sum of theirs; `progress` = the percentage of
    them completed or published (integer 0-100, 0 without chapters)."""
    items = []
    for chapter in chapters_flat(book=book, docs=docs):
        metadata = chapter.get("metadata")
        items.append(
            {
                "id": chapter.get("id"),
                "title": chapter.get("title") or "",
                "level": chapter["level"],
                "order": chapter.get("order") or 0,
                "parent_id": chapter["parent_id"],
                "description": chapter.get("description") or "",
                "status": chapter["status"],
                "word_count": chapter["word_count"] or 0,
                "last_modified": chapter["last_modified"],
                "estimated_reading_time": chapter["estimated_reading_time"] or 0,
                "is_active_tab": bool(chapter["is_active_tab"]),
                "metadata": metadata if isinstance(metadata, dict) else {},
            }
        )
    done = sum(1 for item in items if item["status"] in DONE_STATUSES)
    return {
        "chapters": len(items),
        "progress": _percent(done, len(items)),
        "word_count": sum(item["word_count"] for item in items),
        "toc_items": items,
    }


def books_with_outline(*, books) -> list[Book]:
    """The books (loaded with BOOK_RESPONSE_FIELDS), each with its `outline` (see
    `book_outline`) set, as prefetch_related would: one MongoDB query for all of them (their
    Chapter documents without content), none when no book's TOC lists a chapter. So a page of
    the list costs the same number of commands whatever its size."""
    books = list(books)
    with_chapters = [book.pk for book in books if toc_chapter_ids(book.toc)]
    docs: dict = {pk: {} for pk in with_chapters}
    if with_chapters:
        for doc in Chapter.objects.filter(book_id__in=with_chapters).defer("content"):
            docs[doc.book_id][doc.chapter_id] = doc
    for book in books:
        book.outline = book_outline(book=book, docs=docs.get(book.pk, {}))
    return books


def book_list(*, owner):
    """The books `owner` owns or collaborates on that are not being deleted, newest first
    (updated_at descending, id as tie-break so pages are stable), projected on the BookResponse
    fields. Slicing it costs one MongoDB command whatever the number of books, counting it one
    more (the owner index and the collaborators' multikey index serve the two branches)."""
    return (
        Book.objects.filter(readable_filter(owner), deleted_at=None)
        .only(*BOOK_RESPONSE_FIELDS)
        .order_by("-updated_at", "-id")
    )


def book_audit_log(*, book):
    """Audit rows of `book`, newest first: the book's own events (create/update/delete, summary,
    responses, cover, TOC), its chapters' and its questions'. Read by the book id each row was
    written with, never by target id: a chapter id is the client's choice. Rows outlive the book
    (plain string ids)."""
    from accounts.models import AuditLog

    return AuditLog.objects.filter(book_id=str(book.pk)).order_by("-timestamp", "-id")


def book_summary(*, book) -> dict:
    """{summary ("" when none), summary_history} of a book loaded with those fields."""
    return {"summary": book.summary or "", "summary_history": list(book.summary_history or [])}


def book_question_responses(*, book) -> dict:
    """The stored book-level answers: `{"responses": [], "status": "not_provided"}` (exactly
    these keys) when there are none, else {responses, answered_at, status}."""
    stored = book.question_responses
    if not stored:
        return {"responses": [], "status": "not_provided"}
    return {
        "responses": stored.get("responses") or [],
        "answered_at": stored.get("answered_at"),
        "status": stored.get("status") or "not_provided",
    }


def book_toc_readiness(*, book) -> dict:
    """Whether the summary is ready for TOC generation. With a stored `summary_analysis` (written
    by the analyze-summary endpoint) its values are returned, with the reference's defaults for
    missing keys; without one, a basic answer: not ready, and `meets_minimum_requirements` =
    at least 30 words and 150 characters."""
    summary = book.summary or ""
    words, chars = word_count(summary), len(summary)
    analysis = book.summary_analysis
    if analysis:
        return {
            "is_ready_for_toc": bool(analysis.get("is_ready_for_toc", False)),
            "confidence_score": float(analysis.get("confidence_score") or 0.0),
            "analysis": analysis.get("analysis") or "Analysis not available",
            "suggestions": list(analysis.get("suggestions") or []),
            "word_count": int(analysis.get("word_count", words)),
            "character_count": int(analysis.get("character_count", chars)),
            "meets_minimum_requirements": bool(analysis.get("meets_minimum_requirements", False)),
        }
    return {
        "is_ready_for_toc": False,
        "confidence_score": 0.0,
        "analysis": "Summary analysis not yet completed. Please run analysis first.",
        "suggestions": ["Run summary analysis to get readiness assessment"],
        "word_count": words,
        "character_count": chars,
        "meets_minimum_requirements": summary_meets_minimum(summary),
    }
