"""Chapter access-log retention.

Logs expire after ACCESS_LOG_RETENTION_DAYS. Where the server supports TTL indexes the
`access_logs_ttl_idx` index (migration books 0002) removes them; `access_logs_purge` does the
same everywhere and is what `manage.py purge_access_logs` runs.
"""

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from books.models import ChapterAccessLog

ACCESS_LOG_RETENTION_DAYS = 90
PURGE_BATCH_SIZE = 1000


def access_logs_purge(
    *,
    days: int = ACCESS_LOG_RETENTION_DAYS,
    dry_run: bool = False,
    batch_size: int = PURGE_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Delete chapter access logs older than `days` days, in batches of `batch_size` ids (one
    find and one delete command per batch, so memory stays flat however many logs expired);
    `progress(deleted_so_far)` is called after each batch. With `dry_run` nothing is deleted
    and the number that would be is returned. Returns the number of logs deleted."""
    if days < 1:
        raise ValueError("days must be at least 1")
    cutoff = timezone.now() - timedelta(days=days)
    expired = ChapterAccessLog.objects.filter(timestamp__lt=cutoff)
    if dry_run:
        return expired.count()
    deleted = 0
    while True:
        ids = list(expired.order_by().values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        # Access logs have no audit receiver and nothing points at them: delete the batch
        # with one command instead of loading every row through the collector.
        batch = ChapterAccessLog.objects.filter(pk__in=ids)
        deleted += batch._raw_delete(batch.db)
        if progress is not None:
            progress(deleted)
