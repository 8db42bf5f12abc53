"""Small helpers the books API views share: input validation, the caller's book and chapter, and
the path parameters of the OpenAPI document."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from books import selectors
from books.services.content import chapter_not_found

BOOK_ID = OpenApiParameter("book_id", OpenApiTypes.STR, OpenApiParameter.PATH)
CHAPTER_ID = OpenApiParameter("chapter_id", OpenApiTypes.STR, OpenApiParameter.PATH)


def valid_data(serializer_class, data) -> dict:
    """`data` validated by `serializer_class` (invalid input raises, rendered as 422)."""
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
