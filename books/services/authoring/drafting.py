"""AI-assisted writing of one chapter: a draft from the author's answers (optionally saved as the
chapter's content through `books.services.content.chapter_content_save`, versioned) and a style
transformation preview. AI failures propagate before anything is written (see
`books.services.authoring`)."""

from accounts.services.audit import audit_record
from autoauthor.ai import WRITING_STYLES, ai
from autoauthor.core.errors import Conflict, Invalid, NotFound
from autoauthor.queries import one_or_none
from books.models import Book, Chapter, RevisionSource
from books.rules import (
    RESPONSE_ANSWER_MAX_CHARS,
    RESPONSE_QUESTION_MAX_CHARS,
    RESPONSES_MAX_ITEMS,
    TRANSFORM_MAX_CHARS,
    saved_reading_time,
    word_count,
)
from books.selectors import toc_node_find
from books.services.content import CONTENT_CONFLICT, chapter_content_save
from books.services.toc import actor_id_of, now_iso

DRAFT_LENGTH_DEFAULT = 2000
DRAFT_LENGTH_RANGE = (100, 10000)

DRAFT_RESPONSES_REQUIRED = (
    "Question responses are required for draft generation. Please provide Q&A pairs."
)
DRAFT_RESPONSE_SHAPE = "Each question response must have 'question' and 'answer' fields"


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
    if len(responses) > RESPONSES_MAX_ITEMS:
        raise Invalid(
            f"At most {RESPONSES_MAX_ITEMS} question responses can be used for a draft",
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
            len(item["question"]) > RESPONSE_QUESTION_MAX_CHARS
            or len(item["answer"]) > RESPONSE_ANSWER_MAX_CHARS
        ):
            raise Invalid(
                f"A question may have at most {RESPONSE_QUESTION_MAX_CHARS} and an answer at most "
                f"{RESPONSE_ANSWER_MAX_CHARS} characters",
                code="invalid_responses",
            )
        cleaned.append({"question": item["question"], "answer": item["answer"]})
    if not any(item["answer"].strip() for item in cleaned):
        raise Invalid(DRAFT_RESPONSES_REQUIRED, code="responses_required")
    return cleaned


def draft_suggestions(draft: str, *, truncated: bool = False) -> list[str]:
    """Editing hints for a draft (reference §3.5.5 heuristics)."""
    words = word_count(draft)
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


def _toc_chapter(book: Book, chapter_id: str) -> dict:
    """The TOC node of `chapter_id` (404 when the TOC does not list it)."""
    found = toc_node_find(book.toc, chapter_id)
    if found is None:
        raise NotFound("Chapter not found in table of contents", code="chapter_not_found")
    return found[0]


def _content_version_check(*, book: Book, chapter_id: str, expected: int) -> None:
    """409 `version_conflict` when the chapter's content version is not `expected`: checked
    before the AI call, so a draft that could not be saved costs no generation."""
    current = (
        one_or_none(
            Chapter.objects.filter(book_id=book.pk, chapter_id=chapter_id).values_list(
                "version", flat=True
            )
        )
        or 0
    )
    if current != expected:
        raise Conflict(CONTENT_CONFLICT, code="version_conflict", current_version=current)


def _draft_write(*, book: Book, node: dict, responses: list, style, length: int) -> dict:
    """The AI layer's draft of the chapter `node` from the author's `responses`."""
    return ai.generate_draft(
        book_title=book.title or "",
        genre=book.genre or "",
        target_audience=book.target_audience or "",
        chapter_title=node.get("title") or "",
        chapter_description=node.get("description") or "",
        question_responses=responses,
        writing_style=style,
        target_length=length,
    )


def _draft_response(
    *, book: Book, chapter_id: str, result: dict, style, length: int, saved: bool, content_version
) -> dict:
    """The generate-draft answer: the draft, its metadata and editing suggestions."""
    draft = result["draft"]
    words = word_count(draft)
    truncated = bool(result.get("truncated"))
    return {
        "success": True,
        "book_id": str(book.pk),
        "chapter_id": chapter_id,
        "draft": draft,
        "metadata": {
            "word_count": words,
            "estimated_reading_time": saved_reading_time(words),
            "generated_at": now_iso(),
            "model_used": result["model"],
            "provider": result["provider"],
            "writing_style": style or "default",
            "target_length": length,
            "actual_length": words,
            "truncated": truncated,
        },
        "suggestions": draft_suggestions(draft, truncated=truncated),
        "message": "Draft generated successfully",
        "provider": result["provider"],
        "saved": saved,
        "content_version": content_version,
    }


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

    The chapter must be in the TOC (404); responses are checked by `draft_responses_validate`
    (400); `target_length` is 100–10000 words (else 2000). `save` stores it through
    `chapter_content_save` (stale `expected_version`: 409, checked before the AI call too)."""
    node = _toc_chapter(book, chapter_id)
    responses = draft_responses_validate(responses=question_responses)
    length = draft_target_length(target_length)
    style = (writing_style or "").strip() or None
    if save and expected_version is not None:
        _content_version_check(book=book, chapter_id=chapter_id, expected=expected_version)
    result = _draft_write(book=book, node=node, responses=responses, style=style, length=length)
    words = word_count(result["draft"])
    content_version = None
    if save:
        content_version = chapter_content_save(
            book=book,
            chapter_id=chapter_id,
            content=result["draft"],
            expected_version=expected_version,
            actor=actor,
            source=RevisionSource.DRAFT,
        ).version
    audit_record(
        action="generate_chapter_draft",
        resource_type="chapter",
        target_id=str(book.pk),
        book_id=str(book.pk),
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
    return _draft_response(
        book=book,
        chapter_id=chapter_id,
        result=result,
        style=style,
        length=length,
        saved=save,
        content_version=content_version,
    )


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
            "original_word_count": word_count(content),
            "transformed_word_count": word_count(transformed),
            "model_used": result["model"],
            "provider": result["provider"],
            "generated_at": now_iso(),
        },
        "message": "Style transformed successfully",
        "provider": result["provider"],
    }
