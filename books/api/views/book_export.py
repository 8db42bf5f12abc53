"""Exports: GET books/{book_id}/export/pdf|docx|epub|markdown (binary downloads, rate scope and
concurrency cap `export`), GET books/{book_id}/export/formats and .../export/templates (rate
scope `export_formats`). Ownership first (malformed/unknown id 404, another user's book 403),
then the query string is validated (422; an unknown template_id or bad custom_options is the
service's 400), then one service call."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from autoauthor.api.downloads import file_response
from autoauthor.schema import ERRORS
from books.api.common import valid_data
from books.api.export_serializers import (
    ExportFormatsOutput,
    ExportInput,
    ExportTemplatesOutput,
    LayoutExportInput,
    PdfExportInput,
)
from books.export import FORMATS
from books.services import export as services

_ERRORS = ERRORS(400, 401, 403, 404, 422, 429, 504)
DOWNLOADS = ("export_pdf", "export_docx", "export_epub", "export_markdown")


def _export_schema(fmt: str, input_class):
    export_format = FORMATS[fmt]
    return extend_schema(
        operation_id=f"books_export_{fmt}",
        parameters=[input_class],
        responses={
            (200, export_format.mime_type): OpenApiResponse(
                OpenApiTypes.BINARY,
                description=f"The book as {export_format.name} "
                f'(Content-Disposition: attachment; filename="<title>{export_format.extension}")',
            ),
            **_ERRORS,
        },
        description=(
            "Title page, contents, then every chapter in TOC order with its subchapters, and "
            "the owner's bio as 'About the Author'. Empty chapters are left out unless "
            "include_empty_chapters is true. PDF, DOCX and EPUB take an export template "
            "(template_id) and custom_options. 400 when the book has no chapters or no "
            "content, `invalid_template` for an unknown template_id, "
            "`invalid_custom_options` for malformed custom_options; 504 past "
            "EXPORT_TIMEOUT_SECONDS. 429 "
            "`too_many_concurrent` (with Retry-After) while the user already runs an export or "
            "the server runs as many as it can at once."
        ),
    )


class BookExportMixin:
    ratelimit_scopes = {
        "export_formats": "export_formats",
        "export_templates": "export_formats",
        **dict.fromkeys(DOWNLOADS, "export"),
    }
    concurrency_scopes = dict.fromkeys(DOWNLOADS, "export")
    book_verbs = dict.fromkeys(DOWNLOADS, "export")

    def perform_content_negotiation(self, request, force=False):
        # Download clients send Accept: application/pdf etc.; errors still go out as JSON.
        force = force or getattr(self, "action", None) in DOWNLOADS
        return super().perform_content_negotiation(request, force=force)

    @extend_schema(
        operation_id="books_export_formats",
        responses={200: ExportFormatsOutput, **ERRORS(401, 403, 404, 429)},
        description="Every export format with its availability and options, and the book's "
        "stats (flattened chapter count, chapters with content, words, pages at 300 words).",
    )
    @action(detail=True, methods=["get"], url_path="export/formats")
    def export_formats(self, request, book_id):
        book = self.get_book(services.EXPORT_BOOK_FIELDS)
        return Response(ExportFormatsOutput(services.export_formats(book=book)).data)

    @extend_schema(
        operation_id="books_export_templates",
        responses={200: ExportTemplatesOutput, **ERRORS(401, 403, 404, 429)},
        description="The export templates (classic_fiction, modern_nonfiction, academic), each "
        "with its page size, margins, body and heading fonts (pdf_font: the font this server's "
        "PDF declares), line height, indent, chapter-opening style and running header/footer; "
        "pass an id as template_id to the PDF, DOCX or EPUB export.",
    )
    @action(detail=True, methods=["get"], url_path="export/templates")
    def export_templates(self, request, book_id):
        self.get_book(("title",))
        return Response(ExportTemplatesOutput(services.export_templates()).data)

    @_export_schema("pdf", PdfExportInput)
    @action(detail=True, methods=["get"], url_path="export/pdf")
    def export_pdf(self, request, book_id):
        return self._download(request, "pdf", PdfExportInput)

    @_export_schema("docx", LayoutExportInput)
    @action(detail=True, methods=["get"], url_path="export/docx")
    def export_docx(self, request, book_id):
        return self._download(request, "docx", LayoutExportInput)

    @_export_schema("epub", LayoutExportInput)
    @action(detail=True, methods=["get"], url_path="export/epub")
    def export_epub(self, request, book_id):
        return self._download(request, "epub", LayoutExportInput)

    @_export_schema("markdown", ExportInput)
    @action(detail=True, methods=["get"], url_path="export/markdown")
    def export_markdown(self, request, book_id):
        return self._download(request, "markdown", ExportInput)

    def _download(self, request, fmt: str, input_class):
        book = self.get_book(services.EXPORT_BOOK_FIELDS)
        options = dict(valid_data(input_class, request.query_params))
        include_empty = options.pop("include_empty_chapters")
        result = services.book_export(
            book=book, user=request.user, fmt=fmt, include_empty=include_empty, **options
        )
        return file_response(
            result.file,
            mime_type=result.mime_type,
            size=result.size,
            content_disposition=result.content_disposition,
        )
