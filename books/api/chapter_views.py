"""Table of contents and chapter endpoints: thin views that load the caller's book, validate the
input, call one service or selector, and serialize the output."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from autoauthor.api.errors import Invalid, NotFound
from autoauthor.schema import ERRORS
from books import selectors
from books.api import chapter_serializers as s
from books.models import AccessType
from books.services import chapters as chapter_services
from books.services import toc as toc_services


def _book(request, book_id, action="access"):
    return selectors.book_get_for_user(book_id=book_id, user=request.user, action=action)


def _chapter(book, chapter_id, *, include_content=True) -> dict:
    chapter = selectors.chapter_find(
        book=book, chapter_id=chapter_id, include_content=include_content
    )
    if chapter is None:
        raise NotFound(selectors.CHAPTER_NOT_FOUND, code="chapter_not_found")
    return chapter


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


BOOK_ID = OpenApiParameter("book_id", OpenApiTypes.STR, OpenApiParameter.PATH)
CHAPTER_ID = OpenApiParameter("chapter_id", OpenApiTypes.STR, OpenApiParameter.PATH)


class TocView(APIView):
    @extend_schema(
        operation_id="books_toc_retrieve",
        parameters=[BOOK_ID],
        responses={200: s.TocOutput, **ERRORS(401, 403, 404)},
    )
    def get(self, request, book_id):
        book = _book(request, book_id)
        return Response(s.TocOutput(selectors.toc_get(book=book)).data)

    @extend_schema(
        operation_id="books_toc_update",
        parameters=[BOOK_ID],
        request=s.TocUpdateSchemaInput,
        responses={200: s.TocUpdateOutput, **ERRORS(401, 403, 404, 409, 422)},
    )
    def put(self, request, book_id):
        book = _book(request, book_id, action="update")
        toc = _valid(s.TocUpdateInput, request.data)["toc"]
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
        flat = _valid(s.ChapterListQuery, request.query_params)["flat"]
        book = _book(request, book_id)
        if flat:
            chapters = selectors.chapters_flat(book=book)
            total = len(chapters)
        else:
            chapters = selectors.chapter_tree(book=book, include_content=False)
            total = len(chapters)
        body = {
            "book_id": str(book.pk),
            "chapters": chapters,
            "total_chapters": total,
            "structure": "flat" if flat else "hierarchical",
            "version": book.toc_version,
            "success": True,
        }
        return Response(s.ChapterListOutput(body).data)

    @extend_schema(
        operation_id="books_chapters_create",
        parameters=[BOOK_ID],
        request=s.ChapterCreateInput,
        responses={201: s.ChapterCreateOutput, **ERRORS(400, 401, 403, 404, 409, 422)},
    )
    def post(self, request, book_id):
        book = _book(request, book_id, action="modify")
        data = _valid(s.ChapterCreateInput, request.data)
        chapter = chapter_services.chapter_create(book=book, actor=request.user, **data)
        body = {
            "book_id": str(book.pk),
            "chapter": chapter,
            "chapter_id": chapter["id"],
            "version": book.toc_version,
            "success": True,
            "message": "Chapter created successfully",
        }
        return Response(s.ChapterCreateOutput(body).data, status=status.HTTP_201_CREATED)


class ChapterDetailView(APIView):
    @extend_schema(
        operation_id="books_chapters_retrieve",
        parameters=[BOOK_ID, CHAPTER_ID],
        responses={200: s.ChapterDetailOutput, **ERRORS(401, 403, 404)},
    )
    def get(self, request, book_id, chapter_id):
        book = _book(request, book_id)
        chapter = _chapter(book, chapter_id)
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
        responses={200: s.ChapterWriteOutput, **ERRORS(401, 403, 404, 409, 422)},
    )
    def put(self, request, book_id, chapter_id):
        book = _book(request, book_id, action="modify")
        data = _valid(s.ChapterUpdateInput, request.data)
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
        responses={200: s.ChapterDeleteOutput, **ERRORS(401, 403, 404, 409, 422)},
    )
    def delete(self, request, book_id, chapter_id):
        book = _book(request, book_id, action="modify")
        source = request.data if request.data else request.query_params
        data = _valid(s.ChapterDeleteInput, source)
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


class ChapterMetadataView(APIView):
    @extend_schema(
        operation_id="books_chapters_metadata",
        parameters=[
            BOOK_ID,
            OpenApiParameter(
                "include_content_stats", OpenApiTypes.BOOL, description="Accepted, no effect."
            ),
        ],
        responses={200: s.ChapterMetadataOutput, **ERRORS(401, 403, 404, 422)},
    )
    def get(self, request, book_id):
        _valid(s.MetadataQuery, request.query_params)
        book = _book(request, book_id)
        body = {
            "book_id": str(book.pk),
            **selectors.chapters_metadata(book=book, user=request.user),
        }
        return Response(s.ChapterMetadataOutput(body).data)


class TabStateView(APIView):
    @extend_schema(
        operation_id="books_chapters_tab_state_retrieve",
        parameters=[BOOK_ID],
        responses={200: s.TabStateGetOutput, **ERRORS(401, 403, 404)},
    )
    def get(self, request, book_id):
        book = _book(request, book_id)
        log = selectors.tab_state_latest(book=book, user=request.user)
        if log is None:
            body = {
                "book_id": str(book.pk),
                "tab_state": None,
                "message": "No saved tab state found",
            }
        else:
            body = {
                "book_id": str(book.pk),
                "tab_state": {
                    "active_chapter_id": log.metadata.get("active_chapter_id", log.chapter_id),
                    "open_tab_ids": log.metadata.get("open_tab_ids", []),
                    "tab_order": log.metadata.get("tab_order", []),
                    "last_updated": log.timestamp,
                },
                "success": True,
            }
        return Response(s.TabStateGetOutput(body).data)

    @extend_schema(
        operation_id="books_chapters_tab_state_save",
        parameters=[BOOK_ID],
        request=s.TabStateInput,
        responses={200: s.TabStateSaveOutput, **ERRORS(401, 403, 404, 422)},
    )
    def post(self, request, book_id):
        book = _book(request, book_id)
        data = _valid(s.TabStateInput, request.data)
        log = chapter_services.tab_state_save(book=book, user=request.user, **data)
        body = {
            "book_id": str(book.pk),
            "tab_state_id": str(log.pk),
            "success": True,
            "message": "Tab state saved successfully",
        }
        return Response(s.TabStateSaveOutput(body).data)


class BulkStatusView(APIView):
    @extend_schema(
        operation_id="books_chapters_bulk_status",
        parameters=[BOOK_ID],
        request=s.BulkStatusInput,
        responses={200: s.BulkStatusOutput, **ERRORS(400, 401, 403, 404, 409, 422)},
    )
    def patch(self, request, book_id):
        book = _book(request, book_id, action="modify")
        data = _valid(s.BulkStatusInput, request.data)
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


class BatchContentView(APIView):
    @extend_schema(
        operation_id="books_chapters_batch_content",
        parameters=[BOOK_ID],
        request=s.BatchContentInput,
        responses={200: s.BatchContentOutput, **ERRORS(400, 401, 403, 404, 422)},
    )
    def post(self, request, book_id):
        data = _valid(s.BatchContentInput, request.data)
        if len(data["chapter_ids"]) > s.MAX_BATCH_CHAPTERS:
            raise Invalid(
                f"Cannot request more than {s.MAX_BATCH_CHAPTERS} chapters at once",
                code="too_many_chapters",
            )
        book = _book(request, book_id)
        found = selectors.chapters_content_batch(book=book, **data)
        chapter_services.access_log_record(
            user=request.user,
            book=book,
            chapter_id="batch_request",
            access_type=AccessType.BATCH_READ_CONTENT,
            metadata={
                "requested_chapters": data["chapter_ids"],
                "found_chapters": list(found),
                "include_metadata": data["include_metadata"],
            },
            best_effort=True,
        )
        body = {
            "book_id": str(book.pk),
            "chapters": found,
            "requested_count": len(data["chapter_ids"]),
            "found_count": len(found),
            "success": True,
        }
        return Response(s.BatchContentOutput(body).data)


class ChapterContentView(APIView):
    @extend_schema(
        operation_id="books_chapters_content_retrieve",
        parameters=[
            BOOK_ID,
            CHAPTER_ID,
            OpenApiParameter("include_metadata", OpenApiTypes.BOOL, default=True),
        ],
        responses={200: s.ChapterContentOutput, **ERRORS(401, 403, 404, 422)},
    )
    def get(self, request, book_id, chapter_id):
        include_metadata = _valid(s.ContentQuery, request.query_params)["include_metadata"]
        book = _book(request, book_id)
        chapter = _chapter(book, chapter_id)
        chapter_services.access_log_record(
            user=request.user,
            book=book,
            chapter_id=chapter_id,
            access_type=AccessType.READ_CONTENT,
            metadata={"chapter_title": chapter.get("title"), "include_metadata": include_metadata},
            best_effort=True,
        )
        body = {
            "book_id": str(book.pk),
            "chapter_id": chapter_id,
            "title": chapter.get("title") or "",
            "content": chapter.get("content") or "",
            "version": chapter["content_version"],
            "success": True,
        }
        if include_metadata:
            body["metadata"] = selectors.chapter_content_metadata(chapter)
        return Response(s.ChapterContentOutput(body).data)

    @extend_schema(
        operation_id="books_chapters_content_update",
        parameters=[BOOK_ID, CHAPTER_ID],
        request=s.ContentSaveInput,
        responses={200: s.ContentSaveOutput, **ERRORS(401, 403, 404, 409, 422)},
    )
    def patch(self, request, book_id, chapter_id):
        book = _book(request, book_id, action="modify")
        data = _valid(s.ContentSaveInput, request.data)
        saved = chapter_services.chapter_content_save(
            book=book, chapter_id=chapter_id, actor=request.user, **data
        )
        body = {
            "book_id": str(book.pk),
            "chapter_id": chapter_id,
            "version": saved.version,
            "word_count": saved.word_count,
            "estimated_reading_time": saved.estimated_reading_time,
            "status": saved.status,
            "success": True,
            "message": "Chapter content updated successfully",
            "metadata_updated": data["auto_update_metadata"],
        }
        return Response(s.ContentSaveOutput(body).data)


class ChapterAnalyticsView(APIView):
    @extend_schema(
        operation_id="books_chapters_analytics",
        parameters=[
            BOOK_ID,
            CHAPTER_ID,
            OpenApiParameter("days", OpenApiTypes.INT, description="1-365", default=30),
        ],
        responses={200: s.ChapterAnalyticsOutput, **ERRORS(401, 403, 404, 422)},
    )
    def get(self, request, book_id, chapter_id):
        days = _valid(s.AnalyticsQuery, request.query_params)["days"]
        book = _book(request, book_id)
        if selectors.toc_node_find(book.toc, chapter_id) is None:
            raise NotFound(selectors.CHAPTER_NOT_FOUND, code="chapter_not_found")
        body = {
            "book_id": str(book.pk),
            "chapter_id": chapter_id,
            "analytics_period_days": days,
            "analytics": selectors.chapter_analytics(book=book, chapter_id=chapter_id, days=days),
            "success": True,
        }
        return Response(s.ChapterAnalyticsOutput(body).data)
