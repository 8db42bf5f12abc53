"""Delete audit-log rows older than --days days (the purge itself is audited)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.services.audit_retention import PURGE_BATCH_SIZE, audit_log_purge
from autoauthor.api.context import system_actor


class Command(BaseCommand):
    help = "Delete audit-log rows older than --days days; --dry-run only counts them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, required=True, help="Keep rows of the last N days (N >= 1)."
        )
        parser.add_argument("--batch-size", type=int, default=PURGE_BATCH_SIZE)
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the rows that would be deleted."
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
                count = audit_log_purge(
                    days=days, dry_run=dry_run, batch_size=batch_size, progress=progress
                )
        except Exception as exc:  # any database failure must end with a non-zero exit
            raise CommandError(f"Purging the audit log failed: {exc}") from exc
        if dry_run:
            self.stdout.write(
                f"Dry run: {count} audit rows older than {days} days would be deleted"
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Deleted {count} audit rows older than {days} days")
            )
