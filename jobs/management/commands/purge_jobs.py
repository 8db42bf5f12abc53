"""`manage.py purge_jobs [--dry-run]`: delete expired export files, finished jobs older than
JOBS_HISTORY_DAYS, and stored files of jobs that no longer exist (jobs.services.retention)."""

from django.core.management.base import BaseCommand

from autoauthor.progress import Progress
from jobs.services.retention import jobs_purge


class Command(BaseCommand):
    help = (
        "Delete export files past their retention period (JOBS_FILE_RETENTION_HOURS), finished "
        "jobs older than JOBS_HISTORY_DAYS with their files, and files of deleted jobs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted, delete nothing."
        )

    def handle(self, *args, **options):
        with Progress(stream=self.stdout, label="Purging jobs", total=None) as progress:

            def report(done: int, total: int) -> None:
                progress.total = total
                progress.update(done)

            result = jobs_purge(dry_run=options["dry_run"], progress=report)
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(
            f"{verb} {result.files_expired} expired file(s), {result.jobs_deleted} old job(s), "
            f"{result.orphans_deleted} orphaned file folder(s)."
        )
