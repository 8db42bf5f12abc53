"""Book-level endpoints: thin views that check ownership, validate input, call one service and
serialize the output. Ownership comes first everywhere (malformed/unknown id 404, another
user's book 403), then the body is validated."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from autoauthor.api.pagination import (
    TOTAL_COUNT_HEADER,
    page_and_total,
    paginated_response,
    skip_limit,
    skip_limit_parameters,
)
from autoauthor.schema import ERRORS
from books import read_cache, selectors
from books.api.book_serializers import (
    AuditLogOutput,
    BookCreateInput,
    BookDetailOutput,
    BookOutput,
    BookPatchInput,
    BookUpdateInput,
    CoverImageInput,
    CoverImageOutput,
    QuestionResponsesInput,
    QuestionResponsesOutput,
    QuestionResponsesSavedOutput,
    SummaryInput,
    SummaryOutput,
    TocReadinessOutput,
)
from books.api.common import cached_book_response, json_response
from books.selectors import BOOK_RESPONSE_FIELDS, book_get_for_user
from books.services import books as services

SUMMARY_FIELDS = ("summary", "summary_history", "summary_version")


class BookListView(APIView):
    ratelimit_scopes = {"get": "books_list", "post": "books_create"}

    @extend_schema(
        operation_id="books_list",
        parameters=skip_limit_parameters(),
        responses={200: BookOutput(many=True), **ERRORS(401, 422, 429)},
        description="The caller's books, newest first; the total is in X-Total-Count.",
    )
    def get(self, request):
        skip, limit = skip_limit(request)

        def build():
            rows, total = page_and_total(
                selectors.book_list(owner=request.user), skip=skip, limit=limit
            )
            rows = selectors.books_with_outline(books=rows)
            body = JSONRenderer().render(BookOutput(rows, many=True).data)
            return read_cache.Cached(owner_id=str(request.user.pk), body=body, total=total)

        cached = read_cache.cached_read(
            view="list",
            scope_id=request.user.pk,
            variant=f"{skip}:{limit}",
            owner_id=request.user.pk,
            build=build,
        )
        response = json_response(cached.body)
        response[TOTAL_COUNT_HEADER] = str(cached.total)
        return response

    @extend_schema(
        operation_id="books_create",
        request=BookCreateInput,
        responses={201: BookOutput, **ERRORS(401, 422, 429)},
    )
    def post(self, request):
        data = BookCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        book = services.book_create(owner=request.user, data=data.validated_data)
        (book,) = selectors.books_with_outline(books=[book])
        return Response(BookOutput(book).data, status=status.HTTP_201_CREATED)


class BookDetailView(APIView):
    ratelimit_scopes = {
        "get": "books_get",
        "put": "books_put",
        "patch": "books_patch",
        "delete": "books_delete",
    }

    def _update(self, request, book_id, input_class, action):
        book = book_get_for_user(
            book_id=book_id, user=request.user, fields=BOOK_RESPONSE_FIELDS, action=action
        )
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        book = services.book_update(book=book, data=data.validated_data)
        (book,) = selectors.books_with_outline(books=[book])
        return Response(BookOutput(book).data)

    @extend_schema(
        operation_id="books_retrieve",
        responses={200: BookDetailOutput, **ERRORS(401, 403, 404, 429)},
    )
    def get(self, request, book_id):
        return cached_book_response(
            request,
            book_id,
            view="book",
            render=lambda book: BookDetailOutput(*selectors.books_with_outline(books=[book])).data,
            fields=BOOK_RESPONSE_FIELDS,
        )

    @extend_schema(
        operation_id="books_update",
        request=BookUpdateInput,
        responses={200: BookOutput, **ERRORS(401, 403, 404, 422, 429)},
    )
    def put(self, request, book_id):
        return self._update(request, book_id, BookUpdateInput, "update")

    @extend_schema(
        operation_id="books_partial_update",
        request=BookPatchInput,
        responses={200: BookOutput, **ERRORS(401, 403, 404, 422, 429)},
    )
    def patch(self, request, book_id):
        return self._update(request, book_id, BookPatchInput, "update")

    @extend_schema(operation_id="books_delete", responses={204: None, **ERRORS(401, 403, 404, 429)})
    def delete(self, request, book_id):
        book = book_get_for_user(
            book_id=book_id, user=request.user, fields=("deleted_at",), action="delete"
        )
        services.book_delete(book=book)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BookSummaryView(APIView):
    ratelimit_scopes = {"put": "summary_save", "patch": "summary_save"}

    @extend_schema(
        operation_id="books_summary_retrieve",
        responses={200: SummaryOutput, **ERRORS(401, 403, 404)},
    )
    def get(self, request, book_id):
        book = book_get_for_user(book_id=book_id, user=request.user, fields=SUMMARY_FIELDS)
        return Response(SummaryOutput(selectors.book_summary(book=book)).data)

    def _save(self, request, book_id, *, partial: bool):
        book = book_get_for_user(
            book_id=book_id, user=request.user, fields=SUMMARY_FIELDS, action="update"
        )
        data = SummaryInput(data=request.data)
        data.is_valid(raise_exception=True)
        text = services.summary_validate(
            summary=data.validated_data.get("summary"), partial=partial
        )
        if text is None:  # PATCH without a summary: nothing to write
            return Response({"summary": book.summary, "summary_history": book.summary_history})
        book = services.book_summary_update(book=book, summary=text)
        return Response(SummaryOutput(selectors.book_summary(book=book)).data)

    @extend_schema(
        operation_id="books_summary_update",
        request=SummaryInput,
        responses={200: SummaryOutput, **ERRORS(400, 401, 403, 404, 409, 422, 429)},
    )
    def put(self, request, book_id):
        return self._save(request, book_id, partial=False)

    @extend_schema(
        operation_id="books_summary_partial_update",
        request=SummaryInput,
        responses={200: SummaryOutput, **ERRORS(400, 401, 403, 404, 409, 422, 429)},
    )
    def patch(self, request, book_id):
        return self._save(request, book_id, partial=True)


class BookQuestionResponsesView(APIView):
    ratelimit_scopes = {"put": "summary_save"}

    @extend_schema(
        operation_id="books_question_responses_retrieve",
        responses={200: QuestionResponsesOutput, **ERRORS(401, 403, 404)},
    )
    def get(self, request, book_id):
        book = book_get_for_user(
            book_id=book_id,
            user=request.user,
            fields=("question_responses",),
            action="access responses for",
        )
        return Response(selectors.book_question_responses(book=book))

    @extend_schema(
        operation_id="books_question_responses_update",
        request=QuestionResponsesInput,
        responses={200: QuestionResponsesSavedOutput, **ERRORS(400, 401, 403, 404, 409, 422, 429)},
    )
    def put(self, request, book_id):
        book = book_get_for_user(
            book_id=book_id,
            user=request.user,
            fields=("clarifying_questions", "question_responses"),
            action="update responses for",
        )
        data = QuestionResponsesInput(data=request.data)
        data.is_valid(raise_exception=True)
        responses = services.question_responses_validate(
            responses=data.validated_data.get("responses")
        )
        stored = services.book_question_responses_update(book=book, responses=responses)
        return Response(
            QuestionResponsesSavedOutput(
                {
                    "book_id": book.pk,
                    "responses_saved": len(responses),
                    "answered_at": stored["answered_at"],
                    "ready_for_toc_generation": True,
                }
            ).data
        )


class BookTocReadinessView(APIView):
    @extend_schema(
        operation_id="books_toc_readiness",
        responses={200: TocReadinessOutput, **ERRORS(401, 403, 404)},
    )
    def get(self, request, book_id):
        book = book_get_for_user(
            book_id=book_id,
            user=request.user,
            fields=("summary", "summary_analysis"),
            action="check readiness for",
        )
        return Response(TocReadinessOutput(selectors.book_toc_readiness(book=book)).data)


class BookCoverImageView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    ratelimit_scopes = {"post": "cover_upload"}

    @extend_schema(
        operation_id="books_cover_image_upload",
        request={"multipart/form-data": CoverImageInput},
        responses={200: CoverImageOutput, **ERRORS(400, 401, 403, 404, 409, 413, 422, 429)},
        description="JPEG, PNG, WebP or GIF of at most 5 MiB and 25 megapixels (a larger "
        "canvas is 413 `image_too_large`, refused from the header before decoding).",
    )
    def post(self, request, book_id):
        book = book_get_for_user(
            book_id=book_id,
            user=request.user,
            fields=("cover_image_url", "cover_thumbnail_url"),
            action="update",
        )
        data = CoverImageInput(data=request.data)
        data.is_valid(raise_exception=True)
        book = services.book_cover_upload(book=book, upload=data.validated_data["file"])
        return Response(
            CoverImageOutput(
                {
                    "message": "Cover image uploaded successfully",
                    "cover_image_url": book.cover_image_url,
                    "cover_thumbnail_url": book.cover_thumbnail_url,
                    "book_id": book.pk,
                }
            ).data
        )


class BookAuditLogView(APIView):
    @extend_schema(
        operation_id="books_audit_log",
        parameters=skip_limit_parameters(),
        responses={200: AuditLogOutput(many=True), **ERRORS(401, 403, 404, 422)},
        description="Audit rows about the book, newest first; the total is in X-Total-Count.",
    )
    def get(self, request, book_id):
        book = book_get_for_user(book_id=book_id, user=request.user, fields=())
        return paginated_response(
            request,
            selectors.book_audit_log(book=book),
            lambda rows: AuditLogOutput(rows, many=True).data,
        )
