"""A deleted book's index entries go with it (one command; the entries are never read once the
book is gone, this keeps its text out of storage). Connected in SearchConfig.ready()."""

from django.db.models.signals import post_delete

from books.models import Book


def _book_deleted(sender, instance, **kwargs):
    from search.services import search_entries_delete

    search_entries_delete(book_id=instance.pk)


def connect() -> None:
    post_delete.connect(_book_deleted, sender=Book, dispatch_uid="search_book_deleted")
