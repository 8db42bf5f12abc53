"""Input and output serializers of the chapter content, tab state, metadata and analytics
endpoints."""

from rest_framework import serializers

from autoauthor.api.fields import ObjectIdField
from books.api.serializer_fields import StrictCharField, chapter_id_field, expected_version_field
from books.models import ChapterStatus
from books.rules import (
    CONTENT_MAX_LENGTH,
    TAB_MAX_COUNT,
    TOC_MAX_CHAPTERS,
)

# The batch-content view checks the count itself (a 400 before the book is looked up).


# --- outputs --------------------------------------------------------------------------------------


class ChapterMetadataItemOutput(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=ChapterStatus.choices)
    word_count = serializers.IntegerField()
    last_modified = serializers.CharField(allow_null=True)
    estimated_reading_time = serializers.IntegerField()
    order = serializers.IntegerField()
    level = serializers.IntegerField()
    has_content = serializers.BooleanField()
    description = serializers.CharField(allow_blank=True)
    parent_id = serializers.CharField(allow_null=True)


class CompletionStatsOutput(serializers.Serializer):
    """Chapters per status, keyed by the status (all four always present)."""

    draft = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    completed = serializers.IntegerField()
    published = serializers.IntegerField()


class ChapterMetadataOutput(serializers.Serializer):
    book_id = ObjectIdField()
    chapters = ChapterMetadataItemOutput(many=True)
    total_chapters = serializers.IntegerField()
    completion_stats = CompletionStatsOutput()
    last_active_chapter = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()


class TabStateOutput(serializers.Serializer):
    active_chapter_id = serializers.CharField()
    open_tab_ids = serializers.ListField(child=serializers.CharField())
    tab_order = serializers.ListField(child=serializers.CharField())
    last_updated = serializers.DateTimeField()


class TabStateGetOutput(serializers.Serializer):
    book_id = ObjectIdField()
    tab_state = TabStateOutput(allow_null=True)
    success = serializers.BooleanField(required=False)
    message = serializers.CharField(required=False)


class TabStateSaveOutput(serializers.Serializer):
    book_id = ObjectIdField()
    tab_state_id = ObjectIdField()
    success = serializers.BooleanField()
    message = serializers.CharField()


class BatchContentMetadataOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=ChapterStatus.choices)
    word_count = serializers.IntegerField()
    estimated_reading_time = serializers.IntegerField()
    last_modified = serializers.CharField(allow_null=True)
    is_active_tab = serializers.BooleanField()


class ContentMetadataOutput(BatchContentMetadataOutput):
    has_subchapters = serializers.BooleanField()
    subchapter_count = serializers.IntegerField()


class ChapterContentOutput(serializers.Serializer):
    book_id = ObjectIdField()
    chapter_id = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    content = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(help_text="The content's version: send as expected_version.")
    success = serializers.BooleanField()
    metadata = ContentMetadataOutput(required=False)


class ContentSaveOutput(serializers.Serializer):
    book_id = ObjectIdField()
    chapter_id = serializers.CharField()
    version = serializers.IntegerField(help_text="The content's new version.")
    word_count = serializers.IntegerField()
    estimated_reading_time = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ChapterStatus.choices)
    success = serializers.BooleanField()
    message = serializers.CharField()
    metadata_updated = serializers.BooleanField()


class BatchChapterContentOutput(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    content = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    metadata = BatchContentMetadataOutput(required=False)


class BatchContentOutput(serializers.Serializer):
    book_id = ObjectIdField()
    chapters = serializers.DictField(child=BatchChapterContentOutput())
    requested_count = serializers.IntegerField()
    found_count = serializers.IntegerField()
    success = serializers.BooleanField()


class AnalyticsKeyOutput(serializers.Serializer):
    chapter_id = serializers.CharField()
    access_type = serializers.CharField()


class AnalyticsRowOutput(serializers.Serializer):
    _id = AnalyticsKeyOutput()
    count = serializers.IntegerField()
    last_access = serializers.CharField()


class ChapterAnalyticsOutput(serializers.Serializer):
    book_id = ObjectIdField()
    chapter_id = serializers.CharField()
    analytics_period_days = serializers.IntegerField()
    analytics = AnalyticsRowOutput(many=True)
    success = serializers.BooleanField()


# --- inputs ---------------------------------------------------------------------------------------


class MetadataQuery(serializers.Serializer):
    include_content_stats = serializers.BooleanField(default=False)


class ContentQuery(serializers.Serializer):
    include_metadata = serializers.BooleanField(default=True)


class AnalyticsQuery(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365, default=30)


def _unique(values, field):
    if len(set(values)) != len(values):
        raise serializers.ValidationError({field: "Duplicate ids are not allowed."})


class TabStateInput(serializers.Serializer):
    active_chapter_id = chapter_id_field()
    open_tab_ids = serializers.ListField(
        child=chapter_id_field(), max_length=TAB_MAX_COUNT, default=list
    )
    # The editor sends every chapter id of the book (flattened), so as many as a TOC holds.
    tab_order = serializers.ListField(
        child=chapter_id_field(), max_length=TOC_MAX_CHAPTERS, default=list
    )

    def validate(self, attrs):
        _unique(attrs["open_tab_ids"], "open_tab_ids")
        _unique(attrs["tab_order"], "tab_order")
        missing = [cid for cid in attrs["open_tab_ids"] if cid not in set(attrs["tab_order"])]
        if missing:
            raise serializers.ValidationError(
                {"tab_order": f"tab_order must contain every open tab (missing: {missing})."}
            )
        return attrs


class ContentSaveInput(serializers.Serializer):
    content = StrictCharField(
        allow_blank=True, trim_whitespace=False, max_length=CONTENT_MAX_LENGTH
    )
    auto_update_metadata = serializers.BooleanField(default=True)
    expected_version = expected_version_field(
        "The content version the edit was based on; stale → 409."
    )


class BatchContentInput(serializers.Serializer):
    chapter_ids = serializers.ListField(child=chapter_id_field(), allow_empty=True)
    include_metadata = serializers.BooleanField(default=True)
