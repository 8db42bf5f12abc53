"""Sharing a book: books/{book_id}/collaborators (GET the list, POST {email, role}),
books/{book_id}/collaborators/{user_id} (PATCH {role}, DELETE) and
books/{book_id}/transfer-ownership (POST {email} or {user_id}). Who may call which is the one
rule of books.permissions (listing: any collaborator; changes: co-author, or the collaborator
leaving; the transfer: the owner); what a co-author may grant is books.services.collaborators."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from autoauthor.schema import ERRORS
from books import selectors
from books.api.book_serializers import BookOutput
from books.api.collaborator_serializers import (
    CollaboratorAddInput,
    CollaboratorOutput,
    CollaboratorRoleInput,
    OwnershipTransferInput,
)
from books.api.common import BOOK_ID, BookScopedMixin, valid_data
from books.selectors import BOOK_RESPONSE_FIELDS
from books.services import collaborators as services

TAGS = ["collaborators"]


# The collaborators of one book (registered under the books router at `collaborators`).
class BookCollaboratorViewSet(BookScopedMixin, GenericViewSet):
    lookup_url_kwarg = "user_id"
    ratelimit_scopes = {
        "list": "collaborators_list",
        "create": "collaborators_change",
        "partial_update": "collaborators_change",
        "destroy": "collaborators_change",
    }
    book_verbs = {"create": "share", "partial_update": "share", "destroy": "share"}

    @extend_schema(
        operation_id="books_collaborators_list",
        tags=TAGS,
        parameters=[BOOK_ID],
        responses={200: CollaboratorOutput(many=True), **ERRORS(401, 403, 404, 429)},
        description="Everyone the book is shared with, the owner first (role `owner`); "
        "any collaborator may read it.",
    )
    def list(self, request, book_id):
        return Response(
            CollaboratorOutput(selectors.book_collaborators(book=self.get_book(())), many=True).data
        )

    @extend_schema(
        operation_id="books_collaborators_create",
        tags=TAGS,
        parameters=[BOOK_ID],
        request=CollaboratorAddInput,
        responses={201: CollaboratorOutput, **ERRORS(401, 403, 404, 409, 422, 429)},
        description="Share the book with the account of `email` as `role` (co-author or "
        "owner; nobody grants a role above their own). 404 `user_not_found` when no account "
        "has that e-mail; 409 for the owner or an existing collaborator.",
    )
    def create(self, request, book_id):
        book = self.get_book(())
        data = valid_data(CollaboratorAddInput, request.data)
        entry = services.collaborator_add(
            book=book, email=data["email"], role=data["role"], actor_role=self.book_role
        )
        return Response(CollaboratorOutput(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="books_collaborators_partial_update",
        tags=TAGS,
        parameters=[BOOK_ID],
        request=CollaboratorRoleInput,
        responses={200: CollaboratorOutput, **ERRORS(401, 403, 404, 409, 422, 429)},
        description="Change a collaborator's role (co-author or owner; a co-author changes "
        "only editors and viewers). The owner's id is 409: transfer the ownership instead.",
    )
    def partial_update(self, request, book_id, user_id):
        book = self.get_book(())
        data = valid_data(CollaboratorRoleInput, request.data)
        entry = services.collaborator_role_set(
            book=book, user_id=user_id, role=data["role"], actor_role=self.book_role
        )
        (entry,) = [e for e in selectors.book_collaborators(book=book) if e["user_id"] == user_id]
        return Response(CollaboratorOutput(entry).data)

    @extend_schema(
        operation_id="books_collaborators_delete",
        tags=TAGS,
        parameters=[BOOK_ID],
        responses={204: None, **ERRORS(401, 403, 404, 409, 429)},
        description="Stop sharing the book with a collaborator (co-author or owner; a "
        "co-author removes only editors and viewers); any collaborator may remove themself.",
    )
    def destroy(self, request, book_id, user_id):
        services.collaborator_remove(
            book=self.get_book(()), user_id=user_id, actor=request.user, actor_role=self.book_role
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# POST books/{book_id}/transfer-ownership, a BookViewSet action.
class BookOwnershipMixin:
    ratelimit_scopes = {"transfer_ownership": "ownership_transfer"}
    book_verbs = {"transfer_ownership": "transfer"}

    @extend_schema(
        operation_id="books_transfer_ownership",
        tags=TAGS,
        request=OwnershipTransferInput,
        responses={200: BookOutput, **ERRORS(401, 403, 404, 409, 422, 429)},
        description="Give the book to another account (the owner only), named by `email` or "
        "`user_id`. The old owner stays on the book as a co-author.",
    )
    @action(detail=True, methods=["post"], url_path="transfer-ownership")
    def transfer_ownership(self, request, book_id):
        book = self.get_book(BOOK_RESPONSE_FIELDS)
        data = valid_data(OwnershipTransferInput, request.data)
        new_owner = services.ownership_target(email=data.get("email"), user_id=data.get("user_id"))
        book = services.book_ownership_transfer(book=book, new_owner=new_owner)
        books = selectors.books_with_outline(books=[book])
        (book,) = selectors.books_with_roles(books=books, user=request.user)
        return Response(BookOutput(book).data)
