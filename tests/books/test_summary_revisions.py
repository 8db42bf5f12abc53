"""The summary's revisions (built on `Book.summary_history`): stable numbers, one revision's
text, diff, and restore through the summary write service with its version guard."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from books.models import Book
from books.rules import SUMMARY_HISTORY_LIMIT
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

TEXTS = [f"Summary number {n}: a keeper guards the lighthouse through storms." for n in range(4)]


@pytest.fixture
def book(user):
    return BookFactory(owner=user)


def url(name, book, **extra):
    return reverse(name, kwargs={"book_id": str(book.pk), **extra})


def put_summary(api, book, text):
    response = api.put(url("book-summary", book), {"summary": text}, format="json")
    assert response.status_code == 200, response.content


def listed(api, book):
    response = api.get(url("book-summary-revisions", book))
    assert response.status_code == 200, response.content
    return response.json()


def test_revisions_are_numbered_by_summary_version_newest_first(api, book):
    for text in TEXTS:
        put_summary(api, book, text)
    rows = listed(api, book)
    assert [(r["number"], r["current"]) for r in rows] == [
        (4, True),
        (3, False),
        (2, False),
        (1, False),
    ]
    assert rows[0]["length"] == len(TEXTS[3])
    detail = api.get(url("book-summary-revision", book, revision=2)).json()
    assert detail["summary"] == TEXTS[1] and detail["number"] == 2


def test_numbers_stay_when_the_history_drops_its_oldest(api, book):
    for n in range(SUMMARY_HISTORY_LIMIT + 3):
        put_summary(api, book, f"Summary text {n:03d} of a lighthouse keeper's long story.")
    rows = listed(api, book)
    assert len(rows) == SUMMARY_HISTORY_LIMIT + 1
    numbers = [r["number"] for r in rows]
    assert numbers == list(range(SUMMARY_HISTORY_LIMIT + 3, 2, -1))
    detail = api.get(url("book-summary-revision", book, revision=10)).json()
    assert detail["summary"] == "Summary text 009 of a lighthouse keeper's long story."


def test_history_written_before_revisions_is_numbered_by_position(api, book):
    # Entries without `version` (written by earlier releases): counted back from the current.
    Book.objects.filter(pk=book.pk).update(
        summary=TEXTS[2],
        summary_version=3,
        summary_history=[
            {"summary": TEXTS[0], "timestamp": "2026-01-01T00:00:00+00:00"},
            {"summary": TEXTS[1], "timestamp": "2026-01-02T00:00:00+00:00"},
        ],
    )
    assert [r["number"] for r in listed(api, book)] == [3, 2, 1]
    put_summary(api, book, TEXTS[3])  # the new entry carries its version; the old keep theirs
    rows = listed(api, book)
    assert [r["number"] for r in rows] == [4, 3, 2, 1]
    assert api.get(url("book-summary-revision", book, revision=1)).json()["summary"] == TEXTS[0]


def test_diff_of_two_summary_revisions(api, book):
    put_summary(api, book, "The keeper climbs the stairs every night of the year.")
    put_summary(api, book, "The keeper climbs the old stairs every stormy night of the year.")
    response = api.get(url("book-summary-revision-diff", book, revision=1, other=2))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["from_revision"] == 1 and body["to_revision"] == 2
    added = [w for op in body["word_ops"] if op["op"] != "equal" for w in op["added"]]
    assert added == ["old", "stormy"]
    assert body["stats"]["words_removed"] == 0 and "chapter_id" not in body
    for bad in ("x", "99"):
        missing = api.get(url("book-summary-revision-diff", book, revision=1, other=bad))
        assert missing.status_code == 404 and missing.json()["code"] == "revision_not_found"


def test_restore_puts_an_old_summary_back_and_keeps_the_current(api, book, user):
    for text in TEXTS[:3]:
        put_summary(api, book, text)
    response = api.post(
        url("book-summary-revision-restore", book, revision=1),
        {"expected_version": 3},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["summary"] == TEXTS[0] and body["version"] == 4 and body["restored_revision"] == 1
    rows = listed(api, book)
    assert [(r["number"], r["current"]) for r in rows][:2] == [(4, True), (3, False)]
    assert api.get(url("book-summary-revision", book, revision=3)).json()["summary"] == TEXTS[2]
    audit = AuditLog.objects.get(action="summary_revision_restore", book_id=str(book.pk))
    assert audit.actor_id == str(user.pk)
    assert audit.changes == {"restored_revision": 1, "summary_version": [3, 4]}
    assert api.get(url("book-summary", book)).json()["summary"] == TEXTS[0]


def test_a_stale_summary_restore_is_409(api, book):
    for text in TEXTS[:2]:
        put_summary(api, book, text)
    response = api.post(
        url("book-summary-revision-restore", book, revision=1),
        {"expected_version": 1},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"
    assert response.json()["current_version"] == 2
    assert api.get(url("book-summary", book)).json()["summary"] == TEXTS[1]


def test_restoring_the_current_summary_writes_nothing(api, book):
    put_summary(api, book, TEXTS[0])
    response = api.post(url("book-summary-revision-restore", book, revision=1), {}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 1
    assert not AuditLog.objects.filter(action="summary_revision_restore").exists()


def test_other_users_and_bad_input(api, other_api, book):
    put_summary(api, book, TEXTS[0])
    for name, extra in [
        ("book-summary-revisions", {}),
        ("book-summary-revision", {"revision": 1}),
        ("book-summary-revision-diff", {"revision": 1, "other": 1}),
    ]:
        response = other_api.get(url(name, book, **extra))
        assert response.status_code == 403 and TEXTS[0] not in response.content.decode()
    restore = url("book-summary-revision-restore", book, revision=1)
    assert other_api.post(restore, {}, format="json").status_code == 403
    assert api.post(restore, {"expected_version": -1}, format="json").status_code == 422
    missing = api.get(url("book-summary-revision", book, revision="first"))
    assert missing.status_code == 404 and missing.json()["code"] == "revision_not_found"
