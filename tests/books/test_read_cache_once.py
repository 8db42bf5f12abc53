"""Every write invalidates the cached reads of its book exactly once: counted as the SETs of the
book's generation token (`books:gen:book:<id>`) that real Redis reports through its keyspace
notifications while one request runs. (A content PATCH used to count three: the service's
`@invalidates`, then the receivers of the chapter document it created and of its access log.)"""

import time

import pytest
from django.urls import reverse

from autoauthor import redis_cache

pytestmark = pytest.mark.django_db

TOC = {"toc": {"chapters": [{"id": "ch1", "title": "One"}, {"id": "ch2", "title": "Two"}]}}


@pytest.fixture
def token_sets():
    """count(book_id, request) -> how many times the request replaced the book's token."""
    client = redis_cache.client()
    previous = client.config_get("notify-keyspace-events")["notify-keyspace-events"]
    client.config_set("notify-keyspace-events", "K$")
    database = client.connection_pool.connection_kwargs.get("db", 0)

    def count(book_id: str, request) -> int:
        pubsub = client.pubsub()
        pubsub.subscribe(f"__keyspace@{database}__:books:gen:book:{book_id}")
        pubsub.get_message(timeout=1)  # the subscription's confirmation
        response = request()
        assert response.status_code < 300, response.content
        events, deadline = [], time.monotonic() + 0.5
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=0.1)
            if message is not None:
                events.append(message["data"])
        pubsub.close()
        return events.count(b"set")

    yield count
    client.config_set("notify-keyspace-events", previous)


@pytest.fixture
def book_id(api):
    book = api.post(reverse("book-list"), {"title": "Counted"}, format="json").json()["id"]
    assert api.put(reverse("book-toc", args=[book]), TOC, format="json").status_code == 200
    return book


def test_a_toc_put_invalidates_once(api, book_id, token_sets):
    toc = api.get(reverse("book-toc", args=[book_id])).json()
    body = {"toc": {"chapters": [*TOC["toc"]["chapters"], {"id": "ch3", "title": "Three"}]}}
    body["expected_version"] = toc["version"]
    put = lambda: api.put(reverse("book-toc", args=[book_id]), body, format="json")  # noqa: E731
    assert token_sets(book_id, put) == 1


def test_a_content_patch_invalidates_once(api, book_id, token_sets):
    url = reverse("chapter-content", args=[book_id, "ch1"])
    patch = lambda: api.patch(url, {"content": "<p>Counted words.</p>"}, format="json")  # noqa: E731
    assert token_sets(book_id, patch) == 1


def test_a_response_put_invalidates_once(api, book_id, token_sets):
    """No cached read (book list, book, TOC, chapters metadata) shows question responses, but
    the search index finds the books whose answers changed by their generation token, so a
    response save replaces it once."""
    generate = reverse("chapter-generate-questions", args=[book_id, "ch1"])
    question = api.post(generate, {"count": 3}, format="json").json()["questions"][0]["id"]
    url = reverse("question-response", args=[book_id, "ch1", question])
    body = {"response_text": "An answer.", "status": "draft"}
    put = lambda: api.put(url, body, format="json")  # noqa: E731
    assert token_sets(book_id, put) == 1
