"""Input and output serializers of the export endpoints."""

from rest_framework import serializers

PAGE_SIZES = ("letter", "A4")


class ExportInput(serializers.Serializer):
    include_empty_chapters = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Also export chapters without content (they print '(No content yet)').",
    )


class PdfExportInput(ExportInput):
    page_size = serializers.ChoiceField(
        choices=PAGE_SIZES, required=False, default="letter", help_text="letter or A4."
    )


class FormatOptionsOutput(serializers.Serializer):
    page_size = serializers.ListField(child=serializers.CharField(), required=False)
    include_empty_chapters = serializers.CharField()


class FormatOutput(serializers.Serializer):
    format = serializers.ChoiceField(choices=["pdf", "docx", "epub", "markdown"])
    name = serializers.CharField()
    description = serializers.CharField()
    mime_type = serializers.CharField()
    extension = serializers.CharField()
    available = serializers.BooleanField()
    options = FormatOptionsOutput()


class BookStatsOutput(serializers.Serializer):
    total_chapters = serializers.IntegerField()
    chapters_with_content = serializers.IntegerField()
    total_word_count = serializers.IntegerField()
    estimated_pages = serializers.IntegerField()


class ExportFormatsOutput(serializers.Serializer):
    formats = FormatOutput(many=True)
    book_stats = BookStatsOutput()
