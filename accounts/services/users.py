"""Account writes: registration, login, password change, profile updates, deletion."""

import logging

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.html import strip_tags

from accounts import auth_cache
from accounts.models import User
from accounts.services import tokens
from accounts.services.audit import audit_record
from accounts.services.avatars import avatar_file_delete
from autoauthor.core.errors import Conflict, Forbidden, Unauthorized, ValidationFailed
from autoauthor.core.registry import account_deletion_parts
from autoauthor.queries import one_or_none

logger = logging.getLogger("autoauthor.accounts")

INVALID_CREDENTIALS = "Invalid email or password."
PROFILE_TEXT_FIELDS = ("first_name", "last_name", "display_name", "bio")
# Nobody changes these on their own account, and only an admin on another's: an admin must not
# lock themselves out (demote or deactivate the last admin).
PROTECTED_FIELDS = ("role", "is_active")
# Only an admin changes these, on any account including their own: the plan decides what the
# account may use, so the user must never grant it to themselves.
ADMIN_FIELDS = ("plan",)


def email_normalize(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def _password_check(password: str, user: User | None, field: str) -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(field, " ".join(exc.messages), code="password_invalid") from exc


def _email_free(email: str, *, exclude: User | None = None) -> None:
    taken = User.objects.filter(email=email)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise Conflict("A user with this email already exists.", code="email_taken")


def user_register(*, email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Create an account: email normalised and unique (409), password validated (422)."""
    email = email_normalize(email)
    _email_free(email)
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    _password_check(password, candidate, "password")
    try:
        return User.objects.create_user(
            email=email, password=password, first_name=first_name, last_name=last_name
        )
    except IntegrityError as exc:  # lost a race against a concurrent registration
        raise Conflict("A user with this email already exists.", code="email_taken") from exc


def _password_matches(user: User | None, password: str) -> bool:
    """Hash `password` exactly once whoever asks: against the user's hash when the user can log
    in, else against a throwaway one (as Django's ModelBackend does), so the time a login takes
    tells nobody whether the email is registered."""
    if user is None or not user.is_active:
        User().set_password(password)
        return False
    return user.check_password(password)


def user_login(*, email: str, password: str) -> User:
    """Check credentials; unknown email, inactive account and wrong password answer the same
    401 after the same work (one password hash)."""
    email = email_normalize(email)
    user = one_or_none(User.objects.filter(email=email))
    if not _password_matches(user, password):
        audit_record(
            action="login_failed",
            resource_type="user",
            target_id=str(user.pk) if user else "unknown",
            changes={"email": email},
            actor_id="anonymous",
        )
        raise Unauthorized(INVALID_CREDENTIALS, code="invalid_credentials")
    audit_record(
        action="login", resource_type="user", target_id=str(user.pk), actor_id=str(user.pk)
    )
    return user


def user_logout(*, raw_refresh: str) -> None:
    """Revoke the refresh-token family of this login and void the user's access tokens issued
    until now (tokens.token_family_revoke says why every session's)."""
    user_id = tokens.token_family_revoke(raw_refresh=raw_refresh)
    audit_record(action="logout", resource_type="user", target_id=str(user_id))


def user_password_change(*, user: User, current_password: str, new_password: str) -> None:
    """Change the password, revoke every refresh token of the user and void its access
    tokens (a new login gets working ones)."""
    if not user.check_password(current_password):
        raise ValidationFailed(
            "current_password", "Current password is incorrect.", code="wrong_password"
        )
    _password_check(new_password, user, "new_password")
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    tokens.tokens_revoke_all(user=user)
    audit_record(action="password_change", resource_type="user", target_id=str(user.pk))


def user_password_set(*, user: User, password: str) -> None:
    """Set a password without the current one (an administrator's reset in the admin, the
    `create_editor --password` command): validated like every password (422), then every
    refresh token of the user is revoked."""
    _password_check(password, user, "password")
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    tokens.tokens_revoke_all(user=user)
    audit_record(action="password_reset", resource_type="user", target_id=str(user.pk))


def _clean_text(value):
    return value if value is None else " ".join(strip_tags(value).split())


def _fields_check(*, user: User, data: dict, actor: User) -> None:
    """Refuse what `actor` may not change on `user` (403 `forbidden_field`), then a plan that
    does not exist (422; the API's and the admin's inputs check it too)."""
    if any(name in data for name in ADMIN_FIELDS) and not actor.is_admin:
        raise Forbidden("Only admins can change a user's plan.", code="forbidden_field")
    protected = [name for name in PROTECTED_FIELDS if name in data]
    if protected and (not actor.is_admin or actor.pk == user.pk):
        raise Forbidden(
            "You cannot change your own role or active state."
            if actor.pk == user.pk
            else "Only admins can change roles.",
            code="forbidden_field",
        )
    if "plan" in data and data["plan"] not in User.Plan.values:
        raise ValidationFailed("plan", "Not a valid plan.", code="invalid_choice")


def user_update(*, user: User, data: dict, actor: User) -> User:
    """Update a profile. Preferences merge key by key; email stays unique (409); only an admin
    may change role or active state, and nobody their own; only an admin changes a plan. The
    save's audit row (`user_update`) records each changed field as [old, new]. An avatar file
    the upload stored is deleted once `avatar_url` no longer points at it."""
    _fields_check(user=user, data=data, actor=actor)
    previous_avatar = user.avatar_url
    update_fields = []
    for name, value in data.items():
        if name == "preferences":
            user.preferences = {**(user.preferences or {}), **value}
        elif name == "email":
            email = email_normalize(value)
            _email_free(email, exclude=user)
            user.email = email
        elif name in PROFILE_TEXT_FIELDS:
            setattr(user, name, _clean_text(value))
        else:
            setattr(user, name, value)
        update_fields.append(name)
    if update_fields:
        user.updated_at = timezone.now()
        try:
            user.save(update_fields=[*update_fields, "updated_at"])
        except IntegrityError as exc:
            raise Conflict("A user with this email already exists.", code="email_taken") from exc
        if "is_active" in update_fields and not user.is_active:
            tokens.tokens_revoke_all(user=user)
        if user.avatar_url != previous_avatar:
            avatar_file_delete(user_pk=user.pk, url=previous_avatar)
    return user


def user_delete(*, user: User) -> None:
    """Delete the account and everything it owns (books, chapters, questions, responses,
    ratings, access logs: every model with a cascading foreign key to the user or the book).

    The account is deactivated and its tokens revoked first, so an interrupted deletion never
    leaves a usable half-deleted account; running the deletion again finishes it. Audit rows
    stay (they hold plain ids). The avatar file this service stored goes last (best effort)."""
    User.objects.filter(pk=user.pk).update(is_active=False, updated_at=timezone.now())
    auth_cache.forget(user.pk)  # update() sends no signal
    tokens.tokens_revoke_all(user=user)
    audit_record(action="account_delete", resource_type="user", target_id=str(user.pk))
    for part in account_deletion_parts.parts():
        part(user=user)  # the apps' shares, e.g. the user's places on books shared with them
    user_pk = user.pk  # delete() clears it
    avatar_url = User.objects.filter(pk=user_pk).values_list("avatar_url", flat=True).first()
    user.delete()
    avatar_file_delete(user_pk=user_pk, url=avatar_url)
