"""AI-assisted authoring: summary analysis, clarifying questions, TOC generation, chapter drafts
and style transformation. Each function checks the business rules, calls one feature of the AI
layer (`autoauthor.ai.ai`) and stores its result where the reference does.

AI failures are the classified errors of `autoauthor.ai.errors` (429/503/400/502 with
`retryable`, `retry_after`, `correlation_id`); they propagate before anything is written, so a
failed call never stores a partial result. Writes are single-document compare-and-swaps:
- analysis and clarifying questions are stored only if the summary they were computed from is
  still the book's summary (`summary_version` unchanged), else 409 `summary_changed`;
- generate-toc goes through `books.services.toc.toc_replace` (version + 1, `expected_version`
  honoured), and refuses to drop chapters that have content unless asked to (`overwrite`);
- a saved draft goes through `books.services.content.chapter_content_save` (versioned).

Chapter drafts and style transformation live in `books.services.drafting`; their public names
are re-exported here.
"""

from typing import Any

from django.utils import timezone

from accounts.services.audit import audit_record
from autoauthor.ai import ai
from autoauthor.ai.errors import AIInvalidResponse
from autoauthor.ai.text import strip_html
from autoauthor.api.errors import Conflict, Invalid, NotFound, ValidationFailed
from autoauthor.queries import one_or_none
from books.models import Book, Chapter
from books.read_cache import invalidates
from books.selectors import BOOK_NOT_FOUND, toc_chapter_ids, toc_get
from books.services.drafting import (
    DRAFT_ANSWER_MAX_CHARS,
    DRAFT_LENGTH_DEFAULT,
    DRAFT_LENGTH_RANGE,
    DRAFT_QUESTION_MAX_CHARS,
    DRAFT_RESPONSE_SHAPE,
    DRAFT_RESPONSES_MAX,
    DRAFT_RESPONSES_REQUIRED,
    TRANSFORM_MAX_CHARS,
    chapter_draft_generate,
    chapter_style_transform,
    draft_responses_validate,
    draft_suggestions,
    draft_target_length,
)
from books.services.summary import question_responses_validate
from books.services.toc import (
    actor_id_of,
    new_chapter_id,
    now_iso,
    toc_replace,
    version_conflict,
)

__all__ = [
    "CLARIFYING_DEFAULT",
    "CLARIFYING_RANGE",
    "DRAFT_ANSWER_MAX_CHARS",
    "DRAFT_LENGTH_DEFAULT",
    "DRAFT_LENGTH_RANGE",
    "DRAFT_QUESTION_MAX_CHARS",
    "DRAFT_RESPONSE_SHAPE",
    "DRAFT_RESPONSES_MAX",
    "DRAFT_RESPONSES_REQUIRED",
    "SUMMARY_CHANGED",
    "TRANSFORM_MAX_CHARS",
    "chapter_draft_generate",
    "chapter_style_transform",
    "chapters_with_content",
    "clarifying_count",
    "clarifying_questions_generate",
    "draft_responses_validate",
    "draft_suggestions",
    "draft_target_length",
    "summary_analyze",
    "toc_generate",
]

CLARIFYING_DEFAULT = 4
CLARIFYING_RANGE = (3, 6)

SUMMARY_CHANGED = "The summary changed while the AI was working on it. Please try again."


def _context(book: Book) -> dict[str, str]:
    return {
        "title": book.title or "",
        "genre": book.genre or "",
        "target_audience": book.target_audience or "",
    }


def _summary_required(book: Book, message: str) -> str:
    summary = (book.summary or "").strip()
    if not summary:
        raise Invalid(message, code="summary_required")
    return summary


def _store_if_summary_unchanged(*, book: Book, **fields: Any) -> None:
    """Single-document compare-and-swap on `summary_version`: results computed from a summary
    that has since changed are not stored (409 `summary_changed`)."""
    updated = Book.objects.filter(
        pk=book.pk, deleted_at=None, summary_version=book.summary_version
    ).update(updated_at=timezone.now(), **fields)
    if updated:
        for key, value in fields.items():
            setattr(book, key, value)
        return
    if not Book.objects.filter(pk=book.pk, deleted_at=None).exists():
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    raise Conflict(SUMMARY_CHANGED, code="summary_changed")


# --- Summary analysis (endpoint 28) ----------------------------------------------------------


@invalidates
def summary_analyze(*, book: Book, actor) -> dict:
    """Judge whether the book's summary is ready for TOC generation and store the verdict as
    `summary_analysis` = {is_ready_for_toc, confidence_score, analysis, suggestions, word_count,
    character_count, meets_minimum_requirements, provider, analyzed_at} (what GET toc-readiness
    reports). No summary → 400. An AI failure stores nothing. Audit: `summary_analyze`.
    Returns {book_id, analysis (without analyzed_at), analyzed_at, provider}."""
    summary = _summary_required(book, "Book summary is required for analysis")
    result = ai.analyze_summary(summary=summary, **_context(book))
    analysis = {
        "is_ready_for_toc": bool(result["is_ready_for_toc"]),
        "confidence_score": float(result["confidence_score"]),
        "analysis": result["analysis"],
        "suggestions": list(result["suggestions"]),
        "word_count": result["word_count"],
        "character_count": result["character_count"],
        "meets_minimum_requirements": bool(result["meets_minimum_requirements"]),
        "provider": result["provider"],
    }
    analyzed_at = now_iso()
    previous = book.summary_analysis or {}
    _store_if_summary_unchanged(
        book=book, summary_analysis={**analysis, "analyzed_at": analyzed_at}
    )
    audit_record(
        action="summary_analyze",
        resource_type="book",
        target_id=str(book.pk),
        book_id=str(book.pk),
        changes={
            "is_ready_for_toc": [previous.get("is_ready_for_toc"), analysis["is_ready_for_toc"]],
            "provider": analysis["provider"],
        },
        actor_id=actor_id_of(actor),
    )
    return {
        "book_id": str(book.pk),
        "analysis": analysis,
        "analyzed_at": analyzed_at,
        "provider": analysis["provider"],
    }


# --- Clarifying questions (endpoint 29) ------------------------------------------------------


def clarifying_count(value) -> int:
    """The reference's lenient count: an integer from 3 to 6, anything else is 4."""
    low, high = CLARIFYING_RANGE
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return CLARIFYING_DEFAULT


@invalidates
def clarifying_questions_generate(*, book: Book, num_questions, actor) -> dict:
    """Generate clarifying questions about the book's summary and store them as
    `clarifying_questions` = {questions, generated_at, status: "pending", provider}, replacing
    any previous set (answers already given stay in `question_responses`). `num_questions` is
    3–6 (anything else means 4). No summary → 400; AI failure → nothing stored. Audit:
    `clarifying_questions_generate`."""
    summary = _summary_required(book, "Book summary is required for question generation")
    count = clarifying_count(num_questions)
    result = ai.clarifying_questions(summary=summary, count=count, **_context(book))
    questions = [str(question) for question in result["questions"]][:count]
    generated_at = now_iso()
    stored = {
        "questions": questions,
        "generated_at": generated_at,
        "status": "pending",
        "provider": result["provider"],
    }
    previous = (book.clarifying_questions or {}).get("questions") or []
    _store_if_summary_unchanged(book=book, clarifying_questions=stored)
    audit_record(
        action="clarifying_questions_generate",
        resource_type="book",
        target_id=str(book.pk),
        book_id=str(book.pk),
        changes={"clarifying_questions": [len(previous), len(questions)]},
        actor_id=actor_id_of(actor),
    )
    return {
        "book_id": str(book.pk),
        "questions": questions,
        "generated_at": generated_at,
        "total_questions": len(questions),
        "provider": result["provider"],
    }


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
    summary = _summary_required(book, "Book summary is required for TOC generation")
    responses = question_responses_validate(responses=question_responses)
    responses = responses or ((book.question_responses or {}).get("responses") or [])
    if not responses:
        raise Invalid(
            "Question responses are required for TOC generation", code="responses_required"
        )
    if expected_version is not None and expected_version != book.toc_version:
        raise version_conflict(book.toc_version)
    if not overwrite:
        _refuse_if_content(book)

    result = ai.generate_toc(summary=summary, responses=responses, **_context(book))

    # The AI call took seconds: decide on the TOC as it is now.
    fresh = one_or_none(Book.objects.filter(pk=book.pk, deleted_at=None).only("toc", "toc_version"))
    if fresh is None:
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    book.toc, book.toc_version = fresh.toc, fresh.toc_version
    if not overwrite:
        _refuse_if_content(book)
    toc = {key: value for key, value in result["toc"].items()}
    if toc_chapter_ids(book.toc) or Chapter.objects.filter(book_id=book.pk).exists():
        toc = _fresh_ids(toc)
    generated_at = now_iso()
    try:
        toc_replace(
            book=book,
            toc=toc,
            expected_version=expected_version,
            actor=actor,
            status="generated",
            generated_at=generated_at,
        )
    except ValidationFailed as exc:  # the AI layer bounds its TOCs; this is the last guard
        raise AIInvalidResponse(
            "The AI returned an unusable table of contents. Please try again."
        ) from exc
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
        "provider": result["provider"],
    }
