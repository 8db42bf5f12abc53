"""Which chapter revisions are kept as they age: the `REVISION_RETENTION` tiers.

The setting is a comma-separated list of `AGE=EVERY` tiers, youngest first: a revision younger
than AGE (and older than the previous tier's AGE) is kept when it is the newest of its
EVERY-long time bucket; `EVERY=all` keeps every revision of the tier, and AGE `*` is the last,
unbounded tier (required). Durations are a number with a unit: s, m, h, d. The default,
`1d=all,7d=1h,*=1d`, keeps every revision of the last day, one per hour (the last of each
hour) for a week and one per day after that. Buckets count from the epoch, so a revision kept
once stays kept as it ages within a tier, and the newest revision of a chapter is always kept
(it is the newest of its bucket).
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"(\d{1,6})([smhd])")


@dataclass(frozen=True)
class Tier:
    max_age: float | None  # seconds; None: no upper bound (the last tier)
    every: float | None  # bucket length in seconds; None: keep all


def _seconds(text: str, setting: str) -> float:
    match = _DURATION.fullmatch(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise ImproperlyConfigured(
            f"{setting}: {text!r} is not a duration (a positive number and one of s, m, h, d)"
        )
    return int(match.group(1)) * UNITS[match.group(2)]


def retention_tiers(value: str | None = None) -> tuple[Tier, ...]:
    """The tiers of `value` (the REVISION_RETENTION setting when None), checked: ages strictly
    increasing, the last tier and only it is `*` (so no revision is ever dropped for age alone
    and a chapter's newest revision always stays). A bad value is ImproperlyConfigured."""
    value = settings.REVISION_RETENTION if value is None else value
    tiers: list[Tier] = []
    for part in (p for p in value.split(",") if p.strip()):
        age, sep, every = part.partition("=")
        if not sep or (tiers and tiers[-1].max_age is None):
            raise ImproperlyConfigured(f"REVISION_RETENTION: bad tier {part!r}")
        max_age = None if age.strip() == "*" else _seconds(age, "REVISION_RETENTION")
        if tiers and max_age is not None and max_age <= tiers[-1].max_age:
            raise ImproperlyConfigured("REVISION_RETENTION: tier ages must increase")
        kept = None if every.strip() == "all" else _seconds(every, "REVISION_RETENTION")
        tiers.append(Tier(max_age=max_age, every=kept))
    if not tiers or tiers[-1].max_age is not None:
        raise ImproperlyConfigured("REVISION_RETENTION: the last tier must be `*=EVERY`")
    return tuple(tiers)


def keep_all_seconds(tiers: tuple[Tier, ...]) -> float:
    """How young a revision must be to be kept whatever the other tiers say: the age of the
    leading `all` tiers (0 when the first tier thins)."""
    age = 0.0
    for tier in tiers:
        if tier.every is not None:
            return age
        if tier.max_age is None:
            return float("inf")
        age = tier.max_age
    return age  # not reached: the last tier is `*`


def bucket_of(tiers: tuple[Tier, ...], *, written: datetime, now: datetime):
    """The bucket a revision written at `written` falls in at `now`: None when its tier keeps
    everything, else (tier index, bucket number)."""
    age = (now - written).total_seconds()
    for index, tier in enumerate(tiers):
        if tier.max_age is None or age < tier.max_age:
            if tier.every is None:
                return None
            return index, int(written.timestamp() // tier.every)
    raise AssertionError("the last tier is unbounded")  # retention_tiers() guarantees it


def revisions_to_drop(tiers: tuple[Tier, ...], rows, *, now: datetime) -> list:
    """The pks to delete among `rows` — (pk, written) pairs of ONE chapter, newest first: in
    each bucket the newest is kept, the others go."""
    seen: set = set()
    drop = []
    for pk, written in rows:
        bucket = bucket_of(tiers, written=written, now=now)
        if bucket is None:
            continue
        if bucket in seen:
            drop.append(pk)
        else:
            seen.add(bucket)
    return drop
