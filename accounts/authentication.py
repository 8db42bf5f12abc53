"""DRF authentication classes that also publish the authenticated user as the audit actor.

A bearer token costs no database read while its user is in the Redis cache
(`accounts.selectors.user_for_auth`), one read otherwise. Revoked refresh tokens are checked
only on refresh; an access token issued before the user's last logout, password change or
deactivation is refused by the mark on that same (cached) user."""

from dataclasses import replace

from rest_framework import authentication, exceptions
from rest_framework_simplejwt import authentication as jwt
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from accounts.selectors import user_for_auth
from accounts.services import tokens
from autoauthor.core import context


def _publish_actor(result):
    if result is not None:
        context.set_current(replace(context.current(), actor_id=str(result[0].pk)))
    return result


class JWTAuthentication(jwt.JWTAuthentication):
    def authenticate(self, request):
        return _publish_actor(super().authenticate(request))

    def get_user(self, validated_token):
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken("Token contained no recognizable user identification") from exc
        user = user_for_auth(user_id=user_id)
        if user is None:
            raise AuthenticationFailed("User not found", code="user_not_found")
        if not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        if not tokens.access_token_current(token=validated_token, user=user):
            # DRF's exception (a plain string detail): its code reaches the error body as is.
            raise exceptions.AuthenticationFailed("Token has been revoked.", code="token_revoked")
        return user


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        return _publish_actor(super().authenticate(request))
