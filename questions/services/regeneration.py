"""Single-question regeneration (`POST .../questions/{qid}/regenerate`, reference §4 "#62").

Rules:
- In place: the question keeps its id, its position (`order`), its chapter and its difficulty;
  its text, type, help text, examples and `is_fallback` are replaced and `generated_at` is now.
- Capped: a question is regenerated at most REGENERATION_MAX (5) times; past that, 429
  `regeneration_limit_reached` and nothing changes. The cap is checked and the count raised in
  the same single-document compare-and-swap on `regeneration_count`, so two concurrent
  regenerations never both take the last slot, and a regeneration that lost the race applies
  its replacement on top of the winner's (the count rises by one per regeneration: none is
  lost) unless the winner took the last slot.
- Never a duplicate: the replacement's text (compared by `question_text_key`) differs from every
  other question of the chapter and from this question's current and earlier versions. The AI
  is asked up to AI_ATTEMPTS times; then a template question that is no duplicate is used
  (`is_fallback: true`).
- Feedback: the author's rating of the question (1–5 and the comment) and the ratings of its
  earlier versions go into the prompt; a low rating (1–2) without a requested focus moves the
  question to the next question type, so the replacement asks from a different angle.
- The old answer and ratings belong to the old wording: the book's answer and every user's
  rating written before the swap are deleted (the reference clears the response too; the
  frontend reloads the progress for that reason). The rating (and comment) of the user asking
  is kept in `regeneration_history`, so later regenerations still know what they disliked.
  An answer saved after the swap answers the new question and stays.
- AI provider failures propagate (503/429/502...) before anything is written.
"""

from dataclasses import dataclass

from accounts.services.audit import audit_record
from autoauthor.ai import AIInvalidResponse
from autoauthor.ai.regeneration import is_low_rating, question_text_key, replacement_questions
from autoauthor.core.errors import Conflict, DomainError, NotFound
from autoauthor.queries import one_or_none
from questions.models import Question, QuestionRating, QuestionResponse, now_ms
from questions.rules import QUESTION_TYPES, SUGGESTED_RESPONSE_LENGTH
from questions.services.drafts import question_drafts_complete
from questions.services.templates import TEMPLATES, template_questions

REGENERATION_MAX = 5  # the reference's MAX_QUESTION_REGENERATION_COUNT; the frontend mirrors it
AI_ATTEMPTS = 3  # provider calls before falling back to a template question
WRITE_ATTEMPTS = 8  # compare-and-swap attempts against concurrent regenerations


class RegenerationLimitReached(DomainError):
    kind = "rate_limited"
    code = "regeneration_limit_reached"
    default_detail = (
        f"This question has reached the maximum number of regenerations ({REGENERATION_MAX})."
    )


@dataclass
class RegenerationResult:
    question: Question
    provider: str
    attempts: int  # provider calls made (0 when a template was used without asking again)


def _limit_check(question: Question) -> None:
    if question.regeneration_count >= REGENERATION_MAX:
        raise RegenerationLimitReached(
            regeneration_count=question.regeneration_count, regeneration_limit=REGENERATION_MAX
        )


def _rating_of(question: Question, user) -> QuestionRating | None:
    return one_or_none(QuestionRating.objects.filter(question=question, user=user))


def _target_type(question: Question, rating: QuestionRating | None, focus: str | None) -> str:
    """The requested focus; else, after a low rating, the next question type (a different
    angle); else the question's own type."""
    if focus:
        return focus
    if rating is not None and is_low_rating(rating.rating):
        kinds = list(QUESTION_TYPES)
        position = kinds.index(question.question_type) if question.question_type in kinds else -1
        return kinds[(position + 1) % len(kinds)]
    return question.question_type


def _sibling_texts(question: Question) -> list[str]:
    """The texts of the chapter's other questions. One query."""
    return list(
        Question.objects.filter(book_id=question.book_id, chapter_id=question.chapter_id)
        .exclude(pk=question.pk)
        .values_list("question_text", flat=True)
    )


def _taken(question: Question, siblings: list[str]) -> set[str]:
    """Text keys the replacement must not have: the chapter's other questions, this question's
    current text and its earlier versions."""
    earlier = [item.get("question_text", "") for item in question.regeneration_history or []]
    return {question_text_key(text) for text in [*siblings, question.question_text, *earlier]}


def _ai_drafts(
    *, book, chapter: dict, question: Question, rating, kind: str, avoid: list[str], attempt: int
):
    """(usable candidate drafts, provider) from one provider call; an unusable answer is none."""
    try:
        answer = replacement_questions(
            book_title=book.title,
            genre=book.genre or "",
            target_audience=book.target_audience or "",
            chapter_title=chapter.get("title") or "",
            chapter_content=chapter.get("content") or "",
            question_text=question.question_text,
            question_type=kind,
            difficulty=question.difficulty,
            rating=rating.rating if rating else None,
            feedback=rating.feedback if rating else None,
            history=question.regeneration_history or [],
            avoid=avoid,
            attempt=attempt,
        )
        raw, provider = answer.get("questions") or [], answer.get("provider") or "openai"
    except AIInvalidResponse:
        raw, provider = [], "openai"
    drafts = question_drafts_complete(
        raw=raw, count=max(1, len(raw)), difficulty=question.difficulty, focus=[kind]
    )
    return drafts, provider


def _template_draft(*, chapter: dict, kind: str, difficulty: str, taken: set[str]) -> dict:
    """A template question of `kind` (then of the other types) whose text is not taken; when a
    chapter has used every template, the first one of `kind` with a variation number."""
    every = sum(len(texts) for texts in TEMPLATES.values())
    for draft in template_questions(
        chapter_title=chapter.get("title") or "", count=every, difficulty=difficulty, focus=[kind]
    ):
        if question_text_key(draft["question_text"]) not in taken:
            return draft
    draft = template_questions(
        chapter_title=chapter.get("title") or "", count=1, difficulty=difficulty, focus=[kind]
    )[0]
    base, number = draft["question_text"], 2
    while question_text_key(f"{base} (variation {number})") in taken:
        number += 1
    return {**draft, "question_text": f"{base} (variation {number})"}


def _fresh_draft(drafts: list[dict], taken: set[str]) -> dict | None:
    return next((d for d in drafts if question_text_key(d["question_text"]) not in taken), None)


def _replacement(*, book, chapter: dict, question: Question, rating, kind: str):
    """(draft, provider, provider calls): the first candidate that is no duplicate, asking the
    provider up to AI_ATTEMPTS times (once offline: it already skips every taken text), then a
    template question. Provider errors propagate."""
    siblings = _sibling_texts(question)
    taken = _taken(question, siblings)
    provider, attempts = "offline", 0
    for attempt in range(AI_ATTEMPTS):
        drafts, provider = _ai_drafts(
            book=book,
            chapter=chapter,
            question=question,
            rating=rating,
            kind=kind,
            avoid=siblings,
            attempt=attempt,
        )
        attempts += 1
        draft = _fresh_draft(drafts, taken)
        if draft is not None:
            return draft, provider, attempts
        if provider == "offline":
            break
    draft = _template_draft(chapter=chapter, kind=kind, difficulty=question.difficulty, taken=taken)
    return draft, provider, attempts


def _swap(*, question: Question, draft: dict, kind: str, rating, now) -> bool:
    """Compare-and-swap the replacement onto `question` (the count it was read at); False when
    another regeneration got there first. On success `question` carries the new values."""
    entry = {
        "question_text": question.question_text,
        "question_type": question.question_type,
        "rating": rating.rating if rating else None,
        "feedback": rating.feedback if rating else None,
        "regenerated_at": now.isoformat(),
    }
    values = {
        "question_text": draft["question_text"],
        "question_type": kind,
        "metadata": {
            "suggested_response_length": SUGGESTED_RESPONSE_LENGTH.get(
                question.difficulty, SUGGESTED_RESPONSE_LENGTH["medium"]
            ),
            "help_text": draft["help_text"],
            "examples": draft["examples"],
        },
        "is_fallback": draft["is_fallback"],
        "generated_at": now,
        "updated_at": now,
        "regeneration_count": question.regeneration_count + 1,
        "regeneration_history": [*(question.regeneration_history or []), entry],
    }
    count = question.regeneration_count
    if not Question.objects.filter(pk=question.pk, regeneration_count=count).update(**values):
        return False
    for name, value in values.items():
        setattr(question, name, value)
    return True


def _reloaded(question: Question) -> Question:
    """The stored question after a lost race: 404 when it is gone, 429 when the winner took
    the last slot."""
    fresh = one_or_none(Question.objects.filter(pk=question.pk))
    if fresh is None:
        raise NotFound("Question not found", code="question_not_found")
    _limit_check(fresh)
    return fresh


def _stale_answers_clear(*, question: Question, before) -> dict:
    """Delete the book's answer to `question` and every user's rating of it written up to
    `before` (the swap): they were about the old wording. Returns what was cleared, for the
    audit row."""
    responses = QuestionResponse.objects.filter(question=question, updated_at__lte=before)
    words = list(responses.values_list("word_count", flat=True))
    if words:
        responses.delete()
    ratings = QuestionRating.objects.filter(question=question, updated_at__lte=before)
    rated = ratings.exists()
    if rated:
        ratings.delete()
    return {
        "response_cleared": bool(words),
        "response_word_count": sum(words),
        "rating_cleared": rated,
    }


def question_regenerate(
    *, book, chapter: dict, question: Question, user, focus: str | None
) -> RegenerationResult:
    """Replace `question` (of `chapter`, a merged chapter dict of `book`'s TOC with its content)
    in place with a new question, asked by `user` (whose rating of it goes into the prompt);
    `focus` is a question type or None.
    See the module docstring for the rules (cap, duplicates, feedback, the old answer)."""
    _limit_check(question)
    before = {"text": question.question_text, "type": question.question_type}
    rating = _rating_of(question, user)
    kind = _target_type(question, rating, focus)
    draft, provider, attempts = _replacement(
        book=book, chapter=chapter, question=question, rating=rating, kind=kind
    )
    for _ in range(WRITE_ATTEMPTS):
        now = now_ms()
        if _swap(question=question, draft=draft, kind=kind, rating=rating, now=now):
            break
        # Lost the race: apply the same replacement on top of the winner's, unless the winner
        # took the last slot (429) or the replacement now duplicates a question.
        question = _reloaded(question)
        rating = _rating_of(question, user)
        taken = _taken(question, _sibling_texts(question))
        if question_text_key(draft["question_text"]) in taken:
            draft = _template_draft(
                chapter=chapter, kind=kind, difficulty=question.difficulty, taken=taken
            )
    else:
        raise Conflict(
            "The question is being regenerated by another request. Please try again.",
            code="regeneration_conflict",
        )
    cleared = _stale_answers_clear(question=question, before=now)
    audit_record(
        action="regenerate_question",
        resource_type=Question.audit_resource_type,
        target_id=str(question.pk),
        book_id=str(book.pk),
        changes={
            "chapter_id": question.chapter_id,
            "focus": focus,
            "regeneration_count": [question.regeneration_count - 1, question.regeneration_count],
            "question_type": [before["type"], question.question_type],
            "question_text_length": [len(before["text"]), len(question.question_text)],
            "provider": provider,
            "provider_calls": attempts,
            "is_fallback": question.is_fallback,
            **cleared,
        },
    )
    return RegenerationResult(question=question, provider=provider, attempts=attempts)
