"""The Redis cache of rendered book reads (list, book, TOC, chapters metadata): after every kind of
write the cached answer equals what MongoDB says, a hit costs no MongoDB command, nobody but the
owner is ever served from it, and a token lost from Redis can never revive an old entry."""

import signal

import pytest
from django.urls import reverse
from django_redis import get_redis_connection

from books import read_cache

pytestmark = pytest.mark.django_db


def book_with_toc(api, chapters: int = 3) -> tuple[str, list[str]]:
    book_id = api.post(reverse("book-list"), {"title": "Cached"}, format="json").json()["id"]
    toc = {"chapters": [{"title": f"Chapter {n}", "order": n} for n in range(chapters)]}
    body = api.put(reverse("book-toc", args=[book_id]), {"toc": toc}, format="json").json()
    return book_id, [chapter["id"] for chapter in body["toc"]["chapters"]]


def reads(api, book_id) -> dict:
    """The three cached reads as status, body and total (a list page's X-Total-Count)."""
    out = {}
    for name, url in {
        "list": reverse("book-list") + "?limit=100",
        "book": reverse("book-detail", args=[book_id]),
        "toc": reverse("book-toc", args=[book_id]),
        "metadata": reverse("chapter-metadata", args=[book_id]),
    }.items():
        response = api.get(url)
        out[name] = (response.status_code, response.json(), response.get("X-Total-Count"))
    return out


def assert_cache_matches_database(api, book_id, settings):
    cached = reads(api, book_id)
    settings.REDIS_ENABLED = False  # every read below comes from MongoDB
    fresh = reads(api, book_id)
    settings.REDIS_ENABLED = True
    assert cached == fresh
    return fresh


def test_every_write_is_seen_by_the_next_cached_read(api, settings):
    book_id, ids = book_with_toc(api)
    book = reverse("book-detail", args=[book_id])
    toc_url = reverse("book-toc", args=[book_id])
    chapter = reverse("chapter-detail", args=[book_id, ids[0]])
    toc_version = lambda: api.get(toc_url).json()["version"]  # noqa: E731
    writes = {
        "patch book": lambda: api.patch(book, {"title": "Renamed"}, format="json"),
        "put book": lambda: api.put(book, {"title": "Put", "genre": "Essay"}, format="json"),
        "summary": lambda: api.put(
            reverse("book-summary", args=[book_id]),
            {"summary": "A summary of the book that is long enough to be kept."},
            format="json",
        ),
        "put toc": lambda: api.put(
            toc_url,
            {
                "toc": {
                    "chapters": [
                        {"id": cid, "title": f"New {n}", "order": n} for n, cid in enumerate(ids)
                    ],
                    "expected_version": toc_version(),
                }
            },
            format="json",
        ),  # fmt: skip
        "create chapter": lambda: api.post(
            reverse("chapter-list", args=[book_id]), {"title": "Added", "order": 5}, format="json"
        ),
        "update chapter": lambda: api.put(chapter, {"title": "Updated"}, format="json"),
        "save content": lambda: api.patch(
            reverse("chapter-content", args=[book_id, ids[0]]),
            {"content": "<p>Some words were written today.</p>"},
            format="json",
        ),
        "bulk status": lambda: api.patch(
            reverse("chapter-bulk-status", args=[book_id]),
            {"chapter_ids": [ids[0]], "status": "completed"},
            format="json",
        ),
        "view chapter (access log)": lambda: api.get(
            reverse("chapter-detail", args=[book_id, ids[1]])
        ),
        "create another book": lambda: api.post(
            reverse("book-list"), {"title": "Second"}, format="json"
        ),
    }
    before = assert_cache_matches_database(api, book_id, settings)
    for name, write in writes.items():
        response = write()
        assert response.status_code in (200, 201), (name, response.content)
        after = assert_cache_matches_database(api, book_id, settings)
        assert after != before, f"{name} changed nothing visible: the test would prove nothing"
        before = after

    chapters_before = len(api.get(toc_url).json()["toc"]["chapters"])
    deleted = api.delete(reverse("chapter-detail", args=[book_id, ids[2]]))
    assert deleted.status_code == 200, deleted.content
    assert len(api.get(toc_url).json()["toc"]["chapters"]) == chapters_before - 1
    assert_cache_matches_database(api, book_id, settings)

    assert api.delete(book).status_code in (200, 204)
    gone = reads(api, book_id)
    assert gone["book"][0] == gone["toc"][0] == gone["metadata"][0] == 404
    assert all(b["id"] != book_id for b in gone["list"][1])


def test_content_and_status_writes_update_the_cached_lists_progress(api):
    """The list shows what chapter documents hold (word counts, statuses): a content save or a
    status change, which touch no book document, must still refresh the cached list."""
    book_id, ids = book_with_toc(api, chapters=2)
    listed = lambda: next(  # noqa: E731
        b for b in api.get(reverse("book-list")).json() if b["id"] == book_id
    )
    detail = lambda: api.get(reverse("book-detail", args=[book_id])).json()  # noqa: E731
    assert (listed()["word_count"], listed()["progress"]) == (0, 0)  # now cached
    assert detail()["word_count"] == 0  # cached too

    saved = api.patch(
        reverse("chapter-content", args=[book_id, ids[0]]),
        {"content": "one two three four"},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert listed()["word_count"] == detail()["word_count"] == 4
    assert listed()["toc_items"][0]["word_count"] == 4

    status = api.patch(
        reverse("chapter-bulk-status", args=[book_id]),
        {"chapter_ids": [ids[1]], "status": "completed"},
        format="json",
    )
    assert status.status_code == 200, status.content
    assert listed()["progress"] == detail()["progress"] == 50
    assert listed()["toc_items"][1]["status"] == "completed"


def test_a_hit_costs_no_mongodb_command(api, count_mongo_commands):
    book_id, _ = book_with_toc(api)
    reads(api, book_id)  # fill the cache (and the user cache)
    with count_mongo_commands() as commands:
        again = reads(api, book_id)
    assert list(commands) == []
    assert {status for status, _, _ in again.values()} == {200}


def test_another_user_is_never_served_from_the_cache(api, other_api):
    book_id, _ = book_with_toc(api)
    reads(api, book_id)  # cached for the owner
    for name in ("book-detail", "book-toc", "chapter-metadata"):
        response = other_api.get(reverse(name, args=[book_id]))
        assert response.status_code == 403, (name, response.content)
    assert other_api.get(reverse("book-list")).json() == []


def test_list_pages_are_cached_separately(api):
    for n in range(3):
        api.post(reverse("book-list"), {"title": f"Book {n}"}, format="json")
    first = api.get(reverse("book-list") + "?limit=2")
    second = api.get(reverse("book-list") + "?skip=2&limit=2")
    assert [len(first.json()), len(second.json())] == [2, 1]
    assert first["X-Total-Count"] == second["X-Total-Count"] == "3"
    assert api.get(reverse("book-list") + "?limit=2").json() == first.json()


def test_a_read_that_raced_a_write_is_never_served(user):
    """A reader takes the tokens, the write lands and replaces them, then the reader stores what
    it read: the next reader must not get it."""
    book_id = "b1"
    built = []

    def build(body):
        def _build():
            built.append(body)
            return read_cache.Cached(owner_id=str(user.pk), body=body)

        return _build

    stale = read_cache.cached_read(view="t", scope_id=book_id, book_id=book_id, build=build(b"old"))
    read_cache.book_changed(book_id=book_id, owner_id=user.pk)
    fresh = read_cache.cached_read(view="t", scope_id=book_id, book_id=book_id, build=build(b"new"))
    hit = read_cache.cached_read(view="t", scope_id=book_id, book_id=book_id, build=build(b"x"))
    assert (stale.body, fresh.body, hit.body) == (b"old", b"new", b"new")
    assert built == [b"old", b"new"]


def test_a_lost_token_never_revives_an_old_entry(user):
    build = lambda body: lambda: read_cache.Cached(owner_id=str(user.pk), body=body)  # noqa: E731
    read_cache.cached_read(view="t", scope_id="b2", book_id="b2", build=build(b"v1"))
    get_redis_connection("ratelimit").delete("books:gen:book:b2")  # expired or evicted
    again = read_cache.cached_read(view="t", scope_id="b2", book_id="b2", build=build(b"v2"))
    assert again.body == b"v2"


def test_redis_down_reads_come_from_mongodb(api, private_redis, count_mongo_commands):
    book_id, ids = book_with_toc(api)
    reads(api, book_id)
    private_redis.stop()
    api.patch(
        reverse("chapter-content", args=[book_id, ids[0]]),
        {"content": "<p>Written while Redis was down.</p>"},
        format="json",
    )
    with count_mongo_commands() as commands:
        toc = api.get(reverse("book-toc", args=[book_id]))
    assert toc.status_code == 200
    assert "Written while Redis was down" in toc.json()["toc"]["chapters"][0]["content"]
    assert len(commands) >= 2  # the user, the book, its chapters: nothing came from Redis
    private_redis.start()  # an empty Redis: nothing stale can come back
    assert api.get(reverse("book-toc", args=[book_id])).json() == toc.json()


def test_an_invalidation_lost_to_a_paused_redis_is_delivered_before_the_next_hit(
    api, private_redis
):
    """Redis paused (it keeps its entries) while content is saved: the token replacement times
    out. When Redis answers again it still holds the old TOC under the old tokens; the next read
    must deliver the lost invalidation first instead of serving it."""
    book_id, ids = book_with_toc(api)
    toc_url = reverse("book-toc", args=[book_id])
    assert api.get(toc_url).json()["toc"]["chapters"][0]["content"] == ""  # cached
    private_redis.process.send_signal(signal.SIGSTOP)
    try:
        saved = api.patch(
            reverse("chapter-content", args=[book_id, ids[0]]),
            {"content": "<p>Saved while Redis was paused.</p>"},
            format="json",
        )
        assert saved.status_code == 200, saved.content
    finally:
        private_redis.process.send_signal(signal.SIGCONT)
    chapters = api.get(toc_url).json()["toc"]["chapters"]
    assert "Saved while Redis was paused" in chapters[0]["content"]
