"""AI TOC generation: the generated TOC goes through `books.services.toc.toc_replace`
(version + 1, `expected_version` honoured) and never drops chapters that have content unless
asked to (`overwrite`)."""

from autoauthor.ai import ai
from autoauthor.ai.errors import AIInvalidResponse
from autoauthor.ai.text import strip_html
from autoauthor.core.errors import Conflict, Invalid, NotFound, ValidationFailed
from autoauthor.queries import one_or_none
from books.models import Book, Chapter
from books.read_cache import invalidates
from books.selectors import BOOK_NOT_FOUND, toc_chapter_ids, toc_get
from books.services.authoring.analysis import book_context, summary_required
from books.services.summary import question_responses_validate
from books.services.toc import (
    new_chapter_id,
    now_iso,
    toc_replace,
    version_conflict,
)

# --- TOC generation (endpoint 33) ------------------------------------------------------------


def chapters_with_content(*, book: Book) -> list[str]:
    """Ids of the chapters the book's TOC lists whose content has visible text (editor markup
    such as `<p></p>` alone does not count)."""
    ids = toc_chapter_ids(book.toc)
    if not ids:
        return []
    docs = (
        Chapter.objects.filter(book_id=book.pk, chapter_id__in=ids)
        .exclude(content="")
        .only("chapter_id", "content", "word_count")
    )
    found = {doc.chapter_id for doc in docs if doc.word_count > 0 or strip_html(doc.content)}
    return [cid for cid in ids if cid in found]


def _refuse_if_content(book: Book) -> None:
    with_content = chapters_with_content(book=book)
    if with_content:
        raise Conflict(
            "Some chapters of this book already have content, and generating a new table of "
            "contents would delete it. Edit the table of contents instead, or remove that "
            "content first.",
            code="toc_has_content",
            chapters_with_content=with_content,
        )


def _fresh_ids(toc: dict) -> dict:
    """The generated TOC with new unique chapter ids, so that no generated chapter takes over the
    id (and so the content and questions) of a chapter of the TOC it replaces."""
    for chapter in toc["chapters"]:
        chapter["id"] = new_chapter_id()
        for sub in chapter.get("subchapters") or []:
            sub["id"] = new_chapter_id()
    return toc


def _toc_responses(book: Book, question_responses) -> list[dict]:
    """The answers a TOC is generated from: the request's when non-empty (validated like PUT
    question-responses, 400), else the stored ones, else 400 `responses_required`."""
    responses = question_responses_validate(responses=question_responses)
    responses = responses or ((book.question_responses or {}).get("responses") or [])
    if not responses:
        raise Invalid(
            "Question responses are required for TOC generation", code="responses_required"
        )
    return responses


def _toc_reload(book: Book) -> None:
    """Refresh `book.toc` and `book.toc_version` from the database (404 once deleted)."""
    fresh = one_or_none(Book.objects.filter(pk=book.pk, deleted_at=None).only("toc", "toc_version"))
    if fresh is None:
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    book.toc, book.toc_version = fresh.toc, fresh.toc_version


def _generated_toc_response(book: Book, *, provider: str) -> dict:
    """The generate-toc answer: the stored TOC as GET /toc shows it, with its counts."""
    current = toc_get(book=book)
    chapters = current["toc"]["chapters"]
    return {
        "book_id": str(book.pk),
        "toc": current["toc"],
        "generated_at": current["generated_at"],
        "status": current["status"],
        "version": current["version"],
        "chapters_count": len(chapters),
        "has_subchapters": any(chapter.get("subchapters") for chapter in chapters),
        "success": True,
        "provider": provider,
    }


@invalidates
def toc_generate(
    *,
    book: Book,
    question_responses,
    expected_version: int | None,
    overwrite: bool,
    actor,
) -> dict:
    """Generate a TOC from the summary and the author's answers and store it as the book's TOC.

    Rules: a summary is required (400); the answers are the request's `question_responses`
    when non-empty (validated like PUT question-responses, 400), else the stored ones, else
    400. A stale `expected_version` is 409 `version_conflict` (checked first and again by
    `toc_replace` at the write). When chapters of the current TOC have content the answer is
    409 `toc_has_content` unless `overwrite` (checked before the AI call and again just before
    the write). The AI's chapters keep their ids (`ch1`, `ch1-1`...) for a book without
    chapters and get fresh ids otherwise, so nothing of a replaced chapter carries over. The
    write is `toc_replace` (status "generated", version + 1, never reset); an unusable AI
    answer is 502 `ai_invalid_response` and stores nothing. Returns the stored TOC as GET /toc
    shows it, with its version and the provider."""
    summary = summary_required(book, "Book summary is required for TOC generation")
    responses = _toc_responses(book, question_responses)
    if expected_version is not None and expected_version != book.toc_version:
        raise version_conflict(book.toc_version)
    if not overwrite:
        _refuse_if_content(book)

    result = ai.generate_toc(summary=summary, responses=responses, **book_context(book))

    _toc_reload(book)  # the AI call took seconds: decide on the TOC as it is now
    if not overwrite:
        _refuse_if_content(book)
    toc = {key: value for key, value in result["toc"].items()}
    if toc_chapter_ids(book.toc) or Chapter.objects.filter(book_id=book.pk).exists():
        toc = _fresh_ids(toc)
    try:
        toc_replace(
            book=book,
            toc=toc,
            expected_version=expected_version,
            actor=actor,
            status="generated",
            generated_at=now_iso(),
        )
    except ValidationFailed as exc:  # the AI layer bounds its TOCs; this is the last guard
        raise AIInvalidResponse(
            "The AI returned an unusable table of contents. Please try again."
        ) from exc
    return _generated_toc_response(book, provider=result["provider"])
