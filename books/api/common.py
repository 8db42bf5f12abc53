"""Small helpers the books API viewsets share: the caller's book (and its cached reads), input
validation, and the path parameters of the OpenAPI document."""

from collections.abc import Callable

from django.http import HttpResponse, QueryDict
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import is_list_serializer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.metadata import SimpleMetadata
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

from autoauthor.api.parsers import query_values
from autoauthor.api.routers import ANY_SEGMENT
from autoauthor.core.errors import NotFound
from autoauthor.core.ids import parse_object_id
from books import read_cache, selectors
from books.permissions import HasBookRole, required_role
from books.rules import role_at_least
from books.selectors import BOOK_NOT_FOUND

BOOK_ID = OpenApiParameter("book_id", OpenApiTypes.STR, OpenApiParameter.PATH)
CHAPTER_ID = OpenApiParameter("chapter_id", OpenApiTypes.STR, OpenApiParameter.PATH)


class ViewMetadata(SimpleMetadata):
    """OPTIONS without the per-method description of the input: a viewset has no one
    serializer to describe it from (its actions each validate their own), and building it
    would look the object up."""

    def determine_actions(self, request, view) -> dict:
        return {}


# For viewsets whose objects are a book or live in one (`books/{book_id}/...`): the caller's
# book, loaded once per request through `get_book()`, which answers 404 `book_not_found` for a
# malformed, unknown or deleted id and lets the permission classes (`HasBookRole`: the caller's
# role on the book against the role the request needs) decide access, as `get_object()` would.
# The role found is `self.book_role`.
#
# `book_verbs` names, per action, what the 403 message says the caller may not do ("Not
# authorized to <verb> this book"); unnamed actions say "access".
#
# (Comments, not docstrings, on the viewset classes and their mixins: drf-spectacular takes a
# view class's docstring as the description of every operation that names none.)
class BookScopedMixin:
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, HasBookRole]
    metadata_class = ViewMetadata
    lookup_value_regex = ANY_SEGMENT
    book_verbs: dict[str, str] = {}
    book_role: str | None = None  # the caller's role on the book, set by HasBookRole

    def book_verb(self) -> str:
        return self.book_verbs.get(self.action, "access")

    def get_book(self, fields: tuple[str, ...] | None = None):
        """The book of `book_id` in the path (the projection `fields`, all when None), once
        the caller may use it."""
        book = getattr(self, "_book", None)
        if book is None:
            book = selectors.book_find(book_id=self.kwargs["book_id"], fields=fields)
            if book is None:
                raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
            self.check_object_permissions(self.request, book)
            self._book = book
        return book

    def cached_book_response(
        self, *, view: str, render: Callable, fields: tuple[str, ...] | None = None
    ) -> HttpResponse:
        """GET of a book-scoped read through `books.read_cache`: `render(book)` builds the body
        from MongoDB on a miss (the book loaded with `fields`, all when None). Entries are kept
        per reader (the caller's id is part of the key, and the entry names the reader and the
        role it was built for), so no user is ever served a body built for another, nor one
        built under a role they no longer hold: every change of the collaborators replaces the
        book's token. A hit is served only to its reader with a role the request still allows;
        anyone else takes the uncached path, which answers 403 or 404."""
        oid = parse_object_id(self.kwargs["book_id"])
        if oid is None:
            self.get_book(fields)  # 404
        reader = str(self.request.user.pk)

        def build() -> read_cache.Cached:
            book = self.get_book(fields)
            body = JSONRenderer().render(render(book))
            return read_cache.Cached(owner_id=reader, body=body, role=self.book_role)

        cached = read_cache.cached_read(
            view=view, scope_id=oid, variant=f"user:{reader}", book_id=oid, build=build
        )
        if cached.owner_id != reader or not role_at_least(
            cached.role, required_role(self.request, self)
        ):
            cached = build()
        return json_response(cached.body)


class DeclaredListSchema(AutoSchema):
    """An operation answers a list only when its response is declared `many=True` (as for a
    plain APIView): drf-spectacular would otherwise wrap the one object a `list` action of a
    viewset answers (the chapters list is an object holding the chapters) in an array."""

    def _is_list_view(self, serializer=None) -> bool:
        if serializer is None:
            serializer = self.get_response_serializers()
        if isinstance(serializer, dict) and serializer:
            by_code = {str(code): value for code, value in serializer.items()}
            serializer = by_code[min(by_code)]
        return is_list_serializer(serializer)


def combined(attribute: str, *classes) -> dict:
    """The `attribute` dicts of `classes` ({action: scope} or {action: verb}) as one, for a
    viewset composed of mixins that each declare their own actions'."""
    merged: dict = {}
    for cls in classes:
        merged.update(getattr(cls, attribute, {}))
    return merged


def valid_data(serializer_class, data) -> dict:
    """`data` validated by `serializer_class` (invalid input raises, rendered as 422); a query
    string is read as `query_values` reads it."""
    if isinstance(data, QueryDict):
        data = query_values(data)
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def json_response(body: bytes) -> HttpResponse:
    """An already rendered JSON body (what DRF's JSONRenderer produced for the same data)."""
    return HttpResponse(body, content_type="application/json")
