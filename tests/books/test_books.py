"""Books CRUD: POST/GET /books, GET/PUT/PATCH/DELETE /books/{id}."""

from datetime import timedelta

import pytest
from bson import ObjectId
from django.urls import reverse
from django.utils import timezone

from books.models import Book
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

BOOK_FIELDS = {
    "id",
    "title",
    "subtitle",
    "description",
    "genre",
    "target_audience",
    "cover_image_url",
    "metadata",
    "created_at",
    "updated_at",
    "owner_id",
    "toc_items",
    "published",
    "collaborators",
    "role",
    "chapters",
    "progress",
    "word_count",
}


def list_url():
    return reverse("book-list")


def detail_url(book_id):
    return reverse("book-detail", kwargs={"book_id": str(book_id)})


def create(api, **body):
    return api.post(list_url(), {"title": "My Book", **body}, format="json")


# --- create ----------------------------------------------------------------------------------


def test_create_returns_book_response(api, user):
    response = create(
        api,
        subtitle="Sub",
        description="Desc",
        genre="Fantasy",
        target_audience="Teens",
        cover_image_url="https://example.com/c.jpg",
        metadata={"k": "v"},
        owner_id="ffffffffffffffffffffffff",  # unknown/forbidden keys are ignored
        table_of_contents={"chapters": []},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == BOOK_FIELDS
    assert body["title"] == "My Book"
    assert body["subtitle"] == "Sub"
    assert body["genre"] == "Fantasy"
    assert body["metadata"] == {"k": "v"}
    assert body["owner_id"] == str(user.pk)
    assert body["toc_items"] == [] and body["collaborators"] == []
    assert (body["chapters"], body["progress"], body["word_count"]) == (0, 0, 0)
    assert body["published"] is False
    assert body["created_at"] == body["updated_at"]
    stored = Book.objects.get(pk=ObjectId(body["id"]))
    assert stored.owner_id == user.pk and stored.title == "My Book" and stored.toc is None


def test_create_minimal_defaults(api):
    body = create(api).json()
    assert body["subtitle"] is None and body["description"] is None
    assert body["metadata"] == {}


def test_create_answers_without_trailing_slash(api):
    response = api.post("/api/v1/books", {"title": "No slash"}, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": None}, "title"),
        ({"title": 42}, "title"),
        ({"title": "x" * 101}, "title"),
        ({"title": "\t" + "x" * 100}, "title"),  # the bound holds before trimming
        ({"title": "ok", "subtitle": "x" * 256}, "subtitle"),
        ({"title": "ok", "description": "x" * 5001}, "description"),
        ({"title": "ok", "genre": "x" * 101}, "genre"),
        ({"title": "ok", "target_audience": "x" * 101}, "target_audience"),
        ({"title": "ok", "cover_image_url": "x" * 2084}, "cover_image_url"),
        ({"title": "ok", "metadata": ["not", "an", "object"]}, "metadata"),
    ],
)
def test_create_validation_is_422(api, body, field):
    response = api.post(list_url(), body, format="json")
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "validation_error"
    assert [error["field"] for error in payload["errors"]] == [field]
    assert not Book.objects.exists()


def test_create_limits_at_the_boundaries_are_accepted(api):
    response = create(
        api,
        title="t" * 100,
        subtitle="s" * 255,
        description="d" * 5000,
        genre="g" * 100,
        target_audience="a" * 100,
        cover_image_url="u" * 2083,
    )
    assert response.status_code == 201


def test_create_requires_authentication(anon):
    response = anon.post(list_url(), {"title": "x"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- list --------------------------------------------------------------------------------------


def test_list_only_own_books_newest_first_with_total(api, user, other_user):
    now = timezone.now()
    old = BookFactory(owner=user, updated_at=now - timedelta(days=2))
    new = BookFactory(owner=user, updated_at=now)
    middle = BookFactory(owner=user, updated_at=now - timedelta(days=1))
    BookFactory(owner=other_user)
    BookFactory(owner=user, deleted_at=now)  # being deleted: invisible
    response = api.get(list_url())
    assert response.status_code == 200
    body = response.json()
    assert [b["id"] for b in body] == [str(new.pk), str(middle.pk), str(old.pk)]
    assert all(set(b) == BOOK_FIELDS for b in body)
    assert response["X-Total-Count"] == "3"


def test_list_skip_and_limit(api, user):
    now = timezone.now()
    books = [BookFactory(owner=user, updated_at=now - timedelta(minutes=i)) for i in range(5)]
    response = api.get(list_url(), {"skip": 1, "limit": 2})
    assert [b["id"] for b in response.json()] == [str(books[1].pk), str(books[2].pk)]
    assert response["X-Total-Count"] == "5"
    assert api.get(list_url(), {"skip": 10}).json() == []


@pytest.mark.parametrize(
    "query", [{"skip": -1}, {"limit": 0}, {"limit": 101}, {"limit": "abc"}, {"skip": "x"}]
)
def test_list_bad_paging_is_422(api, query):
    response = api.get(list_url(), query)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_list_empty(api):
    response = api.get(list_url())
    assert response.json() == [] and response["X-Total-Count"] == "0"


def test_list_requires_authentication(anon):
    assert anon.get(list_url()).status_code == 401


# --- retrieve ----------------------------------------------------------------------------------


def test_get_one_adds_owner_null(api, user):
    book = BookFactory(owner=user)
    response = api.get(detail_url(book.pk))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == BOOK_FIELDS | {"owner"}
    assert body["owner"] is None
    assert body["id"] == str(book.pk) and body["title"] == book.title


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_other_users_book_is_403(other_api, user, method):
    book = BookFactory(owner=user, title="Mine")
    response = getattr(other_api, method)(detail_url(book.pk), {"title": "Stolen"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_book_owner"
    book.refresh_from_db()
    assert book.title == "Mine" and book.deleted_at is None


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize("book_id", ["not-an-id", "123", str(ObjectId())])
def test_malformed_or_unknown_id_is_404(api, method, book_id):
    response = getattr(api, method)(detail_url(book_id), {"title": "x"}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Book not found", "code": "book_not_found"}


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_detail_requires_authentication(anon, user, method):
    book = BookFactory(owner=user)
    response = getattr(anon, method)(detail_url(book.pk), {"title": "x"}, format="json")
    assert response.status_code == 401


def test_book_being_deleted_is_404(api, user):
    book = BookFactory(owner=user, deleted_at=timezone.now())
    assert api.get(detail_url(book.pk)).status_code == 404


# --- update ------------------------------------------------------------------------------------


def test_put_updates_fields_and_returns_book_response(api, user):
    book = BookFactory(owner=user, metadata={"a": 1, "b": 2})
    response = api.put(
        detail_url(book.pk),
        {
            "title": "New title",
            "genre": "Horror",
            "metadata": {"c": 3},
            "published": True,
            "subtitle": None,  # null leaves the field unchanged
            "owner_id": "ffffffffffffffffffffffff",  # ignored
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == BOOK_FIELDS
    assert body["title"] == "New title" and body["genre"] == "Horror"
    assert body["metadata"] == {"c": 3}  # replaced, not merged
    assert body["published"] is True
    assert body["subtitle"] == "A subtitle"
    assert body["owner_id"] == str(user.pk)
    book.refresh_from_db()
    assert book.title == "New title" and book.metadata == {"c": 3} and book.published is True
    assert book.updated_at > book.created_at


def test_put_requires_non_null_title(api, user):
    book = BookFactory(owner=user, title="Keep")
    for body in ({"genre": "x"}, {"title": None, "genre": "x"}):
        response = api.put(detail_url(book.pk), body, format="json")
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["title"]
    book.refresh_from_db()
    assert book.title == "Keep" and book.genre == "Fiction"


def test_patch_is_partial(api, user):
    book = BookFactory(owner=user, title="Keep", genre="Fiction")
    response = api.patch(detail_url(book.pk), {"description": "Changed"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "Keep" and response.json()["description"] == "Changed"
    book.refresh_from_db()
    assert book.title == "Keep" and book.description == "Changed" and book.genre == "Fiction"


def test_patch_empty_string_clears_optional_field(api, user):
    book = BookFactory(owner=user, genre="Fiction")
    assert api.patch(detail_url(book.pk), {"genre": ""}, format="json").status_code == 200
    book.refresh_from_db()
    assert book.genre == ""


def test_patch_does_not_touch_the_table_of_contents(api, user):
    book = BookFactory(owner=user, toc={"chapters": [{"id": "c1", "title": "One"}]}, toc_version=3)
    api.patch(detail_url(book.pk), {"title": "Renamed"}, format="json")
    book.refresh_from_db()
    assert book.toc == {"chapters": [{"id": "c1", "title": "One"}]} and book.toc_version == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 101}, "title"),
        ({"subtitle": "x" * 256}, "subtitle"),
        ({"description": "x" * 5001}, "description"),
        ({"genre": "x" * 101}, "genre"),
        ({"target_audience": "x" * 101}, "target_audience"),
        ({"cover_image_url": "x" * 2084}, "cover_image_url"),
        ({"metadata": "text"}, "metadata"),
        ({"published": "maybe"}, "published"),
    ],
)
def test_patch_validation_is_422(api, user, body, field):
    book = BookFactory(owner=user, title="Keep")
    response = api.patch(detail_url(book.pk), body, format="json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    book.refresh_from_db()
    assert book.title == "Keep"


def test_update_bumps_updated_at_and_moves_book_to_the_top(api, user):
    first = BookFactory(owner=user, updated_at=timezone.now() - timedelta(hours=1))
    BookFactory(owner=user)
    api.patch(detail_url(first.pk), {"title": "Touched"}, format="json")
    assert api.get(list_url()).json()[0]["id"] == str(first.pk)


# --- delete ------------------------------------------------------------------------------------


def test_delete_is_204_and_book_is_gone(api, user):
    book = BookFactory(owner=user)
    response = api.delete(detail_url(book.pk))
    assert response.status_code == 204
    assert response.content == b""
    assert not Book.objects.filter(pk=book.pk).exists()
    assert api.get(detail_url(book.pk)).status_code == 404
    assert api.delete(detail_url(book.pk)).status_code == 404


# --- rate limits -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "method", "per_book"),
    [
        ("books_create", "post", False),
        ("books_list", "get", False),
        ("books_get", "get", True),
        ("books_put", "put", True),
        ("books_patch", "patch", True),
        ("books_delete", "delete", True),
    ],
)
def test_rate_limits_are_429(api, user, settings, scope, method, per_book):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, scope: "2/60"}
    books = [BookFactory(owner=user) for _ in range(3)]
    urls = [detail_url(b.pk) for b in books] if per_book else [list_url()] * 3
    statuses = [
        getattr(api, method)(url, {"title": "T"}, format="json").status_code for url in urls
    ]
    assert statuses[:2] == [{"post": 201, "delete": 204}.get(method, 200)] * 2
    assert statuses[2] == 429
    last = getattr(api, method)(urls[2], {"title": "T"}, format="json")
    assert last.json()["code"] == "rate_limited"
    assert int(last["Retry-After"]) >= 1
    assert last["X-RateLimit-Limit"] == "2" and last["X-RateLimit-Remaining"] == "0"


def test_rate_limit_is_counted_per_user(api, other_api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "books_list": "1/60"}
    assert api.get(list_url()).status_code == 200
    assert api.get(list_url()).status_code == 429
    assert other_api.get(list_url()).status_code == 200


# --- chapters, progress, word_count, toc_items -------------------------------------------------

TOC_ITEM_FIELDS = {
    "id",
    "title",
    "level",
    "order",
    "parent_id",
    "description",
    "status",
    "word_count",
    "last_modified",
    "estimated_reading_time",
    "is_active_tab",
    "metadata",
}


def book_with_chapters(api, chapters):
    book_id = create(api).json()["id"]
    response = api.put(
        reverse("book-toc", args=[book_id]), {"toc": {"chapters": chapters}}, format="json"
    )
    assert response.status_code == 200, response.content
    return book_id


def save_words(api, book_id, chapter_id, words):
    response = api.patch(
        reverse("chapter-content", args=[book_id, chapter_id]),
        {"content": "word " * words},
        format="json",
    )
    assert response.status_code == 200, response.content


def set_status(api, book_id, chapter_ids, status):
    response = api.patch(
        reverse("chapter-bulk-status", args=[book_id]),
        {"chapter_ids": chapter_ids, "status": status},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_list_and_detail_carry_chapters_progress_word_count_and_toc_items(api):
    book_id = book_with_chapters(
        api,
        [
            {"id": "ch1", "title": "One", "subchapters": [{"id": "ch1-1", "title": "One.a"}]},
            {"id": "ch2", "title": "Two", "description": "Second"},
            {"id": "ch3", "title": "Three"},
        ],
    )
    save_words(api, book_id, "ch1", 150)  # draft -> in_progress (above 100 words)
    save_words(api, book_id, "ch2", 40)
    set_status(api, book_id, ["ch2"], "completed")
    set_status(api, book_id, ["ch3"], "completed")
    set_status(api, book_id, ["ch3"], "published")

    listed = next(b for b in api.get(list_url()).json() if b["id"] == book_id)
    detail = api.get(detail_url(book_id)).json()
    patched = api.patch(detail_url(book_id), {"genre": "Essay"}, format="json").json()
    for body in (listed, detail, patched):
        assert body["chapters"] == 4  # chapters and subchapters: the flattened TOC
        assert body["progress"] == 50  # ch2 completed, ch3 published: 2 of 4
        assert body["word_count"] == 190
        items = body["toc_items"]
        assert all(set(item) == TOC_ITEM_FIELDS for item in items)
        assert [(i["id"], i["level"], i["parent_id"]) for i in items] == [
            ("ch1", 1, None),
            ("ch1-1", 2, "ch1"),
            ("ch2", 1, None),
            ("ch3", 1, None),
        ]
        assert [i["status"] for i in items] == ["in_progress", "draft", "completed", "published"]
        assert [i["word_count"] for i in items] == [150, 0, 40, 0]
        assert items[2]["description"] == "Second" and items[1]["last_modified"] is None
        assert items[0]["estimated_reading_time"] == 1 and items[0]["last_modified"]


def test_progress_rounds_halves_up_as_the_frontend_does(api):
    book_id = book_with_chapters(api, [{"id": f"c{n}", "title": f"C{n}"} for n in range(8)])
    set_status(api, book_id, ["c0"], "completed")
    body = api.get(detail_url(book_id)).json()
    assert body["chapters"] == 8 and body["progress"] == 13  # 12.5 %: Python's round() says 12
