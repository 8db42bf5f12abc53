"""The shape every retention command shares: --days, --batch-size, --dry-run, a progress display
(`autoauthor.progress`: the rows are counted first, then deleted batch by batch), a non-zero exit
on failure, and the `system` actor for whatever the purge audits."""

from django.core.management.base import BaseCommand, CommandError

from autoauthor.core.context import system_actor
from autoauthor.progress import Progress


class PurgeCommand(BaseCommand):
    noun = "rows"  # what is deleted, in the output ("access logs", "audit rows")
    failure = "Purging failed"
    default_days: int | None = None  # None: --days is required
    default_batch_size = 1000

    def purge(self, *, days: int, dry_run: bool, batch_size: int, progress) -> int:
        """Delete (or with dry_run count) what is older than `days` days; returns the count."""
        raise NotImplementedError

    def add_arguments(self, parser):
        if self.default_days is None:
            parser.add_argument(
                "--days", type=int, required=True, help="Keep rows of the last N days (N >= 1)."
            )
        else:
            parser.add_argument("--days", type=int, default=self.default_days)
        parser.add_argument("--batch-size", type=int, default=self.default_batch_size)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=f"Only count the {self.noun} that would be deleted.",
        )

    def handle(self, *args, days, batch_size, dry_run, **options):
        if days < 1:
            raise CommandError("--days must be at least 1")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")

        try:
            with system_actor():
                count = self.purge(days=days, dry_run=True, batch_size=batch_size, progress=None)
                if not dry_run:
                    # The count first, for the progress display's total (rows expiring
                    # meanwhile are deleted too: the display then ends past 100%).
                    label = f"Deleting {self.noun}"
                    with Progress(stream=self.stdout, label=label, total=count) as progress:
                        count = self.purge(
                            days=days,
                            dry_run=False,
                            batch_size=batch_size,
                            progress=progress.update,
                        )
        except Exception as exc:  # any database failure must end with a non-zero exit
            raise CommandError(f"{self.failure}: {exc}") from exc
        if dry_run:
            self.stdout.write(
                f"Dry run: {count} {self.noun} older than {days} days would be deleted"
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Deleted {count} {self.noun} older than {days} days")
            )
