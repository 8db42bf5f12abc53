"""AI authoring endpoints: thin views that check ownership (malformed/unknown id 404, another
user's book 403), validate the body, call one service of `books.services.authoring` and
serialize its result. Every response says which provider answered (`openai` or `offline`).

AI failures are rendered by the one exception handler: 429 (with Retry-After), 503, 400 or 502,
each with `retryable`, `retry_after` and `correlation_id`."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from autoauthor.schema import ERRORS
from books.api import ai_serializers as s
from books.api.common import BOOK_ID, CHAPTER_ID, valid_data
from books.selectors import book_get_for_user
from books.services import authoring

BOOK_CONTEXT = ("title", "genre", "target_audience")
AI_ERRORS = (400, 401, 403, 404, 422, 429, 502, 503)
# `?async=true` (generate-toc, generate-draft, chapter generate-questions): the same checks,
# then a background job instead of the call (jobs.api.hooks).
ASYNC = OpenApiParameter(
    "async",
    OpenApiTypes.BOOL,
    description="true: validate, then run as a background job and answer 202 with the job "
    "(poll GET /jobs/{id}; its `result` is this endpoint's 200 body, its `error` the error).",
    default=False,
)
JOB_ACCEPTED = OpenApiResponse(
    {"$ref": "#/components/schemas/JobOutput"}, description="Queued as a job (?async=true)"
)


def async_job(request, *, kind: str, book, params: dict):
    """202 with a queued job when the request says ?async=true, else None (run inline)."""
    from jobs.api.hooks import async_job_response  # lazy: jobs depends on books, not back

    return async_job_response(request, kind=kind, book=book, params=params)


class AnalyzeSummaryView(APIView):
    ratelimit_scopes = {"post": "analyze_summary"}
    concurrency_scopes = {"post": "ai"}

    @extend_schema(
        operation_id="books_analyze_summary",
        parameters=[BOOK_ID],
        request=None,
        responses={200: s.AnalyzeSummaryOutput, **ERRORS(*AI_ERRORS, 409)},
        description="Judge whether the summary is ready for TOC generation and store the "
        "verdict (read back by GET toc-readiness).",
    )
    def post(self, request, book_id):
        book = book_get_for_user(
            book_id=book_id,
            user=request.user,
            fields=(*BOOK_CONTEXT, "summary", "summary_version", "summary_analysis"),
            action="analyze",
        )
        result = authoring.summary_analyze(book=book, actor=request.user)
        return Response(s.AnalyzeSummaryOutput(result).data)


class ClarifyingQuestionsView(APIView):
    ratelimit_scopes = {"post": "clarifying_questions"}
    concurrency_scopes = {"post": "ai"}

    @extend_schema(
        operation_id="books_generate_questions",
        parameters=[BOOK_ID],
        request=s.ClarifyingQuestionsInput,
        responses={200: s.ClarifyingQuestionsOutput, **ERRORS(*AI_ERRORS, 409)},
        description="Clarifying questions about the summary (stored as the book's "
        "`clarifying_questions`, replacing earlier ones).",
    )
    def post(self, request, book_id):
        book = book_get_for_user(
            book_id=book_id,
            user=request.user,
            fields=(*BOOK_CONTEXT, "summary", "summary_version", "clarifying_questions"),
            action="generate questions for",
        )
        data = valid_data(s.ClarifyingQuestionsInput, request.data)
        result = authoring.clarifying_questions_generate(
            book=book, num_questions=data.get("num_questions"), actor=request.user
        )
        return Response(s.ClarifyingQuestionsOutput(result).data)


class GenerateTocView(APIView):
    ratelimit_scopes = {"post": "generate_toc"}
    concurrency_scopes = {"post": "ai"}

    @extend_schema(
        operation_id="books_generate_toc",
        parameters=[BOOK_ID, ASYNC],
        request=s.GenerateTocInput,
        responses={200: s.GenerateTocOutput, 202: JOB_ACCEPTED, **ERRORS(*AI_ERRORS, 409)},
        description="Generate the TOC from the summary and the answers and store it (version "
        '+ 1). 409 `toc_has_content` when chapters have content, unless `"overwrite": true`; '
        "409 `version_conflict` for a stale `expected_version`.",
    )
    def post(self, request, book_id):
        book = book_get_for_user(
            book_id=book_id,
            user=request.user,
            fields=(*BOOK_CONTEXT, "summary", "question_responses", "toc", "toc_version"),
            action="generate TOC for",
        )
        data = valid_data(s.GenerateTocInput, request.data)
        if queued := async_job(request, kind="generate_toc", book=book, params=dict(data)):
            return queued
        result = authoring.toc_generate(
            book=book,
            question_responses=data.get("question_responses"),
            expected_version=data.get("expected_version"),
            overwrite=data["overwrite"],
            actor=request.user,
        )
        return Response(s.GenerateTocOutput(result).data)


class GenerateDraftView(APIView):
    ratelimit_scopes = {"post": "generate_draft"}
    concurrency_scopes = {"post": "ai"}

    @extend_schema(
        operation_id="books_chapters_generate_draft",
        parameters=[BOOK_ID, CHAPTER_ID, ASYNC],
        request=s.GenerateDraftInput,
        responses={200: s.GenerateDraftOutput, 202: JOB_ACCEPTED, **ERRORS(*AI_ERRORS, 409)},
        description='A chapter draft from the author\'s answers; with `"save": true` it is '
        "also stored as the chapter's content (versioned).",
    )
    def post(self, request, book_id, chapter_id):
        book = book_get_for_user(
            book_id=book_id,
            user=request.user,
            fields=(*BOOK_CONTEXT, "toc"),
            action="generate draft for",
        )
        data = valid_data(s.GenerateDraftInput, request.data)
        params = {**data, "chapter_id": chapter_id}
        if queued := async_job(request, kind="generate_draft", book=book, params=params):
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


class TransformStyleView(APIView):
    ratelimit_scopes = {"post": "transform_style"}
    concurrency_scopes = {"post": "ai"}

    @extend_schema(
        operation_id="books_chapters_transform_style",
        parameters=[BOOK_ID, CHAPTER_ID],
        request=s.TransformStyleInput,
        responses={200: s.TransformStyleOutput, **ERRORS(*AI_ERRORS)},
        description="Rewrite the given text in another style, keeping every fact (a preview: "
        "nothing is stored).",
    )
    def post(self, request, book_id, chapter_id):
        book = book_get_for_user(
            book_id=book_id, user=request.user, fields=(), action="transform content for"
        )
        data = valid_data(s.TransformStyleInput, request.data)
        result = authoring.chapter_style_transform(
            book=book,
            chapter_id=chapter_id,
            content=data["content"],
            target_style=data["target_style"],
        )
        return Response(s.TransformStyleOutput(result).data)
