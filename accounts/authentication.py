"""DRF authentication classes that also publish the authenticated user as the audit actor.

Bearer tokens cost one database read (the user, for the active check); revoked refresh tokens
are checked only on refresh."""

from dataclasses import replace

from rest_framework import authentication
from rest_framework_simplejwt import authentication as jwt

from autoauthor.api import context


def _publish_actor(result):
    if result is not None:
        context.set_current(replace(context.current(), actor_id=str(result[0].pk)))
    return result


class JWTAuthentication(jwt.JWTAuthentication):
    def authenticate(self, request):
        return _publish_actor(super().authenticate(request))


class SessionAuthentication(authentication.SessionAuthentication):
    def authenticate(self, request):
        return _publish_actor(super().authenticate(request))
