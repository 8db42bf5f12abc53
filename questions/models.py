"""Chapter interview questions, the book's answers to them and each user's ratings of them.

Storage design:
- A `Question` belongs to one chapter of one book (`user` records who generated it: the
  questions and answers are the book's, shared by everyone who may read it). It points at the
  chapter's `books.Chapter` document (`chapter_document`, CASCADE) and at the book (CASCADE),
  so deleting a chapter or a book removes its questions through Django's collector, and with
  them (CASCADE again) their responses and ratings. The chapter's string id is kept alongside
  (`chapter_id`) because every read filters on (book, chapter_id).
- `QuestionResponse` is the book's answer: one per question (`user` is who saved it last).
  `QuestionRating` is unique per (question, user). First saves are inserts that may race: the
  loser of the race gets IntegrityError from the unique index and retries as an update (or,
  when it named the version it edited, is refused with 409), so one document remains.
- Response updates are compare-and-swap writes on `version` (1 for a first save, +1 per edit;
  0 means "no answer yet"), so two concurrent edits never lose an edit-history entry and a
  save based on a stale `expected_version` is refused (the history keeps the newest 50
  entries).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import AuditedModel
from books.models import CompositeUniqueKey
from questions.rules import (
    DEFAULT_CATEGORY,
    DEFAULT_SUGGESTED_RESPONSE_LENGTH,
    DIFFICULTIES,
    FEEDBACK_MAX,
    QUESTION_TEXT_MAX,
    QUESTION_TEXT_MIN,
    QUESTION_TYPES,
    RATING_MAX,
    RATING_MIN,
    RESPONSE_STATUSES,
)


def _choices(name: str, values: tuple[str, ...]) -> type[models.TextChoices]:
    """TextChoices of the rules' values: member `CHARACTER` = "character", label "Character"."""
    return models.TextChoices(name, [(value.upper(), value) for value in values])


QuestionType = _choices("QuestionType", QUESTION_TYPES)
QuestionDifficulty = _choices("QuestionDifficulty", DIFFICULTIES)
ResponseStatus = _choices("ResponseStatus", RESPONSE_STATUSES)


def now_ms():
    """The current time at MongoDB's millisecond precision, so what a write returns equals what
    a later read returns."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def default_question_metadata() -> dict:
    return {
        "suggested_response_length": DEFAULT_SUGGESTED_RESPONSE_LENGTH,
        "help_text": None,
        "examples": None,
    }


class Question(AuditedModel):
    chapter_document = models.ForeignKey(
        "books.Chapter", on_delete=models.CASCADE, related_name="questions"
    )
    book = models.ForeignKey("books.Book", on_delete=models.CASCADE, related_name="questions")
    chapter_id = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions"
    )
    question_text = models.CharField(
        max_length=QUESTION_TEXT_MAX, validators=[MinLengthValidator(QUESTION_TEXT_MIN)]
    )
    question_type = models.CharField(max_length=16, choices=QuestionType.choices)
    difficulty = models.CharField(
        max_length=8, choices=QuestionDifficulty.choices, default=QuestionDifficulty.MEDIUM
    )
    category = models.CharField(max_length=64, default=DEFAULT_CATEGORY)
    order = models.PositiveIntegerField(default=1)
    metadata = models.JSONField(default=default_question_metadata, blank=True)
    # True for questions filled in from the built-in templates instead of the AI provider.
    is_fallback = models.BooleanField(default=False)
    generation_id = models.CharField(max_length=36, blank=True, default="")
    generated_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Single-question regeneration (questions.services.regeneration): how often this question
    # was replaced in place (capped; the cap is checked and the count raised by one
    # compare-and-swap), and what each replaced version was and how the author had rated it:
    # [{"question_text", "question_type", "rating", "feedback", "regenerated_at"}], oldest first.
    regeneration_count = models.PositiveIntegerField(default=0)
    regeneration_history = models.JSONField(default=list, blank=True)

    audit_resource_type = "question"

    class Meta:
        db_table = "questions"
        indexes = [
            models.Index(fields=["book", "chapter_id", "user"], name="q_book_chapter_user_idx"),
            models.Index(fields=["user", "-created_at"], name="q_user_created_idx"),
            models.Index(fields=["book", "chapter_id", "order"], name="q_chapter_order_idx"),
        ]

    def __str__(self) -> str:
        return self.question_text[:60]


class QuestionResponse(CompositeUniqueKey, AuditedModel):
    unique_key_fields = ("question_id",)  # one answer per question: the book's (migration 0004)

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_responses"
    )
    response_text = models.TextField()
    word_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    # [{"timestamp": ISO-8601, "word_count": <word count before that edit>}], newest last,
    # at most questions.rules.EDIT_HISTORY_LIMIT entries.
    edit_history = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    last_edited_at = models.DateTimeField(default=timezone.now)

    audit_resource_type = "question_response"
    audit_ignore_fields = (
        "updated_at",
        "created_at",
        "last_edited_at",
        "edit_history",
        "version",
        "unique_key",
    )
    audit_length_fields = ("response_text",)

    class Meta:
        db_table = "question_responses"
        # The question is unique through `unique_key` (see books.models.CompositeUniqueKey);
        # the (question, user) index serves the lookups by question as its prefix.
        indexes = [
            models.Index(fields=["question", "user"], name="qr_question_user_idx"),
            models.Index(fields=["user", "-created_at"], name="qr_user_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.user_id}"


class QuestionRating(CompositeUniqueKey, AuditedModel):
    unique_key_fields = ("question_id", "user_id")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_ratings"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]
    )
    feedback = models.TextField(max_length=FEEDBACK_MAX, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    audit_resource_type = "question_rating"
    audit_ignore_fields = ("updated_at", "created_at", "unique_key")

    class Meta:
        db_table = "question_ratings"
        # (question, user) is unique through `unique_key` (see books.models.CompositeUniqueKey).
        indexes = [models.Index(fields=["question", "user"], name="qrating_question_user_idx")]

    def __str__(self) -> str:
        return f"{self.question_id}:{self.user_id}={self.rating}"
