"""Chapter content: GET, PATCH autosave (word count, reading time, automatic status steps, its own
version), batch-content and analytics."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog
from books.models import Book, Chapter, ChapterAccessLog
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(user):
    return BookFactory(owner=user)


@pytest.fixture
def chapter_ids(api, book):
    """Three chapters: a, a subchapter of a, b."""
    response = api.put(
        reverse("book-toc", kwargs={"book_id": str(book.pk)}),
        {
            "toc": {
                "chapters": [
                    {"id": "a", "title": "A", "subchapters": [{"id": "a1", "title": "A1"}]},
                    {"id": "b", "title": "B"},
                ]
            }
        },
        format="json",
    )
    assert response.status_code == 200
    return ["a", "a1", "b"]


def content_url(book, chapter_id):
    return reverse("chapter-content", kwargs={"book_id": str(book.pk), "chapter_id": chapter_id})


def save(api, book, chapter_id, content, **extra):
    return api.patch(content_url(book, chapter_id), {"content": content, **extra}, format="json")


def words(n):
    return " ".join(["word"] * n)


def test_get_content_of_new_chapter(api, book, chapter_ids, user):
    response = api.get(content_url(book, "a"))
    assert response.status_code == 200
    assert response.json() == {
        "book_id": str(book.pk),
        "chapter_id": "a",
        "title": "A",
        "content": "",
        "version": 0,
        "success": True,
        "metadata": {
            "status": "draft",
            "word_count": 0,
            "estimated_reading_time": 0,
            "last_modified": None,
            "is_active_tab": False,
            "has_subchapters": True,
            "subchapter_count": 1,
        },
    }
    plain = api.get(content_url(book, "a") + "?include_metadata=false").json()
    assert "metadata" not in plain
    log = ChapterAccessLog.objects.filter(access_type="read_content").first()
    assert log.chapter_id == "a" and log.user_id == user.pk
    assert log.metadata["chapter_title"] == "A"
    assert api.get(content_url(book, "a") + "?include_metadata=perhaps").status_code == 422


def test_save_content_counts_words_and_steps_status(api, book, chapter_ids, user):
    first = save(api, book, "a", words(600), expected_version=0)
    assert first.status_code == 200, first.json()
    assert first.json() == {
        "book_id": str(book.pk),
        "chapter_id": "a",
        "version": 1,
        "word_count": 600,
        "estimated_reading_time": 3,
        "status": "in_progress",  # one step per save, even at 600 words
        "success": True,
        "message": "Chapter content updated successfully",
        "metadata_updated": True,
    }
    second = save(api, book, "a", words(600), expected_version=1)
    assert second.json()["status"] == "completed" and second.json()["version"] == 2
    # never downgrades
    third = save(api, book, "a", "", expected_version=2)
    body = third.json()
    assert body["status"] == "completed" and body["word_count"] == 0
    assert body["estimated_reading_time"] == 1  # the save formula: max(1, words // 200)

    got = api.get(content_url(book, "a")).json()
    assert got["content"] == "" and got["version"] == 3
    assert got["metadata"]["estimated_reading_time"] == 0  # the read formula
    assert got["metadata"]["last_modified"] is not None

    log = ChapterAccessLog.objects.filter(access_type="update_content").order_by("timestamp")
    assert log.count() == 3
    assert log.first().metadata["content_length"] == len(words(600))
    assert log.first().metadata["auto_updated_metadata"] is True
    rows = AuditLog.objects.filter(action="chapter_content_update", target_id=str(book.pk))
    assert rows.count() == 3
    firsts = [r for r in rows if r.changes["version"] == [0, 1]]
    assert firsts[0].changes == {
        "chapter_id": "a",
        "content": [0, len(words(600))],
        "version": [0, 1],
    }
    assert firsts[0].actor_id == str(user.pk)


def test_draft_steps_only_above_100_words(api, book, chapter_ids):
    assert save(api, book, "b", words(100)).json()["status"] == "draft"
    assert save(api, book, "b", words(101)).json()["status"] == "in_progress"
    assert save(api, book, "b", words(500)).json()["status"] == "in_progress"
    assert save(api, book, "b", words(501)).json()["status"] == "completed"


def test_save_without_auto_metadata_keeps_metadata(api, book, chapter_ids):
    response = save(api, book, "b", words(300), auto_update_metadata=False)
    assert response.status_code == 200
    assert response.json()["metadata_updated"] is False
    chapter = Chapter.objects.get(book=book, chapter_id="b")
    assert chapter.content == words(300)
    assert (chapter.word_count, chapter.status, chapter.version) == (0, "draft", 1)


def test_save_does_not_touch_toc_version_or_other_chapters(api, book, chapter_ids):
    save(api, book, "a", "alpha")
    save(api, book, "b", "beta")
    assert Book.objects.get(pk=book.pk).toc_version == 1
    contents = dict(Chapter.objects.filter(book=book).values_list("chapter_id", "content"))
    assert contents == {"a": "alpha", "b": "beta"}  # a1, never written, has no document


def test_stale_content_version_is_409(api, book, chapter_ids):
    save(api, book, "a", "one", expected_version=0)
    stale = save(api, book, "a", "two", expected_version=0)
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "version_conflict" and body["current_version"] == 1
    assert Chapter.objects.get(book=book, chapter_id="a").content == "one"


@pytest.mark.parametrize(
    "data, field",
    [
        ({}, "content"),
        ({"content": None}, "content"),
        ({"content": 5}, "content"),
        ({"content": "x", "auto_update_metadata": "sometimes"}, "auto_update_metadata"),
        ({"content": "x", "expected_version": "one"}, "expected_version"),
    ],
)
def test_save_validation(api, book, chapter_ids, data, field):
    response = api.patch(content_url(book, "a"), data, format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_content_keeps_whitespace(api, book, chapter_ids):
    save(api, book, "a", "  <p>x</p>\n")
    assert api.get(content_url(book, "a")).json()["content"] == "  <p>x</p>\n"


# --- batch content --------------------------------------------------------------------------------


def batch_url(book):
    return reverse("chapter-batch-content", kwargs={"book_id": str(book.pk)})


def test_batch_content(api, book, chapter_ids, user):
    save(api, book, "a", words(250))
    response = api.post(batch_url(book), {"chapter_ids": ["b", "a", "zz"]}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["requested_count"] == 3 and body["found_count"] == 2 and body["success"] is True
    assert list(body["chapters"]) == ["b", "a"]
    assert body["chapters"]["a"] == {
        "id": "a",
        "title": "A",
        "content": words(250),
        "version": 1,
        "metadata": {
            "status": "in_progress",
            "word_count": 250,
            "estimated_reading_time": 1,
            "last_modified": body["chapters"]["a"]["metadata"]["last_modified"],
            "is_active_tab": False,
        },
    }
    log = ChapterAccessLog.objects.get(access_type="batch_read_content")
    assert log.chapter_id == "batch_request"
    assert log.metadata["requested_chapters"] == ["b", "a", "zz"]
    assert log.metadata["found_chapters"] == ["b", "a"]
    bare = api.post(
        batch_url(book), {"chapter_ids": ["a"], "include_metadata": False}, format="json"
    )
    assert "metadata" not in bare.json()["chapters"]["a"]


def test_batch_content_limits(api, book, chapter_ids):
    response = api.post(batch_url(book), {"chapter_ids": ["a"] * 21}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Cannot request more than 20 chapters at once",
        "code": "too_many_chapters",
    }
    assert api.post(batch_url(book), {"chapter_ids": ["a"] * 20}, format="json").status_code == 200
    assert api.post(batch_url(book), {}, format="json").status_code == 422
    assert api.post(batch_url(book), {"chapter_ids": "a"}, format="json").status_code == 422


# --- analytics ------------------------------------------------------------------------------------


def analytics_url(book, chapter_id, days=None):
    path = reverse("chapter-analytics", kwargs={"book_id": str(book.pk), "chapter_id": chapter_id})
    return path if days is None else f"{path}?days={days}"


def test_analytics(api, book, chapter_ids, user, other_user):
    api.get(reverse("chapter-detail", kwargs={"book_id": str(book.pk), "chapter_id": "a"}))
    api.get(reverse("chapter-detail", kwargs={"book_id": str(book.pk), "chapter_id": "a"}))
    api.get(content_url(book, "a"))
    api.get(content_url(book, "b"))
    old = ChapterAccessLog.objects.create(
        user=user, book=book, chapter_id="a", access_type="edit", metadata={}
    )
    ChapterAccessLog.objects.filter(pk=old.pk).update(timestamp=timezone.now() - timedelta(days=10))

    response = api.get(analytics_url(book, "a", days=7))
    assert response.status_code == 200
    body = response.json()
    assert body["analytics_period_days"] == 7 and body["success"] is True
    rows = {row["_id"]["access_type"]: row for row in body["analytics"]}
    assert set(rows) == {"view", "read_content"}
    assert rows["view"]["count"] == 2 and rows["read_content"]["count"] == 1
    assert rows["view"]["_id"]["chapter_id"] == "a" and rows["view"]["last_access"]

    wider = api.get(analytics_url(book, "a", days=30)).json()
    assert {row["_id"]["access_type"] for row in wider["analytics"]} == {
        "view",
        "read_content",
        "edit",
    }
    assert api.get(analytics_url(book, "a")).json()["analytics_period_days"] == 30


@pytest.mark.parametrize("days", ["0", "366", "abc", "-1"])
def test_analytics_days_bounds(api, book, chapter_ids, days):
    response = api.get(analytics_url(book, "a", days=days))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "days"
