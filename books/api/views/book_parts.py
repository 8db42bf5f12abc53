"""Book-level parts: the summary, the answers to the clarifying questions, TOC readiness, the
cover image and the audit log. Ownership first, then the body is validated."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from autoauthor.api.pagination import paginated_response, skip_limit_parameters
from autoauthor.schema import ERRORS
from books import selectors
from books.api.book_serializers import (
    AuditLogOutput,
    CoverImageInput,
    CoverImageOutput,
    QuestionResponsesInput,
    QuestionResponsesOutput,
    QuestionResponsesSavedOutput,
    SummaryInput,
    SummaryOutput,
    TocReadinessOutput,
)
from books.services import cover as cover_services
from books.services import summary as summary_services

SUMMARY_FIELDS = ("summary", "summary_history", "summary_version")
SUMMARY_SAVE_RESPONSES = {200: SummaryOutput, **ERRORS(400, 401, 403, 404, 409, 422, 429)}


class BookSummaryMixin:
    ratelimit_scopes = {
        "summary_update": "summary_save",
        "summary_partial_update": "summary_save",
    }
    book_verbs = {"summary_update": "update", "summary_partial_update": "update"}

    @extend_schema(
        operation_id="books_summary_retrieve",
        responses={200: SummaryOutput, **ERRORS(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], url_path="summary")
    def summary(self, request, book_id):
        book = self.get_book(SUMMARY_FIELDS)
        return Response(SummaryOutput(selectors.book_summary(book=book)).data)

    @extend_schema(
        operation_id="books_summary_update",
        request=SummaryInput,
        responses=SUMMARY_SAVE_RESPONSES,
    )
    @summary.mapping.put
    def summary_update(self, request, book_id):
        return self._summary_save(request, partial=False)

    @extend_schema(
        operation_id="books_summary_partial_update",
        request=SummaryInput,
        responses=SUMMARY_SAVE_RESPONSES,
    )
    @summary.mapping.patch
    def summary_partial_update(self, request, book_id):
        return self._summary_save(request, partial=True)

    def _summary_save(self, request, *, partial: bool):
        book = self.get_book(SUMMARY_FIELDS)
        data = SummaryInput(data=request.data)
        data.is_valid(raise_exception=True)
        text = summary_services.summary_validate(
            summary=data.validated_data.get("summary"), partial=partial
        )
        if text is None:  # PATCH without a summary: nothing to write
            return Response({"summary": book.summary, "summary_history": book.summary_history})
        book = summary_services.book_summary_update(book=book, summary=text)
        return Response(SummaryOutput(selectors.book_summary(book=book)).data)


class BookAnswersMixin:
    ratelimit_scopes = {"question_responses_update": "summary_save"}
    book_verbs = {
        "question_responses": "access responses for",
        "question_responses_update": "update responses for",
        "toc_readiness": "check readiness for",
    }

    @extend_schema(
        operation_id="books_question_responses_retrieve",
        responses={200: QuestionResponsesOutput, **ERRORS(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], url_path="question-responses")
    def question_responses(self, request, book_id):
        book = self.get_book(("question_responses",))
        return Response(selectors.book_question_responses(book=book))

    @extend_schema(
        operation_id="books_question_responses_update",
        request=QuestionResponsesInput,
        responses={200: QuestionResponsesSavedOutput, **ERRORS(400, 401, 403, 404, 409, 422, 429)},
    )
    @question_responses.mapping.put
    def question_responses_update(self, request, book_id):
        book = self.get_book(("clarifying_questions", "question_responses"))
        data = QuestionResponsesInput(data=request.data)
        data.is_valid(raise_exception=True)
        responses = summary_services.question_responses_validate(
            responses=data.validated_data.get("responses")
        )
        stored = summary_services.book_question_responses_update(book=book, responses=responses)
        body = {
            "book_id": book.pk,
            "responses_saved": len(responses),
            "answered_at": stored["answered_at"],
            "ready_for_toc_generation": True,
        }
        return Response(QuestionResponsesSavedOutput(body).data)

    @extend_schema(
        operation_id="books_toc_readiness",
        responses={200: TocReadinessOutput, **ERRORS(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], url_path="toc-readiness")
    def toc_readiness(self, request, book_id):
        book = self.get_book(("summary", "summary_analysis"))
        return Response(TocReadinessOutput(selectors.book_toc_readiness(book=book)).data)


class BookCoverAuditMixin:
    ratelimit_scopes = {"cover_image": "cover_upload"}
    book_verbs = {"cover_image": "update"}

    @extend_schema(
        operation_id="books_cover_image_upload",
        request={"multipart/form-data": CoverImageInput},
        responses={200: CoverImageOutput, **ERRORS(400, 401, 403, 404, 409, 413, 422, 429)},
        description="JPEG, PNG, WebP or GIF of at most 5 MiB and 25 megapixels (a larger "
        "canvas is 413 `image_too_large`, refused from the header before decoding).",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="cover-image",
        parser_classes=[MultiPartParser, FormParser],
    )
    def cover_image(self, request, book_id):
        book = self.get_book(("cover_image_url", "cover_thumbnail_url"))
        data = CoverImageInput(data=request.data)
        data.is_valid(raise_exception=True)
        book = cover_services.book_cover_upload(book=book, upload=data.validated_data["file"])
        body = {
            "message": "Cover image uploaded successfully",
            "cover_image_url": book.cover_image_url,
            "cover_thumbnail_url": book.cover_thumbnail_url,
            "book_id": book.pk,
        }
        return Response(CoverImageOutput(body).data)

    @extend_schema(
        operation_id="books_audit_log",
        parameters=skip_limit_parameters(),
        responses={200: AuditLogOutput(many=True), **ERRORS(401, 403, 404, 422)},
        description="Audit rows about the book, newest first; the total is in X-Total-Count.",
    )
    @action(detail=True, methods=["get"], url_path="audit-log")
    def audit_log(self, request, book_id):
        return paginated_response(
            request,
            selectors.book_audit_log(book=self.get_book(())),
            lambda rows: AuditLogOutput(rows, many=True).data,
        )
