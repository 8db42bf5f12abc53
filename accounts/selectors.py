"""Account reads."""

from django.apps import apps
from django.db.models import QuerySet

from accounts import auth_cache
from accounts.models import User
from autoauthor.core.errors import NotFound
from autoauthor.core.ids import parse_object_id
from autoauthor.queries import one_or_none


def user_get(*, user_id) -> User:
    """The user with this id; a malformed or unknown id is 404."""
    oid = parse_object_id(user_id)
    user = one_or_none(User.objects.filter(pk=oid)) if oid else None
    if user is None:
        raise NotFound("User not found", code="user_not_found")
    return user


def user_for_auth(*, user_id) -> User | None:
    """The user a bearer token names, or None: from the Redis user cache when it holds it (no
    database read on the hot path), else from MongoDB, then cached. The caller checks
    `is_active`; every change to a user deletes its entry (accounts.auth_cache)."""
    oid = parse_object_id(user_id)
    if oid is None:
        return None
    user = auth_cache.get(oid)
    if user is None:
        user = one_or_none(User.objects.filter(pk=oid))
        if user is not None:
            auth_cache.put(user)
    return user


def user_list() -> QuerySet[User]:
    """All users, oldest first (admin listing)."""
    return User.objects.order_by("created_at", "id")


def user_book_ids(*, users: list[User]) -> dict:
    """{user pk: [book id strings]} for all `users` in one query (books that are not deleted)."""
    Book = apps.get_model("books", "Book")
    result: dict = {user.pk: [] for user in users}
    rows = Book.objects.filter(owner__in=[u.pk for u in users], deleted_at=None).values_list(
        "owner_id", "id"
    )
    for owner_id, book_id in rows:
        result.setdefault(owner_id, []).append(str(book_id))
    return result
