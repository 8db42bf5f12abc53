"""Export one book to a file through the export service (the API's PDF/DOCX/EPUB/Markdown
renderers, rules and access log)."""

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from autoauthor.admin_mixins import domain_error_text
from autoauthor.api.context import system_actor
from autoauthor.api.errors import DomainError
from autoauthor.api.fields import parse_object_id
from autoauthor.queries import one_or_none
from books.export import FORMATS
from books.models import Book
from books.services.export import book_export


class Command(BaseCommand):
    help = (
        "Export book ID as --format pdf|docx|epub|markdown to --output FILE (the owner is "
        "recorded in the access log as for an API export)."
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
        try:
            with system_actor():
                exported = book_export(
                    book=book, user=book.owner, fmt=fmt, include_empty=include_empty, **extra
                )
        except DomainError as exc:
            raise CommandError(f"Export failed: {domain_error_text(exc)}") from exc
        tmp = target.with_name(f".{target.name}.part")  # never leave a half-written FILE
        try:
            with tmp.open("wb") as out:
                shutil.copyfileobj(exported.file, out)
            tmp.replace(target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {output}: {exc}") from exc
        finally:
            exported.file.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported '{book.title}' as {fmt}: {exported.chapters_exported} chapters, "
                f"{exported.size} bytes -> {target}"
            )
        )
