"""Rate limiting shared across processes through Redis, with a per-process fallback.

Counting is a fixed window per key `ratelimit:<scope>:<user id, or client IP when anonymous>` (or
an identity the caller names, such as the login's account); the key expires with its window.
`check` reads a window without counting, for limits counted only on some outcome (failed logins).
Limits are named scopes in `settings.RATE_LIMITS` ("count/seconds", django-ratelimit's rate
syntax). `ScopedRateLimit` is a DRF throttle (DRF runs it after authentication and permission
checks, so requests rejected as unauthenticated are never counted): a request over its limit
makes `allow_request` answer False and `wait()` give the wait, DRF raises Throttled and the
exception handler answers 429 `rate_limited` with Retry-After. The login counts per account
with `hit`/`check` from its view; every count goes through `usage_count`.

django-ratelimit's own counter hashes its cache keys, which cannot give the key layout above, so
the counter here talks to the django-redis connection of the `ratelimit` cache alias directly and
reuses django-ratelimit's rate parsing and its `RATELIMIT_ENABLE` switch. When Redis is unreachable
(or REDIS_ENABLED is false) counting falls back to process memory with a logged warning, and Redis
is tried again every RATELIMIT_REDIS_RETRY_SECONDS so shared counting resumes without a restart.
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django_ratelimit.core import _split_rate
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle

from autoauthor.api.exceptions import THROTTLE_REFUSAL
from autoauthor.api.middleware import client_ip
from autoauthor.core.errors import RateLimited

logger = logging.getLogger("autoauthor.ratelimit")


@dataclass(frozen=True)
class Usage:
    limit: int
    count: int
    reset: int  # epoch seconds when the window ends

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


class MemoryCounter:
    """Per-process fixed-window counters (the fallback when Redis cannot be used)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, float]] = {}

    def hit(self, key: str, window: int) -> tuple[int, float]:
        now = time.time()
        with self._lock:
            count, expires = self._windows.get(key, (0, 0.0))
            if expires <= now:
                count, expires = 0, now + window
                if len(self._windows) > 10000:
                    self._windows = {k: v for k, v in self._windows.items() if v[1] > now}
            count += 1
            self._windows[key] = (count, expires)
            return count, expires

    def peek(self, key: str) -> tuple[int, float]:
        """The count of the current window without counting (0 when none is open)."""
        now = time.time()
        with self._lock:
            count, expires = self._windows.get(key, (0, 0.0))
            return (count, expires) if expires > now else (0, now)

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()


class RedisFirst:
    """Redis first, process memory while Redis is unreachable or disabled, for the shared counts
    of `purpose` ("rate limits", "concurrency caps"): after a Redis error Redis is tried again
    every RATELIMIT_REDIS_RETRY_SECONDS, and the switch each way is logged once."""

    purpose = "shared counts"

    def __init__(self):
        self._retry_at = 0.0
        self._fallback_logged = False
        self._lock = threading.Lock()

    @staticmethod
    def _redis():
        from django_redis import get_redis_connection

        return get_redis_connection(settings.RATELIMIT_USE_CACHE)

    def using_redis(self) -> bool:
        return settings.REDIS_ENABLED and time.time() >= self._retry_at

    def _try_redis(self) -> bool:
        if self.using_redis():
            return True
        if not settings.REDIS_ENABLED and not self._fallback_logged:
            self._fallback_logged = True
            logger.warning("REDIS_ENABLED is false: %s are counted per process", self.purpose)
        return False

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            self._retry_at = time.time() + settings.RATELIMIT_REDIS_RETRY_SECONDS
            if not self._fallback_logged:
                self._fallback_logged = True
                logger.warning(
                    "Redis unavailable for %s (%s); counting per process until it answers again",
                    self.purpose,
                    exc,
                )

    def _recovered(self) -> None:
        if self._fallback_logged and settings.REDIS_ENABLED:
            with self._lock:
                if self._fallback_logged:
                    self._fallback_logged = False
                    logger.warning("Redis answers again: shared %s resumed", self.purpose)


class RateCounter(RedisFirst):
    """Redis-first counter; falls back to memory while Redis is down."""

    purpose = "rate limits"

    def __init__(self):
        super().__init__()
        self.memory = MemoryCounter()

    def hit(self, key: str, window: int) -> tuple[int, float]:
        if self._try_redis():
            try:
                pipe = self._redis().pipeline(transaction=True)
                pipe.set(key, 0, ex=window, nx=True)
                pipe.incr(key)
                pipe.ttl(key)
                _, count, ttl = pipe.execute()
                if ttl < 0:  # a key left without expiry must not block forever
                    self._redis().expire(key, window)
                    ttl = window
                self._recovered()
                return int(count), time.time() + ttl
            except RedisError as exc:
                self._failed(exc)
        return self.memory.hit(key, window)

    def peek(self, key: str) -> tuple[int, float]:
        """(count, window end) of `key` without counting: the same store `hit` would use (Redis,
        or process memory while Redis is down or disabled); (0, now) when no window is open."""
        if self._try_redis():
            try:
                pipe = self._redis().pipeline(transaction=True)
                pipe.get(key)
                pipe.ttl(key)
                count, ttl = pipe.execute()
                self._recovered()
                now = time.time()
                return (int(count), now + max(ttl, 0)) if count is not None else (0, now)
            except RedisError as exc:
                self._failed(exc)
        return self.memory.peek(key)


counter = RateCounter()


def rate_for(scope: str) -> tuple[int, int]:
    """(limit, window seconds) of a named scope."""
    rate = settings.RATE_LIMITS[scope]
    return _split_rate(rate if rate[-1].isalpha() else f"{rate}s")


def _key(request, scope: str, ident: str | None) -> str:
    if ident is None:
        user = getattr(request, "user", None)
        ident = str(user.pk) if user is not None and user.is_authenticated else client_ip(request)
    return f"ratelimit:{scope}:{ident}"


def _publish(request, usage: Usage) -> None:
    django_request = getattr(request, "_request", request)
    previous = getattr(django_request, "ratelimit", None)
    if previous is None or usage.remaining < previous.remaining:
        django_request.ratelimit = usage


def _wait(usage: Usage) -> int:
    return max(1, int(usage.reset - time.time()))


def usage_count(request, scope: str, ident: str | None = None, *, count: bool = True):
    """The one counting of the rate limits: count one request against `scope` (or, with
    `count=False`, only read its window), publish the usage for the X-RateLimit-* headers and
    return it; None when limiting is switched off. The throttle and the login's functions below
    all count here."""
    if not settings.RATELIMIT_ENABLE:
        return None
    limit, window = rate_for(scope)
    key = _key(request, scope, ident)
    current, expires = counter.hit(key, window) if count else counter.peek(key)
    usage = Usage(limit=limit, count=current, reset=int(expires + 0.999))
    _publish(request, usage)
    return usage


def hit(request, scope: str, ident: str | None = None) -> Usage | None:
    """Count one request against `scope` (for a limit a view counts itself, such as the login's
    per account). Raises RateLimited when the limit is exceeded; None when limiting is off."""
    usage = usage_count(request, scope, ident)
    if usage is not None and usage.exceeded:
        raise RateLimited(_wait(usage))
    return usage


def check(request, scope: str, ident: str | None = None) -> Usage | None:
    """Refuse the request when `scope` has no budget left, without counting it.

    For limits counted only on some outcome (failed logins): `check` before the work, `hit`
    once the outcome is known. Raises RateLimited when a `hit` now would exceed the limit;
    publishes the usage like `hit`. Returns None when limiting is switched off.
    """
    usage = usage_count(request, scope, ident, count=False)
    if usage is not None and usage.remaining == 0:
        raise RateLimited(_wait(usage))
    return usage


def view_scope(request, view, attribute: str = "ratelimit_scopes") -> str | None:
    """The scope `view` declares in `attribute` ({action or method: scope}) for this request: by
    action (a viewset's `self.action`, the mapped handler's name), else by method, HEAD as GET
    (Django answers HEAD with the GET handler, so a HEAD costs what a GET costs)."""
    scopes = getattr(view, attribute, None) or {}
    method = request.method.lower()
    return (
        scopes.get(getattr(view, "action", None) or "")
        or scopes.get(method)
        or (scopes.get("get") if method == "head" else None)
    )


class ScopedThrottle(BaseThrottle):
    """A DRF throttle for the scopes a view declares in `scopes_attribute`.

    `refusal(request, scope)` returns None to let the request through, or the domain error it
    is refused with: `allow_request` then answers False, `wait()` gives its `retry_after`, DRF
    raises Throttled, and the exception handler answers with the error left on the request
    (`THROTTLE_REFUSAL`). DRF asks every throttle even after one refused; once one has, the
    later ones let the request pass untouched, so a request refused by the rate limits never
    takes a concurrency slot.
    """

    scopes_attribute = "ratelimit_scopes"

    def __init__(self):
        self.refused = None

    def allow_request(self, request, view):
        scope = view_scope(request, view, self.scopes_attribute)
        if not scope or getattr(request, THROTTLE_REFUSAL, None) is not None:
            return True
        self.refused = self.refusal(request, scope)
        if self.refused is None:
            return True
        setattr(request, THROTTLE_REFUSAL, self.refused)
        return False

    def wait(self):
        return getattr(self.refused, "retry_after", None)

    def refusal(self, request, scope: str):
        raise NotImplementedError


class ScopedRateLimit(ScopedThrottle):
    """Counts requests of views that declare `ratelimit_scopes` ({action or method: scope})."""

    def refusal(self, request, scope: str):
        usage = usage_count(request, scope)
        return RateLimited(_wait(usage)) if usage is not None and usage.exceeded else None
