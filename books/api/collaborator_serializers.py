"""Input and output of the collaborator routes (books/{book_id}/collaborators) and of the
ownership transfer."""

from rest_framework import serializers

from autoauthor.api.fields import ObjectIdField
from books.rules import BOOK_ROLES, COLLABORATOR_ROLES


class CollaboratorAddInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=COLLABORATOR_ROLES)


class CollaboratorRoleInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=COLLABORATOR_ROLES)


class OwnershipTransferInput(serializers.Serializer):
    """The new owner, by e-mail or by id (exactly one of them)."""

    email = serializers.EmailField(max_length=254, required=False)
    user_id = ObjectIdField(required=False)

    def validate(self, attrs):
        if ("email" in attrs) == ("user_id" in attrs):
            raise serializers.ValidationError("Give exactly one of `email` and `user_id`.")
        return attrs


class CollaboratorOutput(serializers.Serializer):
    user_id = serializers.CharField()
    email = serializers.EmailField(allow_null=True)
    role = serializers.ChoiceField(choices=BOOK_ROLES)
    added_at = serializers.CharField(allow_null=True, help_text="ISO 8601; the owner: null.")
