"""A book's table of contents: GET (cached) and PUT books/{book_id}/toc."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from autoauthor.schema import ERRORS
from books import selectors
from books.api import chapter_serializers as s
from books.api.common import BOOK_ID, valid_data
from books.services import toc as toc_services


class BookTocMixin:
    ratelimit_scopes = {"toc_update": "toc_update"}
    book_verbs = {"toc_update": "update"}

    @extend_schema(
        operation_id="books_toc_retrieve",
        parameters=[BOOK_ID],
        responses={200: s.TocOutput, **ERRORS(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], url_path="toc")
    def toc(self, request, book_id):
        return self.cached_book_response(
            view="toc", render=lambda book: s.TocOutput(selectors.toc_get(book=book)).data
        )

    @extend_schema(
        operation_id="books_toc_update",
        parameters=[BOOK_ID],
        request=s.TocUpdateSchemaInput,
        responses={200: s.TocUpdateOutput, **ERRORS(401, 403, 404, 409, 422, 429)},
        description="Replace the whole TOC structure (`toc.expected_version`: the `version` "
        "last read; a stale one is 409 `version_conflict`). The answer is the stored TOC with "
        "each chapter's state (status, word count, versions) but without its `content`, which "
        "GET /toc includes.",
    )
    @toc.mapping.put
    def toc_update(self, request, book_id):
        book = self.get_book()
        toc = valid_data(s.TocUpdateInput, request.data)["toc"]
        toc_services.toc_replace(
            book=book, toc=toc, expected_version=toc.get("expected_version"), actor=request.user
        )
        # The answer leaves the chapters' content out: a TOC save sends structure, and a
        # long book's content would make every save's answer megabytes (GET /toc has it).
        current = selectors.toc_get(book=book, include_content=False)
        body = {
            "book_id": current["book_id"],
            "toc": current["toc"],
            "updated_at": current["updated_at"],
            "version": current["version"],
            "chapters_count": len(current["toc"]["chapters"]),
            "success": True,
        }
        return Response(s.TocUpdateOutput(body).data)
