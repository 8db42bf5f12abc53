"""Delete chapter access logs older than --days days (default 90). Works on every server, with
or without the TTL index; schedule it (cron) where TTL indexes are unavailable."""

from django.core.management.base import BaseCommand, CommandError

from autoauthor.api.context import system_actor
from books.services.access_logs import (
    ACCESS_LOG_RETENTION_DAYS,
    PURGE_BATCH_SIZE,
    access_logs_purge,
)


class Command(BaseCommand):
    help = "Delete chapter access logs older than --days days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=ACCESS_LOG_RETENTION_DAYS)
        parser.add_argument("--batch-size", type=int, default=PURGE_BATCH_SIZE)
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the logs that would be deleted."
        )

    def handle(self, *args, days, batch_size, dry_run, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")

        def progress(deleted: int) -> None:
            self.stdout.write(f"  deleted {deleted} so far")

        try:
            with system_actor():
                count = access_logs_purge(
                    days=days, dry_run=dry_run, batch_size=batch_size, progress=progress
                )
        except Exception as exc:  # any database failure must end with a non-zero exit
            raise CommandError(f"Purging access logs failed: {exc}") from exc
        if dry_run:
            self.stdout.write(
                f"Dry run: {count} access logs older than {days} days would be deleted"
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Deleted {count} access logs older than {days} days")
            )
