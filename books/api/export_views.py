"""Export endpoints: GET /books/{id}/export/pdf|docx|epub|markdown (binary downloads, rate
scope `export`) and GET /books/{id}/export/formats. Ownership first (malformed/unknown id 404,
another user's book 403), then the query string is validated (422), then one service call."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from autoauthor.api.downloads import file_response
from autoauthor.api.parsers import query_values
from autoauthor.schema import ERRORS
from books.api.export_serializers import ExportFormatsOutput, ExportInput, PdfExportInput
from books.export import FORMATS
from books.selectors import book_get_for_user
from books.services import export as services

_ERRORS = ERRORS(400, 401, 403, 404, 422, 429, 504)


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
            "Title page, contents, then every chapter in TOC order with its subchapters. "
            "Empty chapters are left out unless include_empty_chapters is true. 400 when the "
            "book has no chapters or no content, 504 past EXPORT_TIMEOUT_SECONDS. 429 "
            "`too_many_concurrent` (with Retry-After) while the user already runs an export or "
            "the server runs as many as it can at once."
        ),
    )


class _BookExportView(APIView):
    """Shared flow of the four downloads; subclasses name the format and its input."""

    ratelimit_scopes = {"get": "export"}
    concurrency_scopes = {"get": "export"}
    export_format = ""
    input_class = ExportInput

    def perform_content_negotiation(self, request, force=False):
        # Download clients send Accept: application/pdf etc.; errors still go out as JSON.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request, book_id):
        book = book_get_for_user(
            book_id=book_id,
            user=request.user,
            fields=services.EXPORT_BOOK_FIELDS,
            action="export",
        )
        data = self.input_class(data=query_values(request.query_params))
        data.is_valid(raise_exception=True)
        options = dict(data.validated_data)
        include_empty = options.pop("include_empty_chapters")
        result = services.book_export(
            book=book,
            user=request.user,
            fmt=self.export_format,
            include_empty=include_empty,
            **options,
        )
        return file_response(
            result.file,
            mime_type=result.mime_type,
            size=result.size,
            content_disposition=result.content_disposition,
        )


class BookExportPdfView(_BookExportView):
    export_format = "pdf"
    input_class = PdfExportInput

    @_export_schema("pdf", PdfExportInput)
    def get(self, request, book_id):
        return super().get(request, book_id)


class BookExportDocxView(_BookExportView):
    export_format = "docx"

    @_export_schema("docx", ExportInput)
    def get(self, request, book_id):
        return super().get(request, book_id)


class BookExportEpubView(_BookExportView):
    export_format = "epub"

    @_export_schema("epub", ExportInput)
    def get(self, request, book_id):
        return super().get(request, book_id)


class BookExportMarkdownView(_BookExportView):
    export_format = "markdown"

    @_export_schema("markdown", ExportInput)
    def get(self, request, book_id):
        return super().get(request, book_id)


class BookExportFormatsView(APIView):
    ratelimit_scopes = {"get": "export_formats"}

    @extend_schema(
        operation_id="books_export_formats",
        responses={200: ExportFormatsOutput, **ERRORS(401, 403, 404, 429)},
        description="Every export format with its availability and options, and the book's "
        "stats (flattened chapter count, chapters with content, words, pages at 300 words).",
    )
    def get(self, request, book_id):
        book = book_get_for_user(
            book_id=book_id, user=request.user, fields=services.EXPORT_BOOK_FIELDS
        )
        return Response(ExportFormatsOutput(services.export_formats(book=book)).data)
