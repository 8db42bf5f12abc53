"""Reading the TOC and chapter lists costs a constant number of MongoDB commands, whatever the
number of chapters (counted by the listener of tests/mongo_commands.py)."""

import pytest
from django.urls import reverse

from books.models import AccessType, Chapter, ChapterAccessLog
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def make_toc(api, book, count):
    """`count` chapters (every third one with two subchapters counted in), with content and a
    view log, so every chapter has a document to merge."""
    chapters, made = [], 0
    while made < count:
        node = {"id": f"c{made}", "title": f"Chapter {made}", "subchapters": []}
        made += 1
        while made < count and made % 3:
            node["subchapters"].append({"id": f"c{made}", "title": f"Sub {made}"})
            made += 1
        chapters.append(node)
    response = api.put(
        reverse("book-toc", kwargs={"book_id": str(book.pk)}),
        {"toc": {"chapters": chapters}},
        format="json",
    )
    assert response.status_code == 200
    Chapter.objects.filter(book=book).update(content="some words here", word_count=3)
    ChapterAccessLog.objects.create(
        user=book.owner, book=book, chapter_id="c0", access_type=AccessType.VIEW
    )


def commands_for(api, count_mongo_commands, name, book, query="", expected_total=None):
    path = reverse(name, kwargs={"book_id": str(book.pk)}) + query
    with count_mongo_commands() as commands:
        response = api.get(path)
    assert response.status_code == 200, response.json()
    if expected_total is not None:
        assert response.json()["total_chapters"] == expected_total
    return commands


@pytest.mark.parametrize(
    "name, query, small_total, large_total",
    [
        ("chapter-metadata", "", 5, 50),
        ("chapter-list", "?flat=true", 5, 50),
        ("chapter-list", "", 2, 17),
        ("book-toc", "", None, None),
    ],
)
def test_reads_cost_the_same_for_5_and_50_chapters(
    api, user, count_mongo_commands, name, query, small_total, large_total
):
    small_book, large_book = BookFactory(owner=user), BookFactory(owner=user)
    make_toc(api, small_book, 5)
    make_toc(api, large_book, 50)
    small = commands_for(api, count_mongo_commands, name, small_book, query, small_total)
    large = commands_for(api, count_mongo_commands, name, large_book, query, large_total)
    assert small == large
    assert 1 <= len(large) <= 5, large


def test_metadata_reports_the_last_active_chapter_within_the_count(api, user, count_mongo_commands):
    book = BookFactory(owner=user)
    make_toc(api, book, 50)
    with count_mongo_commands() as commands:
        body = api.get(reverse("chapter-metadata", kwargs={"book_id": str(book.pk)})).json()
    assert body["last_active_chapter"] == "c0"
    assert body["completion_stats"]["draft"] == 50
    assert commands.count("find") + commands.count("aggregate") <= 4
