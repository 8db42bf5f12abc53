"""Export one book to a file through the export service's own steps (the API's PDF/DOCX/EPUB/
Markdown renderers, the 400 rules and the access log), rendering straight into the file with a
progress display of the chapters rendered. No time limit: the operator stops it with Ctrl-C
(EXPORT_TIMEOUT_SECONDS bounds API requests, which hold a worker)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from autoauthor.admin_mixins import domain_error_text
from autoauthor.core.context import system_actor
from autoauthor.core.errors import DomainError
from autoauthor.core.ids import parse_object_id
from autoauthor.progress import Progress
from autoauthor.queries import one_or_none
from books.export import FORMATS, Deadline
from books.models import Book
from books.services.export import export_available, export_log, export_render


class _ProgressDeadline(Deadline):
    """No time limit; each rendered chapter advances `progress` (its total learned from the
    renderer's first report)."""

    def __init__(self, progress: Progress):
        super().__init__(None)
        self.progress = progress

    def chapter_done(self, index: int, total: int) -> None:
        if self.progress.total != total:
            self.progress.total = total
        self.progress.update(index)


class Command(BaseCommand):
    help = (
        "Export book ID as --format pdf|docx|epub|markdown to --output FILE (the owner is "
        "recorded in the access log as for an API export). Shows the chapters rendered."
    )

    def add_arguments(self, parser):
        parser.add_argument("book_id", help="The book's 24-hex id.")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), dest="fmt")
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument(
            "--include-empty", action="store_true", help="Include chapters without content."
        )
        parser.add_argument(
            "--page-size", choices=["letter", "A4"], default=None, help="PDF page size."
        )
        parser.add_argument(
            "--force", action="store_true", help="Overwrite --output if it already exists."
        )

    def handle(self, *args, book_id, fmt, output, include_empty, page_size, force, **options):
        oid = parse_object_id(book_id)
        book = (
            one_or_none(Book.objects.select_related("owner").filter(pk=oid, deleted_at=None))
            if oid is not None
            else None
        )
        if book is None:
            raise CommandError(f"Book {book_id} not found")
        target = Path(output)
        if target.exists() and not force:
            raise CommandError(f"{target} exists (use --force to overwrite)")
        if page_size and fmt != "pdf":
            raise CommandError("--page-size applies to --format pdf only")
        extra = {"page_size": page_size} if page_size else {}
        tmp = target.with_name(f".{target.name}.part")  # never leave a half-written FILE
        try:
            with system_actor():
                export_available(fmt)
                with tmp.open("wb") as out:
                    with Progress(stream=self.stdout, label="Exporting chapters") as progress:
                        count = export_render(
                            book=book,
                            owner=book.owner,
                            fmt=fmt,
                            include_empty=include_empty,
                            options=extra,
                            deadline=_ProgressDeadline(progress),
                            out=out,
                        )
                    size = out.tell()
                tmp.replace(target)
                export_log(
                    book=book,
                    user=book.owner,
                    fmt=fmt,
                    include_empty=include_empty,
                    size=size,
                    count=count,
                    options=extra,
                )
        except DomainError as exc:
            raise CommandError(f"Export failed: {domain_error_text(exc)}") from exc
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc}") from exc
        except Exception as exc:
            raise CommandError(f"Export failed: {exc}") from exc
        finally:
            tmp.unlink(missing_ok=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported '{book.title}' as {fmt}: {count} chapters, {size} bytes -> {target}"
            )
        )
