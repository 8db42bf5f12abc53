"""Book permissions: the one rule that decides what a user may do with a book.

Every book-scoped route loads its book through `BookScopedMixin.get_book()`, which runs
`HasBookRole` on it. The caller's role on the book (owner, co-author, editor, viewer: see
`books.rules`) must rank at or above the role the request needs, decided here and nowhere else:
by default a safe method (GET, HEAD, OPTIONS) needs `viewer` and any other `editor`, so a new
action is classified without being listed; the routes named in REQUIRED_ROLES differ. The
chapter's interview questions are the book's and take the default: a viewer reads questions,
answers and progress, an editor (and above) generates, answers, rates and regenerates."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from books.rules import ROLE_CO_AUTHOR, ROLE_EDITOR, ROLE_OWNER, ROLE_VIEWER, role_at_least
from books.selectors.access import book_role

# (URL name, method) -> the role needed, where the default does not fit.
REQUIRED_ROLES = {
    # Only the owner deletes the book or gives it away.
    ("book-detail", "DELETE"): ROLE_OWNER,
    ("book-transfer-ownership", "POST"): ROLE_OWNER,
    # Co-authors manage the collaborators (a collaborator may always remove themself: below).
    ("book-collaborator-list", "POST"): ROLE_CO_AUTHOR,
    ("book-collaborator-detail", "PATCH"): ROLE_CO_AUTHOR,
    ("book-collaborator-detail", "DELETE"): ROLE_CO_AUTHOR,
    # Reads sent as POST: exporting (a viewer queues export jobs too) and the batch read of
    # chapters' content.
    ("export-job-list", "POST"): ROLE_VIEWER,
    ("chapter-batch-content", "POST"): ROLE_VIEWER,
}


def required_role(request, view) -> str:
    """The role a request for `view` needs on its book (the rule of this module)."""
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match is not None else None
    if (
        name == "book-collaborator-detail"
        and request.method == "DELETE"
        and str(view.kwargs.get("user_id")) == str(request.user.pk)
    ):
        return ROLE_VIEWER  # leaving a shared book
    explicit = REQUIRED_ROLES.get((name, request.method))
    if explicit is not None:
        return explicit
    return ROLE_VIEWER if request.method in SAFE_METHODS else ROLE_EDITOR


class HasBookRole(BasePermission):
    """The caller's role on the book must rank at or above what the request needs: a user with
    no role is 403 `not_book_owner` "Not authorized to <verb> this book" (the verb from the
    view's `book_verb()`), one whose role is too low 403 `insufficient_book_role`. The role is
    left on the view (`view.book_role`) for the answers that depend on it."""

    def has_object_permission(self, request, view, obj):
        role = book_role(book=obj, user=request.user)
        verb = view.book_verb() if hasattr(view, "book_verb") else "access"
        view.book_role = role
        if role is None:
            self.code, self.message = "not_book_owner", f"Not authorized to {verb} this book"
            return False
        needed = required_role(request, view)
        if not role_at_least(role, needed):
            self.code = "insufficient_book_role"
            self.message = f"Not authorized to {verb} this book (needs the {needed} role)"
            return False
        return True
