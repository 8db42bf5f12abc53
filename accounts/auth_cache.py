"""The Redis cache that lets bearer authentication skip its database read.

An entry holds the user as authentication needs it, for AUTH_USER_CACHE_SECONDS. It is shared by
every process through Redis, so deleting it (`forget`, called on every save, deactivation and
deletion of a user) takes effect everywhere at once; the expiry bounds the one remaining race (a
read that fetched the user just before a change stores it just after). While Redis fails, `get`
misses and `put` is skipped (autoauthor.redis_cache), and authentication reads MongoDB.
"""

from django.conf import settings
from django.core.cache import caches

from autoauthor import redis_cache


def _key(user_id) -> str:
    return f"auth:user:{user_id}"


def _enabled() -> bool:
    return settings.AUTH_USER_CACHE_SECONDS > 0 and redis_cache.available()


def get(user_id):
    """The cached user, or None on a miss or while Redis fails."""
    if not _enabled():
        return None
    return redis_cache.call(caches[settings.SHARED_CACHE_ALIAS].get, _key(user_id))


def put(user) -> None:
    if _enabled():
        redis_cache.call(
            caches[settings.SHARED_CACHE_ALIAS].set,
            _key(user.pk),
            user,
            timeout=settings.AUTH_USER_CACHE_SECONDS,
        )


def forget(user_id) -> None:
    """Drop the entry. Tried even inside a failure window: a stale entry must not survive."""
    if settings.REDIS_ENABLED:
        redis_cache.call(caches[settings.SHARED_CACHE_ALIAS].delete, _key(user_id))
