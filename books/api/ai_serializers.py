"""Inputs and outputs of the AI authoring endpoints. Request fields the reference treats
leniently (`num_questions`, `target_length`) keep that behaviour; Q&A lists are checked by the
services with the reference's 400 messages."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from autoauthor.ai import ENHANCEMENT_TYPES
from autoauthor.api.fields import ObjectIdField
from books.api.chapter_serializers import TocBodyField
from books.api.serializer_fields import StrictCharField
from books.rules import CONTENT_MAX_LENGTH


@extend_schema_field(OpenApiTypes.ANY)
class LenientIntegerField(serializers.Field):
    """Any JSON value, passed on as is: the service maps out-of-range or non-integer values to
    the default (as the reference does). Documented as any value, since any value is accepted;
    clients send integers."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class AIQuestionResponseItem(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField()


@extend_schema_field(AIQuestionResponseItem(many=True))
class QuestionResponsesField(serializers.JSONField):
    """A list of {question, answer}; its shape is checked by the service (400 messages)."""


class ProviderMixin(serializers.Serializer):
    provider = serializers.ChoiceField(
        choices=["openai", "offline"], help_text="Which AI provider produced the result."
    )


# --- analyze-summary ------------------------------------------------------------------------


class SummaryAnalysisOutput(serializers.Serializer):
    is_ready_for_toc = serializers.BooleanField()
    confidence_score = serializers.FloatField()
    analysis = serializers.CharField(allow_blank=True)
    suggestions = serializers.ListField(child=serializers.CharField())
    word_count = serializers.IntegerField()
    character_count = serializers.IntegerField()
    meets_minimum_requirements = serializers.BooleanField()
    provider = serializers.CharField()


class AnalyzeSummaryOutput(ProviderMixin):
    book_id = ObjectIdField()
    analysis = SummaryAnalysisOutput()
    analyzed_at = serializers.CharField()


# --- generate-questions (clarifying) --------------------------------------------------------


class ClarifyingQuestionsInput(serializers.Serializer):
    num_questions = LenientIntegerField(
        required=False, help_text="3–6; anything else (or absent) means 4."
    )


class ClarifyingQuestionsOutput(ProviderMixin):
    book_id = ObjectIdField()
    questions = serializers.ListField(child=serializers.CharField())
    generated_at = serializers.CharField()
    total_questions = serializers.IntegerField()


# --- generate-toc ---------------------------------------------------------------------------


class GenerateTocInput(serializers.Serializer):
    question_responses = QuestionResponsesField(
        required=False,
        allow_null=True,
        help_text="Answers to use instead of the stored ones (not stored).",
    )
    overwrite = serializers.BooleanField(
        default=False,
        help_text="Replace the TOC even when its chapters have content (the content is deleted).",
    )
    expected_version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text="The TOC version you last read."
    )


class GenerateTocOutput(ProviderMixin):
    book_id = ObjectIdField()
    toc = TocBodyField()
    generated_at = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    version = serializers.IntegerField()
    chapters_count = serializers.IntegerField()
    has_subchapters = serializers.BooleanField()
    success = serializers.BooleanField()


# --- generate-draft -------------------------------------------------------------------------


class GenerateDraftInput(serializers.Serializer):
    question_responses = QuestionResponsesField(required=False, allow_null=True)
    writing_style = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=200
    )
    target_length = LenientIntegerField(
        required=False, help_text="Words, 100–10000; anything else (or absent) means 2000."
    )
    save = serializers.BooleanField(
        default=False, help_text="Also store the draft as the chapter's content (versioned)."
    )
    expected_version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="With `save`: the content version you last read.",
    )


class DraftMetadataOutput(serializers.Serializer):
    word_count = serializers.IntegerField()
    estimated_reading_time = serializers.IntegerField()
    generated_at = serializers.CharField()
    model_used = serializers.CharField()
    provider = serializers.CharField()
    writing_style = serializers.CharField()
    target_length = serializers.IntegerField()
    actual_length = serializers.IntegerField()
    truncated = serializers.BooleanField()


class GenerateDraftOutput(ProviderMixin):
    success = serializers.BooleanField()
    book_id = ObjectIdField()
    chapter_id = serializers.CharField()
    draft = serializers.CharField(allow_blank=True)
    metadata = DraftMetadataOutput()
    suggestions = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()
    saved = serializers.BooleanField()
    content_version = serializers.IntegerField(
        allow_null=True, help_text="The chapter's new content version when saved."
    )


# --- transform-style ------------------------------------------------------------------------


class TransformStyleInput(serializers.Serializer):
    content = serializers.CharField(
        required=False, default="", allow_blank=True, trim_whitespace=False
    )
    target_style = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        help_text="professional, conversational, academic, creative or technical.",
    )


class StyleMetadataOutput(serializers.Serializer):
    target_style = serializers.CharField()
    style_label = serializers.CharField()
    original_word_count = serializers.IntegerField()
    transformed_word_count = serializers.IntegerField()
    model_used = serializers.CharField()
    provider = serializers.CharField()
    generated_at = serializers.CharField()


class TransformStyleOutput(ProviderMixin):
    success = serializers.BooleanField()
    book_id = ObjectIdField()
    chapter_id = serializers.CharField()
    transformed = serializers.CharField(allow_blank=True)
    metadata = StyleMetadataOutput()
    message = serializers.CharField()


# --- enhance-text, enhance-transcription ----------------------------------------------------


class EnhanceTranscriptionInput(serializers.Serializer):
    content = StrictCharField(
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=False,
        max_length=CONTENT_MAX_LENGTH,
        help_text="The text (the editor's HTML or plain text), at most the chapter content's size.",
    )


@extend_schema_field({"type": "string", "enum": list(ENHANCEMENT_TYPES)})
class EnhancementTypeField(serializers.CharField):
    """One of the enhancement types. Any other string is refused by the service with the
    reference's 400 naming the valid types, not with a 422, so it is read here as text."""


class EnhanceTextInput(EnhanceTranscriptionInput):
    enhancement_type = EnhancementTypeField(
        required=False,
        allow_blank=True,
        help_text="clarity, grammar, tone or vocabulary (anything else: 400).",
    )


class EnhancementChangeOutput(serializers.Serializer):
    kind = serializers.CharField(help_text="The kind of edit, e.g. `filler` or `doubled_word`.")
    count = serializers.IntegerField()
    description = serializers.CharField()


class EnhancementMetadataOutput(serializers.Serializer):
    enhancement_type = serializers.CharField(
        help_text="The enhancement type, or `transcription` for dictation cleanup."
    )
    enhancement_label = serializers.CharField()
    original_word_count = serializers.IntegerField()
    enhanced_word_count = serializers.IntegerField()
    model_used = serializers.CharField()
    provider = serializers.CharField()
    generated_at = serializers.CharField()
    changed = serializers.BooleanField(help_text="Whether the text differs from the one sent.")
    changes = EnhancementChangeOutput(many=True, help_text="What was changed, by kind of edit.")


class EnhanceTextOutput(ProviderMixin):
    success = serializers.BooleanField()
    book_id = ObjectIdField()
    chapter_id = serializers.CharField()
    enhanced = serializers.CharField(allow_blank=True)
    metadata = EnhancementMetadataOutput()
    message = serializers.CharField()
