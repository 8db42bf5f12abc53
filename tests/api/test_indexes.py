"""Unique indexes are single-field: the embedded server checks a compound unique index by
scanning the whole collection on every insert, so writes would slow down as data grows (see
books.models.CompositeUniqueKey)."""

import pytest
from django.apps import apps
from django.db import connection

pytestmark = pytest.mark.django_db
PROJECT_APPS = {"accounts", "books", "questions", "jobs"}


def test_every_unique_index_has_one_key():
    database = connection.database
    compound = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue  # Django's contrib tables take rare inserts (migrations, admin)
        info = database[model._meta.db_table].index_information()
        compound += [
            (model._meta.db_table, name)
            for name, spec in info.items()
            if spec.get("unique") and len(spec["key"]) > 1
        ]
    assert compound == []


def test_composite_key_keeps_pairs_unique(user):
    from django.db import IntegrityError

    from books.models import Book, Chapter

    book = Book.objects.create(owner=user, title="Keys")
    Chapter.objects.bulk_create(
        [Chapter(book=book, chapter_id="a"), Chapter(book=book, chapter_id="b")]
    )
    assert set(Chapter.objects.values_list("unique_key", flat=True)) == {
        f"{book.pk}:a",
        f"{book.pk}:b",
    }
    with pytest.raises(IntegrityError):
        Chapter.objects.create(book=book, chapter_id="a")
