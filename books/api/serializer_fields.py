"""Serializer fields shared by the TOC, chapter and content inputs."""

from rest_framework import serializers

from books.models import CHAPTER_STATUS_ALIASES, ChapterStatus, chapter_status_normalize
from books.rules import CHAPTER_ID_MAX_LENGTH


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers and booleans instead of converting them. The error
    text of a non-string is DRF's own ("Not a valid string."); the book fields answer "Must be a
    string." (`book_text_field`), as they always have."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        # The bound the document states holds for the text as sent, before surrounding
        # whitespace is trimmed (DRF checks it after).
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


BOOK_TEXT_ERRORS = {"invalid": "Must be a string."}


def book_text_field(**kwargs) -> StrictCharField:
    """A StrictCharField of the book inputs, whose non-string answer is "Must be a string."."""
    return StrictCharField(error_messages=BOOK_TEXT_ERRORS, **kwargs)


def chapter_id_field(**kwargs):
    """A chapter id as sent: a string of at most CHAPTER_ID_MAX_LENGTH characters (its pattern
    is a TOC rule: `books.services.toc` checks it)."""
    return StrictCharField(max_length=CHAPTER_ID_MAX_LENGTH, **kwargs)


def expected_version_field(help_text: str) -> serializers.IntegerField:
    """An optional, nullable `expected_version` (a version the change was based on)."""
    return serializers.IntegerField(
        min_value=0, required=False, allow_null=True, default=None, help_text=help_text
    )


class ExpectedVersionMixin(serializers.Serializer):
    expected_version = expected_version_field(
        "The TOC version the change was based on (GET /toc `version`); stale → 409."
    )


class ChapterStatusField(serializers.ChoiceField):
    """A chapter status: `draft`, `in_progress`, `completed` or `published`; the reference's
    spelling `in-progress` is accepted too (older clients, stored data) and read as
    `in_progress`. The document lists both spellings, so it says exactly what is accepted."""

    def __init__(self, **kwargs):
        aliases = [
            (alias, f"{value} (older spelling)") for alias, value in CHAPTER_STATUS_ALIASES.items()
        ]
        super().__init__(choices=[*ChapterStatus.choices, *aliases], **kwargs)

    def to_internal_value(self, data):
        return chapter_status_normalize(super().to_internal_value(data))
