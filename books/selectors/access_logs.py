"""Chapter access-log reads: the last active chapter, the latest tab state, per-chapter
analytics."""

from datetime import timedelta

from django.db.models import Count, Max
from django.utils import timezone

from books.models import AccessType, ChapterAccessLog


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def chapter_last_active(*, book, user, chapter_ids) -> str | None:
    """The chapter of this book the user most recently viewed or edited, among `chapter_ids`
    (chapters that still exist). One query on the (user, book, timestamp) index."""
    log = (
        ChapterAccessLog.objects.filter(
            user_id=user.pk,
            book_id=book.pk,
            access_type__in=[AccessType.VIEW, AccessType.EDIT],
            chapter_id__in=list(chapter_ids),
        )
        .order_by("-timestamp")
        .only("chapter_id")
        .first()
    )
    return log.chapter_id if log else None


def tab_state_latest(*, book, user):
    """The user's latest saved tab state for this book (a `tab_state` access log), or None."""
    return (
        ChapterAccessLog.objects.filter(
            user_id=user.pk, book_id=book.pk, access_type=AccessType.TAB_STATE
        )
        .order_by("-timestamp")
        .first()
    )


def chapter_analytics(*, book, chapter_id: str, days: int) -> list[dict]:
    """Access counts of one chapter in the last `days` days, all users, grouped by access type:
    `[{"_id": {"chapter_id", "access_type"}, "count", "last_access"}]` (the reference's shape),
    most frequent first. One aggregation."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        ChapterAccessLog.objects.filter(
            book_id=book.pk, chapter_id=chapter_id, timestamp__gte=since
        )
        .values("access_type")
        .annotate(count=Count("id"), last_access=Max("timestamp"))
        .order_by()
    )
    out = [
        {
            "_id": {"chapter_id": chapter_id, "access_type": row["access_type"]},
            "count": row["count"],
            "last_access": _iso(row["last_access"]),
        }
        for row in rows
    ]
    out.sort(key=lambda item: (-item["count"], item["_id"]["access_type"]))
    return out
