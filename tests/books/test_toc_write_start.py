"""PUT /toc starts from the book as the last TOC write left it (kept in Redis), without reading
MongoDB. That copy can lag behind a concurrent write; these tests put a stale copy in place (what
a writer that stores its copy late does) and check that it never decides anything: the
compare-and-swap and a re-read do."""

import pytest
from django.urls import reverse

from books import read_cache
from books.models import Book, Chapter

pytestmark = pytest.mark.django_db


def put(api, book_id, chapters, expected_version):
    toc = {"chapters": chapters, "expected_version": expected_version}
    return api.put(reverse("book-toc", args=[book_id]), {"toc": toc}, format="json")


@pytest.fixture
def stale(api):
    """A book at version 2 whose cached starting point is its version-1 copy."""
    book_id = api.post(reverse("books-list"), {"title": "Racing"}, format="json").json()["id"]
    first = put(api, book_id, [{"id": "a", "title": "A"}], 0)
    assert first.status_code == 200 and first.json()["version"] == 1
    copy_v1 = Book.objects.get(pk=book_id)
    second = put(api, book_id, [{"id": "a", "title": "A"}, {"id": "b", "title": "B"}], 1)
    assert second.status_code == 200 and second.json()["version"] == 2
    saved = api.patch(
        reverse("chapter-content", args=[book_id, "b"]), {"content": "<p>B's text</p>"}, "json"
    )
    assert saved.status_code == 200
    read_cache.book_state_put(copy_v1)  # a late writer's copy, under the current token
    assert read_cache.book_state_get(copy_v1.pk).toc_version == 1
    return book_id


def test_a_stale_copy_does_not_turn_a_current_version_into_a_conflict(api, stale):
    response = put(api, stale, [{"id": "a", "title": "A2"}, {"id": "b", "title": "B"}], 2)
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 3
    stored = Book.objects.get(pk=stale)
    assert stored.toc_version == 3 and [c["title"] for c in stored.toc["chapters"]] == ["A2", "B"]


def test_a_stale_expected_version_is_still_a_conflict(api, stale):
    response = put(api, stale, [{"id": "a", "title": "Lost"}], 1)
    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"
    assert response.json()["current_version"] == 2
    assert Book.objects.get(pk=stale).toc_version == 2


@pytest.mark.parametrize("expected_version", [1, 2])
def test_a_stale_copy_never_deletes_a_chapter_it_does_not_know(api, stale, expected_version):
    """B exists (with content) in the stored TOC but not in the version-1 copy: B in the request
    must not be taken for the re-adding of a dropped id (whose leftover document is deleted
    before the swap), whether the request is stale itself (409) or current (200)."""
    chapters = [{"id": "b", "title": "B first"}, {"id": "a", "title": "A"}]
    response = put(api, stale, chapters, expected_version)
    assert response.status_code == (409 if expected_version == 1 else 200), response.content
    assert Chapter.objects.get(book_id=stale, chapter_id="b").content == "<p>B's text</p>"
    toc = api.get(reverse("book-toc", args=[stale])).json()["toc"]
    assert {c["id"]: c["content"] for c in toc["chapters"]}["b"] == "<p>B's text</p>"


def test_a_stale_copy_of_a_deleted_book_is_a_404(api, stale):
    book = Book.objects.get(pk=stale)
    Book.objects.filter(pk=stale).update(deleted_at=book.created_at)  # deleted, no signal
    response = put(api, stale, [{"id": "a", "title": "A"}], 2)
    assert response.status_code == 404


def test_successive_writes_start_from_the_last_one_without_reading_the_book(
    api, count_mongo_commands
):
    book_id = api.post(reverse("books-list"), {"title": "Fast"}, format="json").json()["id"]
    assert put(api, book_id, [{"id": "a", "title": "A"}], 0).status_code == 200
    with count_mongo_commands() as commands:
        assert put(api, book_id, [{"id": "a", "title": "A again"}], 1).status_code == 200
    # the swap, its audit row, the chapter documents of the answer: no read of the book
    assert list(commands) == ["update", "insert", "aggregate"]
