"""Input and output serializers of the chapter-question endpoints (reference §1.9)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from autoauthor.api.fields import ObjectIdField
from books.api.serializer_fields import StrictCharField, expected_version_field
from questions.models import QuestionDifficulty, QuestionType, ResponseStatus
from questions.rules import (
    BATCH_MAX,
    DEFAULT_SUGGESTED_RESPONSE_LENGTH,
    FEEDBACK_MAX,
    FOCUS_MAX,
    GENERATED_DEFAULT,
    LIST_LIMIT_MAX,
    RATING_MAX,
    RATING_MIN,
    REQUEST_COUNT_MAX,
    RESPONSE_TEXT_MAX,
)
from questions.selectors import LIST_STATUSES, NOT_ANSWERED, PROGRESS_STATUSES
from questions.services.regeneration import REGENERATION_MAX

# --- Inputs -----------------------------------------------------------------------------------


class GenerateQuestionsInput(serializers.Serializer):
    """Body of generate-questions and regenerate-questions. `count` is 1–50 (default 10); the
    number generated is clamped to 3–20."""

    count = serializers.IntegerField(
        min_value=1,
        max_value=REQUEST_COUNT_MAX,
        default=GENERATED_DEFAULT,
        allow_null=True,
        required=False,
    )
    difficulty = serializers.ChoiceField(
        choices=QuestionDifficulty.choices, allow_null=True, required=False, default=None
    )
    focus = serializers.ListField(
        child=serializers.ChoiceField(choices=QuestionType.choices),
        allow_null=True,
        required=False,
        default=None,
        max_length=FOCUS_MAX,
    )

    def validate_focus(self, value):
        return list(dict.fromkeys(value)) if value else None


class RegenerateQuestionInput(serializers.Serializer):
    """Body of a single question's regeneration: the question type the new question should
    have (default: the question's own type, or another one after a low rating)."""

    focus = serializers.ChoiceField(
        choices=QuestionType.choices, allow_null=True, required=False, default=None
    )


class RegenerateQuery(serializers.Serializer):
    preserve_responses = serializers.BooleanField(default=True)


class QuestionListQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=LIST_STATUSES, required=False)
    category = serializers.CharField(required=False, max_length=64)
    question_type = serializers.ChoiceField(choices=QuestionType.choices, required=False)
    page = serializers.IntegerField(min_value=1, default=1)
    limit = serializers.IntegerField(min_value=1, max_value=LIST_LIMIT_MAX, default=10)


class ResponseSaveInput(serializers.Serializer):
    """`word_count` and `question_id` are accepted for compatibility and ignored: the word count
    is recomputed and the question is the one in the path."""

    response_text = serializers.CharField(
        trim_whitespace=False, allow_blank=False, max_length=RESPONSE_TEXT_MAX
    )
    status = serializers.ChoiceField(choices=ResponseStatus.choices, default=ResponseStatus.DRAFT)
    word_count = serializers.IntegerField(required=False, allow_null=True)
    question_id = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    expected_version = expected_version_field(
        "The answer's version the edit was based on (`response.version`, 0 when there is no "
        "answer yet); stale → 409 `version_conflict`. Omitted: the save always applies."
    )


class RatingInput(serializers.Serializer):
    """`question_id` and `user_id` are accepted for compatibility and ignored: the question is
    the one in the path and the user is the caller."""

    rating = serializers.IntegerField(min_value=RATING_MIN, max_value=RATING_MAX)
    feedback = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=FEEDBACK_MAX, default=None
    )
    question_id = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    user_id = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class BatchResponseItemInput(serializers.Serializer):
    """One item of the batch: its shape and types. Whether it can be saved (an id and a text
    present, a known status, a question of this chapter) is decided per item by the service, so
    a bad item fails alone instead of failing the request."""

    question_id = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
    response_text = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
    status = StrictCharField(
        required=False,
        allow_null=True,
        help_text=f"One of {', '.join(ResponseStatus.values)} (default draft); another value "
        "fails the item.",
    )


class BatchResponsesInput(serializers.ListSerializer):
    """The body: a top-level JSON array of 1–100 objects."""

    default_error_messages = {
        "not_a_list": "Expected a list of responses but got {input_type}.",
        "empty": "No responses provided",
        "max_length": "Batch size exceeds maximum of {max_length} responses",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("child", BatchResponseItemInput())
        kwargs.setdefault("allow_empty", False)
        kwargs.setdefault("max_length", BATCH_MAX)
        super().__init__(*args, **kwargs)


# --- Outputs ----------------------------------------------------------------------------------


class QuestionMetadataOutput(serializers.Serializer):
    suggested_response_length = serializers.CharField()
    help_text = serializers.CharField(allow_null=True)
    examples = serializers.ListField(child=serializers.CharField(), allow_null=True)


class QuestionOutput(serializers.Serializer):
    """A question; `has_response`/`response_status` come from the `statuses` context map
    ({question id: response status})."""

    id = ObjectIdField(source="pk")
    book_id = ObjectIdField()
    chapter_id = serializers.CharField()
    question_text = serializers.CharField()
    question_type = serializers.ChoiceField(choices=QuestionType.choices)
    difficulty = serializers.ChoiceField(choices=QuestionDifficulty.choices)
    category = serializers.CharField()
    order = serializers.IntegerField()
    metadata = serializers.SerializerMethodField()
    generated_at = serializers.DateTimeField()
    is_fallback = serializers.BooleanField()
    regeneration_count = serializers.IntegerField(
        help_text=f"Times this question was regenerated (at most {REGENERATION_MAX})."
    )
    has_response = serializers.SerializerMethodField()
    response_status = serializers.SerializerMethodField()

    @extend_schema_field(QuestionMetadataOutput)
    def get_metadata(self, question) -> dict:
        metadata = question.metadata or {}
        return {
            "suggested_response_length": metadata.get("suggested_response_length")
            or DEFAULT_SUGGESTED_RESPONSE_LENGTH,
            "help_text": metadata.get("help_text"),
            "examples": metadata.get("examples"),
        }

    def get_has_response(self, question) -> bool:
        return question.pk in self.context.get("statuses", {})

    @extend_schema_field(serializers.ChoiceField(choices=LIST_STATUSES))
    def get_response_status(self, question) -> str:
        return self.context.get("statuses", {}).get(question.pk, NOT_ANSWERED)


class GenerateQuestionsOutput(serializers.Serializer):
    questions = QuestionOutput(many=True)
    generation_id = serializers.CharField()
    total = serializers.IntegerField()
    preserved_count = serializers.IntegerField(allow_null=True)
    new_count = serializers.IntegerField(allow_null=True)
    fallback_count = serializers.IntegerField()
    provider = serializers.CharField(
        allow_null=True, help_text="openai or offline; null when nothing was generated."
    )


class QuestionListOutput(serializers.Serializer):
    questions = QuestionOutput(many=True)
    total = serializers.IntegerField(help_text="Questions matching every filter.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    has_more = serializers.BooleanField()


class EditHistoryEntryOutput(serializers.Serializer):
    timestamp = serializers.CharField()
    word_count = serializers.IntegerField()


class ResponseMetadataOutput(serializers.Serializer):
    edit_history = EditHistoryEntryOutput(many=True)


class QuestionResponseOutput(serializers.Serializer):
    id = ObjectIdField(source="pk")
    question_id = ObjectIdField()
    user_id = ObjectIdField()
    response_text = serializers.CharField()
    word_count = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ResponseStatus.choices)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    last_edited_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="The answer's version: send as expected_version.")
    metadata = serializers.SerializerMethodField()

    @extend_schema_field(ResponseMetadataOutput)
    def get_metadata(self, response) -> dict:
        return {"edit_history": response.edit_history or []}


class ResponseSaveOutput(serializers.Serializer):
    response = QuestionResponseOutput()
    success = serializers.BooleanField()
    message = serializers.CharField()


class ResponseGetOutput(serializers.Serializer):
    response = QuestionResponseOutput(allow_null=True)
    has_response = serializers.BooleanField()
    success = serializers.BooleanField()


class QuestionRatingOutput(serializers.Serializer):
    id = ObjectIdField(source="pk")
    question_id = ObjectIdField()
    user_id = ObjectIdField()
    rating = serializers.IntegerField()
    feedback = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class RatingSaveOutput(serializers.Serializer):
    rating = QuestionRatingOutput()
    success = serializers.BooleanField()
    message = serializers.CharField()


class QuestionProgressOutput(serializers.Serializer):
    total = serializers.IntegerField()
    completed = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    progress = serializers.FloatField()
    status = serializers.ChoiceField(choices=PROGRESS_STATUSES)


class BatchResultOutput(serializers.Serializer):
    index = serializers.IntegerField()
    question_id = serializers.CharField(allow_null=True)
    success = serializers.BooleanField()
    response_id = ObjectIdField(required=False)
    is_update = serializers.BooleanField(required=False)
    error = serializers.CharField(required=False)


class BatchErrorOutput(serializers.Serializer):
    index = serializers.IntegerField()
    question_id = serializers.CharField(allow_null=True)
    error = serializers.CharField()


class BatchResponsesOutput(serializers.Serializer):
    success = serializers.BooleanField()
    total = serializers.IntegerField()
    saved = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = BatchResultOutput(many=True)
    errors = BatchErrorOutput(many=True, allow_null=True)
    message = serializers.CharField()
    request_id = serializers.CharField(allow_null=True)
