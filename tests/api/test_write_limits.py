"""Every write that costs the database is rate-limited per user (and formats, which reads every
chapter), so one account cannot degrade everyone else's saves. Each limit is set to 2 here: the
third call answers 429 `rate_limited` with Retry-After, and another user is not affected."""

import pytest
from django.urls import reverse
from django_redis import get_redis_connection

from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

TOC = {"toc": {"chapters": [{"id": "ch1", "title": "One"}]}}


@pytest.fixture
def book(api, user):
    book = BookFactory(owner=user, summary="")
    assert api.put(reverse("book-toc", kwargs={"book_id": str(book.pk)}), TOC).status_code == 200
    return book


def question_id(api, book):
    url = reverse(
        "chapter-generate-questions", kwargs={"book_id": str(book.pk), "chapter_id": "ch1"}
    )
    return api.post(url, {"count": 3}).json()["questions"][0]["id"]


def calls(api, book, scope):
    """(method, url, body) of one call limited by `scope`."""
    ids = {"book_id": str(book.pk)}
    chapter = {**ids, "chapter_id": "ch1"}
    if scope == "summary_save":
        return "put", reverse("book-summary", kwargs=ids), {"summary": "x" * 40}
    if scope == "toc_update":
        return "put", reverse("book-toc", kwargs=ids), TOC
    if scope == "content_save":
        return "patch", reverse("chapter-content", kwargs=chapter), {"content": "<p>Hi</p>"}
    if scope == "tab_state":
        body = {"active_chapter_id": "ch1", "open_tab_ids": ["ch1"], "tab_order": ["ch1"]}
        return "post", reverse("chapter-tab-state", kwargs=ids), body
    if scope == "export_formats":
        return "get", reverse("book-export-formats", kwargs=ids), None
    question = {**chapter, "question_id": question_id(api, book)}
    body = {"response_text": "An answer.", "status": "draft"}
    return "put", reverse("question-response", kwargs=question), body


@pytest.mark.parametrize(
    "scope",
    [
        "summary_save",
        "toc_update",
        "content_save",
        "tab_state",
        "export_formats",
        "question_response_save",
    ],
)
def test_costly_writes_are_rate_limited(api, other_api, other_user, book, settings, scope):
    settings.OPENAI_API_KEY = ""
    method, url, body = calls(api, book, scope)
    get_redis_connection("ratelimit").flushdb()  # the set-up's own writes counted too
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, scope: "2/60"}
    send = getattr(api, method)
    codes = [send(url, body).status_code for _ in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429, codes
    refused = send(url, body)
    assert refused.json()["code"] == "rate_limited" and int(refused["Retry-After"]) > 0
    # Counted per user: another author's own book is not affected.
    other = BookFactory(owner=other_user, summary="")
    other_api.put(reverse("book-toc", kwargs={"book_id": str(other.pk)}), TOC)
    method, url, body = calls(other_api, other, scope)
    assert getattr(other_api, method)(url, body).status_code == 200
