"""Account API inputs and outputs."""

from rest_framework import serializers

from accounts.models import default_preferences
from autoauthor.api.fields import ObjectIdField


class StrictInput(serializers.Serializer):
    """Rejects keys the serializer does not declare (422) instead of silently ignoring them."""

    allowed_extra: tuple[str, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields) - set(self.allowed_extra)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown field."] for name in sorted(unknown)}
                )
        return super().to_internal_value(data)


class PreferencesSerializer(StrictInput):
    theme = serializers.CharField(max_length=32, required=False)
    email_notifications = serializers.BooleanField(required=False)
    marketing_emails = serializers.BooleanField(required=False)

    def to_internal_value(self, data):
        for name in ("email_notifications", "marketing_emails"):
            if isinstance(data, dict) and name in data and not isinstance(data[name], bool):
                raise serializers.ValidationError({name: ["Must be a boolean."]})
        return super().to_internal_value(data)


class UserOutput(serializers.Serializer):
    id = ObjectIdField(source="pk")
    auth_id = serializers.SerializerMethodField()
    email = serializers.EmailField()
    first_name = serializers.CharField(allow_blank=True)
    last_name = serializers.CharField(allow_blank=True)
    display_name = serializers.CharField(allow_null=True)
    avatar_url = serializers.CharField(allow_null=True)
    bio = serializers.CharField(allow_null=True)
    role = serializers.CharField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    book_ids = serializers.SerializerMethodField()
    preferences = serializers.SerializerMethodField()

    def get_auth_id(self, user) -> str:
        return str(user.pk)

    def get_book_ids(self, user) -> list[str]:
        return self.context.get("book_ids", {}).get(user.pk, [])

    def get_preferences(self, user) -> PreferencesSerializer:
        return {**default_preferences(), **(user.preferences or {})}


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    first_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")


class LoginInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class RefreshInput(serializers.Serializer):
    refresh = serializers.CharField(max_length=4096)


class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class AuthOutput(TokenPairOutput):
    user = UserOutput()


class SessionOutput(serializers.Serializer):
    active = serializers.BooleanField()
    user_id = ObjectIdField()
    expires_at = serializers.DateTimeField(allow_null=True)


class PasswordChangeInput(serializers.Serializer):
    current_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class ProfileUpdateInput(StrictInput):
    """PATCH /users/me. `role`/`is_active` reach the service so it can refuse them (403)."""

    allowed_extra = ("role", "is_active")

    email = serializers.EmailField(max_length=254, required=False)
    first_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    display_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, allow_null=True
    )
    avatar_url = serializers.URLField(
        max_length=2083, required=False, allow_blank=True, allow_null=True
    )
    bio = serializers.CharField(max_length=1000, required=False, allow_blank=True, allow_null=True)
    preferences = PreferencesSerializer(required=False)

    def to_internal_value(self, data):
        validated = super().to_internal_value(data)
        for name in self.allowed_extra:
            if isinstance(data, dict) and name in data:
                validated[name] = data[name]
        return validated


class AdminUserUpdateInput(ProfileUpdateInput):
    """PUT /users/{id}: profile fields, plus role and active state for admins."""

    allowed_extra = ()
    role = serializers.ChoiceField(choices=["user", "admin"], required=False)
    is_active = serializers.BooleanField(required=False)


class MessageOutput(serializers.Serializer):
    message = serializers.CharField()
