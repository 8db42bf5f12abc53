"""Book-level API inputs and outputs (books, summary, question responses, readiness, cover image,
audit log). Field names, limits and shapes follow the reference's BookCreate/BookUpdate/
BookResponse; unknown input keys are ignored as the reference does."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from autoauthor.api.fields import ObjectIdField
from books.api.serializer_fields import StrictCharField, book_text_field
from books.models import ChapterStatus
from books.rules import (
    BOOK_AUDIENCE_MAX,
    BOOK_DESCRIPTION_MAX,
    BOOK_GENRE_MAX,
    BOOK_ROLES,
    BOOK_SUBTITLE_MAX,
    BOOK_TITLE_MAX,
    URL_MAX,
)


def _optional_text(max_length: int) -> StrictCharField:
    return book_text_field(max_length=max_length, required=False, allow_null=True, allow_blank=True)


class BookCreateInput(serializers.Serializer):
    title = book_text_field(min_length=1, max_length=BOOK_TITLE_MAX)
    subtitle = _optional_text(BOOK_SUBTITLE_MAX)
    description = _optional_text(BOOK_DESCRIPTION_MAX)
    genre = _optional_text(BOOK_GENRE_MAX)
    target_audience = _optional_text(BOOK_AUDIENCE_MAX)
    cover_image_url = _optional_text(URL_MAX)
    metadata = serializers.DictField(required=False, allow_null=True)


class BookUpdateInput(BookCreateInput):
    """PUT: `title` is required and cannot be null (the reference's "required but nullable" is
    fixed); other keys absent or null leave their field unchanged."""

    published = serializers.BooleanField(required=False, allow_null=True)


class BookPatchInput(BookUpdateInput):
    """PATCH: every key optional; `title`, when sent, is 1-100 characters and not null."""

    title = book_text_field(min_length=1, max_length=BOOK_TITLE_MAX, required=False)


class TocItemOutput(serializers.Serializer):
    """One chapter of the book's TOC, flattened (the reference's legacy TocItemSchema)."""

    id = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    level = serializers.IntegerField(help_text="1 for a chapter, 2 for a subchapter.")
    order = serializers.IntegerField()
    parent_id = serializers.CharField(allow_null=True)
    description = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=ChapterStatus.choices)
    word_count = serializers.IntegerField()
    last_modified = serializers.CharField(allow_null=True)
    estimated_reading_time = serializers.IntegerField()
    is_active_tab = serializers.BooleanField()
    metadata = serializers.DictField()


class BookOutput(serializers.Serializer):
    """BookResponse of the reference, plus what the frontend's book cards and book page read:
    `chapters`, `progress` and `word_count`, and `toc_items` filled with the flattened chapters
    (the reference leaves it `[]`)."""

    # Renders books passed through `books.selectors.books_with_outline` (the `outline.*` sources).

    id = ObjectIdField(source="pk")
    title = serializers.CharField()
    subtitle = serializers.CharField(allow_null=True)
    description = serializers.CharField(allow_null=True)
    genre = serializers.CharField(allow_null=True)
    target_audience = serializers.CharField(allow_null=True)
    cover_image_url = serializers.CharField(allow_null=True)
    metadata = serializers.DictField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    owner_id = ObjectIdField()
    toc_items = TocItemOutput(
        many=True,
        source="outline.toc_items",
        help_text="Every chapter and subchapter in TOC order (pre-order).",
    )
    published = serializers.BooleanField()
    collaborators = serializers.ListField(
        child=serializers.DictField(),
        help_text="Who the book is shared with: {user_id, role, added_at} each.",
    )
    role = serializers.ChoiceField(
        choices=BOOK_ROLES,
        source="caller_role",
        help_text="The caller's role on the book (`owner` for their own books).",
    )
    chapters = serializers.IntegerField(
        source="outline.chapters", help_text="Number of chapters and subchapters."
    )
    progress = serializers.IntegerField(
        source="outline.progress",
        min_value=0,
        max_value=100,
        help_text="Percentage (0-100, rounded) of the chapters completed or published.",
    )
    word_count = serializers.IntegerField(
        source="outline.word_count", help_text="Words of every chapter together."
    )


class BookDetailOutput(BookOutput):
    """BookDetailResponse: BookResponse plus `owner` (always null, as in the reference)."""

    owner = serializers.SerializerMethodField()

    @extend_schema_field({"type": "object", "nullable": True, "example": None})
    def get_owner(self, book):
        return None


@extend_schema_field(OpenApiTypes.STR)
class AnyJSONField(serializers.JSONField):
    """Accepts any JSON value: the service checks the type so it can answer with the
    reference's messages (400)."""


class SummaryInput(serializers.Serializer):
    summary = AnyJSONField(required=False, allow_null=True)


class SummaryHistoryEntry(serializers.Serializer):
    summary = serializers.CharField()
    timestamp = serializers.CharField()


class SummaryOutput(serializers.Serializer):
    summary = serializers.CharField(allow_null=True, allow_blank=True)
    summary_history = SummaryHistoryEntry(many=True)


class QuestionResponseItem(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField()


@extend_schema_field(QuestionResponseItem(many=True))
class ResponsesField(serializers.JSONField):
    """Any JSON value; `question_responses_validate` checks it with the reference's messages."""


class QuestionResponsesInput(serializers.Serializer):
    responses = ResponsesField(required=False, allow_null=True)


class QuestionResponsesOutput(serializers.Serializer):
    responses = QuestionResponseItem(many=True)
    answered_at = serializers.CharField(allow_null=True, required=False)
    status = serializers.CharField()


class QuestionResponsesSavedOutput(serializers.Serializer):
    book_id = ObjectIdField()
    responses_saved = serializers.IntegerField()
    answered_at = serializers.CharField()
    ready_for_toc_generation = serializers.BooleanField()


class TocReadinessOutput(serializers.Serializer):
    is_ready_for_toc = serializers.BooleanField()
    confidence_score = serializers.FloatField()
    analysis = serializers.CharField(allow_blank=True)
    suggestions = serializers.ListField(child=serializers.CharField())
    word_count = serializers.IntegerField()
    character_count = serializers.IntegerField()
    meets_minimum_requirements = serializers.BooleanField()


class CoverImageInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False)


class CoverImageOutput(serializers.Serializer):
    message = serializers.CharField()
    cover_image_url = serializers.CharField()
    cover_thumbnail_url = serializers.CharField()
    book_id = ObjectIdField()


class AuditLogOutput(serializers.Serializer):
    """An audit row as the book's owner sees it (IP address and user agent are left out)."""

    id = ObjectIdField(source="pk")
    action = serializers.CharField()
    actor_id = serializers.CharField()
    target_id = serializers.CharField()
    resource_type = serializers.CharField()
    changes = serializers.DictField()
    request_id = serializers.CharField(allow_null=True)
    timestamp = serializers.DateTimeField()
