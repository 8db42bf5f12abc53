"""JWT pairs with refresh-token rotation and family revocation.

A login starts a family; each refresh consumes its token (a single-document compare-and-swap on
`used_at`) and issues the next one in the same family. Presenting a consumed token again means it
leaked: the whole family is revoked. Logout revokes the family, a password change or account
deletion revokes every family of the user.

Access tokens are not stored; they are voided per user instead: logout, a password change,
deactivation and deletion set `User.tokens_valid_after`, and bearer authentication refuses an
access token issued up to that instant (`access_token_current`). The mark lives on the user that
authentication reads anyway (from the Redis user cache), so the check costs no database command.
The `iat` claim has whole seconds, so access tokens carry their issue time in microseconds too
(`iat_us`); the mark is rounded up to the millisecond MongoDB stores dates with."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken
from rest_framework_simplejwt.tokens import RefreshToken as JWTRefresh

from accounts import auth_cache
from accounts.models import RefreshToken, User
from autoauthor.core.errors import Unauthorized
from autoauthor.queries import one_or_none

INVALID_REFRESH = "Refresh token is invalid, expired or revoked."
ISSUED_US_CLAIM = "iat_us"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _epoch_us(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _issue(user: User, family: str) -> dict[str, str]:
    refresh = JWTRefresh.for_user(user)
    refresh["fam"] = family
    RefreshToken.objects.create(
        jti=refresh["jti"],
        family=family,
        user=user,
        expires_at=datetime.fromtimestamp(refresh["exp"], tz=UTC),
    )
    access = refresh.access_token
    access[ISSUED_US_CLAIM] = _epoch_us(access.current_time)
    return {"access": str(access), "refresh": str(refresh)}


def token_pair_create(*, user: User) -> dict[str, str]:
    """Start a new token family for `user` (login, registration)."""
    return _issue(user, family=JWTRefresh.for_user(user)["jti"])


def _decode(raw: str) -> JWTRefresh:
    try:
        return JWTRefresh(raw)
    except TokenError as exc:
        raise Unauthorized(INVALID_REFRESH, code="token_invalid") from exc


def _revoke_family(family: str) -> int:
    return RefreshToken.objects.filter(family=family, revoked_at=None).update(
        revoked_at=timezone.now()
    )


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
        # A used token came back: the family is stolen, and so may be its access tokens.
        _revoke_family(record.family)
        access_tokens_void(user_id=record.user_id)
        raise Unauthorized(INVALID_REFRESH, code="token_reused")
    if not record.user.is_active:
        raise Unauthorized(INVALID_REFRESH, code="token_invalid")
    return _issue(record.user, family=record.family)


def _void_mark() -> datetime:
    """Now, rounded up to the next whole millisecond: MongoDB keeps dates to the millisecond,
    and a truncated mark would let a token issued earlier in the same millisecond through."""
    now = timezone.now()
    return now + timedelta(microseconds=-now.microsecond % 1000)


def access_tokens_void(*, user_id, user: User | None = None) -> None:
    """Void every access token issued to the user up to now (they are not stored, so they are
    refused by issue time). One update; the cached user is dropped, so every process refuses
    them from the next request on. `user`, when given, gets the new mark too."""
    mark = _void_mark()
    User.objects.filter(pk=user_id).update(tokens_valid_after=mark)
    auth_cache.forget(user_id)  # update() sends no signal
    if user is not None:
        user.tokens_valid_after = mark


def access_token_current(*, token, user: User) -> bool:
    """Whether an access token of `user` was issued strictly after the user's last
    revocation. A token without `iat_us` (issued before it existed) counts from the start of
    its `iat` second, so it is refused when in doubt."""
    mark = user.tokens_valid_after
    if mark is None:
        return True
    issued_us = token.get(ISSUED_US_CLAIM)
    if not isinstance(issued_us, int):
        issued_us = int(token.get("iat", 0)) * 1_000_000
    return issued_us > _epoch_us(mark)


def token_family_revoke(*, raw_refresh: str):
    """Logout: revoke the family of `raw_refresh` and void the user's access tokens issued
    until now, in every session: access tokens do not say which login they belong to, and other
    sessions keep their refresh tokens, so they get a fresh access token with one refresh.
    Idempotent: a family already revoked changes nothing, so replaying an old refresh token
    cannot void the tokens of later logins. Returns the user's id."""
    token = _decode(raw_refresh)
    record = one_or_none(RefreshToken.objects.filter(jti=token["jti"]).only("family", "user_id"))
    if record is None:
        raise Unauthorized(INVALID_REFRESH, code="token_invalid")
    if _revoke_family(record.family):
        access_tokens_void(user_id=record.user_id)
    return record.user_id


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every refresh token of `user` and void its access tokens (password change,
    deactivation, deletion)."""
    revoked = RefreshToken.objects.filter(user=user, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    access_tokens_void(user_id=user.pk, user=user)
    return revoked


def access_token_expiry(raw_access: str) -> datetime:
    return datetime.fromtimestamp(AccessToken(raw_access, verify=False)["exp"], tz=UTC)
