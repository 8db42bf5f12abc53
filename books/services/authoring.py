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
- a saved draft goes through `books.services.chapters.chapter_content_save` (versioned).
"""

from typing import Any

from django.utils import timezone

from accounts.services.audit import audit_record
from autoauthor.ai import WRITING_STYLES, ai
from autoauthor.ai.errors import AIInvalidResponse
from autoauthor.ai.text import strip_html
from autoauthor.api.errors import Conflict, Invalid, NotFound, ValidationFailed
from autoauthor.queries import one_or_none
from books.models import Book, Chapter
from books.selectors import BOOK_NOT_FOUND, toc_chapter_ids, toc_get, toc_node_find
from books.services.books import question_responses_validate
from books.services.chapters import chapter_content_save
from books.services.toc import actor_id_of, new_chapter_id, toc_replace, version_conflict

CLARIFYING_DEFAULT = 4
CLARIFYING_RANGE = (3, 6)
DRAFT_LENGTH_DEFAULT = 2000
DRAFT_LENGTH_RANGE = (100, 10000)
DRAFT_RESPONSES_MAX = 50
DRAFT_QUESTION_MAX_CHARS = 1000
DRAFT_ANSWER_MAX_CHARS = 10000
TRANSFORM_MAX_CHARS = 30000

SUMMARY_CHANGED = "The summary changed while the AI was working on it. Please try again."
DRAFT_RESPONSES_REQUIRED = (
    "Question responses are required for draft generation. Please provide Q&A pairs."
)
DRAFT_RESPONSE_SHAPE = "Each question response must have 'question' and 'answer' fields"


def _now_iso() -> str:
    return timezone.now().isoformat()


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
    analyzed_at = _now_iso()
    previous = book.summary_analysis or {}
    _store_if_summary_unchanged(
        book=book, summary_analysis={**analysis, "analyzed_at": analyzed_at}
    )
    audit_record(
        action="summary_analyze",
        resource_type="book",
        target_id=str(book.pk),
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
    generated_at = _now_iso()
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
            "The table of contents has chapters with content; generating a new one would delete "
            'it. Send "overwrite": true to replace it anyway.',
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
    generated_at = _now_iso()
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


# --- Chapter draft (endpoint 57) -------------------------------------------------------------


def draft_target_length(value) -> int:
    """The reference's lenient target: an integer of 100–10000 words, anything else is 2000."""
    low, high = DRAFT_LENGTH_RANGE
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return DRAFT_LENGTH_DEFAULT


def draft_responses_validate(*, responses) -> list[dict]:
    """[{question, answer}] for a draft: a non-empty list (400 with the reference's message) of
    objects with string `question` and `answer` (400 "Each question response must have ..."), at
    least one answer not blank, at most 50 items and 1000/10000 characters per question/answer."""
    if not isinstance(responses, list) or not responses:
        raise Invalid(DRAFT_RESPONSES_REQUIRED, code="responses_required")
    if len(responses) > DRAFT_RESPONSES_MAX:
        raise Invalid(
            f"At most {DRAFT_RESPONSES_MAX} question responses can be used for a draft",
            code="invalid_responses",
        )
    cleaned = []
    for item in responses:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("question"), str)
            or not isinstance(item.get("answer"), str)
        ):
            raise Invalid(DRAFT_RESPONSE_SHAPE, code="invalid_responses")
        if (
            len(item["question"]) > DRAFT_QUESTION_MAX_CHARS
            or len(item["answer"]) > DRAFT_ANSWER_MAX_CHARS
        ):
            raise Invalid(
                f"A question may have at most {DRAFT_QUESTION_MAX_CHARS} and an answer at most "
                f"{DRAFT_ANSWER_MAX_CHARS} characters",
                code="invalid_responses",
            )
        cleaned.append({"question": item["question"], "answer": item["answer"]})
    if not any(item["answer"].strip() for item in cleaned):
        raise Invalid(DRAFT_RESPONSES_REQUIRED, code="responses_required")
    return cleaned


def draft_suggestions(draft: str, *, truncated: bool = False) -> list[str]:
    """Editing hints for a draft (reference §3.5.5 heuristics)."""
    words = len(draft.split())
    suggestions = []
    if truncated:
        suggestions.append(
            "The draft reached the length limit and may end abruptly; continue the last "
            "section or generate with a shorter target length."
        )
    if words < 500:
        suggestions.append("Consider expanding the draft with more examples and details.")
    elif words > 3000:
        suggestions.append("Consider splitting this content into several chapters or sections.")
    pieces = [piece for piece in draft.split(".") if piece.strip()]
    if pieces:
        average = sum(len(piece.split()) for piece in pieces) / len(pieces)
        if average > 25:
            suggestions.append("Some sentences are long; consider breaking them up.")
        elif average < 10:
            suggestions.append("Many sentences are short; consider combining some for flow.")
    if draft.count("\n\n") < 3:
        suggestions.append("Add paragraph breaks to improve readability.")
    lowered = draft.lower()
    if not any(marker in lowered for marker in ("example", "for instance", "such as")):
        suggestions.append("Add concrete examples to illustrate the key points.")
    return suggestions


def chapter_draft_generate(
    *,
    book: Book,
    chapter_id: str,
    question_responses,
    writing_style: str | None,
    target_length,
    save: bool,
    expected_version: int | None,
    actor,
) -> dict:
    """Draft a chapter from the author's answers to its interview questions.

    The chapter must be in the TOC (404 "Chapter not found in table of contents"); responses are
    validated by `draft_responses_validate` (400); `target_length` is 100–10000 words (anything
    else is 2000). The draft is returned; with `save` it is also stored as the chapter's content
    through `chapter_content_save` (a compare-and-swap on the content version: a stale
    `expected_version` is 409 `version_conflict`, checked before the AI call too, so a conflict
    costs no generation). Audit: `generate_chapter_draft`."""
    found = toc_node_find(book.toc, chapter_id)
    if found is None:
        raise NotFound("Chapter not found in table of contents", code="chapter_not_found")
    node = found[0]
    responses = draft_responses_validate(responses=question_responses)
    length = draft_target_length(target_length)
    style = (writing_style or "").strip() or None
    if save and expected_version is not None:
        current = (
            one_or_none(
                Chapter.objects.filter(book_id=book.pk, chapter_id=chapter_id).values_list(
                    "version", flat=True
                )
            )
            or 0
        )
        if current != expected_version:
            raise Conflict(
                "The chapter content has been modified elsewhere. Please reload and try again.",
                code="version_conflict",
                current_version=current,
            )

    result = ai.generate_draft(
        book_title=book.title or "",
        genre=book.genre or "",
        target_audience=book.target_audience or "",
        chapter_title=node.get("title") or "",
        chapter_description=node.get("description") or "",
        question_responses=responses,
        writing_style=style,
        target_length=length,
    )
    draft = result["draft"]
    words = len(draft.split())
    content_version = None
    if save:
        saved = chapter_content_save(
            book=book,
            chapter_id=chapter_id,
            content=draft,
            expected_version=expected_version,
            auto_update_metadata=True,
            actor=actor,
        )
        content_version = saved.version
    audit_record(
        action="generate_chapter_draft",
        resource_type="chapter",
        target_id=str(book.pk),
        changes={
            "chapter_id": chapter_id,
            "question_count": len(responses),
            "target_length": length,
            "actual_length": words,
            "writing_style": style or "default",
            "provider": result["provider"],
            "saved": save,
        },
        actor_id=actor_id_of(actor),
    )
    return {
        "success": True,
        "book_id": str(book.pk),
        "chapter_id": chapter_id,
        "draft": draft,
        "metadata": {
            "word_count": words,
            "estimated_reading_time": max(1, words // 200),
            "generated_at": _now_iso(),
            "model_used": result["model"],
            "provider": result["provider"],
            "writing_style": style or "default",
            "target_length": length,
            "actual_length": words,
            "truncated": bool(result.get("truncated")),
        },
        "suggestions": draft_suggestions(draft, truncated=bool(result.get("truncated"))),
        "message": "Draft generated successfully",
        "provider": result["provider"],
        "saved": save,
        "content_version": content_version,
    }


# --- Style transformation (endpoint 58) ------------------------------------------------------


def chapter_style_transform(*, book: Book, chapter_id: str, content: str, target_style) -> dict:
    """Rewrite `content` in one of WRITING_STYLES, keeping every fact; nothing is stored (a
    preview). Rules: blank content → 400 "Content is required for style transformation."; an
    unknown style → 400 listing the valid ones; content over 30000 characters → 400 (one pass
    cannot rewrite more; the AI layer also fails an answer cut off at its token limit). The
    chapter id is not checked (the content comes with the request, as the reference does)."""
    if not isinstance(content, str) or not content.strip():
        raise Invalid("Content is required for style transformation.", code="content_required")
    if target_style not in WRITING_STYLES:
        raise Invalid(
            f"Unsupported writing style: '{target_style}'. Valid styles: "
            f"{', '.join(WRITING_STYLES)}.",
            code="unsupported_style",
        )
    if len(content) > TRANSFORM_MAX_CHARS:
        raise Invalid(
            f"Content is too long to transform in one pass (at most {TRANSFORM_MAX_CHARS} "
            "characters). Try transforming a shorter section.",
            code="content_too_long",
        )
    result = ai.transform_style(content=content, target_style=target_style)
    transformed = result["transformed"]
    return {
        "success": True,
        "book_id": str(book.pk),
        "chapter_id": chapter_id,
        "transformed": transformed,
        "metadata": {
            "target_style": target_style,
            "style_label": result["style_label"],
            "original_word_count": len(content.split()),
            "transformed_word_count": len(transformed.split()),
            "model_used": result["model"],
            "provider": result["provider"],
            "generated_at": _now_iso(),
        },
        "message": "Style transformed successfully",
        "provider": result["provider"],
    }
