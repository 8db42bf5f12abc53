"""A list endpoint's cost does not grow with the number of rows: the MongoDB commands sent for
GET /books are counted by the listener of tests/mongo_commands.py."""

import pytest
from django.urls import reverse

from books.models import Book, Chapter
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_books(owner, count):
    Book.objects.bulk_create(
        Book(owner=owner, title=f"Book {i}", toc={"chapters": [{"id": f"c{i}", "title": "x" * 50}]})
        for i in range(count)
    )


def list_commands(api, count_mongo_commands, limit=100):
    with count_mongo_commands() as commands:
        response = api.get(reverse("book-list"), {"limit": limit})
    assert response.status_code == 200
    return response, commands


def test_listing_books_costs_the_same_commands_for_5_and_100_books(
    api, user, count_mongo_commands, settings
):
    """Building the page from MongoDB (a cache miss: the Redis caches are off here)."""
    settings.REDIS_ENABLED = False
    make_books(user, 5)
    small, small_commands = list_commands(api, count_mongo_commands)
    assert len(small.json()) == 5

    make_books(user, 95)
    large, large_commands = list_commands(api, count_mongo_commands)
    assert len(large.json()) == 100 and large["X-Total-Count"] == "100"

    assert small_commands == large_commands
    assert 1 <= len(large_commands) <= 4, large_commands


def test_listing_loads_only_the_response_fields(api, user, count_mongo_commands):
    """The projection leaves out the summary and other heavy fields; it loads the TOC structure
    (one JSON string), which the chapter count, progress and toc_items come from."""
    from books.selectors import BOOK_RESPONSE_FIELDS, book_list

    make_books(user, 2)
    deferred = book_list(owner=user).first().get_deferred_fields()
    assert {"summary", "summary_history", "question_responses", "clarifying_questions"} <= deferred
    assert not deferred & set(BOOK_RESPONSE_FIELDS) and "toc" in BOOK_RESPONSE_FIELDS


def test_listing_books_with_content_costs_the_same_for_2_and_30_books(
    api, user, count_mongo_commands, settings
):
    """The chapter documents behind `progress`, `word_count` and `toc_items` are one query for
    the whole page: the book page, the chapters, whatever the number of books."""
    settings.REDIS_ENABLED = False

    def add_books(count):
        books = Book.objects.bulk_create(
            Book(owner=user, title=f"B{n}", toc={"chapters": [{"id": "a"}, {"id": "b"}]})
            for n in range(count)
        )
        Chapter.objects.bulk_create(
            Chapter(book=book, chapter_id="a", content="one two three", word_count=3)
            for book in books
        )

    add_books(2)
    small, small_commands = list_commands(api, count_mongo_commands)
    add_books(28)
    large, large_commands = list_commands(api, count_mongo_commands)
    assert len(large.json()) == 30 and all(b["word_count"] == 3 for b in large.json())
    assert small_commands == large_commands
    # the user (Redis, and so the user cache, is off), the books, their chapter documents
    assert len(large_commands) == 3, large_commands


def test_listener_sees_commands_only_inside_the_block(count_mongo_commands):
    with count_mongo_commands() as commands:
        UserFactory()
    assert commands  # the insert was seen
    seen = len(commands)
    UserFactory()
    assert len(commands) == seen
