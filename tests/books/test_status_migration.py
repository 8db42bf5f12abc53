"""Migration 0005: stored chapter statuses `in-progress` become `in_progress` (Chapter documents
and any status a stored TOC node carries), and going back restores them."""

import importlib
import json

import pytest
from django.db import connection

from books.models import Book, Chapter
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("books.migrations.0005_chapter_status_in_progress")


def raw_toc(book) -> str:
    return connection.database["books"].find_one({"_id": book.pk})["toc"]


def run(step) -> None:
    with connection.schema_editor() as schema_editor:
        step(None, schema_editor)


def test_statuses_are_rewritten_both_ways(user):
    book = BookFactory(owner=user)
    legacy_toc = {
        "chapters": [
            {
                "id": "a",
                "title": "A",
                "status": "in-progress",
                "subchapters": [{"id": "a1", "title": "A1", "status": "in-progress"}],
            },
            {"id": "b", "title": "B (in-progress in the title stays)", "status": "completed"},
        ]
    }
    Book.objects.filter(pk=book.pk).update(toc=legacy_toc)
    Chapter.objects.create(book=book, chapter_id="a", status="draft")
    Chapter.objects.create(book=book, chapter_id="a1", status="draft")
    Chapter.objects.create(book=book, chapter_id="b", status="completed")
    Chapter.objects.filter(book=book, chapter_id__in=["a", "a1"]).update(status="in-progress")
    untouched = BookFactory(owner=user)
    Book.objects.filter(pk=untouched.pk).update(toc={"chapters": [{"id": "x", "title": "X"}]})
    before_untouched = raw_toc(untouched)

    run(migration.forwards)
    statuses = dict(Chapter.objects.filter(book=book).values_list("chapter_id", "status"))
    assert statuses == {"a": "in_progress", "a1": "in_progress", "b": "completed"}
    toc = json.loads(raw_toc(book))
    assert toc["chapters"][0]["status"] == "in_progress"
    assert toc["chapters"][0]["subchapters"][0]["status"] == "in_progress"
    assert toc["chapters"][1] == legacy_toc["chapters"][1]
    assert raw_toc(untouched) == before_untouched

    run(migration.backwards)
    statuses = dict(Chapter.objects.filter(book=book).values_list("chapter_id", "status"))
    assert statuses == {"a": "in-progress", "a1": "in-progress", "b": "completed"}
    assert json.loads(raw_toc(book)) == legacy_toc
