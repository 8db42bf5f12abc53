"""Who may do what with a book: the caller's role on a loaded book, and the ids of the books a
user may read.

A book's collaborators live in its own document (`Book.collaborators`, loaded by every
book-scoped request with the book), so deciding a role costs no MongoDB command. The books shared
with a user are found through `Book.collaborator_ids` (multikey index), their own books through
the owner index: never a scan of other users' books on MongoDB (see `Book.collaborator_ids` for
how the embedded server evaluates it)."""

from django.db.models import Q

from accounts.models import User
from books.models import Book
from books.rules import ROLE_OWNER


def readable_filter(user) -> Q:
    """The books `user` owns or collaborates on (deleted ones included: callers add
    `deleted_at=None`)."""
    return Q(owner_id=user.pk) | Q(collaborator_ids__overlap=[user.pk])


def readable_book_ids(user) -> list:
    """The primary keys (ObjectIds) of the live (not deleted) books `user` owns or collaborates
    on; [] for an anonymous or unsaved user. One MongoDB command."""
    if user is None or getattr(user, "pk", None) is None:
        return []
    return list(
        Book.objects.filter(readable_filter(user), deleted_at=None).values_list("pk", flat=True)
    )


def collaborator_entry(*, book, user_id) -> dict | None:
    """The entry {user_id, role, added_at} of `user_id` in the book's collaborators, or None."""
    wanted = str(user_id)
    for entry in book.collaborators or []:
        if isinstance(entry, dict) and entry.get("user_id") == wanted:
            return entry
    return None


def book_role(*, book, user) -> str | None:
    """The role `user` holds on `book` ("owner", "co-author", "editor", "viewer"), None when
    they hold none (or are anonymous). Reads only the loaded document: no command."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return None
    if book.owner_id == pk:
        return ROLE_OWNER
    entry = collaborator_entry(book=book, user_id=pk)
    return entry.get("role") if entry is not None else None


def books_with_roles(*, books, user) -> list[Book]:
    """The books, each with `caller_role` set to `user`'s role on it (for the answers that show
    it: the list marks shared books with the collaborator's role)."""
    books = list(books)
    for book in books:
        book.caller_role = book_role(book=book, user=user)
    return books


def book_collaborators(*, book) -> list[dict]:
    """Everyone `book` is shared with: the owner first (role `owner`, `added_at` None), then
    the collaborators in the order they were added, each {user_id, role, added_at, email} with
    their current e-mail (one query for all of them)."""
    entries = [dict(e) for e in book.collaborators or [] if isinstance(e, dict)]
    ids = [book.owner_id, *(book.collaborator_ids or [])]
    emails = {
        str(pk): email for pk, email in User.objects.filter(pk__in=ids).values_list("pk", "email")
    }
    owner = {"user_id": str(book.owner_id), "role": ROLE_OWNER, "added_at": None}
    return [{**e, "email": emails.get(e.get("user_id"))} for e in (owner, *entries)]
