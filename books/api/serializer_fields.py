"""Serializer fields shared by the TOC, chapter and content inputs."""

from rest_framework import serializers

MAX_CHAPTER_ID_LENGTH = 64


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers and booleans instead of converting them."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def chapter_id_field(**kwargs):
    return StrictCharField(max_length=MAX_CHAPTER_ID_LENGTH, **kwargs)


def expected_version_field(help_text: str) -> serializers.IntegerField:
    """An optional, nullable `expected_version` (a version the change was based on)."""
    return serializers.IntegerField(
        min_value=0, required=False, allow_null=True, default=None, help_text=help_text
    )


class ExpectedVersionMixin(serializers.Serializer):
    expected_version = expected_version_field(
        "The TOC version the change was based on (GET /toc `version`); stale → 409."
    )
