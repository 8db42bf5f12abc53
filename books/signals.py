"""Cache invalidation receivers: a save or delete of a book, or a save of a chapter document or
an access log, through the ORM (services, the admin, factories, a shell) invalidates the book's
cached reads (books.read_cache). Queryset updates send no signal: the write services that make
them carry `read_cache.invalidates`, whose one invalidation at the end also covers whatever
these receivers see saved inside the service (`book_saved`); services that only save or create
(book_update, access_log_record) rely on these receivers. Connected in BooksConfig.ready()."""

from django.db.models.signals import post_delete, post_save

from books.models import Book, Chapter, ChapterAccessLog
from books.read_cache import book_saved


def _book_saved_or_deleted(sender, instance, **kwargs):
    # The collaborators' lists show the book too, when the instance has them loaded.
    readers = instance.__dict__.get("collaborator_ids") or ()
    book_saved(book_id=instance.pk, owner_id=instance.__dict__.get("owner_id"), reader_ids=readers)


def _book_part_saved(sender, instance, **kwargs):
    # The owner's book list shows chapter documents too (word counts, statuses): its token is
    # replaced as well when the instance carries its book (no database read for it otherwise;
    # the write services invalidate the owner's list themselves).
    book = instance._state.fields_cache.get("book") if sender is Chapter else None
    owner_id = book.__dict__.get("owner_id") if book is not None else None
    book_saved(book_id=instance.book_id, owner_id=owner_id)


def connect() -> None:
    post_save.connect(_book_saved_or_deleted, sender=Book, dispatch_uid="read_cache_book_saved")
    post_delete.connect(_book_saved_or_deleted, sender=Book, dispatch_uid="read_cache_book_deleted")
    for model in (Chapter, ChapterAccessLog):
        post_save.connect(
            _book_part_saved, sender=model, dispatch_uid=f"read_cache_{model.__name__}_saved"
        )
