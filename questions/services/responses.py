"""The book's answers to questions and each user's ratings of them (reference endpoints 51, 53
and 56).

An answer is the book's: one per question, whoever saved it (its `user` is who saved it last,
and the audit row names them). A rating is unique per (question, user). Saves are upserts
without transactions: the first save is an insert, and when two first saves race the unique
index refuses the second one, which then retries as an update, so both succeed and one document
remains. Answer updates are compare-and-swap writes on `version` (each edit appends the previous
word count to the edit history, keeping the newest 50 entries): concurrent edits are applied one
after the other and no history entry is lost. A save that names the version it edited
(`expected_version`, 0 for "no answer yet") is refused with 409 `version_conflict` when the
answer moved on meanwhile, so two collaborators never silently overwrite each other; a save
without it is never refused for that.
"""

from django.db import IntegrityError

from accounts.services.audit import audit_record
from autoauthor.core import context
from autoauthor.core.errors import Conflict, ValidationFailed
from autoauthor.core.ids import parse_object_id
from autoauthor.queries import one_or_none
from books.read_cache import book_changed
from books.rules import word_count
from questions.models import Question, QuestionRating, QuestionResponse, now_ms
from questions.rules import (
    DEFAULT_RESPONSE_STATUS,
    EDIT_HISTORY_LIMIT,
    RESPONSE_STATUSES,
    is_answer,
    response_text_problem,
)

WRITE_ATTEMPTS = 8
RESPONSE_CONFLICT = "The answer was changed by someone else meanwhile. Please reload and try again."


def _version_check(current: QuestionResponse | None, expected_version: int | None) -> None:
    """409 `version_conflict` (with `current_version`) when the answer is not at the version
    the save was based on (0: none yet); nothing to check without `expected_version`."""
    version = current.version if current is not None else 0
    if expected_version is not None and version != expected_version:
        raise Conflict(RESPONSE_CONFLICT, code="version_conflict", current_version=version)


def response_save(
    *,
    question: Question,
    user,
    response_text: str,
    status: str,
    expected_version: int | None = None,
) -> tuple[QuestionResponse, bool]:
    """Create or update the book's answer to `question`, saved by `user`; returns (response,
    created).

    The text must contain something besides whitespace (422 otherwise); the word count is
    recomputed from it. An update records the previous word count in the edit history (newest
    50 kept). With `expected_version` the save applies only to that version of the answer (0:
    there is none yet), else 409 `version_conflict`; without it concurrent saves are applied
    one after the other and concurrent first saves both succeed and leave one answer."""
    problem = response_text_problem(response_text)
    if problem:
        raise ValidationFailed("response_text", problem)
    values = {"response_text": response_text, "word_count": word_count(response_text),
              "status": status, "user_id": user.pk}  # fmt: skip
    for _ in range(WRITE_ATTEMPTS):
        now = now_ms()
        values.update(updated_at=now, last_edited_at=now)
        current = one_or_none(QuestionResponse.objects.filter(question=question))
        _version_check(current, expected_version)
        if current is None:
            try:
                created = QuestionResponse.objects.create(
                    question=question, edit_history=[], created_at=now, version=1, **values
                )
            except IntegrityError:
                continue  # another first save won the race: update theirs (or 409, above)
            book_changed(book_id=question.book_id, owner_id=None)  # search re-reads the book
            return created, True
        if _response_update(question=question, current=current, values=values):
            book_changed(book_id=question.book_id, owner_id=None)  # search re-reads the book
            return current, False
    raise Conflict(
        "The response is being changed by another request. Please try again.",
        code="response_conflict",
    )


def _response_update(*, question: Question, current: QuestionResponse, values: dict) -> bool:
    """Compare-and-swap `values` onto `current` (the version it was read at), appending the
    previous word count to the edit history; False when another write got there first. On
    success `current` carries the new values."""
    now = values["updated_at"]
    history = [
        *(current.edit_history or []),
        {"timestamp": now.isoformat(), "word_count": current.word_count},
    ][-EDIT_HISTORY_LIMIT:]
    values = {**values, "edit_history": history, "version": current.version + 1}
    if not QuestionResponse.objects.filter(pk=current.pk, version=current.version).update(**values):
        return False
    changes = {
        name: [_shown(getattr(current, name)), _shown(values[name])]
        for name in ("status", "word_count", "user_id")
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
    return True


def _shown(value):
    """An audit value as JSON holds it (the id of who saved as a string)."""
    return value if isinstance(value, str | int) or value is None else str(value)


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
    if not is_answer(text):
        return shown, "Missing response_text"
    problem = response_text_problem(text)
    if problem:
        return shown, problem
    status = item.get("status", DEFAULT_RESPONSE_STATUS)
    if status is None:
        status = DEFAULT_RESPONSE_STATUS
    if status not in RESPONSE_STATUSES:
        return shown, f"Invalid status: must be one of {', '.join(RESPONSE_STATUSES)}"
    return shown, None


def _batch_questions(*, book, chapter_id: str, checked: list[tuple]) -> dict:
    """{question pk: question} of the well-formed question ids among the checked items that
    name a question of this chapter of `book` (one query, none if none)."""
    wanted = {
        oid
        for (question_id, problem) in checked
        if problem is None and (oid := parse_object_id(question_id.strip())) is not None
    }
    if not wanted:
        return {}
    return {
        question.pk: question
        for question in Question.objects.filter(
            pk__in=list(wanted), book=book, chapter_id=chapter_id
        )
    }


def _batch_item_save(
    *, index: int, item, question_id, problem: str | None, questions: dict, user
) -> dict:
    """The result of one batch item: saved as by `response_save` to its question among
    `questions`, or failed with its reason."""
    question = questions.get(parse_object_id(question_id.strip())) if problem is None else None
    if problem is None and question is None:
        problem = "Question not found in this chapter"
    if problem is None:
        try:
            response, created = response_save(
                question=question,
                user=user,
                response_text=item["response_text"],
                status=item.get("status") or DEFAULT_RESPONSE_STATUS,
            )
        except Conflict as exc:
            problem = exc.detail
    if problem is not None:
        return {"index": index, "question_id": question_id, "success": False, "error": problem}
    return {
        "index": index,
        "question_id": question_id,
        "response_id": response.pk,
        "success": True,
        "is_update": not created,
    }


def responses_batch_save(*, book, chapter_id: str, user, items: list) -> dict:
    """Save up to 100 responses to questions of one chapter; each item is independent.

    An item fails (and saves nothing) when it lacks `question_id` or `response_text`, has an
    unknown status, or names a question that does not exist, is malformed, or belongs to
    another chapter or book. Valid items are saved as by `response_save`. Results
    are in input order; the summary counts saved and failed items."""
    checked = [_batch_item_problem(item) for item in items]
    questions = _batch_questions(book=book, chapter_id=chapter_id, checked=checked)
    results = [
        _batch_item_save(
            index=index,
            item=item,
            question_id=question_id,
            problem=problem,
            questions=questions,
            user=user,
        )
        for index, (item, (question_id, problem)) in enumerate(zip(items, checked, strict=True))
    ]
    errors = [
        {"index": result["index"], "question_id": result["question_id"], "error": result["error"]}
        for result in results
        if not result["success"]
    ]
    saved = len(items) - len(errors)
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
