"""Responses to questions and ratings of questions (reference endpoints 51, 53 and 56).

Both are unique per (question, user). Saves are upserts without transactions: the first save is
an insert, and when two first saves race the unique index refuses the second one, which then
retries as an update, so both succeed and one document remains. Response updates are
compare-and-swap writes on `version` (each edit appends the previous word count to the edit
history, keeping the newest 50 entries): concurrent edits are applied one after the other and no
history entry is lost.
"""

from django.db import IntegrityError

from accounts.services.audit import audit_record
from autoauthor.api import context
from autoauthor.api.errors import Conflict, ValidationFailed
from autoauthor.api.fields import parse_object_id
from autoauthor.queries import one_or_none
from questions.models import (
    EDIT_HISTORY_LIMIT,
    Question,
    QuestionRating,
    QuestionResponse,
    ResponseStatus,
    now_ms,
)

RESPONSE_TEXT_MAX = 100_000
FEEDBACK_MAX = 2000
BATCH_MAX = 100
WRITE_ATTEMPTS = 8
RESPONSE_STATUSES = [str(status) for status in ResponseStatus]


def word_count(text: str) -> int:
    """Whitespace-separated words, as the reference counts them."""
    return len(text.split())


def response_text_problem(response_text) -> str | None:
    """Why `response_text` cannot be saved, None when it can."""
    if not isinstance(response_text, str) or not response_text.strip():
        return "Response text cannot be empty"
    if len(response_text) > RESPONSE_TEXT_MAX:
        return f"Response text must be at most {RESPONSE_TEXT_MAX} characters"
    return None


def response_save(
    *, question: Question, user, response_text: str, status: str
) -> tuple[QuestionResponse, bool]:
    """Create or update `user`'s response to `question`; returns (response, created).

    The text must contain something besides whitespace (422 otherwise); the word count is
    recomputed from it. An update records the previous word count in the edit history (newest
    50 kept). Concurrent first saves both succeed and leave one response."""
    problem = response_text_problem(response_text)
    if problem:
        raise ValidationFailed("response_text", problem)
    words = word_count(response_text)
    for _ in range(WRITE_ATTEMPTS):
        now = now_ms()
        current = one_or_none(QuestionResponse.objects.filter(question=question, user=user))
        if current is None:
            try:
                created = QuestionResponse.objects.create(
                    question=question,
                    user=user,
                    response_text=response_text,
                    word_count=words,
                    status=status,
                    edit_history=[],
                    created_at=now,
                    updated_at=now,
                    last_edited_at=now,
                )
            except IntegrityError:
                continue  # another first save won the race: update theirs
            return created, True
        history = [
            *(current.edit_history or []),
            {"timestamp": now.isoformat(), "word_count": current.word_count},
        ][-EDIT_HISTORY_LIMIT:]
        values = {
            "response_text": response_text,
            "word_count": words,
            "status": status,
            "edit_history": history,
            "version": current.version + 1,
            "updated_at": now,
            "last_edited_at": now,
        }
        if QuestionResponse.objects.filter(pk=current.pk, version=current.version).update(**values):
            changes = {
                name: [getattr(current, name), values[name]]
                for name in ("status", "word_count")
                if getattr(current, name) != values[name]
            }
            audit_record(
                action="question_response_update",
                resource_type=QuestionResponse.audit_resource_type,
                target_id=str(current.pk),
                book_id=str(question.book_id),
                changes=changes,
            )
            for name, value in values.items():
                setattr(current, name, value)
            return current, False
    raise Conflict(
        "The response is being changed by another request. Please try again.",
        code="response_conflict",
    )


def rating_save(
    *, question: Question, user, rating: int, feedback: str | None
) -> tuple[QuestionRating, bool]:
    """Create or update `user`'s rating (1–5, optional feedback) of `question`; returns
    (rating, created). `created_at` is kept on updates. Concurrent first saves both succeed
    and leave one rating; of concurrent updates the last one stays (a rating is one value)."""
    for _ in range(WRITE_ATTEMPTS):
        now = now_ms()
        current = one_or_none(QuestionRating.objects.filter(question=question, user=user))
        if current is None:
            try:
                created = QuestionRating.objects.create(
                    question=question,
                    user=user,
                    rating=rating,
                    feedback=feedback,
                    created_at=now,
                    updated_at=now,
                )
            except IntegrityError:
                continue
            return created, True
        if QuestionRating.objects.filter(pk=current.pk).update(
            rating=rating, feedback=feedback, updated_at=now
        ):
            changes = {}
            if current.rating != rating:
                changes["rating"] = [current.rating, rating]
            if current.feedback != feedback:
                changes["feedback"] = [len(current.feedback or ""), len(feedback or "")]
            audit_record(
                action="question_rating_update",
                resource_type=QuestionRating.audit_resource_type,
                target_id=str(current.pk),
                book_id=str(question.book_id),
                changes=changes,
            )
            current.rating, current.feedback, current.updated_at = rating, feedback, now
            return current, False
        # the rating was deleted (with its question) between our read and our write: read again
    raise Conflict(
        "The rating is being changed by another request. Please try again.",
        code="rating_conflict",
    )


def _batch_item_problem(item) -> tuple[str | None, str | None]:
    """(question_id as given, the reason the item cannot be saved or None)."""
    if not isinstance(item, dict):
        return None, "Item must be an object"
    question_id = item.get("question_id")
    shown = question_id if isinstance(question_id, str) else None
    if not isinstance(question_id, str) or not question_id.strip():
        return shown, "Missing question_id"
    text = item.get("response_text")
    if not isinstance(text, str) or not text.strip():
        return shown, "Missing response_text"
    problem = response_text_problem(text)
    if problem:
        return shown, problem
    status = item.get("status", ResponseStatus.DRAFT)
    if status is None:
        status = ResponseStatus.DRAFT
    if status not in RESPONSE_STATUSES:
        return shown, f"Invalid status: must be one of {', '.join(RESPONSE_STATUSES)}"
    return shown, None


def responses_batch_save(*, book, chapter_id: str, user, items: list) -> dict:
    """Save up to 100 responses to questions of one chapter; each item is independent.

    An item fails (and saves nothing) when it lacks `question_id` or `response_text`, has an
    unknown status, or names a question that does not exist, is malformed, belongs to another
    user or to another chapter or book. Valid items are saved as by `response_save`. Results
    are in input order; the summary counts saved and failed items."""
    checked = [_batch_item_problem(item) for item in items]
    wanted = {
        oid
        for (question_id, problem) in checked
        if problem is None and (oid := parse_object_id(question_id.strip())) is not None
    }
    questions = {
        question.pk: question
        for question in (
            Question.objects.filter(
                pk__in=list(wanted), book=book, chapter_id=chapter_id, user=user
            )
            if wanted
            else []
        )
    }
    results: list[dict] = []
    errors: list[dict] = []
    saved = 0
    for index, (item, (question_id, problem)) in enumerate(zip(items, checked, strict=True)):
        question = None
        if problem is None:
            question = questions.get(parse_object_id(question_id.strip()))
            if question is None:
                problem = "Question not found in this chapter"
        if problem is None:
            try:
                response, created = response_save(
                    question=question,
                    user=user,
                    response_text=item["response_text"],
                    status=item.get("status") or ResponseStatus.DRAFT,
                )
            except Conflict as exc:
                problem = exc.detail
        if problem is not None:
            results.append(
                {"index": index, "question_id": question_id, "success": False, "error": problem}
            )
            errors.append({"index": index, "question_id": question_id, "error": problem})
            continue
        saved += 1
        results.append(
            {
                "index": index,
                "question_id": question_id,
                "response_id": response.pk,
                "success": True,
                "is_update": not created,
            }
        )
    failed = len(items) - saved
    audit_record(
        action="save_question_responses_batch",
        resource_type="question_responses",
        target_id=chapter_id,
        book_id=str(book.pk),
        changes={
            "book_id": str(book.pk),
            "chapter_id": chapter_id,
            "total": len(items),
            "saved": saved,
            "failed": failed,
        },
    )
    return {
        "success": failed == 0,
        "total": len(items),
        "saved": saved,
        "failed": failed,
        "results": results,
        "errors": errors or None,
        "message": f"Batch save completed: {saved}/{len(items)} responses saved successfully",
        "request_id": context.current().request_id,
    }
