"""Small helpers the books API views share: input validation, the caller's book and chapter, and
the path parameters of the OpenAPI document."""

from collections.abc import Callable

from django.http import HttpResponse, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer

from autoauthor.api.fields import parse_object_id
from autoauthor.api.parsers import query_values
from books import read_cache, selectors
from books.services.content import chapter_not_found

BOOK_ID = OpenApiParameter("book_id", OpenApiTypes.STR, OpenApiParameter.PATH)
CHAPTER_ID = OpenApiParameter("chapter_id", OpenApiTypes.STR, OpenApiParameter.PATH)


def valid_data(serializer_class, data) -> dict:
    """`data` validated by `serializer_class` (invalid input raises, rendered as 422); a query
    string is read as `query_values` reads it."""
    if isinstance(data, QueryDict):
        data = query_values(data)
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def request_book(request, book_id, action: str = "access"):
    """The caller's book `book_id` (404 unknown, 403 another user's; see `book_get_for_user`)."""
    return selectors.book_get_for_user(book_id=book_id, user=request.user, action=action)


def chapter_or_404(book, chapter_id: str, *, include_content: bool = True) -> dict:
    """The merged chapter `chapter_id` of `book`; 404 "Chapter not found" when the TOC does not
    list it."""
    chapter = selectors.chapter_find(
        book=book, chapter_id=chapter_id, include_content=include_content
    )
    if chapter is None:
        raise chapter_not_found()
    return chapter


def json_response(body: bytes) -> HttpResponse:
    """An already rendered JSON body (what DRF's JSONRenderer produced for the same data)."""
    return HttpResponse(body, content_type="application/json")


def cached_book_response(
    request, book_id, *, view: str, render: Callable, fields: tuple[str, ...] | None = None
) -> HttpResponse:
    """GET of a book-scoped read through `books.read_cache`: `render(book)` builds the body from
    MongoDB on a miss (the book loaded with `fields`, all when None); a hit is served only to
    the book's owner (anyone else takes the uncached path, which answers 403 or 404)."""
    oid = parse_object_id(book_id)
    if oid is None:
        request_book(request, book_id)  # 404

    def build() -> read_cache.Cached:
        book = selectors.book_get_for_user(book_id=book_id, user=request.user, fields=fields)
        body = JSONRenderer().render(render(book))
        return read_cache.Cached(owner_id=str(book.owner_id), body=body)

    cached = read_cache.cached_read(view=view, scope_id=oid, book_id=oid, build=build)
    if cached.owner_id != str(request.user.pk):
        cached = build()
    return json_response(cached.body)
