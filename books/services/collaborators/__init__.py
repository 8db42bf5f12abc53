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
invalidates the cached reads of the book and the book lists of everyone it concerns. The admin's
book form sets the whole list at once (`collaborators_replace`) through the same write
(`writes.collaborators_write`): no other code writes the collaborators."""

from books.services.collaborators.changes import (
    book_ownership_transfer,
    collaborations_remove_user,
    collaborator_add,
    collaborator_remove,
    collaborator_role_set,
    ownership_target,
)
from books.services.collaborators.replace import (
    collaborators_replace,
    collaborators_resolve,
    collaborators_text_parse,
)

__all__ = [
    "book_ownership_transfer",
    "collaborations_remove_user",
    "collaborator_add",
    "collaborator_remove",
    "collaborator_role_set",
    "collaborators_replace",
    "collaborators_resolve",
    "collaborators_text_parse",
    "ownership_target",
]
