"""AI authoring actions of a chapter: generate-draft (also `?async=true`), transform-style,
enhance-text and enhance-transcription (previews: nothing is stored). Ownership first, then the
body is validated, then one service of `books.services.authoring`."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from autoauthor.api.deferral import ASYNC_PARAMETER, JOB_ACCEPTED, deferred_response
from autoauthor.schema import ERRORS
from books.api import ai_serializers as s
from books.api.common import BOOK_ID, CHAPTER_ID, valid_data
from books.api.views.book_ai import AI_ERRORS, BOOK_CONTEXT
from books.services import authoring


class ChapterAiMixin:
    ratelimit_scopes = {
        "generate_draft": "generate_draft",
        "transform_style": "transform_style",
        "enhance_text": "enhance_text",
        "enhance_transcription": "enhance_transcription",
    }
    concurrency_scopes = dict.fromkeys(ratelimit_scopes, "ai")
    book_verbs = {
        "generate_draft": "generate draft for",
        "transform_style": "transform content for",
        "enhance_text": "enhance content for",
        "enhance_transcription": "enhance content for",
    }

    @extend_schema(
        operation_id="books_chapters_generate_draft",
        parameters=[BOOK_ID, CHAPTER_ID, ASYNC_PARAMETER],
        request=s.GenerateDraftInput,
        responses={200: s.GenerateDraftOutput, 202: JOB_ACCEPTED, **ERRORS(*AI_ERRORS, 409)},
        description='A chapter draft from the author\'s answers; with `"save": true` it is '
        "also stored as the chapter's content (versioned).",
    )
    @action(detail=True, methods=["post"], url_path="generate-draft")
    def generate_draft(self, request, book_id, chapter_id):
        book = self.get_book((*BOOK_CONTEXT, "toc"))
        data = valid_data(s.GenerateDraftInput, request.data)
        params = {**data, "chapter_id": chapter_id}
        if queued := deferred_response(request, kind="generate_draft", book=book, params=params):
            return queued
        result = authoring.chapter_draft_generate(
            book=book,
            chapter_id=chapter_id,
            question_responses=data.get("question_responses"),
            writing_style=data.get("writing_style"),
            target_length=data.get("target_length"),
            save=data["save"],
            expected_version=data.get("expected_version"),
            actor=request.user,
        )
        return Response(s.GenerateDraftOutput(result).data)

    @extend_schema(
        operation_id="books_chapters_transform_style",
        parameters=[BOOK_ID, CHAPTER_ID],
        request=s.TransformStyleInput,
        responses={200: s.TransformStyleOutput, **ERRORS(*AI_ERRORS)},
        description="Rewrite the given text in another style, keeping every fact (a preview: "
        "nothing is stored).",
    )
    @action(detail=True, methods=["post"], url_path="transform-style")
    def transform_style(self, request, book_id, chapter_id):
        book = self.get_book(())
        data = valid_data(s.TransformStyleInput, request.data)
        result = authoring.chapter_style_transform(
            book=book,
            chapter_id=chapter_id,
            content=data["content"],
            target_style=data["target_style"],
        )
        return Response(s.TransformStyleOutput(result).data)

    @extend_schema(
        operation_id="books_chapters_enhance_text",
        parameters=[BOOK_ID, CHAPTER_ID],
        request=s.EnhanceTextInput,
        responses={200: s.EnhanceTextOutput, **ERRORS(*AI_ERRORS)},
        description="Improve the given text along one dimension (clarity, grammar, tone or "
        "vocabulary), keeping every fact; the answer says what changed (a preview: nothing is "
        "stored). The chapter must be in the TOC.",
    )
    @action(detail=True, methods=["post"], url_path="enhance-text")
    def enhance_text(self, request, book_id, chapter_id):
        book = self.get_book(("toc",))
        data = valid_data(s.EnhanceTextInput, request.data)
        result = authoring.chapter_text_enhance(
            book=book,
            chapter_id=chapter_id,
            content=data["content"],
            enhancement_type=data.get("enhancement_type", ""),
        )
        return Response(s.EnhanceTextOutput(result).data)

    @extend_schema(
        operation_id="books_chapters_enhance_transcription",
        parameters=[BOOK_ID, CHAPTER_ID],
        request=s.EnhanceTranscriptionInput,
        responses={200: s.EnhanceTextOutput, **ERRORS(*AI_ERRORS)},
        description="Clean up dictated text: filler words and repeated words removed, "
        "capitals, full stops and paragraphs added, the speaker's words kept (a preview: "
        "nothing is stored). The chapter must be in the TOC.",
    )
    @action(detail=True, methods=["post"], url_path="enhance-transcription")
    def enhance_transcription(self, request, book_id, chapter_id):
        book = self.get_book(("toc",))
        data = valid_data(s.EnhanceTranscriptionInput, request.data)
        result = authoring.chapter_transcription_enhance(
            book=book, chapter_id=chapter_id, content=data["content"]
        )
        return Response(s.EnhanceTextOutput(result).data)
