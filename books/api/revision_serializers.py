"""Input and output serializers of the chapter and summary revision endpoints (list, one
revision, diff, restore)."""

from rest_framework import serializers

from autoauthor.api.fields import ObjectIdField
from books.api.serializer_fields import expected_version_field
from books.models import ChapterStatus, RevisionSource

# --- inputs ---------------------------------------------------------------------------------------


class ChapterRevisionRestoreInput(serializers.Serializer):
    expected_version = expected_version_field(
        "The chapter's content version the restore is based on (GET .../content `version`); "
        "stale → 409 `version_conflict`. Without it the restore applies to the current version."
    )


class SummaryRevisionRestoreInput(serializers.Serializer):
    expected_version = expected_version_field(
        "The summary's current revision number (the `current` entry of GET "
        ".../summary/revisions); stale → 409 `version_conflict`."
    )


# --- outputs --------------------------------------------------------------------------------------


class ChapterRevisionOutput(serializers.Serializer):
    number = serializers.IntegerField(help_text="The chapter content version of this text.")
    author_id = serializers.CharField(allow_null=True)
    source = serializers.ChoiceField(choices=RevisionSource.choices)
    word_count = serializers.IntegerField()
    size = serializers.IntegerField(help_text="Bytes of the text (UTF-8).")
    created_at = serializers.DateTimeField(help_text="When the revision was started.")
    updated_at = serializers.DateTimeField(help_text="When its text was last written.")


class ChapterRevisionDetailOutput(ChapterRevisionOutput):
    book_id = ObjectIdField()
    chapter_id = serializers.CharField()
    content = serializers.CharField(allow_blank=True, trim_whitespace=False)


class DiffOpOutput(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "insert", "delete", "replace"])
    a = serializers.ListField(
        child=serializers.IntegerField(), help_text="[start, end) in the old text's units."
    )
    b = serializers.ListField(
        child=serializers.IntegerField(), help_text="[start, end) in the new text's units."
    )
    removed = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)
    added = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)


class DiffStatsOutput(serializers.Serializer):
    lines_added = serializers.IntegerField()
    lines_removed = serializers.IntegerField()
    words_added = serializers.IntegerField(allow_null=True)
    words_removed = serializers.IntegerField(allow_null=True)


class RevisionDiffOutput(serializers.Serializer):
    book_id = ObjectIdField()
    chapter_id = serializers.CharField(required=False, help_text="Chapter diffs only.")
    from_revision = serializers.IntegerField()
    to_revision = serializers.IntegerField()
    identical = serializers.BooleanField()
    stats = DiffStatsOutput()
    line_ops = DiffOpOutput(many=True)
    word_ops = DiffOpOutput(many=True, allow_null=True)
    word_ops_skipped = serializers.BooleanField(
        help_text="True when a side has too many words for a word diff (word_ops is null)."
    )
    unified = serializers.CharField(allow_blank=True, help_text="Unified diff of the lines.")


class ChapterRevisionRestoreOutput(serializers.Serializer):
    book_id = ObjectIdField()
    chapter_id = serializers.CharField()
    restored_revision = serializers.IntegerField()
    version = serializers.IntegerField(help_text="The content's new version (a new revision).")
    word_count = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ChapterStatus.choices)
    success = serializers.BooleanField()
    message = serializers.CharField()


class SummaryRevisionOutput(serializers.Serializer):
    number = serializers.IntegerField(help_text="The summary_version of this text.")
    timestamp = serializers.CharField(
        allow_null=True, help_text="When it was replaced (the current one: last book update)."
    )
    current = serializers.BooleanField()
    length = serializers.IntegerField()


class SummaryRevisionDetailOutput(SummaryRevisionOutput):
    summary = serializers.CharField(allow_blank=True)


class SummaryRevisionRestoreOutput(serializers.Serializer):
    book_id = ObjectIdField()
    restored_revision = serializers.IntegerField()
    summary = serializers.CharField()
    version = serializers.IntegerField(help_text="The summary's new revision number.")
    success = serializers.BooleanField()
