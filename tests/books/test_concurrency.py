"""Concurrent writers through the HTTP API: parallel clients against a real threaded server
(pytest-django's live_server) and the embedded MongoDB-compatible server. No writer may
silently overwrite another."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.urls import reverse

from accounts.services.tokens import token_pair_create
from books.models import Book, Chapter
from tests.books.toc_support import without_content
from tests.factories import BookFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


class Client:
    """A minimal JSON client for the live server (stdlib only, one request per call)."""

    def __init__(self, base: str, user):
        self.base = base
        self.token = token_pair_create(user=user)["access"]

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def run_parallel(calls):
    """Run the zero-argument callables at the same moment (a barrier lines them up)."""
    barrier = threading.Barrier(len(calls))

    def start(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(start, calls))


@pytest.fixture
def setup(live_server):
    user = UserFactory()
    book = BookFactory(owner=user)
    client = Client(live_server.url, user)
    book_id = str(book.pk)
    return (
        client,
        book,
        {
            "toc": reverse("book-toc", kwargs={"book_id": book_id}),
            "chapters": reverse("chapter-list", kwargs={"book_id": book_id}),
            "content": lambda cid: reverse(
                "chapter-content", kwargs={"book_id": book_id, "chapter_id": cid}
            ),
        },
    )


def test_20_concurrent_toc_puts_one_wins(setup):
    client, book, urls = setup
    status, body = client.call("PUT", urls["toc"], {"toc": {"chapters": [{"title": "Start"}]}})
    assert status == 200 and body["version"] == 1

    def put(i):
        toc = {
            "chapters": [{"title": f"Writer {i} chapter {j}"} for j in range(3)],
            "structure_notes": f"writer {i}",
            "expected_version": 1,
        }
        return lambda: client.call("PUT", urls["toc"], {"toc": toc})

    results = run_parallel([put(i) for i in range(20)])
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * 19
    for status, body in results:
        if status == 409:
            assert body["code"] == "version_conflict" and body["current_version"] == 2
    winner = next(body for status, body in results if status == 200)
    assert winner["version"] == 2

    _, stored = client.call("GET", urls["toc"])
    assert stored["version"] == 2
    assert stored["toc"]["structure_notes"] == winner["toc"]["structure_notes"]
    assert without_content(stored["toc"]["chapters"]) == winner["toc"]["chapters"]
    winner_ids = {c["id"] for c in winner["toc"]["chapters"]}
    # no loser left a Chapter document behind (documents come with a chapter's first write)
    assert set(Chapter.objects.filter(book=book).values_list("chapter_id", flat=True)) <= (
        winner_ids
    )


def test_10_concurrent_saves_to_10_chapters_all_stored(setup):
    client, book, urls = setup
    chapters = [{"id": f"c{i}", "title": f"Chapter {i}"} for i in range(10)]
    assert client.call("PUT", urls["toc"], {"toc": {"chapters": chapters}})[0] == 200

    def save(i):
        body = {"content": f"content of chapter {i}", "expected_version": 0}
        return lambda: client.call("PATCH", urls["content"](f"c{i}"), body)

    results = run_parallel([save(i) for i in range(10)])
    assert [status for status, _ in results] == [200] * 10
    stored = {c.chapter_id: (c.content, c.version) for c in Chapter.objects.filter(book=book)}
    assert stored == {f"c{i}": (f"content of chapter {i}", 1) for i in range(10)}
    assert Book.objects.get(pk=book.pk).toc_version == 1


def test_2_concurrent_saves_same_chapter_same_version_one_409(setup):
    client, book, urls = setup
    assert (
        client.call("PUT", urls["toc"], {"toc": {"chapters": [{"id": "c", "title": "C"}]}})[0]
        == 200
    )
    bodies = [{"content": f"version from writer {i}", "expected_version": 0} for i in range(2)]
    results = run_parallel(
        [lambda b=b: client.call("PATCH", urls["content"]("c"), b) for b in bodies]
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409]
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == "version_conflict" and loser["current_version"] == 1
    winner_index = next(i for i, (status, _) in enumerate(results) if status == 200)
    chapter = Chapter.objects.get(book=book, chapter_id="c")
    assert chapter.content == bodies[winner_index]["content"]
    assert chapter.version == 1


def test_concurrent_chapter_creates_without_version_all_kept(setup):
    """Writers that send no expected_version recompute on the fresh TOC: none is lost."""
    client, book, urls = setup

    def create(i):
        return lambda: client.call("POST", urls["chapters"], {"title": f"Ch {i}", "order": i})

    results = run_parallel([create(i) for i in range(8)])
    assert [status for status, _ in results] == [201] * 8
    _, stored = client.call("GET", urls["toc"])
    assert sorted(c["title"] for c in stored["toc"]["chapters"]) == sorted(
        f"Ch {i}" for i in range(8)
    )
    assert stored["version"] == 8
    assert sorted(body["version"] for _, body in results) == list(range(1, 9))
