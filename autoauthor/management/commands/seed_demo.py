"""Create demo data for a fresh install: the demo admin and demo user (printed credentials) and
realistic demo books for the demo user. Idempotent: `make run` calls it on every start.

Every app adds its share through its demo part (autoauthor.core.registry), run in app order:
accounts the demo accounts, books the books, questions their questions and answers."""

from contextlib import ExitStack

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from autoauthor.core.context import system_actor
from autoauthor.core.registry import DemoRun, demo_seed
from autoauthor.progress import Progress
from books.services.demo import DEFAULT_DEMO_BOOKS

# Up to this many books, each created book gets a line of its own (title and id) besides the
# progress display; a larger --books run shows the progress only.
BOOK_LINES = 10


class Command(BaseCommand):
    help = (
        "Create the demo admin and demo user when absent, print their credentials, and give "
        f"the demo user {DEFAULT_DEMO_BOOKS} demo books (summary, TOC, chapter content, "
        "questions and responses) unless they already have books. --books N always adds N."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--books",
            type=int,
            default=None,
            metavar="N",
            help=(
                "Add N demo books to the demo user even if they already have books "
                f"(default: {DEFAULT_DEMO_BOOKS}, only when they have none)."
            ),
        )

    def handle(self, *args, books=None, **options):
        # Demo accounts have published passwords: never on a production configuration.
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with known passwords: DEBUG only")
        if books is not None and books < 0:
            raise CommandError("--books must be 0 or more")
        try:
            with system_actor():
                run = self._seed(books)
        except CommandError:
            raise
        except Exception as exc:  # any failure must end with a non-zero exit and a clear line
            raise CommandError(f"Seeding demo data failed: {exc}") from exc
        self._report(run)

    def _seed(self, books: int | None) -> DemoRun:
        # Opened at the first book: a run that adds none prints no progress at all.
        with ExitStack() as stack:
            display: Progress | None = None

            def progress(book, done: int, total: int) -> None:
                nonlocal display
                if display is None:
                    display = stack.enter_context(
                        Progress(stream=self.stdout, label="Creating demo books")
                    )
                display.total = total
                if total <= BOOK_LINES:
                    display.note(f"  created demo book: {book.title} ({book.pk})")
                display.update(done)

            return demo_seed(books=books, progress=progress)

    def _report(self, run: DemoRun) -> None:
        if run.created:
            self.stdout.write(f"Created {len(run.created)} demo books for {run.owner.email}")
        else:
            self.stdout.write(f"Demo books: {run.owner.email} already has books (none added)")
        self.stdout.write("Demo accounts (development only):")
        for user, password, created_now in run.accounts:
            state = "created" if created_now else "existing"
            self.stdout.write(
                f"  {user.email:<28} password: {password:<24} ({state}, role {user.role})"
            )
