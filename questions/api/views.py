"""Chapter interview-question endpoints under /books/{book_id}/chapters/{chapter_id}/: thin views
that validate input, call one selector or service and serialize output."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from autoauthor.api.parsers import query_values
from autoauthor.schema import ERRORS
from books.api.ai_views import ASYNC, JOB_ACCEPTED, async_job
from questions import selectors, services
from questions.api.serializers import (
    BatchResponseItemInput,
    BatchResponsesInput,
    BatchResponsesOutput,
    GenerateQuestionsInput,
    GenerateQuestionsOutput,
    QuestionListOutput,
    QuestionListQuery,
    QuestionProgressOutput,
    RatingInput,
    RatingSaveOutput,
    RegenerateQuery,
    ResponseGetOutput,
    ResponseSaveInput,
    ResponseSaveOutput,
)
from questions.models import QuestionType

TAGS = ["questions"]
AI_ERRORS = (400, 401, 403, 404, 422, 429, 503)


def generation_payload(result: services.GenerationResult, *, regenerated: bool) -> dict:
    return GenerateQuestionsOutput(
        {
            "questions": result.questions,
            "generation_id": result.generation_id,
            "total": result.total,
            "preserved_count": result.preserved_count if regenerated else None,
            "new_count": result.new_count if regenerated else None,
            "fallback_count": result.fallback_count,
            "provider": result.provider,
        },
        context={"statuses": {}},
    ).data


class GenerateQuestionsView(APIView):
    ratelimit_scopes = {"post": "chapter_questions_generate"}
    concurrency_scopes = {"post": "ai"}

    @extend_schema(
        operation_id="chapter_questions_generate",
        tags=TAGS,
        parameters=[ASYNC],
        request=GenerateQuestionsInput,
        responses={200: GenerateQuestionsOutput, 202: JOB_ACCEPTED, **ERRORS(*AI_ERRORS)},
        description="Generate interview questions for the chapter (3–20, appended to the "
        "existing ones). AI provider failures are returned as errors and store nothing; "
        "when the provider returns too few usable questions, template questions fill in "
        "(`is_fallback: true`).",
    )
    def post(self, request, book_id, chapter_id):
        data = GenerateQuestionsInput(data=request.data)
        data.is_valid(raise_exception=True)
        book, chapter = selectors.chapter_get_for_user(
            book_id=book_id, chapter_id=chapter_id, user=request.user, include_content=True
        )
        params = {**data.validated_data, "chapter_id": chapter_id}
        if queued := async_job(request, kind="generate_questions", book=book, params=params):
            return queued
        result = services.questions_generate(
            book=book, chapter=chapter, user=request.user, **data.validated_data
        )
        return Response(generation_payload(result, regenerated=False))


class RegenerateQuestionsView(APIView):
    ratelimit_scopes = {"post": "chapter_questions_regenerate"}
    concurrency_scopes = {"post": "ai"}

    @extend_schema(
        operation_id="chapter_questions_regenerate",
        tags=TAGS,
        request=GenerateQuestionsInput,
        parameters=[
            OpenApiParameter(
                "preserve_responses",
                OpenApiTypes.BOOL,
                default=True,
                description="Keep answered questions and replace only the unanswered ones.",
            )
        ],
        responses={200: GenerateQuestionsOutput, **ERRORS(*AI_ERRORS)},
        description="Generate new questions first, then replace the old ones: a failed "
        "generation leaves the existing questions untouched.",
    )
    def post(self, request, book_id, chapter_id):
        query = RegenerateQuery(data=query_values(request.query_params))
        query.is_valid(raise_exception=True)
        data = GenerateQuestionsInput(data=request.data)
        data.is_valid(raise_exception=True)
        book, chapter = selectors.chapter_get_for_user(
            book_id=book_id, chapter_id=chapter_id, user=request.user, include_content=True
        )
        result = services.questions_regenerate(
            book=book,
            chapter=chapter,
            user=request.user,
            preserve_responses=query.validated_data["preserve_responses"],
            **data.validated_data,
        )
        return Response(generation_payload(result, regenerated=True))


class QuestionListView(APIView):
    @extend_schema(
        operation_id="chapter_questions_list",
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=selectors.LIST_STATUSES,
                description="Response status of the question (applied before pagination).",
            ),
            OpenApiParameter("category", OpenApiTypes.STR),
            OpenApiParameter("question_type", OpenApiTypes.STR, enum=QuestionType.values),
            OpenApiParameter("page", OpenApiTypes.INT, default=1, description=">= 1"),
            OpenApiParameter("limit", OpenApiTypes.INT, default=10, description="1-50"),
        ],
        responses={200: QuestionListOutput, **ERRORS(401, 403, 404, 422)},
    )
    def get(self, request, book_id, chapter_id):
        query = QuestionListQuery(data=query_values(request.query_params))
        query.is_valid(raise_exception=True)
        book, _ = selectors.chapter_get_for_user(
            book_id=book_id, chapter_id=chapter_id, user=request.user
        )
        page = selectors.question_list(
            book=book, chapter_id=chapter_id, user=request.user, **query.validated_data
        )
        return Response(QuestionListOutput(page, context={"statuses": page["statuses"]}).data)


class QuestionResponseView(APIView):
    ratelimit_scopes = {"put": "question_response_save"}

    @extend_schema(
        operation_id="chapter_question_response_save",
        tags=TAGS,
        request=ResponseSaveInput,
        responses={200: ResponseSaveOutput, **ERRORS(401, 403, 404, 409, 422, 429)},
    )
    def put(self, request, book_id, chapter_id, question_id):
        data = ResponseSaveInput(data=request.data)
        data.is_valid(raise_exception=True)
        question = self._question(request, book_id, chapter_id, question_id)
        response, _ = services.response_save(
            question=question,
            user=request.user,
            response_text=data.validated_data["response_text"],
            status=data.validated_data["status"],
        )
        return Response(
            ResponseSaveOutput(
                {"response": response, "success": True, "message": "Response saved successfully"}
            ).data
        )

    @extend_schema(
        operation_id="chapter_question_response_get",
        tags=TAGS,
        responses={200: ResponseGetOutput, **ERRORS(401, 403, 404)},
    )
    def get(self, request, book_id, chapter_id, question_id):
        question = self._question(request, book_id, chapter_id, question_id)
        response = selectors.response_get(question=question, user=request.user)
        return Response(
            ResponseGetOutput(
                {"response": response, "has_response": response is not None, "success": True}
            ).data
        )

    @staticmethod
    def _question(request, book_id, chapter_id, question_id):
        book, _ = selectors.chapter_get_for_user(
            book_id=book_id, chapter_id=chapter_id, user=request.user
        )
        return selectors.question_get(
            book=book, chapter_id=chapter_id, user=request.user, question_id=question_id
        )


class QuestionRatingView(APIView):
    ratelimit_scopes = {"post": "question_response_save"}

    @extend_schema(
        operation_id="chapter_question_rate",
        tags=TAGS,
        request=RatingInput,
        responses={200: RatingSaveOutput, **ERRORS(401, 403, 404, 422, 429)},
    )
    def post(self, request, book_id, chapter_id, question_id):
        data = RatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        question = QuestionResponseView._question(request, book_id, chapter_id, question_id)
        rating, _ = services.rating_save(
            question=question,
            user=request.user,
            rating=data.validated_data["rating"],
            feedback=data.validated_data.get("feedback"),
        )
        return Response(
            RatingSaveOutput(
                {"rating": rating, "success": True, "message": "Question rated successfully"}
            ).data
        )


class QuestionProgressView(APIView):
    @extend_schema(
        operation_id="chapter_question_progress",
        tags=TAGS,
        responses={200: QuestionProgressOutput, **ERRORS(401, 403, 404)},
    )
    def get(self, request, book_id, chapter_id):
        book, _ = selectors.chapter_get_for_user(
            book_id=book_id, chapter_id=chapter_id, user=request.user
        )
        progress = selectors.question_progress(book=book, chapter_id=chapter_id, user=request.user)
        return Response(QuestionProgressOutput(progress).data)


class ResponsesBatchView(APIView):
    ratelimit_scopes = {"post": "question_response_save"}

    @extend_schema(
        operation_id="chapter_question_responses_batch",
        tags=TAGS,
        request=BatchResponseItemInput(many=True),
        responses={200: BatchResponsesOutput, **ERRORS(401, 403, 404, 422, 429)},
        description="Save 1–100 responses. Each item succeeds or fails on its own (200 with "
        "per-item results); an item naming a question outside this chapter saves nothing.",
    )
    def post(self, request, book_id, chapter_id):
        data = BatchResponsesInput(data=request.data)
        data.is_valid(raise_exception=True)
        book, _ = selectors.chapter_get_for_user(
            book_id=book_id, chapter_id=chapter_id, user=request.user
        )
        result = services.responses_batch_save(
            book=book, chapter_id=chapter_id, user=request.user, items=data.validated_data
        )
        return Response(BatchResponsesOutput(result).data)
