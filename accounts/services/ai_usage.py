"""The MongoDB record of AI usage (`AIUsage`: one row per user and UTC period, a day
`2026-12-03` or a month `2026-12`), written by accounts/services/ai_quota.py after every
reservation and refund Redis counted, and counting alone while Redis is down.

Every write is a single-document `$inc` (an update with `F("count") + n`); a missing row is
created, and when two first requests race the unique `key` ("<user id>:<period>") refuses the
second create, which then counts in the row the first one made. No count is lost without
transactions.
"""

from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone

from accounts.models import AIUsage
from autoauthor.core.errors import Conflict

WRITE_ATTEMPTS = 8


def _rows(user_id, periods):
    return AIUsage.objects.filter(key__in=[AIUsage.key_of(user_id, p) for p in periods])


def _create(user_id, period: str, count: int) -> None:
    AIUsage.objects.create(
        key=AIUsage.key_of(user_id, period), user_id=user_id, period=period, count=count
    )


def usage_recorded(*, user_id, periods: tuple[str, ...]) -> list[int]:
    """The counts MongoDB records for `periods` (0 where there is no row yet)."""
    rows = dict(_rows(user_id, periods).values_list("period", "count"))
    return [int(rows.get(period, 0)) for period in periods]


def usage_add(*, user_id, periods: tuple[str, ...] | list[str], delta: int) -> None:
    """`$inc` the records of `periods` by `delta` (creating missing rows for a positive delta;
    a negative one never takes a count below 0)."""
    rows = _rows(user_id, periods)
    if delta < 0:
        rows = rows.filter(count__gt=0)
    updated = rows.update(count=F("count") + delta, updated_at=timezone.now())
    if delta <= 0 or updated >= len(periods):
        return
    existing = set(_rows(user_id, periods).values_list("period", flat=True))
    for period in (p for p in periods if p not in existing):
        try:
            _create(user_id, period, delta)
        except IntegrityError:  # another process created it first: count in theirs
            _rows(user_id, [period]).update(count=F("count") + delta, updated_at=timezone.now())


def usage_take(*, user_id, period: str, limit: int | None) -> bool:
    """Count one request in the record of `period` if it stays within `limit`: one conditional
    single-document update, so concurrent requests can never both take the last one."""
    if limit is not None and limit <= 0:
        return False
    for _ in range(WRITE_ATTEMPTS):
        rows = _rows(user_id, [period])
        open_rows = rows if limit is None else rows.filter(count__lt=limit)
        if open_rows.update(count=F("count") + 1, updated_at=timezone.now()):
            return True
        if limit is not None and rows.filter(count__gte=limit).exists():
            return False
        if rows.exists():
            continue  # created by a concurrent first request since the update: count in it
        try:
            _create(user_id, period, 1)
            return True
        except IntegrityError:  # a concurrent first request created the row: count in it
            continue
    raise Conflict("The AI usage record changed too often; try again.")


def usage_reserve(
    *, user_id, periods: tuple[str, ...], limits: tuple[int | None, ...]
) -> tuple[int, list[int]]:
    """Count one request in every period of `periods` within its limit (None: no limit), or in
    none: (1-based index of the refusing period or 0, the counts after). The reservation of the
    quota while Redis cannot be used; a period taken before a later one refuses is given back."""
    taken = []
    for index, (period, limit) in enumerate(zip(periods, limits, strict=True), start=1):
        if not usage_take(user_id=user_id, period=period, limit=limit):
            if taken:
                usage_add(user_id=user_id, periods=taken, delta=-1)
            return index, usage_recorded(user_id=user_id, periods=periods)
        taken.append(period)
    return 0, usage_recorded(user_id=user_id, periods=periods)
