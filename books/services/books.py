"""Book writes: create, update and cascade delete. The summary, the book-level question
responses (`books.services.summary`) and the cover image (`books.services.cover`) live in their
own modules; their public names are re-exported here, so `books.services.books` keeps offering
every book write.

Audit rows (collection audit_logs; actor = the requesting user, `system` in commands; target =
the book id; resource_type "book"):
- `book_create`, `book_update`, `book_delete`: written by the generic receivers of
  accounts/signals.py on Book saves and deletes. `changes` is {field: [old, new]} of the fields
  that changed (description and summary by length); an update that changes nothing writes
  nothing. The soft-delete marker (`deleted_at`) is a plain update and writes no row: the delete
  is recorded once, as `book_delete`, when the document goes.
- `summary_update`, `question_responses_update`: see `books.services.summary`.
- `cover_image_upload`: see `books.services.cover`.
"""

from datetime import timedelta

from django.apps import apps
from django.db import DatabaseError, models
from django.utils import timezone

from accounts.models import AuditedModel
from autoauthor.core.errors import NotFound
from autoauthor.queries import one_or_none
from autoauthor.transactions import atomic_if_supported
from books.models import Book
from books.read_cache import book_changed, invalidates
from books.selectors import BOOK_NOT_FOUND
from books.services.cover import cover_file_delete

__all__ = [
    "BOOK_EDITABLE_FIELDS",
    "book_create",
    "book_delete",
    "book_purge_deleted",
    "book_update",
]

# Fields a client may set on create/update (BookCreate/BookUpdate of the reference).
BOOK_EDITABLE_FIELDS = (
    "title",
    "subtitle",
    "description",
    "genre",
    "target_audience",
    "cover_image_url",
    "metadata",
    "published",
)

# --- Create, update ----------------------------------------------------------------------------


def book_create(*, owner, data: dict) -> Book:
    """Create a book owned by `owner` from validated BookCreate fields. `toc_items` and
    `collaborators` start empty and `published` false (the reference's defaults); the generic
    receiver writes the `book_create` audit row."""
    fields = {name: data[name] for name in BOOK_EDITABLE_FIELDS if name in data}
    fields.pop("published", None)  # not settable on create (reference BookCreate)
    if fields.get("metadata") is None:
        fields["metadata"] = {}
    now = timezone.now()
    return Book.objects.create(owner=owner, created_at=now, updated_at=now, **fields)


def book_update(*, book: Book, data: dict) -> Book:
    """Apply validated BookUpdate fields to `book` (PUT and PATCH share this rule).

    A key that is absent or null leaves the field unchanged (the reference's rule; `title` can
    never be null, the input refuses it); an empty string clears an optional text field;
    `metadata` is replaced wholesale, not merged. Only the fields that change are written, with
    `updated_at`, in one single-document update, so a concurrent TOC or summary write is never
    overwritten; concurrent updates of the same field are last-writer-wins (as the reference).
    Nothing changed: no write, no audit row."""
    changed = []
    for name in BOOK_EDITABLE_FIELDS:
        value = data.get(name)
        if value is None or getattr(book, name) == value:
            continue
        setattr(book, name, value)
        changed.append(name)
    if not changed:
        return book
    book.updated_at = timezone.now()
    try:
        book.save(update_fields=[*changed, "updated_at"])
    except DatabaseError as exc:  # the document vanished (deleted) since it was read
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found") from exc
    return book


# --- Delete (cascade) ----------------------------------------------------------------------------


def _raw_deletable(model) -> bool:
    """Rows nobody points at and nobody audits can be deleted with one command, without loading
    them (access logs can be many); everything else goes through Django's collector so nested
    cascades and audit receivers run."""
    return not issubclass(model, AuditedModel) and not model._meta.related_objects


def _book_children_delete(*, book_pk) -> dict[str, int]:
    """Delete every row of every model with a cascading foreign key to Book (chapters, access
    logs and, when their app adds them, questions, responses and ratings — each through the
    collector, so their own cascades follow). New models join by declaring the foreign key."""
    counts: dict[str, int] = {}
    for relation in Book._meta.related_objects:
        if getattr(relation, "on_delete", None) is not models.CASCADE:
            continue
        model = relation.related_model
        queryset = model._base_manager.filter(**{relation.field.attname: book_pk})
        if _raw_deletable(model):
            per_model = {model._meta.label: queryset._raw_delete(queryset.db)}
        else:
            _, per_model = queryset.delete()
        for label, deleted in per_model.items():
            table = apps.get_model(label)._meta.db_table
            counts[table] = counts.get(table, 0) + deleted
    return counts


@invalidates
def book_delete(*, book: Book) -> dict[str, int]:
    """Delete `book` and everything that belongs to it; audit rows stay.

    Order (safe to retry, never a visible half-state): 1) set `deleted_at` with one
    single-document update, so the book disappears from every read at once (selectors filter
    `deleted_at=None`); 2) delete the children (`_book_children_delete`); 3) delete the book
    document (the receiver writes `book_delete`); 4) best effort, delete its stored cover files.
    Steps 2-3 run in a transaction on a real replica set. If the process dies after step 1,
    running this again (or `book_purge_deleted`) finishes the work. Returns the number of
    deleted rows per collection."""
    if book.deleted_at is None:
        Book.objects.filter(pk=book.pk, deleted_at=None).update(deleted_at=timezone.now())
        book_changed(book_id=book.pk, owner_id=book.owner_id)  # gone from cached reads at once
    with atomic_if_supported():
        current = one_or_none(
            Book.objects.filter(pk=book.pk).only(
                "owner_id", "title", "cover_image_url", "cover_thumbnail_url", "deleted_at"
            )
        )
        if current is None:
            return {}  # another run finished it
        book_pk = current.pk  # Model.delete() resets the instance's pk
        counts = _book_children_delete(book_pk=book_pk)
        current.delete()
    counts[Book._meta.db_table] = 1
    for url in (current.cover_image_url, current.cover_thumbnail_url):
        cover_file_delete(book_pk=book_pk, url=url)
    return counts


def book_purge_deleted(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Finish deletes that were interrupted after the book was marked deleted: every book whose
    `deleted_at` is older than `older_than` (so an in-flight delete is left to finish itself)
    goes through `book_delete`. Returns the number of books purged."""
    cutoff = timezone.now() - older_than
    purged = 0
    for book in Book.objects.filter(deleted_at__lt=cutoff).only("deleted_at"):
        if book_delete(book=book):
            purged += 1
    return purged
