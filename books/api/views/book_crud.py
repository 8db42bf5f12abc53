"""The book resource itself: the caller's books (GET/POST books) and one book (GET, PUT, PATCH,
DELETE books/{book_id}). Access comes first (malformed/unknown id 404, a book the caller holds
no role on 403, a role too low 403: books.permissions), then the body is validated. The list
holds the caller's own books and those shared with them, each with the caller's `role`."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from autoauthor.api.pagination import (
    TOTAL_COUNT_HEADER,
    page_and_total,
    skip_limit,
    skip_limit_parameters,
)
from autoauthor.schema import ERRORS
from books import read_cache, selectors
from books.api.book_serializers import (
    BookCreateInput,
    BookDetailOutput,
    BookOutput,
    BookPatchInput,
    BookUpdateInput,
)
from books.api.common import json_response
from books.selectors import BOOK_RESPONSE_FIELDS
from books.services import books as services


class BookCrudMixin:
    ratelimit_scopes = {
        "list": "books_list",
        "create": "books_create",
        "retrieve": "books_get",
        "update": "books_put",
        "partial_update": "books_patch",
        "destroy": "books_delete",
    }
    book_verbs = {"update": "update", "partial_update": "update", "destroy": "delete"}

    @extend_schema(
        operation_id="books_list",
        parameters=skip_limit_parameters(),
        responses={200: BookOutput(many=True), **ERRORS(401, 422, 429)},
        description="The caller's books and the books shared with them (each with the "
        "caller's `role`), newest first; the total is in X-Total-Count.",
    )
    def list(self, request):
        skip, limit = skip_limit(request)

        def build():
            rows, total = page_and_total(
                selectors.book_list(owner=request.user), skip=skip, limit=limit
            )
            rows = selectors.books_with_outline(books=rows)
            rows = selectors.books_with_roles(books=rows, user=request.user)
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
    def create(self, request):
        data = BookCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        book = services.book_create(owner=request.user, data=data.validated_data)
        (book,) = selectors.books_with_roles(
            books=selectors.books_with_outline(books=[book]), user=request.user
        )
        return Response(BookOutput(book).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="books_retrieve",
        responses={200: BookDetailOutput, **ERRORS(401, 403, 404, 429)},
    )
    def retrieve(self, request, book_id):
        return self.cached_book_response(
            view="book",
            render=lambda book: BookDetailOutput(*self._with_outline_and_role(book)).data,
            fields=BOOK_RESPONSE_FIELDS,
        )

    @extend_schema(
        operation_id="books_update",
        request=BookUpdateInput,
        responses={200: BookOutput, **ERRORS(401, 403, 404, 422, 429)},
    )
    def update(self, request, book_id):
        return self._book_update(request, BookUpdateInput)

    @extend_schema(
        operation_id="books_partial_update",
        request=BookPatchInput,
        responses={200: BookOutput, **ERRORS(401, 403, 404, 422, 429)},
    )
    def partial_update(self, request, book_id):
        return self._book_update(request, BookPatchInput)

    @extend_schema(
        operation_id="books_delete",
        responses={204: None, **ERRORS(401, 403, 404, 429)},
        description="Delete the book and everything in it (its owner only).",
    )
    def destroy(self, request, book_id):
        services.book_delete(book=self.get_book(("deleted_at",)))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _book_update(self, request, input_class):
        book = self.get_book(BOOK_RESPONSE_FIELDS)
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        book = services.book_update(book=book, data=data.validated_data)
        return Response(BookOutput(*self._with_outline_and_role(book)).data)

    def _with_outline_and_role(self, book) -> list:
        books = selectors.books_with_outline(books=[book])
        return selectors.books_with_roles(books=books, user=self.request.user)
