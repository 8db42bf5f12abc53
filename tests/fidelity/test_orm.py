"""The same MongoDB semantics through the Django ORM (django-mongodb-backend) on the project's
models: F() updates, compare-and-swap writes, counts, null handling, unique indexes, dates and
the TTL index of chapter access logs.

`QuerySet.update(n=F("n") + 1)` becomes an update whose new value MongoDB computes; the result
must then be found by `filter(n=...)` and ordered by value like any number (MongoDB compares
int32, int64 and double by value). Rows are created with `bulk_create` and changed with
queryset `update()`, which send no model signals, so nothing here touches Redis.
"""

import importlib
from datetime import UTC, datetime

import pytest
from bson import Int64, ObjectId
from django.db import IntegrityError, connection
from django.db.models import F

from accounts.models import User
from books.models import Book, Chapter

pytestmark = pytest.mark.django_db

TTL_MIGRATION = importlib.import_module("books.migrations.0002_book_summary_version_access_log_ttl")


@pytest.fixture
def owner() -> User:
    (user,) = User.objects.bulk_create([User(email=f"owner-{ObjectId()}@example.com")])
    return user


def make_books(owner: User, count: int, **fields) -> list[Book]:
    books = Book.objects.bulk_create(
        [Book(owner=owner, title=f"Book {i}", **fields) for i in range(count)]
    )
    assert all(isinstance(book.pk, ObjectId) for book in books)
    return books


def raw(model):
    """The pymongo collection behind `model`, in the test database the ORM uses."""
    return connection.database[model._meta.db_table]


def test_f_expression_increment_is_found_by_value(owner) -> None:
    """update(n=F("n") + 1) lets MongoDB add to the stored number; filter(n=value) and range
    lookups then find the document by its numeric value (numeric types compare by value)."""
    book, other = make_books(owner, 2)
    for _ in range(3):
        assert Book.objects.filter(pk=book.pk).update(toc_version=F("toc_version") + 1) == 1
    assert Book.objects.get(pk=book.pk).toc_version == 3
    assert list(Book.objects.filter(toc_version=3).values_list("pk", flat=True)) == [book.pk]
    assert Book.objects.filter(toc_version__gt=2, toc_version__lt=4).count() == 1
    assert Book.objects.filter(toc_version__gte=1).count() == 1
    assert Book.objects.filter(toc_version=0).get().pk == other.pk


def test_order_by_after_f_updates_and_raw_int64_writes(owner) -> None:
    """order_by() on an integer field sorts by numeric value whether the stored values came from
    F() updates (int32 or int64) or from a pymongo $set of an Int64 or a double."""
    books = make_books(owner, 4)
    Book.objects.filter(pk=books[0].pk).update(summary_version=F("summary_version") + 5)
    Book.objects.filter(pk=books[1].pk).update(summary_version=F("summary_version") + 2)
    raw(Book).update_one({"_id": books[2].pk}, {"$set": {"summary_version": Int64(3)}})
    raw(Book).update_one({"_id": books[3].pk}, {"$set": {"summary_version": 4.0}})
    ordered = Book.objects.order_by("summary_version").values_list("summary_version", "pk")
    assert list(ordered) == [
        (2, books[1].pk),
        (3, books[2].pk),
        (4, books[3].pk),
        (5, books[0].pk),
    ]
    assert Book.objects.filter(summary_version=Int64(4)).get().pk == books[3].pk
    assert Book.objects.filter(summary_version__in=[3, 5]).count() == 2


def test_f_expression_compare_and_swap_succeeds_50_times(owner) -> None:
    """The chapter-content pattern filter(pk=..., version=v).update(version=F("version") + 1)
    matches on every turn when v is the version the previous update left (books/services/
    content.py); a stale v matches nothing."""
    (book,) = make_books(owner, 1)
    (chapter,) = Chapter.objects.bulk_create([Chapter(book=book, chapter_id="ch-1")])
    for version in range(50):
        updated = Chapter.objects.filter(pk=chapter.pk, version=version, status="draft").update(
            version=F("version") + 1, content=f"text {version + 1}"
        )
        assert updated == 1, version
    assert Chapter.objects.filter(pk=chapter.pk, version=49).update(content="lost") == 0
    chapter.refresh_from_db()
    assert (chapter.version, chapter.content) == (50, "text 50")


def test_set_next_version_compare_and_swap_succeeds_50_times(owner) -> None:
    """The TOC pattern filter(pk=..., toc_version=current).update(toc_version=current + 1)
    chains for 50 writes (books/services/toc.py), also after a raw $inc turned the stored
    version into whatever numeric type MongoDB's $inc gives."""
    (book,) = make_books(owner, 1)
    for current in range(50):
        if current == 25:
            raw(Book).update_one({"_id": book.pk}, {"$inc": {"toc_version": Int64(0)}})
        updated = Book.objects.filter(pk=book.pk, toc_version=current, deleted_at=None).update(
            toc_version=current + 1, toc=[{"id": str(current)}]
        )
        assert updated == 1, current
    assert Book.objects.get(pk=book.pk).toc_version == 50


def test_orm_counts_and_exists(owner) -> None:
    """count() counts the matching documents (after slicing, only the slice), filter().count()
    the filtered ones, and exists() is true exactly when at least one document matches."""
    make_books(owner, 3, genre="Fiction")
    make_books(owner, 2, genre="Poetry")
    mine = Book.objects.filter(owner=owner)
    assert mine.count() == 5
    assert mine.filter(genre="Poetry").count() == 2
    assert mine.order_by("title")[1:4].count() == 3
    assert mine.exists()
    assert mine.filter(genre="Poetry").exists()
    assert not mine.filter(genre="Drama").exists()
    assert raw(Book).count_documents({"owner_id": owner.pk, "genre": "Fiction"}) == 3


def test_filter_none_matches_null_and_missing_fields(owner) -> None:
    """filter(field=None) (isnull) matches documents whose field is null and documents without
    the field, as MongoDB's {field: null} does; exclude(field=None) matches neither."""
    kept, unset, deleted = make_books(owner, 3)
    raw(Book).update_one({"_id": unset.pk}, {"$unset": {"deleted_at": ""}})
    Book.objects.filter(pk=deleted.pk).update(deleted_at=datetime(2024, 1, 1, tzinfo=UTC))
    assert "deleted_at" not in raw(Book).find_one({"_id": unset.pk})
    live = set(Book.objects.filter(deleted_at=None).values_list("pk", flat=True))
    assert live == {kept.pk, unset.pk}
    assert list(Book.objects.exclude(deleted_at=None).values_list("pk", flat=True)) == [deleted.pk]
    assert Book.objects.filter(deleted_at__lt=datetime(2030, 1, 1, tzinfo=UTC)).count() == 1


def test_unique_field_violation_raises_integrity_error_from_code_11000(owner) -> None:
    """A unique model field is a unique index: a second row with the same value fails with
    MongoDB's duplicate key error 11000, which the backend raises as IntegrityError."""
    (book,) = make_books(owner, 1)
    Chapter.objects.bulk_create([Chapter(book=book, chapter_id="one")])
    with pytest.raises(IntegrityError) as excinfo:
        Chapter.objects.bulk_create([Chapter(book=book, chapter_id="one")])
    assert "11000" in str(excinfo.value) or "duplicate key" in str(excinfo.value).lower()
    assert Chapter.objects.filter(book=book).count() == 1
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email=owner.email)])


def test_datetime_field_keeps_milliseconds(owner) -> None:
    """A DateTimeField is a BSON date: it is read back in UTC with microseconds truncated to
    milliseconds."""
    written = datetime(2024, 2, 3, 4, 5, 6, 789999, tzinfo=UTC)
    (book,) = make_books(owner, 1, created_at=written)
    book.refresh_from_db()
    assert book.created_at == datetime(2024, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)
    assert raw(Book).find_one({"_id": book.pk})["created_at"] == datetime(
        2024, 2, 3, 4, 5, 6, 789000
    )
    assert Book.objects.filter(created_at=written.replace(microsecond=789000)).count() == 1


def test_object_id_primary_key_round_trip(owner) -> None:
    """Primary keys are ObjectIds: get(pk=...) finds a row by the ObjectId or by its hex string,
    and a foreign key stores the referenced ObjectId."""
    (book,) = make_books(owner, 1)
    assert Book.objects.get(pk=str(book.pk)).pk == book.pk
    assert raw(Book).find_one({"_id": book.pk})["owner_id"] == owner.pk
    found = Book.objects.filter(pk__in=[book.pk, ObjectId()]).values_list("pk", flat=True)
    assert list(found) == [book.pk]


def test_access_log_ttl_index_metadata(db) -> None:
    """The chapter access log TTL index created by migration books 0002 carries
    expireAfterSeconds (90 days) and the timestamp key in index_information()."""
    info = raw(Book).database["chapter_access_logs"].index_information()
    index = info[TTL_MIGRATION.TTL_INDEX_NAME]
    assert index["expireAfterSeconds"] == TTL_MIGRATION.TTL_SECONDS == 90 * 24 * 60 * 60
    assert index["key"] == [("timestamp", 1)]
