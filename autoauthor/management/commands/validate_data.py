"""Check TOC integrity and the documents that hang off it; --fix repairs through the services.
Progress of the checks (books, then chapter counts) and of the repairs is shown as it goes.

Every app's checks run, in app order, through its integrity part (autoauthor.core.registry;
books.services.integrity runs them)."""

from contextlib import ExitStack
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from autoauthor.admin_mixins import domain_error_text
from autoauthor.core.context import system_actor
from autoauthor.progress import Progress
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
        "longer exist, books left half-deleted, chapters whose stored export counts disagree "
        "with their content. Exits 1 when problems remain. --fix repairs what can be repaired "
        "(through the same services as the API; audit actor `system`); --fix --dry-run prints "
        "what --fix would do."
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
        labels = {"books": "Checking books", "chapters": "Checking chapter counts"}

        with ExitStack() as stack:
            displays: dict[str, Progress] = {}

            def progress(phase: str, checked: int, total: int) -> None:
                if phase not in displays:
                    for display in displays.values():
                        display.close()
                    displays[phase] = stack.enter_context(
                        Progress(stream=self.stdout, label=labels[phase], total=total)
                    )
                displays[phase].total = total
                displays[phase].update(checked)

            problems = self._find(grace=grace, batch_size=batch_size, progress=progress)
        self._report(problems, fix=fix, dry_run=dry_run, grace=grace)

    def _find(self, *, grace, batch_size, progress):
        try:
            with system_actor():
                return data_problems_find(grace=grace, batch_size=batch_size, progress=progress)
        except Exception as exc:
            raise CommandError(f"validate_data failed: {exc}") from exc

    def _report(self, problems, *, fix: bool, dry_run: bool, grace) -> None:
        fixable = [problem for problem in problems if problem.fixable]

        try:
            with system_actor():
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
                    self.stdout.write(f"Dry run: --fix would repair {len(fixable)} problem(s)")
                    raise CommandError(f"{len(problems)} problem(s) found (dry run)")
                with Progress(
                    stream=self.stdout, label="Repairing problems", total=len(fixable)
                ) as display:

                    def report(problem, outcome, error) -> None:
                        if error is not None:
                            text = f"not fixed: {problem}: {domain_error_text(error)}"
                            display.note(self.style.ERROR(text))
                        else:
                            display.note(f"fixed: {problem}: {outcome}")
                        display.advance()

                    failed = data_problems_fix(problems=problems, grace=grace, report=report)
        except CommandError:
            raise
        except Exception as exc:
            raise CommandError(f"validate_data failed: {exc}") from exc
        unfixable = sum(1 for problem in problems if not problem.fixable)
        if failed or unfixable:
            raise CommandError(f"{failed + unfixable} problem(s) remain")
        self.stdout.write(self.style.SUCCESS(f"Repaired {len(problems)} problem(s)"))
