"""Concurrency caps (autoauthor/api/concurrency.py): the slot service against real Redis (and
its per-process fallback), the caps through the API, and a live gunicorn server whose other
users stay served while one user fires many slow AI calls at a slow provider."""

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.urls import reverse
from django_redis import get_redis_connection

from autoauthor.api import concurrency
from autoauthor.api.exceptions import status_of
from autoauthor.core.errors import TooManyConcurrent
from tests.ai.fake_openai import FakeOpenAI
from tests.export.conftest import build_book, create_book, download, export_url
from tests.reliability.support import Http, expect, register, seed_book
from tests.servers import api_server

LIMITS = {"export": {"per_user": 1, "total": 2}, "ai": {"per_user": 2, "total": 4}}


@pytest.fixture(autouse=True)
def caps(settings):
    """Known limits, fresh in-process state, and no lease left behind in this process."""
    settings.CONCURRENCY_ENABLE = True
    settings.CONCURRENCY_LIMITS = {scope: dict(limits) for scope, limits in LIMITS.items()}
    settings.CONCURRENCY_PROCESS_LIMIT = 10
    settings.CONCURRENCY_RETRY_AFTER_SECONDS = 5
    concurrency.store.memory.clear()
    concurrency.store._retry_at = 0.0
    concurrency.process_slots.clear()
    yield settings
    assert concurrency.process_slots.count(concurrency.PROCESS_KEY) == 0, "a lease leaked"


def members(scope: str, ident: str, url: str | None = None) -> tuple[int, int]:
    """(leases of `ident`, leases of the scope) in Redis."""
    client = redis.Redis.from_url(url) if url else get_redis_connection("ratelimit")
    user_key, total_key = concurrency.slot_keys(scope=scope, ident=ident)
    return client.zcard(user_key), client.zcard(total_key)


def refused(scope: str, ident: str) -> TooManyConcurrent:
    with pytest.raises(TooManyConcurrent) as caught:
        concurrency.slot_acquire(scope=scope, ident=ident)
    error = caught.value
    assert (status_of(error), error.code, error.retry_after) == (429, "too_many_concurrent", 5)
    return error


# --- the slot service -------------------------------------------------------------------------


def test_per_user_limit_then_release_frees_a_slot():
    first = concurrency.slot_acquire(scope="ai", ident="alice")
    second = concurrency.slot_acquire(scope="ai", ident="alice")
    assert first.in_redis and members("ai", "alice") == (2, 2)
    error = refused("ai", "alice")
    assert error.detail.startswith("You already have 2 AI requests running.")
    assert members("ai", "alice") == (2, 2)  # a refusal adds nothing

    concurrency.slot_release(lease=first)
    assert members("ai", "alice") == (1, 1)
    third = concurrency.slot_acquire(scope="ai", ident="alice")
    for lease in (second, third):
        concurrency.slot_release(lease=lease)
    assert members("ai", "alice") == (0, 0)


def test_total_limit_is_shared_by_every_user():
    alice = concurrency.slot_acquire(scope="export", ident="alice")
    bob = concurrency.slot_acquire(scope="export", ident="bob")
    assert "as many exports as it can" in refused("export", "carol").detail
    assert refused("export", "alice").detail.startswith("You already have 1 export running.")
    with concurrency.slot(scope="ai", ident="carol"):  # another scope counts on its own
        assert members("ai", "carol") == (1, 1)
    concurrency.slot_release(lease=bob)
    concurrency.slot_release(lease=concurrency.slot_acquire(scope="export", ident="carol"))
    concurrency.slot_release(lease=alice)
    assert members("export", "alice") == (0, 0)


def test_simultaneous_acquires_never_exceed_the_limit():
    def attempt(_):
        try:
            return concurrency.slot_acquire(scope="ai", ident="alice")
        except TooManyConcurrent:
            return None

    with ThreadPoolExecutor(max_workers=16) as pool:
        leases = [lease for lease in pool.map(attempt, range(32)) if lease is not None]
    assert len(leases) == 2 and members("ai", "alice") == (2, 2)
    for lease in leases:
        concurrency.slot_release(lease=lease)


def test_an_expired_lease_frees_itself(settings):
    settings.CONCURRENCY_LIMITS["export"]["lease_seconds"] = 0.3
    concurrency.slot_acquire(scope="export", ident="alice")  # never released: its holder died
    user_key, total_key = concurrency.slot_keys(scope="export", ident="alice")
    assert 0 < get_redis_connection("ratelimit").pttl(user_key) <= 300  # the key expires too
    refused("export", "alice")
    time.sleep(0.5)
    lease = concurrency.slot_acquire(scope="export", ident="alice")
    assert members("export", "alice") == (1, 1)
    concurrency.slot_release(lease=lease)


def test_lease_lasts_the_operations_own_time_limit(settings):
    settings.EXPORT_TIMEOUT_SECONDS = 120
    settings.CONCURRENCY_LEASE_MARGIN_SECONDS = 30
    settings.OPENAI_TIMEOUT_SECONDS = 60
    settings.AI_MAX_RETRIES = 3
    settings.AI_RETRY_BASE_SECONDS = 1
    assert concurrency.lease_seconds("export") == 150
    assert concurrency.lease_seconds("ai") == 3 * 60 + (1 + 2) + 30


def test_process_cap_counts_every_scope_together(settings):
    settings.CONCURRENCY_PROCESS_LIMIT = 2
    export = concurrency.slot_acquire(scope="export", ident="alice")
    ai = concurrency.slot_acquire(scope="ai", ident="bob")
    assert "busy with other long operations" in refused("ai", "carol").detail
    assert members("ai", "carol") == (0, 1)  # the refused request took no shared slot
    concurrency.slot_release(lease=export)
    concurrency.slot_release(lease=concurrency.slot_acquire(scope="ai", ident="carol"))
    concurrency.slot_release(lease=ai)


def test_redis_down_counts_per_process_and_recovers(private_redis, caplog):
    held = concurrency.slot_acquire(scope="export", ident="alice")
    assert held.in_redis and members("export", "alice", private_redis.url) == (1, 1)

    private_redis.stop()
    fallback = concurrency.slot_acquire(scope="export", ident="bob")  # never a 500
    assert not fallback.in_redis
    refused("export", "bob")  # still capped, per process
    assert "counting per process" in caplog.text
    concurrency.slot_release(lease=held)  # Redis is gone: logged, the lease will expire
    concurrency.slot_release(lease=fallback)
    concurrency.slot_release(lease=concurrency.slot_acquire(scope="export", ident="bob"))

    private_redis.start()
    again = concurrency.slot_acquire(scope="export", ident="alice")
    assert again.in_redis and members("export", "alice", private_redis.url) == (1, 1)
    concurrency.slot_release(lease=again)


def test_redis_disabled_counts_per_process(settings):
    settings.REDIS_ENABLED = False
    lease = concurrency.slot_acquire(scope="export", ident="alice")
    assert not lease.in_redis
    refused("export", "alice")
    concurrency.slot_release(lease=lease)
    concurrency.slot_release(lease=concurrency.slot_acquire(scope="export", ident="alice"))


# --- through the API --------------------------------------------------------------------------


def assert_busy(response):
    assert response.status_code == 429, response.content
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "too_many_concurrent" and body["detail"], body
    return body


@pytest.mark.django_db
def test_export_is_429_while_the_user_runs_one(api, user, other_api):
    book_id = build_book(api)
    other_book = build_book(other_api)
    held = concurrency.slot_acquire(scope="export", ident=str(user.pk))
    response, _ = download(api, book_id, "markdown")
    assert assert_busy(response)["detail"].startswith("You already have 1 export running.")
    assert api.head(export_url(book_id, "pdf")).status_code == 429  # HEAD runs the GET handler

    response, body = download(other_api, other_book, "markdown")  # other users are unaffected
    assert response.status_code == 200 and body.startswith(b"# ")
    concurrency.slot_release(lease=held)
    response, _ = download(api, book_id, "markdown")
    assert response.status_code == 200
    assert members("export", str(user.pk)) == (0, 0)


@pytest.mark.django_db
def test_slot_is_released_after_a_failed_and_a_successful_export(api, user):
    empty = create_book(api)
    response, _ = download(api, empty, "pdf", include_empty_chapters="true")
    assert response.status_code == 400
    assert members("export", str(user.pk)) == (0, 0)
    book_id = build_book(api)
    for fmt in ("docx", "markdown"):  # the second would be 429 had the first kept its slot
        response, body = download(api, book_id, fmt)
        assert response.status_code == 200 and body
        assert members("export", str(user.pk)) == (0, 0)


@pytest.mark.django_db
def test_formats_listing_takes_no_slot(api, user):
    book_id = build_book(api)
    held = concurrency.slot_acquire(scope="export", ident=str(user.pk))
    response = api.get(reverse("book-export-formats", kwargs={"book_id": book_id}))
    assert response.status_code == 200
    concurrency.slot_release(lease=held)


@pytest.mark.django_db
def test_rate_limit_is_checked_before_the_cap(api, user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "1/3600"}
    book_id = build_book(api)
    assert download(api, book_id, "markdown")[0].status_code == 200
    held = concurrency.slot_acquire(scope="export", ident=str(user.pk))
    response, _ = download(api, book_id, "markdown")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    concurrency.slot_release(lease=held)


@pytest.mark.django_db
def test_unauthenticated_requests_take_no_slot(anon, user, settings):
    settings.CONCURRENCY_LIMITS["export"]["total"] = 1
    held = concurrency.slot_acquire(scope="export", ident="someone")
    response = anon.get(export_url("0" * 24, "pdf"))
    assert response.status_code == 401  # not 429: the cap is taken after authentication
    concurrency.slot_release(lease=held)


AI_CALLS = [
    ("book-analyze-summary", {}, {}),
    ("book-generate-questions", {}, {}),
    ("book-generate-toc", {}, {}),
    ("chapter-generate-draft", {"chapter_id": "ch1"}, {}),
    ("chapter-transform-style", {"chapter_id": "ch1"}, {}),
    ("chapter-generate-questions", {"chapter_id": "ch1"}, {}),
    ("chapter-regenerate-questions", {"chapter_id": "ch1"}, {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "body"), AI_CALLS)
def test_every_ai_endpoint_is_capped(api, user, name, kwargs, body):
    book_id = create_book(api)
    held = [concurrency.slot_acquire(scope="ai", ident=str(user.pk)) for _ in range(2)]
    path = reverse(name, kwargs={"book_id": book_id, **kwargs})
    body = assert_busy(api.post(path, body, format="json"))
    assert body["detail"].startswith("You already have 2 AI requests running.")
    for lease in held:
        concurrency.slot_release(lease=lease)


@pytest.mark.django_db
def test_ai_slot_is_released_after_the_call(api, user):
    book_id = create_book(api)
    path = reverse("chapter-transform-style", kwargs={"book_id": book_id, "chapter_id": "ch1"})
    body = {"content": "Some text to rewrite.", "target_style": "professional"}
    for _ in range(3):  # per user 2: the third would be 429 had a slot been kept
        assert api.post(path, body, format="json").status_code == 200
    assert api.post(path, {"content": " ", "target_style": "x"}, format="json").status_code == 400
    assert members("ai", str(user.pk)) == (0, 0)


# --- a live server under slow AI calls --------------------------------------------------------

PROVIDER_DELAY = 6.0
BURST = 12
BOUND_SECONDS = 5.0


@pytest.fixture
def provider():
    server = FakeOpenAI().start()
    yield server
    server.stop()


def hang_up_after(base: str, token: str, path: str, body: dict, seconds: float) -> None:
    """Send a POST, then close the connection before the answer comes."""
    payload = json.dumps(body).encode()
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=seconds) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        with pytest.raises(TimeoutError):
            sock.recv(1)


@pytest.mark.timeout(180)
@pytest.mark.django_db(transaction=True)
def test_other_users_stay_served_while_one_floods_a_slow_provider(provider):
    env = {
        "GUNICORN_THREADS": "4",
        "OPENAI_API_KEY": "test",
        "OPENAI_BASE_URL": provider.url,
        "OPENAI_MODEL": "test-model",
        "OPENAI_TIMEOUT_SECONDS": "30",
        "AI_MAX_RETRIES": "1",
        "AI_CACHE_ENABLED": "false",
        "RATELIMIT_ENABLE": "false",
    }
    args = ("--worker-class", "gthread", "--threads", "4")
    with api_server(env=env, extra_args=args) as base:
        flooder, reader = register(base, prefix="flood"), seed_book(register(base), questions=False)
        path = f"/api/v1/books/{create_flood_book(flooder)}/chapters/ch1/transform-style"
        body = {"content": "Some text to rewrite.", "target_style": "professional"}
        provider.reply("Rewritten text.", delay=PROVIDER_DELAY, times=BURST + 2)
        probe = Http(base, reader.access, timeout=30)

        with ThreadPoolExecutor(max_workers=BURST) as pool:
            burst = [pool.submit(flooder.http.post, path, body) for _ in range(BURST)]
            time.sleep(0.5)  # the burst has reached the server
            probes = []
            for _ in range(5):
                probes.append(probe.get("/api/v1/health"))
                probes.append(probe.get(f"/api/v1/books/{reader.book_id}"))
            replies = [future.result() for future in burst]

        for reply in probes:
            assert reply.status == 200 and reply.elapsed < BOUND_SECONDS, reply
        statuses = sorted(reply.status for reply in replies)
        assert statuses == [200] * 2 + [429] * (BURST - 2), statuses
        busy = next(reply for reply in replies if reply.status == 429)
        assert busy.body["code"] == "too_many_concurrent" and busy.headers["Retry-After"] == "5"
        assert provider.calls == 2

        # A client that hangs up still gives its slot back once the view has answered.
        hang_up_after(base, flooder.access, path, body, seconds=1.0)
        assert members("ai", flooder.user_id) == (1, 1)  # still waiting on the provider
        deadline = time.monotonic() + 30
        while members("ai", flooder.user_id) != (0, 0) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert members("ai", flooder.user_id) == (0, 0)
        assert provider.calls == 3


def create_flood_book(author) -> str:
    return expect(author.http.post("/api/v1/books", {"title": "Flood"}), 201)["id"]
