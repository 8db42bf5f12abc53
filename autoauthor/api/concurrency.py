"""Concurrency caps: at most K slow operations (exports, synchronous AI calls) at once, so they
can never take every request thread.

A slot is a lease with a deadline, counted at three levels; a request takes one at each or none:
- per process: slow operations of every scope together at most
  settings.CONCURRENCY_PROCESS_LIMIT (max(1, GUNICORN_THREADS - 2)), so each gunicorn process
  keeps two request threads for everything else (its gthread worker queues new connections
  behind busy threads: a process whose threads all wait on slow work stalls its health checks);
- per user and in total for the scope (settings.CONCURRENCY_LIMITS), shared across processes in
  Redis: one sorted set per key, members are lease tokens scored by their deadline, taken
  atomically by a Lua script (drop expired leases, refuse at the limit, else add) that reads the
  clock of the Redis server, so every process agrees on expiry.

A lease lasts the operation's own time limit plus CONCURRENCY_LEASE_MARGIN_SECONDS (exports:
EXPORT_TIMEOUT_SECONDS; AI: every attempt's OPENAI_TIMEOUT_SECONDS plus the backoffs between
them), so a process killed while holding one blocks nothing past that. Past a cap the request is
429 `too_many_concurrent` (one code for every scope and level; the detail says which cap) with
Retry-After CONCURRENCY_RETRY_AFTER_SECONDS.

Views declare `concurrency_scopes = {"get": "export"}` (action or method -> scope) as they
declare `ratelimit_scopes`. `ConcurrencyCap`, a DRF throttle listed after the rate-limit
throttle, takes the slot after authentication, permissions and rate limits (a full cap makes it
refuse the request like any DRF throttle, answered with its TooManyConcurrent), and stores the lease
on the Django request; `ReleaseSlotsMiddleware` releases it in a `finally` once the view has
answered (errors and client disconnects included: the view runs to its end either way). The
slot covers the work of the view; streaming an already rendered file afterwards is not counted.

Redis is the connection of the `settings.RATELIMIT_USE_CACHE` alias, with the rate limits'
fallback rule: unreachable, or REDIS_ENABLED false, means per-process counting (one logged
warning) and Redis is tried again every RATELIMIT_REDIS_RETRY_SECONDS.
"""

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from redis.exceptions import RedisError

from autoauthor.api.middleware import client_ip
from autoauthor.api.ratelimits import RedisFirst, ScopedThrottle
from autoauthor.core.errors import TooManyConcurrent

logger = logging.getLogger("autoauthor.concurrency")

PROCESS_KEY = "process"
REQUEST_ATTRIBUTE = "concurrency_leases"
_USER, _TOTAL, _PROCESS = 1, 2, 3  # refusal reasons (the first two as the Lua script returns)

# KEYS: the user's and the scope's sorted sets. ARGV: user limit, total limit, token, lease ms.
# Returns 0 (taken), 1 (the user is at the limit) or 2 (the scope is).
ACQUIRE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[4])
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 1 end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then return 2 end
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], now + lease, ARGV[3])
  if redis.call('PTTL', KEYS[i]) < lease then redis.call('PEXPIRE', KEYS[i], lease) end
end
return 0
"""


@dataclass(frozen=True)
class Lease:
    """A slot of `scope` under `keys` (Redis or this process's memory), and a process slot."""

    scope: str
    keys: tuple[str, ...]
    token: str
    in_redis: bool


class MemorySlots:
    """Leases kept in process memory: the per-process cap, and the fallback while Redis cannot
    be used. Same rule as the Lua script (expired leases dropped, refused at the limit)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._leases: dict[str, dict[str, float]] = {}

    def acquire(self, keys: tuple[str, ...], limits: tuple[int, ...], token: str, lease: float):
        """0 when taken, else the 1-based index of the first key at its limit."""
        now = time.monotonic()
        with self._lock:
            held = []
            for key in keys:
                leases = self._leases.setdefault(key, {})
                for expired in [t for t, deadline in leases.items() if deadline <= now]:
                    del leases[expired]
                held.append(leases)
            for index, (leases, limit) in enumerate(zip(held, limits, strict=True), start=1):
                if len(leases) >= limit:
                    return index
            for leases in held:
                leases[token] = now + lease
            return 0

    def release(self, keys: tuple[str, ...], token: str) -> None:
        with self._lock:
            for key in keys:
                leases = self._leases.get(key)
                if leases is not None:
                    leases.pop(token, None)
                    if not leases:
                        del self._leases[key]

    def count(self, key: str) -> int:
        now = time.monotonic()
        with self._lock:
            return sum(1 for deadline in self._leases.get(key, {}).values() if deadline > now)

    def clear(self) -> None:
        with self._lock:
            self._leases.clear()


class SlotStore(RedisFirst):
    """Redis-first slots; process memory while Redis is down or disabled."""

    purpose = "concurrency caps"

    def __init__(self):
        super().__init__()
        self.memory = MemorySlots()

    def acquire(self, keys: tuple[str, str], limits: tuple[int, int], token: str, lease: float):
        """(refusal reason or 0, whether the lease lives in Redis)."""
        if self._try_redis():
            try:
                script = self._redis().register_script(ACQUIRE_LUA)
                reason = int(script(keys=list(keys), args=[*limits, token, int(lease * 1000)]))
                self._recovered()
                return reason, True
            except RedisError as exc:
                self._failed(exc)
        return self.memory.acquire(keys, limits, token, lease), False

    def release(self, lease: Lease) -> None:
        if not lease.in_redis:
            self.memory.release(lease.keys, lease.token)
            return
        try:
            pipe = self._redis().pipeline(transaction=False)
            for key in lease.keys:
                pipe.zrem(key, lease.token)
            pipe.execute()
        except RedisError as exc:
            logger.warning(
                "Could not release a %s slot in Redis (%s); it expires", lease.scope, exc
            )


store = SlotStore()
process_slots = MemorySlots()


def lease_seconds(scope: str) -> float:
    """How long a slot of `scope` may be held: the operation's own time limit plus the margin.
    A scope other than `export` and `ai` names its own `lease_seconds` in CONCURRENCY_LIMITS."""
    margin = float(settings.CONCURRENCY_LEASE_MARGIN_SECONDS)
    configured = settings.CONCURRENCY_LIMITS[scope].get("lease_seconds")
    if configured is not None:
        return float(configured)
    if scope == "export":
        return float(settings.EXPORT_TIMEOUT_SECONDS) + margin
    if scope == "ai":
        from autoauthor.ai.client import backoff_delay

        attempts = max(1, int(settings.AI_MAX_RETRIES))
        backoffs = sum(backoff_delay(attempt) for attempt in range(attempts - 1))
        return attempts * float(settings.OPENAI_TIMEOUT_SECONDS) + backoffs + margin
    raise ImproperlyConfigured(f"CONCURRENCY_LIMITS[{scope!r}] needs lease_seconds")


def slot_keys(*, scope: str, ident: str) -> tuple[str, str]:
    """(the user's key, the scope's key). The hash tag keeps both in one Redis Cluster slot, as
    the script that takes them together requires."""
    return f"concurrency:{{{scope}}}:user:{ident}", f"concurrency:{{{scope}}}:total"


_LABELS = {"export": ("export", "exports"), "ai": ("AI request", "AI requests")}


def _refusal(scope: str, reason: int, per_user: int) -> TooManyConcurrent:
    one, many = _LABELS.get(scope, (f"{scope} operation", f"{scope} operations"))
    detail = {
        _USER: f"You already have {per_user} {one if per_user == 1 else many} running. Wait "
        "for one to finish, then try again.",
        _TOTAL: f"The server is running as many {many} as it can at once. Try again shortly.",
        _PROCESS: "The server is busy with other long operations. Try again shortly.",
    }[reason]
    return TooManyConcurrent(detail, wait=int(settings.CONCURRENCY_RETRY_AFTER_SECONDS))


def slot_acquire(*, scope: str, ident: str) -> Lease:
    """Take one slot of `scope` for `ident` (a user id, or a client IP), or refuse with
    TooManyConcurrent (429): this process already runs CONCURRENCY_PROCESS_LIMIT slow
    operations, `ident` holds its `per_user` slots, or the scope its `total`. The caller must
    `slot_release` the lease; if it never does, the lease expires after `lease_seconds(scope)`."""
    limits = settings.CONCURRENCY_LIMITS[scope]
    lease = lease_seconds(scope)
    token = uuid.uuid4().hex
    if process_slots.acquire((PROCESS_KEY,), (settings.CONCURRENCY_PROCESS_LIMIT,), token, lease):
        raise _refusal(scope, _PROCESS, 0)
    keys = slot_keys(scope=scope, ident=ident)
    try:
        reason, in_redis = store.acquire(
            keys, (int(limits["per_user"]), int(limits["total"])), token, lease
        )
    except BaseException:
        process_slots.release((PROCESS_KEY,), token)
        raise
    if reason:
        process_slots.release((PROCESS_KEY,), token)
        raise _refusal(scope, reason, int(limits["per_user"]))
    return Lease(scope=scope, keys=keys, token=token, in_redis=in_redis)


def slot_release(*, lease: Lease) -> None:
    """Give the slot back (at most once per lease; releasing again is harmless)."""
    try:
        store.release(lease)
    finally:
        process_slots.release((PROCESS_KEY,), lease.token)


@contextmanager
def slot(*, scope: str, ident: str) -> Iterator[Lease]:
    """`with slot(scope="export", ident=user_id):` holds a slot for the block."""
    lease = slot_acquire(scope=scope, ident=ident)
    try:
        yield lease
    finally:
        slot_release(lease=lease)


def _ident(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return str(user.pk)
    return client_ip(request) or "anonymous"


class ConcurrencyCap(ScopedThrottle):
    """Takes a slot for views that declare `concurrency_scopes`; listed after the rate limits.
    A full cap refuses the request as a throttle does, with its TooManyConcurrent."""

    scopes_attribute = "concurrency_scopes"

    def refusal(self, request, scope: str):
        if not settings.CONCURRENCY_ENABLE:
            return None
        django_request = getattr(request, "_request", request)
        leases = getattr(django_request, REQUEST_ATTRIBUTE, None)
        if leases is None:
            raise ImproperlyConfigured(
                "concurrency_scopes need autoauthor.api.concurrency.ReleaseSlotsMiddleware"
            )
        try:
            leases.append(slot_acquire(scope=scope, ident=_ident(request)))
        except TooManyConcurrent as refused:
            return refused
        return None


class ReleaseSlotsMiddleware:
    """Releases every slot the request took once the view has answered, whatever happened."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        leases: list[Lease] = []
        setattr(request, REQUEST_ATTRIBUTE, leases)
        try:
            return self.get_response(request)
        finally:
            while leases:
                slot_release(lease=leases.pop())
