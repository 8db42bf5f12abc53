"""TOC and chapter structure endpoints: thin views that load the caller's book, validate the
input, call one service or selector, and serialize the output. Content, tab state, metadata and
analytics endpoints live in `books.api.content_views` (re-exported here)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from autoauthor.schema import ERRORS
from books import selectors
from books.api import chapter_serializers as s
from books.api.common import (
    BOOK_ID,
    CHAPTER_ID,
    cached_book_response,
    chapter_or_404,
    request_book,
    valid_data,
)
from books.api.content_views import (
    BatchContentView,
    ChapterAnalyticsView,
    ChapterContentView,
    ChapterMetadataView,
    TabStateView,
)
from books.models import AccessType
from books.services import chapters as chapter_services
from books.services import toc as toc_services

__all__ = [
    "BatchContentView",
    "BulkStatusView",
    "ChapterAnalyticsView",
    "ChapterContentView",
    "ChapterDetailView",
    "ChapterListView",
    "ChapterMetadataView",
    "TabStateView",
    "TocView",
]


class TocView(APIView):
    ratelimit_scopes = {"put": "toc_update"}

    @extend_schema(
        operation_id="books_toc_retrieve",
        parameters=[BOOK_ID],
        responses={200: s.TocOutput, **ERRORS(401, 403, 404)},
    )
    def get(self, request, book_id):
        return cached_book_response(
            request,
            book_id,
            view="toc",
            render=lambda book: s.TocOutput(selectors.toc_get(book=book)).data,
        )

    @extend_schema(
        operation_id="books_toc_update",
        parameters=[BOOK_ID],
        request=s.TocUpdateSchemaInput,
        responses={200: s.TocUpdateOutput, **ERRORS(401, 403, 404, 409, 422, 429)},
    )
    def put(self, request, book_id):
        book = request_book(request, book_id, action="update")
        toc = valid_data(s.TocUpdateInput, request.data)["toc"]
        toc_services.toc_replace(
            book=book, toc=toc, expected_version=toc.get("expected_version"), actor=request.user
        )
        current = selectors.toc_get(book=book)
        body = {
            "book_id": current["book_id"],
            "toc": current["toc"],
            "updated_at": current["updated_at"],
            "version": current["version"],
            "chapters_count": len(current["toc"]["chapters"]),
            "success": True,
        }
        return Response(s.TocUpdateOutput(body).data)


class ChapterListView(APIView):
    ratelimit_scopes = {"post": "toc_update"}

    @extend_schema(
        operation_id="books_chapters_list",
        parameters=[
            BOOK_ID,
            OpenApiParameter(
                "flat", OpenApiTypes.BOOL, description="Pre-order list instead of a tree."
            ),
        ],
        responses={200: s.ChapterListOutput, **ERRORS(401, 403, 404, 422)},
    )
    def get(self, request, book_id):
        flat = valid_data(s.ChapterListQuery, request.query_params)["flat"]
        book = request_book(request, book_id)
        if flat:
            chapters = selectors.chapters_flat(book=book)
        else:
            chapters = selectors.chapter_tree(book=book, include_content=False)
        body = {
            "book_id": str(book.pk),
            "chapters": chapters,
            "total_chapters": len(chapters),
            "structure": "flat" if flat else "hierarchical",
            "version": book.toc_version,
            "success": True,
        }
        return Response(s.ChapterListOutput(body).data)

    @extend_schema(
        operation_id="books_chapters_create",
        parameters=[BOOK_ID],
        request=s.ChapterCreateInput,
        responses={201: s.ChapterCreateOutput, **ERRORS(400, 401, 403, 404, 409, 422, 429)},
    )
    def post(self, request, book_id):
        book = request_book(request, book_id, action="modify")
        data = valid_data(s.ChapterCreateInput, request.data)
        chapter = chapter_services.chapter_create(book=book, actor=request.user, **data)
        body = {
            "book_id": str(book.pk),
            "chapter": chapter,
            "chapter_id": chapter["id"],
            "version": book.toc_version,
            "success": True,
            "message": "Chapter created successfully",
            **{key: chapter.get(key) for key in ("id", "title", "order", "status")},
            "content": chapter.get("content") or "",
            "created_at": chapter.get("created_at"),
            "updated_at": chapter.get("updated_at"),
        }
        return Response(s.ChapterCreateOutput(body).data, status=status.HTTP_201_CREATED)


class ChapterDetailView(APIView):
    ratelimit_scopes = {"put": "toc_update", "delete": "toc_update"}

    @extend_schema(
        operation_id="books_chapters_retrieve",
        parameters=[BOOK_ID, CHAPTER_ID],
        responses={200: s.ChapterDetailOutput, **ERRORS(401, 403, 404)},
    )
    def get(self, request, book_id, chapter_id):
        book = request_book(request, book_id)
        chapter = chapter_or_404(book, chapter_id)
        chapter_services.access_log_record(
            user=request.user,
            book=book,
            chapter_id=chapter_id,
            access_type=AccessType.VIEW,
            metadata={"chapter_title": chapter.get("title")},
        )
        body = {"book_id": str(book.pk), "chapter": chapter, "success": True}
        return Response(s.ChapterDetailOutput(body).data)

    @extend_schema(
        operation_id="books_chapters_update",
        parameters=[BOOK_ID, CHAPTER_ID],
        request=s.ChapterUpdateInput,
        responses={200: s.ChapterWriteOutput, **ERRORS(401, 403, 404, 409, 422, 429)},
    )
    def put(self, request, book_id, chapter_id):
        book = request_book(request, book_id, action="modify")
        data = valid_data(s.ChapterUpdateInput, request.data)
        chapter_services.chapter_update(
            book=book,
            chapter_id=chapter_id,
            data=data,
            expected_version=data["expected_version"],
            actor=request.user,
        )
        body = {
            "book_id": str(book.pk),
            "chapter_id": chapter_id,
            "version": book.toc_version,
            "success": True,
            "message": "Chapter updated successfully",
        }
        return Response(s.ChapterWriteOutput(body).data)

    @extend_schema(
        operation_id="books_chapters_destroy",
        parameters=[
            BOOK_ID,
            CHAPTER_ID,
            OpenApiParameter(
                "expected_version",
                OpenApiTypes.INT,
                description="TOC version the delete is based on (or in the JSON body).",
            ),
        ],
        request=s.ChapterDeleteInput,
        responses={200: s.ChapterDeleteOutput, **ERRORS(401, 403, 404, 409, 422, 429)},
    )
    def delete(self, request, book_id, chapter_id):
        book = request_book(request, book_id, action="modify")
        source = request.data if request.data else request.query_params
        data = valid_data(s.ChapterDeleteInput, source)
        removed = chapter_services.chapter_delete(
            book=book,
            chapter_id=chapter_id,
            expected_version=data["expected_version"],
            actor=request.user,
        )
        body = {
            "book_id": str(book.pk),
            "chapter_id": chapter_id,
            "deleted_chapter_ids": removed,
            "version": book.toc_version,
            "success": True,
            "message": "Chapter deleted successfully",
        }
        return Response(s.ChapterDeleteOutput(body).data)


class BulkStatusView(APIView):
    ratelimit_scopes = {"patch": "toc_update"}

    @extend_schema(
        operation_id="books_chapters_bulk_status",
        parameters=[BOOK_ID],
        request=s.BulkStatusInput,
        responses={200: s.BulkStatusOutput, **ERRORS(400, 401, 403, 404, 409, 422, 429)},
    )
    def patch(self, request, book_id):
        book = request_book(request, book_id, action="modify")
        data = valid_data(s.BulkStatusInput, request.data)
        updated = chapter_services.chapter_status_bulk_update(book=book, actor=request.user, **data)
        body = {
            "book_id": str(book.pk),
            "updated_chapters": updated,
            "new_status": data["status"],
            "version": book.toc_version,
            "success": True,
            "message": f"Successfully updated status for {len(updated)} chapters",
        }
        return Response(s.BulkStatusOutput(body).data)
