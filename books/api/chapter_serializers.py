"""Input and output serializers of the TOC and chapter structure endpoints. Inputs check shape
and types; the rules about the TOC's structure live in books.services.toc (one place, shared with
AI generate-toc). The content, tab state, metadata and analytics serializers live in
`books.api.content_serializers`."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from autoauthor.api.fields import ObjectIdField
from books.api.serializer_fields import (
    ChapterStatusField,
    ExpectedVersionMixin,
    StrictCharField,
    chapter_id_field,
)
from books.models import ChapterStatus
from books.rules import (
    TOC_DESCRIPTION_MAX,
    TOC_INT_MAX,
    TOC_MAX_CHAPTERS,
    TOC_MAX_DEPTH,
    TOC_TITLE_MAX,
)

# --- outputs --------------------------------------------------------------------------------------


class SubchapterOutput(serializers.Serializer):
    """A subchapter: TOC structure merged with its Chapter document. Extra keys the client stored
    in the TOC are returned as well."""

    id = serializers.CharField()
    title = serializers.CharField(allow_blank=True, help_text="Blank only for a subchapter.")
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
    book_id = ObjectIdField()
    toc = TocBodyField()
    status = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it back as `toc.expected_version`.")
    generated_at = serializers.CharField(allow_null=True)
    updated_at = serializers.CharField(allow_null=True)


class TocUpdateOutput(serializers.Serializer):
    book_id = ObjectIdField()
    toc = TocBodyField()
    updated_at = serializers.CharField()
    version = serializers.IntegerField()
    chapters_count = serializers.IntegerField()
    success = serializers.BooleanField()


class ChapterCreateOutput(serializers.Serializer):
    """The reference's answer (`chapter` nested) plus the new chapter's own fields at the top
    level, where the frontend reads them (`id`, `title`, ...)."""

    book_id = ObjectIdField()
    chapter = ChapterNodeField()
    chapter_id = serializers.CharField()
    version = serializers.IntegerField(help_text="The TOC's new version.")
    success = serializers.BooleanField()
    message = serializers.CharField()
    id = serializers.CharField(help_text="The new chapter's id (= `chapter_id`).")
    title = serializers.CharField(allow_blank=True)
    content = serializers.CharField(allow_blank=True)
    order = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ChapterStatus.choices)
    created_at = serializers.CharField(allow_null=True)
    updated_at = serializers.CharField(allow_null=True)


class ChapterDetailOutput(serializers.Serializer):
    book_id = ObjectIdField()
    chapter = ChapterNodeField()
    success = serializers.BooleanField()


class ChapterWriteOutput(serializers.Serializer):
    book_id = ObjectIdField()
    chapter_id = serializers.CharField()
    version = serializers.IntegerField(help_text="The TOC's new version.")
    success = serializers.BooleanField()
    message = serializers.CharField()


class ChapterDeleteOutput(ChapterWriteOutput):
    deleted_chapter_ids = serializers.ListField(child=serializers.CharField())


class ChapterListOutput(serializers.Serializer):
    book_id = ObjectIdField()
    chapters = ChapterNodeListField()
    total_chapters = serializers.IntegerField()
    structure = serializers.ChoiceField(choices=["hierarchical", "flat"])
    version = serializers.IntegerField()
    success = serializers.BooleanField()


class BulkStatusOutput(serializers.Serializer):
    book_id = ObjectIdField()
    updated_chapters = serializers.ListField(child=serializers.CharField())
    new_status = serializers.ChoiceField(choices=ChapterStatus.choices)
    version = serializers.IntegerField(help_text="The TOC's new version.")
    success = serializers.BooleanField()
    message = serializers.CharField()


# --- inputs ---------------------------------------------------------------------------------------


class TocPayloadInput(serializers.Serializer):
    """The `toc` object: `chapters` is required; every chapter is validated by the service."""

    chapters = serializers.ListField(
        child=serializers.JSONField(),
        max_length=TOC_MAX_CHAPTERS,
        help_text="Chapters, each {id?, title, description?, order?, metadata?, subchapters?}.",
    )
    expected_version = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    estimated_pages = serializers.IntegerField(min_value=0, max_value=TOC_INT_MAX, required=False)
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
    title = StrictCharField(max_length=TOC_TITLE_MAX)
    order = serializers.IntegerField(min_value=0, max_value=TOC_INT_MAX)
    level = serializers.IntegerField(min_value=1, max_value=TOC_MAX_DEPTH, default=1)
    description = StrictCharField(
        max_length=TOC_DESCRIPTION_MAX, required=False, allow_null=True, allow_blank=True
    )
    parent_id = chapter_id_field(required=False, allow_null=True, allow_blank=True)
    metadata = serializers.DictField(required=False, default=dict)

    def validate(self, attrs):
        if attrs["level"] == 2 and not attrs.get("parent_id"):
            raise serializers.ValidationError({"parent_id": "A level 2 chapter needs a parent_id."})
        return attrs


class ChapterUpdateInput(ExpectedVersionMixin):
    title = StrictCharField(max_length=TOC_TITLE_MAX, required=False, allow_null=True)
    description = StrictCharField(
        max_length=TOC_DESCRIPTION_MAX, required=False, allow_null=True, allow_blank=True
    )
    order = serializers.IntegerField(
        min_value=0, max_value=TOC_INT_MAX, required=False, allow_null=True
    )
    level = serializers.IntegerField(
        min_value=1, max_value=TOC_MAX_DEPTH, required=False, allow_null=True
    )
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


class BulkStatusInput(ExpectedVersionMixin):
    chapter_ids = serializers.ListField(
        child=chapter_id_field(), min_length=1, max_length=TOC_MAX_CHAPTERS
    )
    status = ChapterStatusField()
    update_timestamp = serializers.BooleanField(default=True)
