"""Thin every chapter's revisions by age, as the REVISION_RETENTION tiers say (default: all of
the last day, the last of each hour for a week, the last of each day after). Content saves also
thin a chapter now and then; schedule this (daily, say) so chapters nobody edits shrink too."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from autoauthor.core.context import system_actor
from autoauthor.progress import Progress
from books.services.revisions import retention_tiers, revisions_thin, revisions_thin_count
from books.services.revisions.thinning import THIN_BATCH_SIZE


class Command(BaseCommand):
    help = "Delete the chapter revisions the REVISION_RETENTION tiers no longer keep."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=THIN_BATCH_SIZE)
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the revisions that would go."
        )

    def handle(self, *args, batch_size, dry_run, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            retention_tiers()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        try:
            with system_actor():
                total = revisions_thin_count()
                label = "Checking revisions" if dry_run else "Thinning revisions"
                with Progress(stream=self.stdout, label=label, total=total) as progress:
                    scanned, deleted = revisions_thin(
                        dry_run=dry_run,
                        batch_size=batch_size,
                        progress=progress.update,
                    )
        except Exception as exc:  # any database failure must end with a non-zero exit
            raise CommandError(f"Thinning revisions failed: {exc}") from exc
        if dry_run:
            self.stdout.write(f"Dry run: {deleted} of {scanned} old revisions would be deleted")
        else:
            self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} of {scanned} old revisions"))
