"""Question generation and regeneration for one chapter (reference §3.5.3, endpoints 49 and 55).

Flow: ask the AI layer for questions, validate and complete what it returned, fill up with the
template fallback when it returned too few usable questions, then store the batch with one
insert. A provider failure (unreachable, 5xx, rate limit, rejected request) is raised to the
client as the AI layer classified it and stores nothing; only an answer with too few usable
questions falls back to templates (those questions carry `is_fallback`).

Regeneration generates first and swaps after: the new questions are inserted, then the replaced
ones are deleted (with their responses and ratings, through the CASCADE foreign keys). A failed
generation therefore leaves the old questions in place, and an interruption between the two steps
leaves both sets visible, never none; repeating the request finishes the swap.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from accounts.services.audit import audit_record
from autoauthor.core.errors import NotFound
from books.models import Chapter
from books.services.toc import chapter_document_ensure
from questions.models import Question, QuestionResponse, now_ms
from questions.rules import DEFAULT_CATEGORY, SUGGESTED_RESPONSE_LENGTH, effective_count
from questions.services.drafts import question_drafts_generate


@dataclass
class GenerationResult:
    questions: list[Question]
    generation_id: str
    provider: str | None
    fallback_count: int = 0
    preserved_count: int | None = None
    new_count: int | None = None
    deleted_count: int = 0

    @property
    def total(self) -> int:
        return (self.preserved_count or 0) + len(self.questions)

    @classmethod
    def unchanged(cls, *, preserved_count: int) -> "GenerationResult":
        """A regeneration with nothing to replace: every question kept, none generated."""
        return cls(
            questions=[],
            generation_id=str(uuid.uuid4()),
            provider=None,
            preserved_count=preserved_count,
            new_count=0,
        )


def _questions_insert(
    *, book, chapter_document, chapter_id: str, user, drafts: list[dict], first_order: int
) -> tuple[list[Question], str]:
    """Store the drafts with one insert (one MongoDB command: all share created_at and
    generated_at). Returns the questions and their generation id."""
    now = now_ms()
    generation_id = str(uuid.uuid4())
    questions = [
        Question(
            chapter_document=chapter_document,
            book=book,
            chapter_id=chapter_id,
            user=user,
            question_text=draft["question_text"],
            question_type=draft["question_type"],
            difficulty=draft["difficulty"],
            category=DEFAULT_CATEGORY,
            order=first_order + index,
            metadata={
                "suggested_response_length": SUGGESTED_RESPONSE_LENGTH[draft["difficulty"]],
                "help_text": draft["help_text"],
                "examples": draft["examples"],
            },
            is_fallback=draft["is_fallback"],
            generation_id=generation_id,
            generated_at=now,
            created_at=now,
            updated_at=now,
        )
        for index, draft in enumerate(drafts)
    ]
    Question.objects.bulk_create(questions)
    return questions, generation_id


def _chapter_document(*, book, chapter_id: str) -> Chapter:
    return chapter_document_ensure(book=book, chapter_id=chapter_id)


def _chapter_document_gone(*, chapter_document, questions: list[Question]) -> None:
    """A chapter deleted while we were generating takes its questions with it: if its document
    vanished before our insert landed, remove what we inserted and answer 404."""
    if not Chapter.objects.filter(pk=chapter_document.pk).exists():
        Question.objects.filter(pk__in=[question.pk for question in questions]).delete()
        raise NotFound("Chapter not found", code="chapter_not_found")


def _generate_and_store(
    *,
    book,
    chapter: dict,
    user,
    count: int,
    difficulty: str | None,
    focus: list[str] | None,
    first_order: Callable[[], int],
) -> tuple[list[Question], str, str]:
    """Generate `count` drafts, then store them numbered from `first_order()` (asked once the
    drafts exist); returns (questions, generation id, provider). AI errors propagate before
    anything is stored; a chapter deleted meanwhile takes the new questions with it (404)."""
    drafts, provider = question_drafts_generate(
        book=book, chapter=chapter, count=count, difficulty=difficulty, focus=focus
    )
    chapter_document = _chapter_document(book=book, chapter_id=chapter["id"])
    questions, generation_id = _questions_insert(
        book=book,
        chapter_document=chapter_document,
        chapter_id=chapter["id"],
        user=user,
        drafts=drafts,
        first_order=first_order(),
    )
    _chapter_document_gone(chapter_document=chapter_document, questions=questions)
    return questions, generation_id, provider


def questions_generate(
    *,
    book,
    chapter: dict,
    user,
    count: int | None,
    difficulty: str | None,
    focus: list[str] | None,
) -> GenerationResult:
    """Generate interview questions for `chapter` (a merged chapter dict of `book`'s TOC) and
    append them to the chapter's existing questions, numbered after them. The number produced
    is `count` (default 10) clamped to 3–20; `user` is recorded as who generated them (the
    questions are the book's). AI provider errors propagate and store nothing."""
    chapter_id = chapter["id"]

    def after_last() -> int:
        last = (
            Question.objects.filter(book=book, chapter_id=chapter_id)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
        )
        return (last or 0) + 1

    questions, generation_id, provider = _generate_and_store(
        book=book,
        chapter=chapter,
        user=user,
        count=effective_count(count),
        difficulty=difficulty,
        focus=focus,
        first_order=after_last,
    )
    fallback = _generation_audit(
        action="generate_questions",
        book=book,
        chapter_id=chapter_id,
        questions=questions,
        provider=provider,
        generation_id=generation_id,
        count=count,
        difficulty=difficulty,
        focus=focus,
        questions_generated=len(questions),
    )
    return GenerationResult(
        questions=questions,
        generation_id=generation_id,
        provider=provider,
        fallback_count=fallback,
    )


def _generation_audit(
    *, action, book, chapter_id, questions, provider, generation_id, **details
) -> int:
    """Record a (re)generation in the audit log; returns the number of fallback questions."""
    fallback = sum(1 for question in questions if question.is_fallback)
    audit_record(
        action=action,
        resource_type="chapter",
        target_id=chapter_id,
        book_id=str(book.pk),
        changes={
            "book_id": str(book.pk),
            **details,
            "fallback_questions": fallback,
            "provider": provider,
            "generation_id": generation_id,
        },
    )
    return fallback


def _unanswered(*, question_ids: list) -> list:
    """The ids among `question_ids` that have no answer (the book's), in their order (one
    query, none for an empty list)."""
    if not question_ids:
        return []
    answered = set(
        QuestionResponse.objects.filter(question_id__in=question_ids).values_list(
            "question_id", flat=True
        )
    )
    return [pk for pk in question_ids if pk not in answered]


def _regeneration_plan(*, book, chapter_id: str, preserve_responses: bool):
    """({pk: order} of the chapter's questions, the pks to replace): the unanswered ones with
    `preserve_responses`, else all of them."""
    existing = dict(
        Question.objects.filter(book=book, chapter_id=chapter_id).values_list("pk", "order")
    )
    if preserve_responses:
        return existing, _unanswered(question_ids=list(existing))
    return existing, list(existing)


def _questions_replace(*, replace: list, preserve_responses: bool) -> int:
    """Delete the replaced questions (with their responses and ratings); with
    `preserve_responses`, one answered while the new ones were generated stays. Returns the
    number deleted."""
    if preserve_responses:
        replace = _unanswered(question_ids=replace)
    if replace:
        Question.objects.filter(pk__in=replace).delete()
    return len(replace)


def questions_regenerate(
    *,
    book,
    chapter: dict,
    user,
    count: int | None,
    difficulty: str | None,
    focus: list[str] | None,
    preserve_responses: bool,
) -> GenerationResult:
    """Replace the chapter's questions (the book's) with new ones generated by `user`.

    With `preserve_responses`, answered questions stay and only the unanswered ones are
    replaced, by as many new questions (clamped to 3–20; none when every question is answered);
    otherwise every question goes, with its responses and ratings, replaced by `count` new ones.
    Generation runs first: if it fails, nothing has changed. The swap re-checks answers, so a
    question answered while the new ones were generated is preserved too."""
    existing, replace = _regeneration_plan(
        book=book, chapter_id=chapter["id"], preserve_responses=preserve_responses
    )
    wanted = len(replace) if preserve_responses else effective_count(count)
    if wanted == 0:
        return GenerationResult.unchanged(preserved_count=len(existing))
    kept_orders = [order for pk, order in existing.items() if pk not in replace]
    questions, generation_id, provider = _generate_and_store(
        book=book,
        chapter=chapter,
        user=user,
        count=effective_count(wanted),
        difficulty=difficulty,
        focus=focus,
        first_order=lambda: max(kept_orders, default=0) + 1,
    )
    deleted = _questions_replace(replace=replace, preserve_responses=preserve_responses)
    preserved = len(existing) - deleted if preserve_responses else 0
    fallback = _generation_audit(
        action="regenerate_questions",
        book=book,
        chapter_id=chapter["id"],
        questions=questions,
        provider=provider,
        generation_id=generation_id,
        count=count,
        difficulty=difficulty,
        focus=focus,
        preserve_responses=preserve_responses,
        preserved_count=preserved,
        deleted_count=deleted,
        new_count=len(questions),
    )
    return GenerationResult(
        questions=questions,
        generation_id=generation_id,
        provider=provider,
        fallback_count=fallback,
        preserved_count=preserved,
        new_count=len(questions),
        deleted_count=deleted,
    )
