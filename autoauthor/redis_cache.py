"""Access to the shared Redis for the caches that spare MongoDB round trips on hot reads.

Callers go through `call()`: a Redis error is logged once, answered with `default`, and Redis is
left alone for RATELIMIT_REDIS_RETRY_SECONDS, so an outage costs one failed attempt per window
instead of a socket timeout on every request, and every cache degrades to reading MongoDB. Caches
are off without Redis: a per-process cache could not be invalidated across gunicorn workers.
"""

import logging
import time

from django.conf import settings
from django_redis import get_redis_connection
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger("autoauthor.redis_cache")

_retry_at = 0.0


def available() -> bool:
    return settings.REDIS_ENABLED and time.time() >= _retry_at


def client():
    """The raw redis-py client of the shared cache alias (it raises on errors)."""
    return get_redis_connection(settings.SHARED_CACHE_ALIAS)


def call(operation, *args, default=None, **kwargs):
    """`operation(*args, **kwargs)`, or `default` when Redis fails (then skipped for a while)."""
    global _retry_at
    try:
        return operation(*args, **kwargs)
    except (RedisError, ConnectionInterrupted) as exc:
        if time.time() >= _retry_at:
            logger.warning("Redis unavailable for caching (%s); reading MongoDB instead", exc)
        _retry_at = time.time() + settings.RATELIMIT_REDIS_RETRY_SECONDS
        return default
