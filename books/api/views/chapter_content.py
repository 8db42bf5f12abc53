"""Chapter content and reading state: the chapters' metadata (cached), the editor's tab state,
several chapters' content at once, one chapter's content (GET, PATCH) and its analytics. The
book is loaded first (404/403) unless the query or body is validated first, as each action
says."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from autoauthor.core.errors import Invalid
from autoauthor.schema import ERRORS
from books import selectors
from books.api import content_serializers as s
from books.api.common import BOOK_ID, CHAPTER_ID, valid_data
from books.models import AccessType, chapter_status_normalize
from books.rules import BATCH_CONTENT_MAX_CHAPTERS
from books.services import content as content_services


class ChapterReadingMixin:
    ratelimit_scopes = {"tab_state_save": "tab_state"}

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
    @action(detail=False, methods=["get"], url_path="metadata")
    def metadata(self, request, book_id):
        valid_data(s.MetadataQuery, request.query_params)

        def render(book):
            body = {
                "book_id": str(book.pk),
                **selectors.chapters_metadata(book=book, user=request.user),
            }
            return s.ChapterMetadataOutput(body).data

        return self.cached_book_response(view="chapter-metadata", render=render)

    @extend_schema(
        operation_id="books_chapters_tab_state_retrieve",
        parameters=[BOOK_ID],
        responses={200: s.TabStateGetOutput, **ERRORS(401, 403, 404)},
    )
    @action(detail=False, methods=["get"], url_path="tab-state")
    def tab_state(self, request, book_id):
        book = self.get_book()
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
        responses={200: s.TabStateSaveOutput, **ERRORS(401, 403, 404, 422, 429)},
    )
    @tab_state.mapping.post
    def tab_state_save(self, request, book_id):
        book = self.get_book()
        data = valid_data(s.TabStateInput, request.data)
        log = content_services.tab_state_save(book=book, user=request.user, **data)
        body = {
            "book_id": str(book.pk),
            "tab_state_id": str(log.pk),
            "success": True,
            "message": "Tab state saved successfully",
        }
        return Response(s.TabStateSaveOutput(body).data)

    @extend_schema(
        operation_id="books_chapters_batch_content",
        parameters=[BOOK_ID],
        request=s.BatchContentInput,
        responses={200: s.BatchContentOutput, **ERRORS(400, 401, 403, 404, 422)},
    )
    @action(detail=False, methods=["post"], url_path="batch-content")
    def batch_content(self, request, book_id):
        data = valid_data(s.BatchContentInput, request.data)
        if len(data["chapter_ids"]) > BATCH_CONTENT_MAX_CHAPTERS:
            raise Invalid(
                f"Cannot request more than {BATCH_CONTENT_MAX_CHAPTERS} chapters at once",
                code="too_many_chapters",
            )
        book = self.get_book()
        found = selectors.chapters_content_batch(book=book, **data)
        content_services.access_log_record(
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


class ChapterContentMixin:
    ratelimit_scopes = {"content_update": "content_save"}
    book_verbs = {"content_update": "modify"}

    @extend_schema(
        operation_id="books_chapters_content_retrieve",
        parameters=[
            BOOK_ID,
            CHAPTER_ID,
            OpenApiParameter("include_metadata", OpenApiTypes.BOOL, default=True),
        ],
        responses={200: s.ChapterContentOutput, **ERRORS(401, 403, 404, 422)},
    )
    @action(detail=True, methods=["get"], url_path="content")
    def content(self, request, book_id, chapter_id):
        include_metadata = valid_data(s.ContentQuery, request.query_params)["include_metadata"]
        chapter = self.get_object()
        book = self.get_book()
        content_services.access_log_record(
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
        responses={200: s.ContentSaveOutput, **ERRORS(401, 403, 404, 409, 422, 429)},
    )
    @content.mapping.patch
    def content_update(self, request, book_id, chapter_id):
        book = self.get_book()
        data = valid_data(s.ContentSaveInput, request.data)
        saved = content_services.chapter_content_save(
            book=book, chapter_id=chapter_id, actor=request.user, **data
        )
        body = {
            "book_id": str(book.pk),
            "chapter_id": chapter_id,
            "version": saved.version,
            "word_count": saved.word_count,
            "estimated_reading_time": saved.estimated_reading_time,
            "status": chapter_status_normalize(saved.status),
            "success": True,
            "message": "Chapter content updated successfully",
            "metadata_updated": data["auto_update_metadata"],
        }
        return Response(s.ContentSaveOutput(body).data)

    @extend_schema(
        operation_id="books_chapters_analytics",
        parameters=[
            BOOK_ID,
            CHAPTER_ID,
            OpenApiParameter("days", OpenApiTypes.INT, description="1-365", default=30),
        ],
        responses={200: s.ChapterAnalyticsOutput, **ERRORS(401, 403, 404, 422)},
    )
    @action(detail=True, methods=["get"], url_path="analytics")
    def analytics(self, request, book_id, chapter_id):
        days = valid_data(s.AnalyticsQuery, request.query_params)["days"]
        book = self.get_book()
        if selectors.toc_node_find(book.toc, chapter_id) is None:
            raise content_services.chapter_not_found()
        body = {
            "book_id": str(book.pk),
            "chapter_id": chapter_id,
            "analytics_period_days": days,
            "analytics": selectors.chapter_analytics(book=book, chapter_id=chapter_id, days=days),
            "success": True,
        }
        return Response(s.ChapterAnalyticsOutput(body).data)
