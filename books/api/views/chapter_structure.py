"""A book's chapters as TOC entries: the list and a new chapter (GET/POST chapters), one chapter
(GET, PUT, DELETE chapters/{chapter_id}) and the status of several at once (PATCH
chapters/bulk-status). The book is loaded first (404/403), then the input is validated."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from autoauthor.schema import ERRORS
from books import selectors
from books.api import chapter_serializers as s
from books.api.common import BOOK_ID, CHAPTER_ID, valid_data
from books.models import AccessType
from books.services import chapters as chapter_services
from books.services import content as content_services
from books.services.content import chapter_not_found

_MODIFY = ("create", "update", "destroy", "bulk_status")


class ChapterStructureMixin:
    ratelimit_scopes = dict.fromkeys(_MODIFY, "toc_update")
    book_verbs = dict.fromkeys(_MODIFY, "modify")

    def get_object(self) -> dict:
        """The merged chapter `chapter_id` (with its content) of the caller's book; 404
        "Chapter not found" when the TOC does not list it."""
        chapter = selectors.chapter_find(
            book=self.get_book(), chapter_id=self.kwargs["chapter_id"], include_content=True
        )
        if chapter is None:
            raise chapter_not_found()
        return chapter

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
    def list(self, request, book_id):
        flat = valid_data(s.ChapterListQuery, request.query_params)["flat"]
        book = self.get_book()
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
    def create(self, request, book_id):
        book = self.get_book()
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

    @extend_schema(
        operation_id="books_chapters_retrieve",
        parameters=[BOOK_ID, CHAPTER_ID],
        responses={200: s.ChapterDetailOutput, **ERRORS(401, 403, 404)},
    )
    def retrieve(self, request, book_id, chapter_id):
        chapter = self.get_object()
        book = self.get_book()
        content_services.access_log_record(
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
    def update(self, request, book_id, chapter_id):
        book = self.get_book()
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
    def destroy(self, request, book_id, chapter_id):
        book = self.get_book()
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

    @extend_schema(
        operation_id="books_chapters_bulk_status",
        parameters=[BOOK_ID],
        request=s.BulkStatusInput,
        responses={200: s.BulkStatusOutput, **ERRORS(400, 401, 403, 404, 409, 422, 429)},
    )
    @action(detail=False, methods=["patch"], url_path="bulk-status")
    def bulk_status(self, request, book_id):
        book = self.get_book()
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
