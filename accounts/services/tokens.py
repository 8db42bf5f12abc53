"""JWT pairs with refresh-token rotation and family revocation.

A login starts a family; each refresh consumes its token (a single-document compare-and-swap on
`used_at`) and issues the next one in the same family. Presenting a consumed token again means it
leaked: the whole family is revoked. Logout revokes the family, a password change or account
deletion revokes every family of the user."""

from datetime import UTC, datetime

from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken
from rest_framework_simplejwt.tokens import RefreshToken as JWTRefresh

from accounts.models import RefreshToken, User
from autoauthor.api.errors import Unauthorized
from autoauthor.queries import one_or_none

INVALID_REFRESH = "Refresh token is invalid, expired or revoked."


def _issue(user: User, family: str) -> dict[str, str]:
    refresh = JWTRefresh.for_user(user)
    refresh["fam"] = family
    RefreshToken.objects.create(
        jti=refresh["jti"],
        family=family,
        user=user,
        expires_at=datetime.fromtimestamp(refresh["exp"], tz=UTC),
    )
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def token_pair_create(*, user: User) -> dict[str, str]:
    """Start a new token family for `user` (login, registration)."""
    return _issue(user, family=JWTRefresh.for_user(user)["jti"])


def _decode(raw: str) -> JWTRefresh:
    try:
        return JWTRefresh(raw)
    except TokenError as exc:
        raise Unauthorized(INVALID_REFRESH, code="token_invalid") from exc


def _revoke_family(family: str) -> None:
    RefreshToken.objects.filter(family=family, revoked_at=None).update(revoked_at=timezone.now())


def token_refresh(*, raw_refresh: str) -> dict[str, str]:
    """Rotate: consume `raw_refresh` and return a new pair; reuse revokes the family (401)."""
    token = _decode(raw_refresh)
    record = one_or_none(RefreshToken.objects.select_related("user").filter(jti=token["jti"]))
    if record is None or record.revoked_at is not None:
        raise Unauthorized(INVALID_REFRESH, code="token_invalid")
    consumed = RefreshToken.objects.filter(pk=record.pk, used_at=None, revoked_at=None).update(
        used_at=timezone.now()
    )
    if not consumed:
        _revoke_family(record.family)  # a used token came back: treat the family as stolen
        raise Unauthorized(INVALID_REFRESH, code="token_reused")
    if not record.user.is_active:
        raise Unauthorized(INVALID_REFRESH, code="token_invalid")
    return _issue(record.user, family=record.family)


def token_family_revoke(*, raw_refresh: str) -> None:
    """Logout: revoke the family of `raw_refresh` (idempotent for already revoked tokens)."""
    token = _decode(raw_refresh)
    record = one_or_none(RefreshToken.objects.filter(jti=token["jti"]).only("family"))
    if record is None:
        raise Unauthorized(INVALID_REFRESH, code="token_invalid")
    _revoke_family(record.family)


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every refresh token of `user` (password change, deactivation, deletion)."""
    return RefreshToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def access_token_expiry(raw_access: str) -> datetime:
    return datetime.fromtimestamp(AccessToken(raw_access, verify=False)["exp"], tz=UTC)
