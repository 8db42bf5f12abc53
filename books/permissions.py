"""Book permissions: object checks on the book a request is about."""

from rest_framework.permissions import BasePermission


class IsBookOwner(BasePermission):
    """Only the book's owner may read or change it; anyone else's request for it is 403 with
    "Not authorized to <verb> this book", the verb naming what the action does (the view's
    `book_verb(action)`)."""

    code = "not_book_owner"

    def has_object_permission(self, request, view, obj):
        verb = view.book_verb() if hasattr(view, "book_verb") else "access"
        self.message = f"Not authorized to {verb} this book"
        return obj.owner_id == request.user.pk
