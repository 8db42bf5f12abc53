"""Book reads: the caller's book, the book list and the book-level parts (summary, answers,
TOC readiness, audit log)."""

from autoauthor.api.errors import Forbidden, NotFound
from autoauthor.api.fields import parse_object_id
from autoauthor.queries import one_or_none
from books.models import Book

BOOK_NOT_FOUND = "Book not found"


def book_get_for_user(
    *, book_id, user, fields: tuple[str, ...] | None = None, action: str = "access"
) -> Book:
    """The book `book_id` if `user` owns it: malformed, unknown or deleted ids are 404, another
    user's book is 403 ("Not authorized to <action> this book"). One database read; `fields`
    restricts the projection (the owner is always loaded)."""
    oid = parse_object_id(book_id)
    if oid is None:
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    queryset = Book.objects.filter(pk=oid, deleted_at=None)
    if fields is not None:
        queryset = queryset.only("owner_id", *fields)
    book = one_or_none(queryset)
    if book is None:
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    if book.owner_id != user.pk:
        raise Forbidden(f"Not authorized to {action} this book", code="not_book_owner")
    return book


# The fields of BookResponse: the list loads only these (never the TOC, summary or chapters).
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
)


def book_list(*, owner):
    """The books of `owner` that are not being deleted, newest first (updated_at descending, id
    as tie-break so pages are stable), projected on the BookResponse fields. Slicing it costs
    one MongoDB command whatever the number of books, counting it one more."""
    return (
        Book.objects.filter(owner=owner, deleted_at=None)
        .only(*BOOK_RESPONSE_FIELDS)
        .order_by("-updated_at", "-id")
    )


def book_audit_log(*, book):
    """Audit rows about `book`, newest first: rows whose target is the book (book create/update/
    delete, summary, responses, cover, TOC events) and rows of chapter events that name the book
    as their target. Rows outlive the book (plain string ids)."""
    from accounts.models import AuditLog

    return AuditLog.objects.filter(target_id=str(book.pk)).order_by("-timestamp", "-id")


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
    words, chars = len(summary.split()), len(summary)
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
        "meets_minimum_requirements": words >= 30 and chars >= 150,
    }
