"""Input and output serializers of the TOC and chapter endpoints. Inputs check shape and types;
the rules about the TOC's structure live in books.services.toc (one place, shared with AI
generate-toc)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from books.models import ChapterStatus
from books.services.chapters import MAX_TAB_COUNT
from books.services.toc import MAX_CHAPTERS, MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH

MAX_BATCH_CHAPTERS = 20
MAX_CHAPTER_ID_LENGTH = 64
MAX_CONTENT_LENGTH = 2_000_000  # characters; the request body limit applies first


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers and booleans instead of converting them."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def chapter_id_field(**kwargs):
    return StrictCharField(max_length=MAX_CHAPTER_ID_LENGTH, **kwargs)


class ExpectedVersionMixin(serializers.Serializer):
    expected_version = serializers.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="The TOC version the change was based on (GET /toc `version`); stale → 409.",
    )


# --- outputs --------------------------------------------------------------------------------------


class SubchapterOutput(serializers.Serializer):
    """A subchapter: TOC structure merged with its Chapter document. Extra keys the client stored
    in the TOC are returned as well."""

    id = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    level = serializers.IntegerField()
    order = serializers.IntegerField()
    parent_id = serializers.CharField(allow_null=True, required=False)
    metadata = serializers.DictField()
    created_at = serializers.CharField(allow_null=True, required=False)
    updated_at = serializers.CharField(allow_null=True, required=False)
    status = serializers.ChoiceField(choices=ChapterStatus.choices)
    word_count = serializers.IntegerField()
    estimated_reading_time = serializers.IntegerField()
    last_modified = serializers.DateTimeField(allow_null=True)
    is_active_tab = serializers.BooleanField()
    content_version = serializers.IntegerField(help_text="The content's own version.")
    content = serializers.CharField(allow_blank=True, required=False)


class ChapterNodeOutput(SubchapterOutput):
    subchapters = SubchapterOutput(many=True, required=False)


@extend_schema_field(ChapterNodeOutput)
class ChapterNodeField(serializers.JSONField):
    """A merged chapter passed through as stored (client extra keys included)."""


@extend_schema_field(ChapterNodeOutput(many=True))
class ChapterNodeListField(serializers.JSONField):
    """A list of merged chapters passed through as stored."""


class TocBodyOutput(serializers.Serializer):
    chapters = ChapterNodeListField()
    total_chapters = serializers.IntegerField()
    estimated_pages = serializers.IntegerField()
    structure_notes = serializers.CharField(allow_blank=True)


@extend_schema_field(TocBodyOutput)
class TocBodyField(serializers.JSONField):
    """The TOC object (documented keys plus any extra keys stored with it)."""


class TocOutput(serializers.Serializer):
    book_id = serializers.CharField()
    toc = TocBodyField()
    status = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it back as `toc.expected_version`.")
    generated_at = serializers.CharField(allow_null=True)
    updated_at = serializers.CharField(allow_null=True)


class TocUpdateOutput(serializers.Serializer):
    book_id = serializers.CharField()
    toc = TocBodyField()
    updated_at = serializers.CharField()
    version = serializers.IntegerField()
    chapters_count = serializers.IntegerField()
    success = serializers.BooleanField()


class ChapterCreateOutput(serializers.Serializer):
    book_id = serializers.CharField()
    chapter = ChapterNodeField()
    chapter_id = serializers.CharField()
    version = serializers.IntegerField(help_text="The TOC's new version.")
    success = serializers.BooleanField()
    message = serializers.CharField()


class ChapterDetailOutput(serializers.Serializer):
    book_id = serializers.CharField()
    chapter = ChapterNodeField()
    success = serializers.BooleanField()


class ChapterWriteOutput(serializers.Serializer):
    book_id = serializers.CharField()
    chapter_id = serializers.CharField()
    version = serializers.IntegerField(help_text="The TOC's new version.")
    success = serializers.BooleanField()
    message = serializers.CharField()


class ChapterDeleteOutput(ChapterWriteOutput):
    deleted_chapter_ids = serializers.ListField(child=serializers.CharField())


class ChapterListOutput(serializers.Serializer):
    book_id = serializers.CharField()
    chapters = ChapterNodeListField()
    total_chapters = serializers.IntegerField()
    structure = serializers.ChoiceField(choices=["hierarchical", "flat"])
    version = serializers.IntegerField()
    success = serializers.BooleanField()


class ChapterMetadataItemOutput(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    word_count = serializers.IntegerField()
    last_modified = serializers.CharField(allow_null=True)
    estimated_reading_time = serializers.IntegerField()
    order = serializers.IntegerField()
    level = serializers.IntegerField()
    has_content = serializers.BooleanField()
    description = serializers.CharField(allow_blank=True)
    parent_id = serializers.CharField(allow_null=True)


class CompletionStatsOutput(serializers.Serializer):
    draft = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    completed = serializers.IntegerField()
    published = serializers.IntegerField()

    def to_representation(self, instance):
        return dict(instance)

    def get_fields(self):
        fields = super().get_fields()
        fields["in-progress"] = fields.pop("in_progress")
        return fields


class ChapterMetadataOutput(serializers.Serializer):
    book_id = serializers.CharField()
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
    book_id = serializers.CharField()
    tab_state = TabStateOutput(allow_null=True)
    success = serializers.BooleanField(required=False)
    message = serializers.CharField(required=False)


class TabStateSaveOutput(serializers.Serializer):
    book_id = serializers.CharField()
    tab_state_id = serializers.CharField()
    success = serializers.BooleanField()
    message = serializers.CharField()


class BulkStatusOutput(serializers.Serializer):
    book_id = serializers.CharField()
    updated_chapters = serializers.ListField(child=serializers.CharField())
    new_status = serializers.CharField()
    version = serializers.IntegerField(help_text="The TOC's new version.")
    success = serializers.BooleanField()
    message = serializers.CharField()


class BatchContentMetadataOutput(serializers.Serializer):
    status = serializers.CharField()
    word_count = serializers.IntegerField()
    estimated_reading_time = serializers.IntegerField()
    last_modified = serializers.CharField(allow_null=True)
    is_active_tab = serializers.BooleanField()


class ContentMetadataOutput(BatchContentMetadataOutput):
    has_subchapters = serializers.BooleanField()
    subchapter_count = serializers.IntegerField()


class ChapterContentOutput(serializers.Serializer):
    book_id = serializers.CharField()
    chapter_id = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    content = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(help_text="The content's version: send as expected_version.")
    success = serializers.BooleanField()
    metadata = ContentMetadataOutput(required=False)


class ContentSaveOutput(serializers.Serializer):
    book_id = serializers.CharField()
    chapter_id = serializers.CharField()
    version = serializers.IntegerField(help_text="The content's new version.")
    word_count = serializers.IntegerField()
    estimated_reading_time = serializers.IntegerField()
    status = serializers.CharField()
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
    book_id = serializers.CharField()
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
    book_id = serializers.CharField()
    chapter_id = serializers.CharField()
    analytics_period_days = serializers.IntegerField()
    analytics = AnalyticsRowOutput(many=True)
    success = serializers.BooleanField()


# --- inputs ---------------------------------------------------------------------------------------


class TocPayloadInput(serializers.Serializer):
    """The `toc` object: `chapters` is required; every chapter is validated by the service."""

    chapters = serializers.ListField(
        child=serializers.JSONField(),
        max_length=MAX_CHAPTERS,
        help_text="Chapters, each {id?, title, description?, order?, metadata?, subchapters?}.",
    )
    expected_version = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    estimated_pages = serializers.IntegerField(min_value=0, required=False)
    structure_notes = StrictCharField(required=False, allow_blank=True)


class TocUpdateInput(serializers.Serializer):
    toc = serializers.DictField(help_text="The whole TOC; see TocPayloadInput.")

    def validate_toc(self, value):
        inner = TocPayloadInput(data=value)
        inner.is_valid(raise_exception=True)
        return {**value, "expected_version": inner.validated_data.get("expected_version")}


class TocUpdateSchemaInput(serializers.Serializer):
    """Documented form of the PUT /toc body."""

    toc = TocPayloadInput()


class ChapterCreateInput(ExpectedVersionMixin):
    title = StrictCharField(max_length=MAX_TITLE_LENGTH)
    order = serializers.IntegerField(min_value=0)
    level = serializers.IntegerField(min_value=1, max_value=2, default=1)
    description = StrictCharField(
        max_length=MAX_DESCRIPTION_LENGTH, required=False, allow_null=True, allow_blank=True
    )
    parent_id = chapter_id_field(required=False, allow_null=True, allow_blank=True)
    metadata = serializers.DictField(required=False, default=dict)

    def validate(self, attrs):
        if attrs["level"] == 2 and not attrs.get("parent_id"):
            raise serializers.ValidationError({"parent_id": "A level 2 chapter needs a parent_id."})
        return attrs


class ChapterUpdateInput(ExpectedVersionMixin):
    title = StrictCharField(max_length=MAX_TITLE_LENGTH, required=False, allow_null=True)
    description = StrictCharField(
        max_length=MAX_DESCRIPTION_LENGTH, required=False, allow_null=True, allow_blank=True
    )
    order = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    level = serializers.IntegerField(min_value=1, max_value=2, required=False, allow_null=True)
    parent_id = chapter_id_field(
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Ignored: chapters cannot move.",
    )
    metadata = serializers.DictField(required=False, allow_null=True)


class ChapterDeleteInput(ExpectedVersionMixin):
    pass


class ChapterListQuery(serializers.Serializer):
    flat = serializers.BooleanField(default=False)


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
        child=chapter_id_field(), max_length=MAX_TAB_COUNT, default=list
    )
    tab_order = serializers.ListField(child=chapter_id_field(), max_length=100, default=list)

    def validate(self, attrs):
        _unique(attrs["open_tab_ids"], "open_tab_ids")
        _unique(attrs["tab_order"], "tab_order")
        missing = [cid for cid in attrs["open_tab_ids"] if cid not in set(attrs["tab_order"])]
        if missing:
            raise serializers.ValidationError(
                {"tab_order": f"tab_order must contain every open tab (missing: {missing})."}
            )
        return attrs


class BulkStatusInput(ExpectedVersionMixin):
    chapter_ids = serializers.ListField(
        child=chapter_id_field(), min_length=1, max_length=MAX_CHAPTERS
    )
    status = serializers.ChoiceField(choices=ChapterStatus.choices)
    update_timestamp = serializers.BooleanField(default=True)


class ContentSaveInput(serializers.Serializer):
    content = StrictCharField(
        allow_blank=True, trim_whitespace=False, max_length=MAX_CONTENT_LENGTH
    )
    auto_update_metadata = serializers.BooleanField(default=True)
    expected_version = serializers.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="The content version the edit was based on; stale → 409.",
    )


class BatchContentInput(serializers.Serializer):
    chapter_ids = serializers.ListField(child=chapter_id_field(), allow_empty=True)
    include_metadata = serializers.BooleanField(default=True)
