"""Account API inputs and outputs."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User, default_preferences
from accounts.rules import (
    AUTO_SAVE_SECONDS,
    BIO_MAX,
    DISPLAY_NAME_MAX,
    EMAIL_MAX,
    EXPORT_FORMATS,
    NAME_MAX,
    PAGE_SIZES,
    PASSWORD_MAX,
    REFRESH_TOKEN_MAX,
    THEME_MAX,
    URL_MAX,
    WRITING_STYLES,
)
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


class StrictBooleanField(serializers.BooleanField):
    """A JSON boolean only ("true", 1 and the like are refused, as the reference does)."""

    default_error_messages = {"invalid": "Must be a boolean."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only (no strings, booleans or fractions)."""

    default_error_messages = {
        **serializers.IntegerField.default_error_messages,
        "invalid": "Must be a whole number.",
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class PreferencesSerializer(StrictInput):
    """The account's preferences: the reference's `theme` (any short string; the frontend sends
    light, dark or system), `email_notifications` and `marketing_emails`, and the writing, export
    and notification preferences of the frontend's settings page (HEAD), with its bounds."""

    theme = serializers.CharField(max_length=THEME_MAX, required=False)
    email_notifications = StrictBooleanField(required=False)
    marketing_emails = StrictBooleanField(required=False)
    default_writing_style = serializers.ChoiceField(choices=WRITING_STYLES, required=False)
    auto_save_interval = StrictIntegerField(
        min_value=AUTO_SAVE_SECONDS[0],
        max_value=AUTO_SAVE_SECONDS[1],
        required=False,
        help_text="Seconds between the chapter editor's autosaves.",
    )
    default_export_format = serializers.ChoiceField(choices=EXPORT_FORMATS, required=False)
    default_page_size = serializers.ChoiceField(choices=PAGE_SIZES, required=False)
    include_empty_chapters = StrictBooleanField(required=False)
    writing_reminders = StrictBooleanField(required=False)
    progress_updates = StrictBooleanField(required=False)
    backup_notifications = StrictBooleanField(required=False)


class UserOutput(serializers.Serializer):
    id = ObjectIdField(source="pk")
    auth_id = ObjectIdField(source="pk")
    email = serializers.EmailField()
    first_name = serializers.CharField(allow_blank=True)
    last_name = serializers.CharField(allow_blank=True)
    display_name = serializers.CharField(allow_null=True)
    avatar_url = serializers.CharField(allow_null=True)
    bio = serializers.CharField(allow_null=True)
    role = serializers.CharField()
    plan = serializers.ChoiceField(
        choices=User.Plan.choices,
        help_text="What the account may use (`restricted`: no AI). Only an administrator "
        "changes it.",
    )
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    book_ids = serializers.SerializerMethodField()
    preferences = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=ObjectIdField()))
    def get_book_ids(self, user) -> list[str]:
        ids = ObjectIdField()
        return [
            ids.to_representation(pk) for pk in self.context.get("book_ids", {}).get(user.pk, [])
        ]

    def get_preferences(self, user) -> PreferencesSerializer:
        return {**default_preferences(), **(user.preferences or {})}


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField(max_length=EMAIL_MAX)
    password = serializers.CharField(max_length=PASSWORD_MAX, trim_whitespace=False)
    first_name = serializers.CharField(
        max_length=NAME_MAX, required=False, allow_blank=True, default=""
    )
    last_name = serializers.CharField(
        max_length=NAME_MAX, required=False, allow_blank=True, default=""
    )


class LoginInput(serializers.Serializer):
    email = serializers.EmailField(max_length=EMAIL_MAX)
    password = serializers.CharField(max_length=PASSWORD_MAX, trim_whitespace=False)


class RefreshInput(serializers.Serializer):
    refresh = serializers.CharField(max_length=REFRESH_TOKEN_MAX)


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
    current_password = serializers.CharField(max_length=PASSWORD_MAX, trim_whitespace=False)
    new_password = serializers.CharField(max_length=PASSWORD_MAX, trim_whitespace=False)


class ProfileUpdateInput(StrictInput):
    """PATCH /users/me: the profile fields a user edits. Anything else (`role`, `plan`,
    `is_active`, `is_staff`, ...) is an unknown key, refused with 422 naming it."""

    email = serializers.EmailField(max_length=EMAIL_MAX, required=False)
    first_name = serializers.CharField(max_length=NAME_MAX, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=NAME_MAX, required=False, allow_blank=True)
    display_name = serializers.CharField(
        max_length=DISPLAY_NAME_MAX, required=False, allow_blank=True, allow_null=True
    )
    avatar_url = serializers.URLField(
        max_length=URL_MAX, required=False, allow_blank=True, allow_null=True
    )
    bio = serializers.CharField(
        max_length=BIO_MAX, required=False, allow_blank=True, allow_null=True
    )
    preferences = PreferencesSerializer(required=False)


class AdminUserUpdateInput(ProfileUpdateInput):
    """PUT /users/{id}: profile fields, plus role, active state and plan, which only an admin
    may change (the service answers anyone else 403)."""

    role = serializers.ChoiceField(choices=["user", "admin"], required=False)
    is_active = serializers.BooleanField(required=False)
    plan = serializers.ChoiceField(choices=User.Plan.choices, required=False)


class AvatarUploadInput(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=False, help_text="JPEG, PNG, WebP or GIF (the profile page's picture)."
    )


class MessageOutput(serializers.Serializer):
    message = serializers.CharField()
