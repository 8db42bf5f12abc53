"""Book reads shared by every books endpoint."""

from autoauthor.api.errors import Forbidden, NotFound
from autoauthor.api.fields import parse_object_id
from books.models import Book

BOOK_NOT_FOUND = "Book not found"


def book_get_for_user(
    *, book_id, user, fields: tuple[str, ...] | None = None, action: str = "access"
) -> Book:
    """The book `book_id` if `user` owns it: malformed, unknown or deleted ids are 404, another
    user's book is 403 ("Not authorized to <action> this book"). One database read; `fields`
    restricts the projection (the owner is always loaded)."""
    oid = parse_object_id(book_id)
    if oid is None:
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    queryset = Book.objects.filter(pk=oid, deleted_at=None)
    if fields is not None:
        queryset = queryset.only("owner_id", *fields)
    book = queryset.first()
    if book is None:
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    if book.owner_id != user.pk:
        raise Forbidden(f"Not authorized to {action} this book", code="not_book_owner")
    return book
