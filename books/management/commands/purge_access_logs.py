"""Delete chapter access logs older than --days days (default 90). Works on every server, with
or without the TTL index; schedule it (cron) where TTL indexes are unavailable."""

from autoauthor.management.purge import PurgeCommand
from books.services.access_logs import (
    ACCESS_LOG_RETENTION_DAYS,
    PURGE_BATCH_SIZE,
    access_logs_purge,
)


class Command(PurgeCommand):
    help = "Delete chapter access logs older than --days days."
    noun = "access logs"
    failure = "Purging access logs failed"
    default_days = ACCESS_LOG_RETENTION_DAYS
    default_batch_size = PURGE_BATCH_SIZE

    def purge(self, **options) -> int:
        return access_logs_purge(**options)
