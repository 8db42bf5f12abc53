"""The progress display of long commands (autoauthor.progress): plain lines when the output is
not a terminal, one redrawn bar when it is, and a real run of every command that uses it.

The terminal is stood in for by a StringIO whose isatty() is True; time by a clock the test
moves (the display's own parameter), so nothing here depends on how fast the machine is."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import AuditLog
from autoauthor.progress import Progress
from books.models import ChapterAccessLog
from tests.books.test_books_access_logs import without_ttl_index  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    """What a command writes to a terminal."""

    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def run(*args, stdout=None) -> str:
    out = stdout if stdout is not None else io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- the display ---------------------------------------------------------------------------------


def test_plain_lines_every_tenth_then_a_final_line():
    out, clock = io.StringIO(), Clock()
    with Progress(stream=out, total=400, label="Exporting chapters", clock=clock) as progress:
        for _ in range(400):
            clock.now += 0.001  # fast: only the tenths write lines
            progress.advance()
    lines = out.getvalue().splitlines()
    assert lines[0] == "Exporting chapters: 40/400 (10%)"
    assert lines[2] == "Exporting chapters: 120/400 (30%)"
    assert len(lines) == 10  # 10% .. 90%, then the final line instead of a second 100%
    assert re.fullmatch(r"Exporting chapters: 400/400 \(100%\) done in 0:00", lines[-1])
    assert "\r" not in out.getvalue()


def test_plain_lines_every_two_seconds_on_a_slow_run():
    out, clock = io.StringIO(), Clock()
    with Progress(stream=out, total=1000, label="Checking books", clock=clock) as progress:
        for _ in range(30):
            clock.now += 0.7
            progress.advance()  # 30 of 1000: no tenth reached, the time writes the lines
    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        "Checking books: 3/1000 (0%)",
        "Checking books: 6/1000 (0%)",
        "Checking books: 9/1000 (0%)",
    ]
    assert len(lines) == 10 + 1
    assert lines[-1] == "Checking books: 30/1000 (3%) done in 0:21"


def test_unknown_total_then_learned_late():
    out, clock = io.StringIO(), Clock()
    with Progress(stream=out, label="Deleting rows", clock=clock) as progress:
        clock.now += 3
        progress.update(5)
        progress.total = 10
        progress.update(6)  # 60%: tenths passed since the total was learned do not all print
        progress.update(7)
    assert out.getvalue().splitlines() == [
        "Deleting rows: 5",
        "Deleting rows: 6/10 (60%)",
        "Deleting rows: 7/10 (70%)",
        "Deleting rows: 7/10 (70%) done in 0:03",
    ]


def test_a_failure_ends_with_a_stopped_line():
    out = io.StringIO()
    with pytest.raises(RuntimeError), Progress(stream=out, total=4, label="Work") as progress:
        progress.advance()
        raise RuntimeError("boom")
    assert out.getvalue().splitlines()[-1].startswith("Work: 1/4 (25%) stopped in")


def test_a_terminal_gets_one_redrawn_bar_with_rate_and_eta():
    out, clock = Terminal(), Clock()
    with Progress(stream=out, total=40, label="Exporting chapters", clock=clock) as progress:
        for _ in range(10):
            clock.now += 0.5  # 2 chapters a second
            progress.advance()
        progress.note("a line of its own")
        for _ in range(30):
            clock.now += 0.5
            progress.advance()
    text = out.getvalue()
    frames = text.split("\r")
    assert "\n" not in frames[1] and frames[0] == ""  # the bar is redrawn, not appended
    assert "Exporting chapters [" in frames[10]
    assert "25% 10/40 2.0/s ETA 0:15" in frames[10]
    assert "a line of its own\n" in text
    # the bar was erased before the note, so the note starts a clean line
    assert re.search(r"\r +\ra line of its own\n", text)
    assert text.endswith("Exporting chapters: 40/40 (100%) done in 0:20\n")
    assert text.count("\n") == 2  # the note and the final line; the bar never scrolls


def test_a_terminal_bar_is_not_redrawn_more_than_ten_times_a_second():
    out, clock = Terminal(), Clock()
    with Progress(stream=out, total=1000, label="Work", clock=clock) as progress:
        for _ in range(1000):
            clock.now += 0.001  # 1 s in all
            progress.advance()
    assert 5 <= out.getvalue().count("\r") <= 14


# --- the commands --------------------------------------------------------------------------------


def test_export_book_shows_the_chapters_rendered(book, tmp_path):
    text = run("export_book", str(book.pk), "--format", "markdown", "--output", str(tmp_path / "a"))
    # The book fixture lists 4 chapters, 2 with content: 2 are exported.
    assert re.search(r"Exporting chapters: 2/2 \(100%\) done in \d+:\d\d\n", text)
    assert "Exporting chapters: 1/2 (50%)\n" in text
    assert "Exported 'The Lighthouse at Grey Point' as markdown: 2 chapters" in text

    screen = Terminal()
    run("export_book", str(book.pk), "--format", "docx", "--output", str(tmp_path / "b"),
        stdout=screen)  # fmt: skip
    assert "\rExporting chapters [" in screen.getvalue()
    assert "Exporting chapters: 2/2 (100%) done in" in screen.getvalue()


def test_export_book_failure_ends_the_progress_line(user, tmp_path):
    from tests.factories import BookFactory

    out = io.StringIO()
    with pytest.raises(CommandError, match="no chapters"):
        call_command(
            "export_book", str(BookFactory(owner=user).pk), "--format", "pdf",
            "--output", str(tmp_path / "x"), stdout=out,
        )  # fmt: skip
    assert "Exporting chapters: 0 stopped in" in out.getvalue()
    assert not (tmp_path / "x").exists() and not list(tmp_path.iterdir())


def test_seed_demo_shows_the_books_created(settings):
    settings.DEBUG = True
    settings.OPENAI_API_KEY = ""
    text = run("seed_demo", "--books", "2")
    assert "Creating demo books: 1/2 (50%)" in text
    assert "Creating demo books: 2/2 (100%) done in" in text
    assert len(re.findall(r"created demo book: .* \([0-9a-f]{24}\)", text)) == 2
    again = run("seed_demo")  # the user has books: nothing created, no progress at all
    assert "Creating demo books" not in again and "already has books" in again


def test_validate_data_shows_books_chapters_and_repairs(book):
    from books.models import Chapter

    text = run("validate_data")
    assert "Checking books: 1/1 (100%) done in" in text
    chapters = Chapter.objects.count()
    assert f"Checking chapter counts: {chapters}/{chapters} (100%) done in" in text

    Chapter.objects.filter(book=book).update(visible_word_count=77)
    text = run("validate_data", "--fix")
    assert "Repairing problems: 1/1 (100%) done in" in text
    assert re.search(r"fixed: \[stale_counts\] book .*: stored the counts of \d+ chapter", text)


@pytest.mark.usefixtures("without_ttl_index")  # old logs stay until the purge removes them
def test_the_purges_show_rows_deleted(user, book):
    old = timezone.now() - timedelta(days=200)
    ChapterAccessLog.objects.bulk_create(
        ChapterAccessLog(user=user, book=book, chapter_id="c1", access_type="view", timestamp=old)
        for _ in range(25)
    )
    text = run("purge_access_logs", "--days", "90", "--batch-size", "10")
    assert text.splitlines()[:2] == [
        "Deleting access logs: 10/25 (40%)",
        "Deleting access logs: 20/25 (80%)",
    ]
    assert "Deleting access logs: 25/25 (100%) done in" in text

    rows = AuditLog.objects.bulk_create(
        AuditLog(action="login", resource_type="user", target_id="x") for _ in range(6)
    )
    AuditLog.objects.filter(pk__in=[row.pk for row in rows]).update(timestamp=old)
    screen = Terminal()
    text = run("purge_audit_log", "--days", "100", "--batch-size", "4", stdout=screen)
    assert "\rDeleting audit rows [" in text
    assert "Deleting audit rows: 6/6 (100%) done in" in text
    dry = run("purge_audit_log", "--days", "100", "--dry-run")
    assert "Deleting" not in dry  # a dry run only counts
