"""The one write of a book's collaborators (`collaborators_write`: the list, the indexed ids
`readable_book_ids` reads and `collaborators_version`, in one compare-and-swap, then the cache
invalidation) and the checks the changes share. Every change of the list, from the API or the
admin, goes through it (see the package docstring for the rules)."""

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from accounts.models import User
from accounts.services.audit import audit_record
from accounts.services.users import email_normalize
from autoauthor.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from autoauthor.core.ids import parse_object_id
from autoauthor.queries import one_or_none
from books import read_cache
from books.models import Book
from books.rules import (
    COLLABORATOR_ROLES,
    ROLE_RANKS,
    role_at_least,
)
from books.selectors import BOOK_NOT_FOUND
from books.selectors.books import BOOK_ACCESS_FIELDS

WRITE_ATTEMPTS = 5
RESOURCE = "book_collaborator"


def collaborators_conflict() -> Conflict:
    return Conflict(
        "The collaborators of this book changed meanwhile; reload and try again.",
        code="collaborators_conflict",
    )


def user_by_email(email: str) -> User:
    user = one_or_none(User.objects.filter(email=email_normalize(email), is_active=True))
    if user is None:
        raise NotFound("No user with this e-mail address", code="user_not_found")
    return user


def role_checked(role) -> str:
    if role not in COLLABORATOR_ROLES:
        raise ValidationFailed(
            "role", f"Must be one of: {', '.join(COLLABORATOR_ROLES)}.", code="invalid_choice"
        )
    return role


def grant_check(*, actor_role: str, role: str) -> None:
    if not role_at_least(actor_role, role):
        raise Forbidden(f"A {actor_role} cannot grant the {role} role", code="role_above_own")


def target_check(*, actor_role: str, target: dict) -> None:
    """Only a role above the target's acts on them (the owner on a co-author)."""
    if ROLE_RANKS[actor_role] <= ROLE_RANKS.get(target.get("role"), 0):
        raise Forbidden(
            f"A {actor_role} cannot change or remove a {target.get('role')}",
            code="role_above_own",
        )


def collaborators_write(
    *, book: Book, build: Callable[[list], tuple[list, Any]], owner_id=None
) -> Any:
    """Apply `build(current_list_copy) -> (new_list, result)` with a compare-and-swap on
    `collaborators_version` (and on the owner when `owner_id` changes it), recomputing on the
    fresh list after a concurrent change. The in-memory `book` carries the result."""
    for _ in range(WRITE_ATTEMPTS):
        current = book.collaborators_version
        before_ids = list(book.collaborator_ids or [])
        new_list, result = build([dict(e) for e in book.collaborators or []])
        new_ids = [parse_object_id(e["user_id"]) for e in new_list]
        fields = {
            "collaborators": new_list,
            "collaborator_ids": new_ids,
            "collaborators_version": current + 1,
            "updated_at": timezone.now(),
        }
        if owner_id is not None:
            fields["owner_id"] = owner_id
        updated = Book.objects.filter(
            pk=book.pk, owner_id=book.owner_id, collaborators_version=current, deleted_at=None
        ).update(**fields)
        if updated:
            old_owner = book.owner_id
            for name, value in fields.items():
                setattr(book, name, value)
            read_cache.book_readers_changed(book, also=(*before_ids, old_owner))
            return result
        fresh = one_or_none(
            Book.objects.filter(pk=book.pk, deleted_at=None).only(*BOOK_ACCESS_FIELDS)
        )
        if fresh is None:
            raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
        for name in BOOK_ACCESS_FIELDS:
            setattr(book, name, getattr(fresh, name))
    raise collaborators_conflict()


def collaborator_audit(*, action: str, book: Book, user_id: str, changes: dict) -> None:
    audit_record(
        action=action,
        resource_type=RESOURCE,
        target_id=str(user_id),
        changes=changes,
        book_id=str(book.pk),
    )
