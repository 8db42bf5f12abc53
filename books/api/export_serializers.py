"""Input and output serializers of the export endpoints."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from books.api.serializer_fields import StrictCharField
from books.export.layout import CUSTOM_OPTIONS_MAX_CHARS
from books.export.templates import PAGE_SIZES_INCHES, TEMPLATE_IDS

PAGE_SIZES = ("letter", "A4")
CUSTOM_OPTIONS_HELP = (
    "A JSON object of layout overrides: font_size (pt, 8-18), line_height (multiple of the "
    "font size, 1.0-3.0), first_line_indent (in, 0-1), margins {top, bottom, inside, outside} "
    "(in, 0.25-2.0 each). Not JSON, not an object, an unknown key or a bad value: 400 "
    f"invalid_custom_options. At most {CUSTOM_OPTIONS_MAX_CHARS} characters."
)


# The document lists the template ids ("" is the default formatting, as absent is); an unknown
# one is a 400 `invalid_template` from the export layout rules (not a 422 of this field),
# naming the valid ids.
@extend_schema_field({"type": "string", "enum": [*TEMPLATE_IDS, ""]})
class TemplateIdField(StrictCharField):
    pass


class ExportInput(serializers.Serializer):
    include_empty_chapters = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Also export chapters without content (they print '(No content yet)').",
    )


class LayoutExportInput(ExportInput):
    template_id = TemplateIdField(
        required=False,
        allow_blank=True,
        help_text="An export template (GET .../export/templates); absent or empty: the default "
        "formatting.",
    )
    custom_options = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text=CUSTOM_OPTIONS_HELP
    )


class PdfExportInput(LayoutExportInput):
    page_size = serializers.ChoiceField(
        choices=PAGE_SIZES,
        required=False,
        help_text="letter or A4: the template's page size when a template is chosen, else "
        "letter; when sent with a template it replaces the template's page size.",
    )


class FormatOptionsOutput(serializers.Serializer):
    page_size = serializers.ListField(child=serializers.CharField(), required=False)
    include_empty_chapters = serializers.CharField()
    template_id = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="The template ids it takes."
    )
    custom_options = serializers.CharField(
        required=False, help_text='"json object" when it takes custom_options.'
    )


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


class MarginsOutput(serializers.Serializer):
    top = serializers.FloatField(help_text="Inches.")
    bottom = serializers.FloatField(help_text="Inches.")
    inside = serializers.FloatField(help_text="Inches (the left margin).")
    outside = serializers.FloatField(help_text="Inches (the right margin).")


class PageOutput(serializers.Serializer):
    width = serializers.FloatField(help_text="Inches.")
    height = serializers.FloatField(help_text="Inches.")


class FontOutput(serializers.Serializer):
    family = serializers.ChoiceField(choices=["serif", "sans"])
    pdf_font = serializers.CharField(help_text="The font the PDF declares (embeds).")
    docx_font = serializers.CharField(help_text="The font the DOCX styles name.")
    size = serializers.FloatField(help_text="Points.")


class HeadingOutput(FontOutput):
    bold = serializers.BooleanField()
    italic = serializers.BooleanField()
    alignment = serializers.ChoiceField(choices=["left", "center"])


class ChapterOpeningOutput(serializers.Serializer):
    new_page = serializers.BooleanField()
    drop = serializers.FloatField(help_text="Inches of space above the chapter heading.")
    label = serializers.ChoiceField(
        choices=["inline", "stacked", "numbered"],
        help_text='inline "Chapter 3: Title"; stacked "Chapter 3" above "Title"; numbered '
        '"3. Title".',
    )
    numbering = serializers.ChoiceField(
        choices=["digits", "words"], help_text='"Chapter 3" or "Chapter Three".'
    )


class HeaderOutput(serializers.Serializer):
    left = serializers.CharField(allow_blank=True, help_text="{book_title}, {author}, {page}.")
    right = serializers.CharField(allow_blank=True)


class FooterOutput(serializers.Serializer):
    center = serializers.CharField(allow_blank=True)


class TemplateOutput(serializers.Serializer):
    id = serializers.CharField(help_text="The template_id of the exports.")
    name = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField()
    best_for = serializers.CharField()
    page_size = serializers.ChoiceField(choices=list(PAGE_SIZES_INCHES))
    page = PageOutput()
    margins = MarginsOutput()
    font = FontOutput()
    line_height = serializers.FloatField(help_text="A multiple of the font size.")
    first_line_indent = serializers.FloatField(help_text="Inches.")
    heading = HeadingOutput()
    chapter_opening = ChapterOpeningOutput()
    header = HeaderOutput()
    footer = FooterOutput()


class ExportTemplatesOutput(serializers.Serializer):
    templates = TemplateOutput(many=True)


class ExportFormatsOutput(serializers.Serializer):
    formats = FormatOutput(many=True)
    templates = TemplateOutput(many=True)
    book_stats = BookStatsOutput()
