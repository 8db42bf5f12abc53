"""The API's changes of a book's collaborators: add, change a role, remove, transfer the
ownership, and the removal of a deleted account from every book shared with it (rules: the
package docstring)."""

from django.utils import timezone

from accounts.models import User
from autoauthor.core.errors import Conflict, NotFound, ValidationFailed
from autoauthor.core.ids import parse_object_id
from autoauthor.queries import one_or_none
from books.models import Book
from books.rules import COLLABORATORS_MAX, ROLE_CO_AUTHOR
from books.selectors.access import collaborator_entry
from books.selectors.books import BOOK_ACCESS_FIELDS
from books.services.collaborators.writes import (
    collaborator_audit,
    collaborators_conflict,
    collaborators_write,
    grant_check,
    role_checked,
    target_check,
    user_by_email,
)


def collaborator_add(*, book: Book, email: str, role: str, actor_role: str) -> dict:
    """Share `book` with the account of `email` as `role`; returns the new entry
    {user_id, role, added_at, email}. 404 unknown e-mail, 409 owner or already a
    collaborator, 403 a role above the actor's, 422 too many collaborators."""
    role = role_checked(role)
    grant_check(actor_role=actor_role, role=role)
    user = user_by_email(email)
    user_id = str(user.pk)

    def build(entries):
        if book.owner_id == user.pk:
            raise Conflict("The owner of the book cannot be added", code="collaborator_is_owner")
        if any(e.get("user_id") == user_id for e in entries):
            raise Conflict("Already a collaborator of this book", code="collaborator_exists")
        if len(entries) >= COLLABORATORS_MAX:
            raise ValidationFailed(
                "email", f"A book has at most {COLLABORATORS_MAX} collaborators.",
                code="too_many_collaborators",
            )  # fmt: skip
        entry = {"user_id": user_id, "role": role, "added_at": timezone.now().isoformat()}
        return [*entries, entry], entry

    entry = collaborators_write(book=book, build=build)
    collaborator_audit(
        action="collaborator_add", book=book, user_id=user_id, changes={"role": [None, role]}
    )
    return {**entry, "email": user.email}


def collaborator_role_set(*, book: Book, user_id, role: str, actor_role: str) -> dict:
    """Give the collaborator `user_id` the role `role`; returns their entry. 404 when they are
    no collaborator (409 for the owner), 403 for a target or role at or above the actor's own
    (the owner may do anything)."""
    role = role_checked(role)
    grant_check(actor_role=actor_role, role=role)
    user_id = str(user_id)
    previous: list = []

    def build(entries):
        target = _target_find(book=book, user_id=user_id)
        target_check(actor_role=actor_role, target=target)
        previous[:] = [target.get("role")]
        changed = [{**e, "role": role} if e.get("user_id") == user_id else e for e in entries]
        return changed, {**target, "role": role}

    entry = collaborators_write(book=book, build=build)
    if previous != [role]:
        collaborator_audit(
            action="collaborator_role_change", book=book, user_id=user_id,
            changes={"role": [previous[0], role]},
        )  # fmt: skip
    return entry


def _target_find(*, book: Book, user_id: str) -> dict:
    if str(book.owner_id) == user_id:
        raise Conflict(
            "The owner is not a collaborator; transfer the ownership instead",
            code="collaborator_is_owner",
        )
    target = collaborator_entry(book=book, user_id=user_id)
    if target is None:
        raise NotFound("Not a collaborator of this book", code="collaborator_not_found")
    return target


def collaborator_remove(*, book: Book, user_id, actor, actor_role: str) -> None:
    """Remove the collaborator `user_id` (the actor themself: always allowed). 404 when they
    are no collaborator, 409 for the owner, 403 for a target at or above the actor's role."""
    user_id = str(user_id)
    removed: list = []

    def build(entries):
        target = _target_find(book=book, user_id=user_id)
        if user_id != str(actor.pk):
            target_check(actor_role=actor_role, target=target)
        removed[:] = [target.get("role")]
        return [e for e in entries if e.get("user_id") != user_id], None

    collaborators_write(book=book, build=build)
    collaborator_audit(action="collaborator_remove", book=book, user_id=user_id,
           changes={"role": [removed[0], None]})  # fmt: skip


def book_ownership_transfer(*, book: Book, new_owner: User) -> Book:
    """Make `new_owner` (an active account) the owner of `book`. The old owner becomes a
    co-author; the new owner's collaborator entry, if any, is dropped. 409 when they already
    own it."""
    if book.owner_id == new_owner.pk:
        raise Conflict("This user already owns the book", code="already_owner")
    old_owner_id = book.owner_id
    new_id = str(new_owner.pk)

    def build(entries):
        if book.owner_id != old_owner_id:
            raise collaborators_conflict()
        kept = [e for e in entries if e.get("user_id") not in (new_id, str(old_owner_id))]
        entry = {
            "user_id": str(old_owner_id),
            "role": ROLE_CO_AUTHOR,
            "added_at": timezone.now().isoformat(),
        }
        return [*kept, entry], None

    collaborators_write(book=book, build=build, owner_id=new_owner.pk)
    collaborator_audit(
        action="book_ownership_transfer", book=book, user_id=new_id,
        changes={"owner_id": [str(old_owner_id), new_id]},
    )  # fmt: skip
    return book


def ownership_target(*, email: str | None = None, user_id=None) -> User:
    """The account a transfer names, by e-mail or by id (404 `user_not_found`)."""
    if email:
        return user_by_email(email)
    oid = parse_object_id(user_id)
    user = one_or_none(User.objects.filter(pk=oid, is_active=True)) if oid else None
    if user is None:
        raise NotFound("User not found", code="user_not_found")
    return user


def collaborations_remove_user(*, user) -> int:
    """Remove `user` from every book shared with them (their account is being deleted; the
    books they own go with the account). Returns the number of books changed."""
    changed = 0
    books = Book.objects.filter(collaborator_ids__overlap=[user.pk], deleted_at=None)
    for book in books.only(*BOOK_ACCESS_FIELDS):
        wanted = str(user.pk)

        def build(entries, wanted=wanted):
            return [e for e in entries if e.get("user_id") != wanted], None

        collaborators_write(book=book, build=build)
        changed += 1
    return changed
