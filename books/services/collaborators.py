"""Sharing a book: its collaborators and their roles, and the transfer of its ownership.

The collaborators live in the book's own document (`Book.collaborators`, with their ids in
`Book.collaborator_ids` for the shared-book list), so a change is one single-document
compare-and-swap on `collaborators_version`: two co-authors changing the list at the same time
never lose each other's change. A change computed on a list that moved meanwhile is recomputed
on the fresh one (and re-checked: adding someone another request just added is 409), a bounded
number of times, then 409 `collaborators_conflict`; a single writer is never refused.

Rules (the role check of the route itself is `books.permissions`):
- a collaborator is an existing, active account named by e-mail (unknown: 404
  `user_not_found`); the owner or an existing collaborator cannot be added again (409);
- nobody grants a role above their own (a co-author grants up to co-author), and only the
  owner changes or removes a co-author (a co-author cannot act on the owner nor on their peers,
  so two co-authors cannot remove each other); a collaborator may always leave;
- only the owner transfers ownership, to an existing account; the old owner stays on the book
  as a co-author, the new owner's collaborator entry (if any) is dropped.
Every change writes an audit row naming the acting user (from the request context) and
invalidates the cached reads of the book and the book lists of everyone it concerns."""

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
    COLLABORATORS_MAX,
    ROLE_CO_AUTHOR,
    ROLE_RANKS,
    role_at_least,
)
from books.selectors import BOOK_NOT_FOUND
from books.selectors.access import collaborator_entry
from books.selectors.books import BOOK_ACCESS_FIELDS

WRITE_ATTEMPTS = 5
RESOURCE = "book_collaborator"


def _conflict() -> Conflict:
    return Conflict(
        "The collaborators of this book changed meanwhile; reload and try again.",
        code="collaborators_conflict",
    )


def _user_by_email(email: str) -> User:
    user = one_or_none(User.objects.filter(email=email_normalize(email), is_active=True))
    if user is None:
        raise NotFound("No user with this e-mail address", code="user_not_found")
    return user


def _role_checked(role) -> str:
    if role not in COLLABORATOR_ROLES:
        raise ValidationFailed(
            "role", f"Must be one of: {', '.join(COLLABORATOR_ROLES)}.", code="invalid_choice"
        )
    return role


def _grant_check(*, actor_role: str, role: str) -> None:
    if not role_at_least(actor_role, role):
        raise Forbidden(f"A {actor_role} cannot grant the {role} role", code="role_above_own")


def _target_check(*, actor_role: str, target: dict) -> None:
    """Only a role above the target's acts on them (the owner on a co-author)."""
    if ROLE_RANKS[actor_role] <= ROLE_RANKS.get(target.get("role"), 0):
        raise Forbidden(
            f"A {actor_role} cannot change or remove a {target.get('role')}",
            code="role_above_own",
        )


def _write(*, book: Book, build: Callable[[list], tuple[list, Any]], owner_id=None) -> Any:
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
    raise _conflict()


def _audit(*, action: str, book: Book, user_id: str, changes: dict) -> None:
    audit_record(
        action=action,
        resource_type=RESOURCE,
        target_id=str(user_id),
        changes=changes,
        book_id=str(book.pk),
    )


def collaborator_add(*, book: Book, email: str, role: str, actor_role: str) -> dict:
    """Share `book` with the account of `email` as `role`; returns the new entry
    {user_id, role, added_at, email}. 404 unknown e-mail, 409 owner or already a
    collaborator, 403 a role above the actor's, 422 too many collaborators."""
    role = _role_checked(role)
    _grant_check(actor_role=actor_role, role=role)
    user = _user_by_email(email)
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

    entry = _write(book=book, build=build)
    _audit(action="collaborator_add", book=book, user_id=user_id, changes={"role": [None, role]})
    return {**entry, "email": user.email}


def collaborator_role_set(*, book: Book, user_id, role: str, actor_role: str) -> dict:
    """Give the collaborator `user_id` the role `role`; returns their entry. 404 when they are
    no collaborator (409 for the owner), 403 for a target or role at or above the actor's own
    (the owner may do anything)."""
    role = _role_checked(role)
    _grant_check(actor_role=actor_role, role=role)
    user_id = str(user_id)
    previous: list = []

    def build(entries):
        target = _target_find(book=book, user_id=user_id)
        _target_check(actor_role=actor_role, target=target)
        previous[:] = [target.get("role")]
        changed = [{**e, "role": role} if e.get("user_id") == user_id else e for e in entries]
        return changed, {**target, "role": role}

    entry = _write(book=book, build=build)
    if previous != [role]:
        _audit(
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
            _target_check(actor_role=actor_role, target=target)
        removed[:] = [target.get("role")]
        return [e for e in entries if e.get("user_id") != user_id], None

    _write(book=book, build=build)
    _audit(action="collaborator_remove", book=book, user_id=user_id,
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
            raise _conflict()
        kept = [e for e in entries if e.get("user_id") not in (new_id, str(old_owner_id))]
        entry = {
            "user_id": str(old_owner_id),
            "role": ROLE_CO_AUTHOR,
            "added_at": timezone.now().isoformat(),
        }
        return [*kept, entry], None

    _write(book=book, build=build, owner_id=new_owner.pk)
    _audit(
        action="book_ownership_transfer", book=book, user_id=new_id,
        changes={"owner_id": [str(old_owner_id), new_id]},
    )  # fmt: skip
    return book


def ownership_target(*, email: str | None = None, user_id=None) -> User:
    """The account a transfer names, by e-mail or by id (404 `user_not_found`)."""
    if email:
        return _user_by_email(email)
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

        _write(book=book, build=build)
        changed += 1
    return changed
