"""Admin for accounts (users: roles, plans and active state) and the read-only audit log.

User writes go through accounts.services.users: `user_register` (add), `user_update` (change: a
deactivation revokes the user's refresh tokens, nobody changes their own role or active state,
only an administrator changes a plan), `user_password_set` (password reset: tokens revoked) and
`user_delete` (cascade)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    BaseUserCreationForm,
    ReadOnlyPasswordHashField,
)

from accounts.models import AuditLog, User
from accounts.services import tokens, users
from autoauthor.admin_mixins import ReadOnlyAdminMixin, ServiceAdminMixin
from autoauthor.core.ids import parse_object_id

admin.site.site_header = "Auto Author administration"
admin.site.site_title = "Auto Author admin"
admin.site.index_title = "Books, chapters, questions and accounts"


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name")


class UserChangeForm(forms.ModelForm):
    password = ReadOnlyPasswordHashField(
        label="Password",
        help_text="Raw passwords are not stored. Use the form linked here to reset it.",
    )

    class Meta:
        model = User
        fields = (
            "email",
            "password",
            "first_name",
            "last_name",
            "display_name",
            "bio",
            "avatar_url",
            "role",
            "plan",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields.get("password")
        if password is not None and self.instance.pk:
            password.help_text = (
                "Raw passwords are not stored. "
                f'<a href="../../{self.instance.pk}/password/">Reset the password</a>.'
            )


class UserPasswordForm(AdminPasswordChangeForm):
    """The admin's password reset, through `user_password_set` (tokens revoked, audited)."""

    def save(self, commit=True):
        if self.cleaned_data.get("set_usable_password", True):
            users.user_password_set(user=self.user, password=self.cleaned_data["password1"])
        else:  # "disable password-based authentication"
            super().save(commit=commit)
            tokens.tokens_revoke_all(user=self.user)
        return self.user


@admin.register(User)
class UserAdmin(ServiceAdminMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = UserPasswordForm
    list_display = (
        "email",
        "first_name",
        "last_name",
        "role",
        "plan",
        "is_active",
        "is_staff",
        "is_superuser",
        "created_at",
        "last_login",
    )
    list_filter = ("role", "plan", "is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("email", "first_name", "last_name", "display_name")
    ordering = ("email",)
    readonly_fields = ("created_at", "updated_at", "last_login")
    filter_horizontal = ("groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("first_name", "last_name", "display_name", "bio", "avatar_url")}),
        (
            "Role and access",
            {
                "fields": (
                    "role",
                    "plan",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        ("Dates", {"fields": ("created_at", "updated_at", "last_login")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        if not change:
            created = users.user_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data.get("first_name") or "",
                last_name=form.cleaned_data.get("last_name") or "",
            )
            # The admin goes on with `obj` (change message, redirect): make it the stored user.
            obj.__dict__.update(created.__dict__)
            return
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name not in ("password", "groups", "user_permissions")
        }
        if data:
            users.user_update(user=obj, data=data, actor=request.user)

    def delete_model(self, request, obj):
        users.user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            users.user_delete(user=user)

    def user_change_password(self, request, id, form_url=""):
        return self._with_actor(
            request, lambda: super(UserAdmin, self).user_change_password(request, id, form_url)
        )


class AuditLogChangeList(ChangeList):
    """Resolves the actors of the page to their emails with one query (no query per row)."""

    def get_results(self, request):
        super().get_results(request)
        ids = {parse_object_id(row.actor_id) for row in self.result_list} - {None}
        emails = {}
        if ids:
            emails = dict(User.objects.filter(pk__in=list(ids)).values_list("pk", "email"))
        for row in self.result_list:
            oid = parse_object_id(row.actor_id)
            row.actor_email = emails.get(oid) if oid is not None else None


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "timestamp",
        "action",
        "resource_type",
        "target_id",
        "actor",
        "ip_address",
        "request_id",
    )
    list_filter = (
        "action",
        "resource_type",
        ("timestamp", admin.DateFieldListFilter),
        "actor_id",
    )
    search_fields = ("=actor_id", "=target_id", "=request_id", "action")
    date_hierarchy = "timestamp"
    ordering = ("-timestamp",)
    list_per_page = 50
    fields = (
        "timestamp",
        "action",
        "resource_type",
        "target_id",
        "actor_id",
        "changes",
        "request_id",
        "ip_address",
        "user_agent",
    )
    readonly_fields = fields

    def get_changelist(self, request, **kwargs):
        return AuditLogChangeList

    @admin.display(description="Actor", ordering="actor_id")
    def actor(self, row):
        email = getattr(row, "actor_email", None)
        return f"{email} ({row.actor_id})" if email else row.actor_id
