"""The per-user AI quota: how many AI requests a user may make per UTC day and per UTC month
(the limits of the user's plan, accounts/entitlements.py).

Counting is a reservation taken before the AI is called, then kept or refunded: a count taken
only after a success could not refuse atomically (two processes at limit - 1 would both call
the AI), while a reservation is checked and counted in one step. The HTTP guard refunds every
request whose answer is not a success (autoauthor/api/ai_quota.py).

Where the counts live:
- Redis (the shared `ratelimit` alias): one key per (user, period), `aiquota:{<user>}:<period>`.
  One Lua script checks both windows and counts in both, or in neither, so a refusal in one
  window never leaves a count in the other and no two processes can both take the last request.
- MongoDB (`AIUsage`, one row per user and period, changed by `$inc`): the record. Every
  reservation and refund is written there after Redis; each reservation hands the script the
  recorded counts as a floor, so a Redis key lost to a flush or restart (or stale after an
  outage) is re-seeded from the record at once. A refund racing a reservation can make Redis
  count one request too many for a moment: the quota then refuses early, never late.
- While Redis is down or disabled (the rate limits' rule, autoauthor/redis_cache.py: retried
  every RATELIMIT_REDIS_RETRY_SECONDS) MongoDB alone counts, still shared by every process:
  a conditional `$inc` (`count < limit`) per window, the day's taken back if the month refuses.
  A quota is a cost cap, so it is not relaxed to per-process counting as the rate limits are.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from accounts.entitlements import plan_quota_limits, user_plan
from accounts.services.ai_usage import usage_add, usage_recorded, usage_reserve
from autoauthor import redis_cache
from autoauthor.core.errors import QuotaExceeded

logger = logging.getLogger("autoauthor.ai_quota")

DAY, MONTH = "day", "month"
NO_LIMIT = -1  # what the scripts read as "no limit in this window"
KEY_MARGIN_SECONDS = 86400  # a Redis key outlives its period by a day, then expires
_UNAVAILABLE = object()

# KEYS: the day's and the month's counters. ARGV: their limits (-1: none), the counts MongoDB
# recorded (the floor), the epoch seconds at which each key expires. Returns {refused window
# (0: none, 1: day, 2: month), day count, month count}, the counts after this request.
RESERVE_LUA = """
local counts = {}
for i = 1, 2 do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  local floor = tonumber(ARGV[2 + i])
  if floor > count then
    count = floor
    redis.call('SET', KEYS[i], count)
    redis.call('EXPIREAT', KEYS[i], ARGV[4 + i])
  end
  counts[i] = count
end
for i = 1, 2 do
  local limit = tonumber(ARGV[i])
  if limit >= 0 and counts[i] >= limit then return {i, counts[1], counts[2]} end
end
for i = 1, 2 do
  counts[i] = redis.call('INCR', KEYS[i])
  redis.call('EXPIREAT', KEYS[i], ARGV[4 + i])
end
return {0, counts[1], counts[2]}
"""
# KEYS: the day's and the month's counters; each is decremented unless already 0 (or gone).
REFUND_LUA = """
local counts = {}
for i = 1, 2 do
  local count = tonumber(redis.call('GET', KEYS[i]) or '0')
  if count > 0 then count = redis.call('DECR', KEYS[i]) end
  counts[i] = count
end
return counts
"""


@dataclass(frozen=True)
class Window:
    """One quota window of a user: `used` of `limit` (None: no limit) until `reset`."""

    name: str  # DAY or MONTH
    period: str  # "2026-12-03" or "2026-12"
    limit: int | None
    used: int
    reset: int  # epoch seconds at which the period ends

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


@dataclass(frozen=True)
class QuotaUsage:
    plan: str
    daily: Window
    monthly: Window

    @property
    def binding(self) -> Window | None:
        """The window that stops the user first: the fewest requests left, the later reset on a
        tie (a used-up month outlasts a used-up day); None when no window has a limit."""
        limited = [w for w in (self.daily, self.monthly) if w.limit is not None]
        return min(limited, key=lambda w: (w.remaining, -w.reset)) if limited else None


@dataclass(frozen=True)
class Reservation:
    """One counted AI request; `quota_refund` gives it back."""

    user_id: object
    periods: tuple[str, str]
    in_redis: bool
    usage: QuotaUsage


def quota_frame(now: datetime | None = None) -> tuple[tuple[str, int], tuple[str, int]]:
    """((day period, its end), (month period, its end)) of `now` in UTC, ends in epoch seconds."""
    day = (now or timezone.now()).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    return (
        (day.strftime("%Y-%m-%d"), int((day + timedelta(days=1)).timestamp())),
        (month.strftime("%Y-%m"), int(next_month.timestamp())),
    )


def _keys(user_id, periods) -> list[str]:
    # The hash tag keeps a user's keys in one Redis Cluster slot, as one script needs.
    return [f"aiquota:{{{user_id}}}:{period}" for period in periods]


def _usage(plan, frame, limits, counts) -> QuotaUsage:
    day, month = (
        Window(name, period, limit, int(count), reset)
        for name, (period, reset), limit, count in zip(
            (DAY, MONTH), frame, limits, counts, strict=True
        )
    )
    return QuotaUsage(plan=plan, daily=day, monthly=month)


def _redis(operation):
    """`operation(client)`, or None while Redis is disabled, failing or waiting to be retried."""
    if not redis_cache.available():
        return None
    result = redis_cache.call(lambda: operation(redis_cache.client()), default=_UNAVAILABLE)
    if result is _UNAVAILABLE:
        logger.warning("Redis unavailable for the AI quota: MongoDB alone counts meanwhile")
        return None
    return result


def _script(source: str, keys: list[str], args: list):
    return _redis(lambda client: client.register_script(source)(keys=keys, args=args))


def counter_reserve(*, keys: list[str], limits, floors, expire_at) -> list[int] | None:
    """The Redis step of a reservation, one atomic script: raise each counter to its floor,
    refuse when one is at its limit (None: no limit), else count one in each. Returns
    [refused window (0: none, 1, 2), count 1, count 2]; None when Redis cannot be used."""
    limit_args = [NO_LIMIT if limit is None else int(limit) for limit in limits]
    answer = _script(RESERVE_LUA, keys, [*limit_args, *floors, *expire_at])
    return None if answer is None else [int(value) for value in answer]


def _exceeded(usage: QuotaUsage, window: Window, now: float) -> QuotaExceeded:
    per = "day" if window.name == DAY else "month"
    resets = datetime.fromtimestamp(window.reset, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return QuotaExceeded(
        f"AI usage limit reached: {window.limit} AI requests per {per} on the {usage.plan} "
        f"plan. It resets at {resets}.",
        wait=int(window.reset - now),
        code="ai_quota_exceeded",
        usage=usage,
    )


def quota_reserve(*, user, now: datetime | None = None) -> Reservation | None:
    """Count one AI request of `user` in the day and month windows of its plan, or refuse it
    with QuotaExceeded (429 `ai_quota_exceeded`, Retry-After until the binding window resets)
    when either window is used up; then nothing is counted. None when no window has a limit
    (AI_QUOTA_ENABLED off, or a plan whose limits are all <= 0): nothing to count."""
    plan = user_plan(user)
    limits = plan_quota_limits(plan)
    if limits == (None, None):
        return None
    frame = quota_frame(now)
    periods = (frame[0][0], frame[1][0])
    answer = counter_reserve(
        keys=_keys(user.pk, periods),
        limits=limits,
        floors=usage_recorded(user_id=user.pk, periods=periods),
        expire_at=[reset + KEY_MARGIN_SECONDS for _, reset in frame],
    )
    if answer is not None:
        refused, counts = answer[0], answer[1:]
    else:
        refused, counts = usage_reserve(user_id=user.pk, periods=periods, limits=limits)
    usage = _usage(plan, frame, limits, counts)
    if refused:
        window = usage.daily if refused == 1 else usage.monthly
        raise _exceeded(usage, window, (now or timezone.now()).timestamp())
    if answer is not None:
        usage_add(user_id=user.pk, periods=periods, delta=1)
    return Reservation(user_id=user.pk, periods=periods, in_redis=answer is not None, usage=usage)


def quota_refund(*, reservation: Reservation) -> QuotaUsage:
    """Give back the request `reservation` counted (its answer was not a success: it was
    refused before the AI was called, or the AI failed); returns the usage after the refund.
    A refund Redis cannot take now leaves the count there until the key expires (the quota
    errs towards refusing, never towards letting more through)."""
    counts = None
    if reservation.in_redis:
        counts = _script(REFUND_LUA, _keys(reservation.user_id, reservation.periods), [])
    usage_add(user_id=reservation.user_id, periods=reservation.periods, delta=-1)
    if counts is None:
        counts = usage_recorded(user_id=reservation.user_id, periods=reservation.periods)
    usage = reservation.usage
    return QuotaUsage(
        plan=usage.plan,
        daily=_with_used(usage.daily, counts[0]),
        monthly=_with_used(usage.monthly, counts[1]),
    )


def _with_used(window: Window, used) -> Window:
    return Window(window.name, window.period, window.limit, int(used), window.reset)


def quota_usage(*, user, now: datetime | None = None) -> QuotaUsage:
    """The user's AI quota now, without counting: limits of its plan, requests used (the larger
    of Redis's count and MongoDB's record) and when each window resets."""
    plan = user_plan(user)
    frame = quota_frame(now)
    periods = (frame[0][0], frame[1][0])
    counts = usage_recorded(user_id=user.pk, periods=periods)
    live = _redis(lambda client: client.mget(_keys(user.pk, periods)))
    if live is not None:
        counts = [max(int(value or 0), count) for value, count in zip(live, counts, strict=True)]
    return _usage(plan, frame, plan_quota_limits(plan), counts)
