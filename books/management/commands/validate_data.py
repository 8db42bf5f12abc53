"""Check TOC integrity and the documents that hang off it; --fix repairs through the services."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from autoauthor.admin_mixins import domain_error_text
from autoauthor.api.context import system_actor
from books.services.integrity import (
    BOOK_BATCH_SIZE,
    DEFAULT_GRACE,
    data_problems_find,
    data_problems_fix,
)


class Command(BaseCommand):
    help = (
        "Check every book: duplicate chapter orders and ids in TOCs, invalid TOCs, chapter "
        "documents the TOC does not list (dangling content), questions of chapters that no "
        "longer exist, books left half-deleted. Exits 1 when problems remain. --fix repairs "
        "what can be repaired (through the same services as the API; audit actor `system`); "
        "--fix --dry-run prints what --fix would do."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Repair the problems found.")
        parser.add_argument(
            "--dry-run", action="store_true", help="With --fix: only print what would be done."
        )
        parser.add_argument(
            "--grace-minutes",
            type=float,
            default=DEFAULT_GRACE.total_seconds() / 60,
            help="Ignore documents younger than this: writes in flight pass through these "
            "states (default %(default)s).",
        )
        parser.add_argument("--batch-size", type=int, default=BOOK_BATCH_SIZE)

    def handle(self, *args, fix, dry_run, grace_minutes, batch_size, **options):
        if grace_minutes < 0 or batch_size < 1:
            raise CommandError("--grace-minutes must be >= 0 and --batch-size >= 1")
        grace = timedelta(minutes=grace_minutes)

        def progress(checked: int, total: int) -> None:
            self.stdout.write(f"  checked {checked}/{total} books")

        def report(problem, outcome, error) -> None:
            if error is not None:
                self.stdout.write(
                    self.style.ERROR(f"not fixed: {problem}: {domain_error_text(error)}")
                )
            else:
                self.stdout.write(f"fixed: {problem}: {outcome}")

        try:
            with system_actor():
                problems = data_problems_find(grace=grace, batch_size=batch_size, progress=progress)
                for problem in problems:
                    suffix = "" if problem.fixable else " (needs a person: not auto-fixable)"
                    self.stdout.write(f"{problem}{suffix}")
                if not problems:
                    self.stdout.write(self.style.SUCCESS("No problems found"))
                    return
                if not fix:
                    raise CommandError(
                        f"{len(problems)} problem(s) found; run with --fix to repair them"
                    )
                if dry_run:
                    fixable = sum(1 for problem in problems if problem.fixable)
                    self.stdout.write(f"Dry run: --fix would repair {fixable} problem(s)")
                    raise CommandError(f"{len(problems)} problem(s) found (dry run)")
                failed = data_problems_fix(problems=problems, grace=grace, report=report)
        except CommandError:
            raise
        except Exception as exc:
            raise CommandError(f"validate_data failed: {exc}") from exc
        unfixable = sum(1 for problem in problems if not problem.fixable)
        if failed or unfixable:
            raise CommandError(f"{failed + unfixable} problem(s) remain")
        self.stdout.write(self.style.SUCCESS(f"Repaired {len(problems)} problem(s)"))
