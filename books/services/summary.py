"""Book summary and book-level question responses.

Audit rows (actor = the requesting user; target = the book id; resource_type "book"), both
explicit:
- `summary_update`: the summary is a compare-and-swap, not a plain save; changes
  {"summary": [old length, new length]}.
- `question_responses_update`: changes {"question_responses": [old count, new count]}.
"""

import re

from django.db.models import F
from django.utils import timezone

from accounts.services.audit import audit_record
from autoauthor.core.errors import Conflict, Invalid, NotFound
from autoauthor.queries import one_or_none
from books.models import Book
from books.read_cache import invalidates
from books.rules import (
    RESPONSE_ANSWER_MAX_CHARS,
    RESPONSE_QUESTION_MAX_CHARS,
    RESPONSES_MAX_ITEMS,
    SUMMARY_HISTORY_LIMIT,
    SUMMARY_MAX_CHARS,
    SUMMARY_MIN_CHARS,
)
from books.selectors import BOOK_NOT_FOUND
from books.services.toc import now_iso

# A summary save re-reads and retries its compare-and-swap this many times before giving up
# with 409 (each retry means another save landed in between; its text went to the history).
SUMMARY_CAS_ATTEMPTS = 5
OFFENSIVE_WORDS = (
    "fuck",
    "shit",
    "bitch",
    "asshole",
    "bastard",
    "dick",
    "cunt",
    "nigger",
    "faggot",
    "slut",
    "whore",
)
_OFFENSIVE_RE = re.compile(
    r"\b(?:" + "|".join(map(re.escape, OFFENSIVE_WORDS)) + r")\b", re.IGNORECASE
)


def contains_offensive_language(text: str) -> bool:
    """Whether `text` contains a word of OFFENSIVE_WORDS (whole words, any case). The one check
    behind summaries and generated questions."""
    return _OFFENSIVE_RE.search(text) is not None


# --- Summary -------------------------------------------------------------------------------------


def summary_validate(*, summary, partial: bool) -> str | None:
    """The summary text to store, or None when a PATCH sends no summary (nothing to write).

    Rules (the same for PUT and PATCH): a string of 30-2000 characters (after trimming
    surrounding whitespace) without any word of OFFENSIVE_WORDS (whole words, any case).
    Broken rules are 400 with the reference's messages."""
    if summary is None and partial:
        return None
    if not isinstance(summary, str) or (not partial and not summary.strip()):
        message = "Summary must be a string." if partial else None
        raise Invalid(
            message or "Summary is required and must be a string.", code="summary_required"
        )
    text = summary.strip()
    if len(text) < SUMMARY_MIN_CHARS:
        raise Invalid(
            f"Summary must be at least {SUMMARY_MIN_CHARS} characters.", code="summary_too_short"
        )
    if len(text) > SUMMARY_MAX_CHARS:
        raise Invalid(
            f"Summary must be at most {SUMMARY_MAX_CHARS} characters.", code="summary_too_long"
        )
    if contains_offensive_language(text):
        raise Invalid("Summary contains inappropriate language.", code="summary_inappropriate")
    return text


def _summary_version_check(book: Book, expected_version: int | None) -> None:
    """409 `version_conflict` (with `current_version`) when a guarded write's version is stale."""
    if expected_version is not None and book.summary_version != expected_version:
        raise Conflict(
            "The summary has been modified elsewhere. Please reload and try again.",
            code="version_conflict",
            current_version=book.summary_version,
        )


@invalidates
def book_summary_update(*, book: Book, summary: str, expected_version: int | None = None) -> Book:
    """Store a validated summary. A previous non-empty summary that differs goes to the history
    as {summary, timestamp, version} (the last 20 are kept; `version` is the `summary_version`
    the text had, which numbers the summary's revisions: books.selectors.revisions).
    With `expected_version` (a restore) a `summary_version` other than it is 409
    `version_conflict` with `current_version`, checked on every attempt.

    Concurrency: the write is a compare-and-swap on `summary_version`; when another save landed
    between read and write, the book is re-read (its summary now goes to the history) and the
    swap retried, up to SUMMARY_CAS_ATTEMPTS times, then 409 `summary_conflict`. So concurrent
    saves never lose a history entry. Saving the current text again writes nothing. Audit:
    `summary_update`."""
    current = book
    for _ in range(SUMMARY_CAS_ATTEMPTS):
        old = current.summary or ""
        _summary_version_check(current, expected_version)
        if old == summary:
            return current
        history = list(current.summary_history or [])
        if old:
            history.append(
                {"summary": old, "timestamp": now_iso(), "version": current.summary_version}
            )
        history = history[-SUMMARY_HISTORY_LIMIT:]
        now = timezone.now()
        swapped = Book.objects.filter(
            pk=book.pk, deleted_at=None, summary_version=current.summary_version
        ).update(
            summary=summary,
            summary_history=history,
            summary_version=F("summary_version") + 1,
            updated_at=now,
        )
        if swapped:
            audit_record(
                action="summary_update",
                resource_type="book",
                target_id=str(book.pk),
                book_id=str(book.pk),
                changes={"summary": [len(old), len(summary)]},
            )
            current.summary, current.summary_history = summary, history
            current.summary_version += 1
            current.updated_at = now
            return current
        current = one_or_none(
            Book.objects.filter(pk=book.pk, deleted_at=None).only(
                "owner_id", "summary", "summary_history", "summary_version"
            )
        )
        if current is None:
            raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    raise Conflict(
        "The summary was changed by other requests at the same time; please retry.",
        code="summary_conflict",
    )


# --- Book-level question responses ----------------------------------------------------------------


def question_responses_validate(*, responses) -> list[dict]:
    """The `responses` of a PUT as [{question, answer}] (extra keys dropped). Missing is an
    empty list (as the reference). 400 with the reference's messages (0-based index) when it
    is not a list, an item is not an object, lacks `question` or `answer`, or an answer is
    blank; fixed quirks: a non-string question or answer is 400 (was a 500), and the list and
    texts are bounded (50 items, questions 1000 and answers 10000 characters)."""
    if responses is None:
        return []
    if not isinstance(responses, list):
        raise Invalid("Responses must be provided as a list", code="invalid_responses")
    if len(responses) > RESPONSES_MAX_ITEMS:
        raise Invalid(
            f"At most {RESPONSES_MAX_ITEMS} responses can be saved", code="invalid_responses"
        )
    cleaned = []
    for index, item in enumerate(responses):
        if not isinstance(item, dict):
            raise Invalid(f"Response {index} must be an object", code="invalid_responses")
        if "question" not in item or "answer" not in item:
            raise Invalid(
                f"Response {index} must contain 'question' and 'answer' fields",
                code="invalid_responses",
            )
        question, answer = item["question"], item["answer"]
        if not isinstance(question, str) or not isinstance(answer, str):
            raise Invalid(
                f"Response {index}: 'question' and 'answer' must be strings",
                code="invalid_responses",
            )
        if not answer.strip():
            raise Invalid(f"Answer for question {index} cannot be empty", code="empty_answer")
        if len(question) > RESPONSE_QUESTION_MAX_CHARS or len(answer) > RESPONSE_ANSWER_MAX_CHARS:
            raise Invalid(
                f"Response {index} is too long (question at most "
                f"{RESPONSE_QUESTION_MAX_CHARS}, answer at most {RESPONSE_ANSWER_MAX_CHARS} "
                "characters)",
                code="invalid_responses",
            )
        cleaned.append({"question": question, "answer": answer})
    return cleaned


@invalidates
def book_question_responses_update(*, book: Book, responses: list[dict]) -> dict:
    """Store the answers to the book's clarifying questions as
    {responses, answered_at, status: "completed"} and, when clarifying questions exist, mark
    them `answered` (no empty object is written when there are none).

    One single-document write, a compare-and-swap on the clarifying questions as read, so a
    concurrent question generation is never overwritten (re-read and retried, then 409).
    Audit: `question_responses_update`."""
    current = book
    for _ in range(SUMMARY_CAS_ATTEMPTS):
        answered_at = now_iso()
        stored = {"responses": responses, "answered_at": answered_at, "status": "completed"}
        questions = current.clarifying_questions
        update: dict = {"question_responses": stored, "updated_at": timezone.now()}
        if isinstance(questions, dict) and questions:
            update["clarifying_questions"] = {**questions, "status": "answered"}
        filters: dict = {"pk": book.pk, "deleted_at": None}
        if questions is None:
            filters["clarifying_questions__isnull"] = True
        else:
            filters["clarifying_questions"] = questions
        if Book.objects.filter(**filters).update(**update):
            previous = (current.question_responses or {}).get("responses") or []
            audit_record(
                action="question_responses_update",
                resource_type="book",
                target_id=str(book.pk),
                book_id=str(book.pk),
                changes={"question_responses": [len(previous), len(responses)]},
            )
            return stored
        current = one_or_none(
            Book.objects.filter(pk=book.pk, deleted_at=None).only(
                "owner_id", "clarifying_questions", "question_responses"
            )
        )
        if current is None:
            raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    raise Conflict(
        "The book's questions changed while the answers were being saved; please retry.",
        code="responses_conflict",
    )
