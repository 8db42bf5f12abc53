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

import re
import uuid
from dataclasses import dataclass

from accounts.services.audit import audit_record
from autoauthor.ai import AIInvalidResponse, ai
from autoauthor.api.errors import NotFound
from books.models import Chapter
from books.services.summary import contains_offensive_language
from books.services.toc import chapter_document_ensure
from questions.models import Question, QuestionDifficulty, QuestionResponse, QuestionType, now_ms
from questions.services.templates import SUGGESTED_RESPONSE_LENGTH, template_questions

MIN_COUNT = 3
MAX_COUNT = 20
DEFAULT_COUNT = 10
TEXT_MIN, TEXT_MAX = 10, 1000
HELP_TEXT_MAX = 1000
EXAMPLES_MAX, EXAMPLE_MAX = 10, 500
TYPE_CYCLE = [str(kind) for kind in QuestionType]


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


def effective_count(count: int | None) -> int:
    """The number of questions one generation produces: `count` (default 10) clamped to 3–20."""
    return max(MIN_COUNT, min(count or DEFAULT_COUNT, MAX_COUNT))


def _clean_text(value, limit: int) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()[:limit]


def question_drafts_complete(
    *, raw: list[dict], count: int, difficulty: str | None, focus: list[str] | None
) -> list[dict]:
    """Validate and complete the AI's raw questions (reference §3.5.3 step 7): texts shorter than
    10 or longer than 1000 characters, texts with an offensive word and repeated texts are
    dropped; an unknown type becomes the next type of the focus list (all five types when
    none), an unknown difficulty the requested one (medium when none); help text and examples
    are trimmed. At most `count` are kept."""
    requested = difficulty if difficulty in SUGGESTED_RESPONSE_LENGTH else None
    cycle = list(dict.fromkeys(kind for kind in focus or [] if kind in TYPE_CYCLE)) or TYPE_CYCLE
    seen: set[str] = set()
    out: list[dict] = []
    for item in raw:
        if len(out) >= count:
            break
        if not isinstance(item, dict):
            continue
        text = re.sub(r"\s+", " ", str(item.get("question_text") or "")).strip()
        if not TEXT_MIN <= len(text) <= TEXT_MAX or text.casefold() in seen:
            continue
        if contains_offensive_language(text):
            continue
        seen.add(text.casefold())
        kind = str(item.get("question_type") or "").strip().lower()
        if kind not in TYPE_CYCLE:
            kind = cycle[len(out) % len(cycle)]
        level = str(item.get("difficulty") or "").strip().lower()
        if level not in SUGGESTED_RESPONSE_LENGTH:
            level = requested or QuestionDifficulty.MEDIUM
        examples = item.get("examples")
        if isinstance(examples, list):
            examples = [
                _clean_text(example, EXAMPLE_MAX)
                for example in examples
                if isinstance(example, str) and example.strip()
            ][:EXAMPLES_MAX] or None
        else:
            examples = None
        out.append(
            {
                "question_text": text,
                "question_type": kind,
                "difficulty": str(level),
                "help_text": _clean_text(item.get("help_text"), HELP_TEXT_MAX) or None,
                "examples": examples,
                "is_fallback": False,
            }
        )
    return out


def question_drafts_generate(
    *, book, chapter: dict, count: int, difficulty: str | None, focus: list[str] | None
) -> tuple[list[dict], str]:
    """(`count` question drafts, provider name) for `chapter` of `book`.

    The AI layer's questions come first; when it returns fewer than `count` usable ones (an
    unusable answer counts as none), template questions fill the rest. Any other AI error is
    raised unchanged, so the caller stores nothing."""
    try:
        answer = ai.chapter_questions(
            book_title=book.title,
            genre=book.genre or "",
            target_audience=book.target_audience or "",
            chapter_title=chapter.get("title") or "",
            chapter_content=chapter.get("content") or "",
            count=count,
            difficulty=difficulty or QuestionDifficulty.MEDIUM,
            focus=focus or None,
        )
        raw, provider = answer.get("questions") or [], answer.get("provider") or "openai"
    except AIInvalidResponse:
        raw, provider = [], "openai"
    drafts = question_drafts_complete(raw=raw, count=count, difficulty=difficulty, focus=focus)
    if len(drafts) < count:
        drafts += template_questions(
            chapter_title=chapter.get("title") or "",
            count=count - len(drafts),
            difficulty=difficulty,
            focus=focus,
            exclude={draft["question_text"] for draft in drafts},
        )
    return drafts, provider


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
            category="development",
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
    is `count` (default 10) clamped to 3–20. AI provider errors propagate and store nothing."""
    chapter_id = chapter["id"]
    number = effective_count(count)
    drafts, provider = question_drafts_generate(
        book=book, chapter=chapter, count=number, difficulty=difficulty, focus=focus
    )
    chapter_document = _chapter_document(book=book, chapter_id=chapter_id)
    last = (
        Question.objects.filter(book=book, chapter_id=chapter_id, user=user)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
    )
    questions, generation_id = _questions_insert(
        book=book,
        chapter_document=chapter_document,
        chapter_id=chapter_id,
        user=user,
        drafts=drafts,
        first_order=(last or 0) + 1,
    )
    _chapter_document_gone(chapter_document=chapter_document, questions=questions)
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
    """Replace the chapter's questions with freshly generated ones.

    With `preserve_responses`, answered questions stay and only the unanswered ones are
    replaced, by as many new questions (clamped to 3–20; none when every question is answered);
    otherwise every question goes, with its responses and ratings, replaced by `count` new ones.
    Generation runs first: if it fails, nothing has changed. The swap re-checks answers, so a
    question answered while the new ones were generated is preserved too."""
    chapter_id = chapter["id"]
    existing = dict(
        Question.objects.filter(book=book, chapter_id=chapter_id, user=user).values_list(
            "pk", "order"
        )
    )
    answered = set(
        QuestionResponse.objects.filter(question_id__in=list(existing), user=user).values_list(
            "question_id", flat=True
        )
        if existing
        else []
    )
    if preserve_responses:
        replace = [pk for pk in existing if pk not in answered]
        wanted = len(replace)
    else:
        replace = list(existing)
        wanted = effective_count(count)
    if wanted == 0:
        return GenerationResult(
            questions=[],
            generation_id=str(uuid.uuid4()),
            provider=None,
            preserved_count=len(existing),
            new_count=0,
        )
    number = effective_count(wanted)
    drafts, provider = question_drafts_generate(
        book=book, chapter=chapter, count=number, difficulty=difficulty, focus=focus
    )
    chapter_document = _chapter_document(book=book, chapter_id=chapter_id)
    kept_orders = [order for pk, order in existing.items() if pk not in replace]
    questions, generation_id = _questions_insert(
        book=book,
        chapter_document=chapter_document,
        chapter_id=chapter_id,
        user=user,
        drafts=drafts,
        first_order=max(kept_orders, default=0) + 1,
    )
    _chapter_document_gone(chapter_document=chapter_document, questions=questions)
    if preserve_responses and replace:
        answered_since = set(
            QuestionResponse.objects.filter(question_id__in=replace, user=user).values_list(
                "question_id", flat=True
            )
        )
        replace = [pk for pk in replace if pk not in answered_since]
    deleted = len(replace)
    if replace:
        Question.objects.filter(pk__in=replace).delete()
    preserved = len(existing) - deleted if preserve_responses else 0
    fallback = _generation_audit(
        action="regenerate_questions",
        book=book,
        chapter_id=chapter_id,
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
