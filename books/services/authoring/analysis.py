"""AI summary analysis and clarifying questions: stored only if the summary they were computed
from is still the book's summary (`summary_version` unchanged), else 409 `summary_changed`."""

from typing import Any

from django.utils import timezone

from accounts.services.audit import audit_record
from autoauthor.ai import ai
from autoauthor.core.errors import Conflict, Invalid, NotFound
from books.models import Book
from books.read_cache import invalidates
from books.selectors import BOOK_NOT_FOUND
from books.services.toc import (
    actor_id_of,
    now_iso,
)

CLARIFYING_DEFAULT = 4
CLARIFYING_RANGE = (3, 6)

SUMMARY_CHANGED = "The summary changed while the AI was working on it. Please try again."


def book_context(book: Book) -> dict[str, str]:
    return {
        "title": book.title or "",
        "genre": book.genre or "",
        "target_audience": book.target_audience or "",
    }


def summary_required(book: Book, message: str) -> str:
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
    summary = summary_required(book, "Book summary is required for analysis")
    result = ai.analyze_summary(summary=summary, **book_context(book))
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
    summary = summary_required(book, "Book summary is required for question generation")
    count = clarifying_count(num_questions)
    result = ai.clarifying_questions(summary=summary, count=count, **book_context(book))
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
