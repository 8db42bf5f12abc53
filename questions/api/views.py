"""Chapter interview-question endpoints under /books/{book_id}/chapters/{chapter_id}/:
`ChapterQuestionsViewSet` (the chapter's generate-questions, regenerate-questions and
question-progress) and `QuestionViewSet` (questions, their responses and ratings, and the
regeneration of one question). Each action validates its input, calls one selector or service
and serializes the output.

The book comes from `get_book()` (404 `book_not_found`, another user's book 403 "Not authorized
to access this book"), then the chapter its TOC must list (404 `chapter_not_found`)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from autoauthor.api.deferral import ASYNC_PARAMETER, JOB_ACCEPTED, deferred_response
from autoauthor.schema import ERRORS
from books.api.common import DeclaredListSchema, valid_data
from questions import selectors, services
from questions.api.chapter_scope import ChapterScopedMixin
from questions.api.payloads import generation_payload
from questions.api.serializers import (
    BatchResponseItemInput,
    BatchResponsesInput,
    BatchResponsesOutput,
    GenerateQuestionsInput,
    GenerateQuestionsOutput,
    QuestionListOutput,
    QuestionListQuery,
    QuestionOutput,
    QuestionProgressOutput,
    RatingInput,
    RatingSaveOutput,
    RegenerateQuery,
    RegenerateQuestionInput,
    ResponseGetOutput,
    ResponseSaveInput,
    ResponseSaveOutput,
)
from questions.models import QuestionType

TAGS = ["questions"]
AI_ERRORS = (400, 401, 403, 404, 422, 429, 503)


# Comments, not docstrings, on the classes here: drf-spectacular takes a view class's docstring
# (its mixins' included) as the description of every operation that names none.


# The question actions of one chapter (registered under the books router at `chapters`).
class ChapterQuestionsViewSet(ChapterScopedMixin, GenericViewSet):
    lookup_url_kwarg = "chapter_id"
    ratelimit_scopes = {
        "generate_questions": "chapter_questions_generate",
        "regenerate_questions": "chapter_questions_regenerate",
    }
    concurrency_scopes = {"generate_questions": "ai", "regenerate_questions": "ai"}

    @extend_schema(
        operation_id="chapter_questions_generate",
        tags=TAGS,
        parameters=[ASYNC_PARAMETER],
        request=GenerateQuestionsInput,
        responses={200: GenerateQuestionsOutput, 202: JOB_ACCEPTED, **ERRORS(*AI_ERRORS)},
        description="Generate interview questions for the chapter (3–20, appended to the "
        "existing ones). AI provider failures are returned as errors and store nothing; "
        "when the provider returns too few usable questions, template questions fill in "
        "(`is_fallback: true`).",
    )
    @action(detail=True, methods=["post"], url_path="generate-questions")
    def generate_questions(self, request, **kwargs):
        data = valid_data(GenerateQuestionsInput, request.data)
        chapter = self.get_chapter(include_content=True)
        book = self.get_book()
        params = {**data, "chapter_id": self.kwargs["chapter_id"]}
        if queued := deferred_response(
            request, kind="generate_questions", book=book, params=params
        ):
            return queued
        result = services.questions_generate(book=book, chapter=chapter, user=request.user, **data)
        return Response(generation_payload(result, regenerated=False))

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
    @action(detail=True, methods=["post"], url_path="regenerate-questions")
    def regenerate_questions(self, request, **kwargs):
        query = valid_data(RegenerateQuery, request.query_params)
        data = valid_data(GenerateQuestionsInput, request.data)
        chapter = self.get_chapter(include_content=True)
        result = services.questions_regenerate(
            book=self.get_book(),
            chapter=chapter,
            user=request.user,
            preserve_responses=query["preserve_responses"],
            **data,
        )
        return Response(generation_payload(result, regenerated=True))

    @extend_schema(
        operation_id="chapter_question_progress",
        tags=TAGS,
        responses={200: QuestionProgressOutput, **ERRORS(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], url_path="question-progress")
    def question_progress(self, request, **kwargs):
        self.check_chapter_listed()
        progress = selectors.question_progress(
            book=self.get_book(), chapter_id=self.kwargs["chapter_id"]
        )
        return Response(QuestionProgressOutput(progress).data)


# A chapter's questions (registered under the chapters router at `questions`): the book's
# questions of the chapter (shared by everyone who may read the book), one's answer (the
# book's) and the caller's rating, and a batch of answers.
class QuestionViewSet(ChapterScopedMixin, GenericViewSet):
    lookup_url_kwarg = "question_id"
    schema = DeclaredListSchema()  # `list` answers one page object
    ratelimit_scopes = {
        "response_save": "question_response_save",
        "rating": "question_response_save",
        "responses_batch": "question_response_save",
        "regenerate": "regenerate_question",
    }
    concurrency_scopes = {"regenerate": "ai"}

    def get_object(self):
        """The question `question_id` of this chapter of the book (404 `question_not_found`
        otherwise)."""
        self.check_chapter_listed()
        return selectors.question_get(
            book=self.get_book(),
            chapter_id=self.kwargs["chapter_id"],
            question_id=self.kwargs["question_id"],
        )

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
    def list(self, request, **kwargs):
        query = valid_data(QuestionListQuery, request.query_params)
        self.check_chapter_listed()
        page = selectors.question_list(
            book=self.get_book(), chapter_id=self.kwargs["chapter_id"], **query
        )
        return Response(QuestionListOutput(page, context={"statuses": page["statuses"]}).data)

    @extend_schema(
        operation_id="chapter_question_responses_batch",
        tags=TAGS,
        request=BatchResponseItemInput(many=True),
        responses={200: BatchResponsesOutput, **ERRORS(401, 403, 404, 422, 429)},
        description="Save 1–100 responses. Each item succeeds or fails on its own (200 with "
        "per-item results); an item naming a question outside this chapter saves nothing.",
    )
    @action(detail=False, methods=["post"], url_path="responses/batch")
    def responses_batch(self, request, **kwargs):
        items = valid_data(BatchResponsesInput, request.data)
        self.check_chapter_listed()
        result = services.responses_batch_save(
            book=self.get_book(),
            chapter_id=self.kwargs["chapter_id"],
            user=request.user,
            items=items,
        )
        return Response(BatchResponsesOutput(result).data)

    @extend_schema(
        operation_id="chapter_question_response_get",
        tags=TAGS,
        responses={200: ResponseGetOutput, **ERRORS(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], url_path="response", url_name="response")
    def response_get(self, request, **kwargs):
        response = selectors.response_get(question=self.get_object())
        return Response(
            ResponseGetOutput(
                {"response": response, "has_response": response is not None, "success": True}
            ).data
        )

    @extend_schema(
        operation_id="chapter_question_response_save",
        tags=TAGS,
        request=ResponseSaveInput,
        responses={200: ResponseSaveOutput, **ERRORS(401, 403, 404, 409, 422, 429)},
        description="Save the book's answer to the question (an editor, co-author or the owner; "
        "`response.user_id` is who saved it last). With `expected_version` (the answer's "
        "`version`, 0 when there is none yet) a save based on a version another collaborator "
        "has replaced meanwhile is 409 `version_conflict` with `current_version`.",
    )
    @response_get.mapping.put
    def response_save(self, request, **kwargs):
        data = valid_data(ResponseSaveInput, request.data)
        response, _ = services.response_save(
            question=self.get_object(),
            user=request.user,
            response_text=data["response_text"],
            status=data["status"],
            expected_version=data["expected_version"],
        )
        return Response(
            ResponseSaveOutput(
                {"response": response, "success": True, "message": "Response saved successfully"}
            ).data
        )

    @extend_schema(
        operation_id="chapter_question_rate",
        tags=TAGS,
        request=RatingInput,
        responses={200: RatingSaveOutput, **ERRORS(401, 403, 404, 422, 429)},
    )
    @action(detail=True, methods=["post"])
    def rating(self, request, **kwargs):
        data = valid_data(RatingInput, request.data)
        rating, _ = services.rating_save(
            question=self.get_object(),
            user=request.user,
            rating=data["rating"],
            feedback=data.get("feedback"),
        )
        return Response(
            RatingSaveOutput(
                {"rating": rating, "success": True, "message": "Question rated successfully"}
            ).data
        )

    @extend_schema(
        operation_id="chapter_question_regenerate",
        tags=TAGS,
        request=RegenerateQuestionInput,
        responses={200: QuestionOutput, **ERRORS(*AI_ERRORS, 409, 502)},
        description="Replace this question in place (same id and order) with a new one that "
        "repeats no other question of the chapter, taking the author's rating of it into "
        f"account. At most {services.REGENERATION_MAX} times per question (then 429 "
        "`regeneration_limit_reached`); the answer and rating of the old wording are cleared.",
    )
    @action(detail=True, methods=["post"])
    def regenerate(self, request, **kwargs):
        data = valid_data(RegenerateQuestionInput, request.data)
        chapter = self.get_chapter(include_content=True)
        question = selectors.question_get(
            book=self.get_book(),
            chapter_id=self.kwargs["chapter_id"],
            question_id=self.kwargs["question_id"],
        )
        result = services.question_regenerate(
            book=self.get_book(),
            chapter=chapter,
            question=question,
            user=request.user,
            focus=data["focus"],
        )
        statuses = selectors.response_statuses(question_ids=[question.pk])
        return Response(QuestionOutput(result.question, context={"statuses": statuses}).data)
