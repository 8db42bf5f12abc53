"""AI authoring actions of a book: analyze-summary, generate-questions, generate-toc. Ownership
first (malformed/unknown id 404, another user's book 403), then the body is validated, then one
service of `books.services.authoring`; every answer says which provider answered (`openai` or
`offline`).

AI failures are rendered by the one exception handler: 429 (with Retry-After), 503, 400 or 502,
each with `retryable`, `retry_after` and `correlation_id`."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from autoauthor.api.deferral import ASYNC_PARAMETER, JOB_ACCEPTED, deferred_response
from autoauthor.schema import ERRORS
from books.api import ai_serializers as s
from books.api.common import BOOK_ID, valid_data
from books.services import authoring

# The book fields every AI prompt is written from.
BOOK_CONTEXT = ("title", "genre", "target_audience")
AI_ERRORS = (400, 401, 403, 404, 422, 429, 502, 503)


class BookAiMixin:
    ratelimit_scopes = {
        "analyze_summary": "analyze_summary",
        "generate_questions": "clarifying_questions",
        "generate_toc": "generate_toc",
    }
    concurrency_scopes = dict.fromkeys(ratelimit_scopes, "ai")
    book_verbs = {
        "analyze_summary": "analyze",
        "generate_questions": "generate questions for",
        "generate_toc": "generate TOC for",
    }

    @extend_schema(
        operation_id="books_analyze_summary",
        parameters=[BOOK_ID],
        request=None,
        responses={200: s.AnalyzeSummaryOutput, **ERRORS(*AI_ERRORS, 409)},
        description="Judge whether the summary is ready for TOC generation and store the "
        "verdict (read back by GET toc-readiness).",
    )
    @action(detail=True, methods=["post"], url_path="analyze-summary")
    def analyze_summary(self, request, book_id):
        book = self.get_book((*BOOK_CONTEXT, "summary", "summary_version", "summary_analysis"))
        result = authoring.summary_analyze(book=book, actor=request.user)
        return Response(s.AnalyzeSummaryOutput(result).data)

    @extend_schema(
        operation_id="books_generate_questions",
        parameters=[BOOK_ID],
        request=s.ClarifyingQuestionsInput,
        responses={200: s.ClarifyingQuestionsOutput, **ERRORS(*AI_ERRORS, 409)},
        description="Clarifying questions about the summary (stored as the book's "
        "`clarifying_questions`, replacing earlier ones).",
    )
    @action(detail=True, methods=["post"], url_path="generate-questions")
    def generate_questions(self, request, book_id):
        book = self.get_book((*BOOK_CONTEXT, "summary", "summary_version", "clarifying_questions"))
        data = valid_data(s.ClarifyingQuestionsInput, request.data)
        result = authoring.clarifying_questions_generate(
            book=book, num_questions=data.get("num_questions"), actor=request.user
        )
        return Response(s.ClarifyingQuestionsOutput(result).data)

    @extend_schema(
        operation_id="books_generate_toc",
        parameters=[BOOK_ID, ASYNC_PARAMETER],
        request=s.GenerateTocInput,
        responses={200: s.GenerateTocOutput, 202: JOB_ACCEPTED, **ERRORS(*AI_ERRORS, 409)},
        description="Generate the TOC from the summary and the answers and store it (version "
        '+ 1). 409 `toc_has_content` when chapters have content, unless `"overwrite": true`; '
        "409 `version_conflict` for a stale `expected_version`.",
    )
    @action(detail=True, methods=["post"], url_path="generate-toc")
    def generate_toc(self, request, book_id):
        book = self.get_book((*BOOK_CONTEXT, "summary", "question_responses", "toc", "toc_version"))
        data = valid_data(s.GenerateTocInput, request.data)
        if queued := deferred_response(request, kind="generate_toc", book=book, params=dict(data)):
            return queued
        result = authoring.toc_generate(
            book=book,
            question_responses=data.get("question_responses"),
            expected_version=data.get("expected_version"),
            overwrite=data["overwrite"],
            actor=request.user,
        )
        return Response(s.GenerateTocOutput(result).data)
