"""AI provider faults through a real gunicorn process and the real `openai` client: a provider
that answers too slowly, then one that is down (its port closed), makes every AI endpoint answer
503 with `retryable: true` within the configured budget (attempts x timeout + backoff), storing
nothing. The provider is tests/ai's fake OpenAI server, a real local HTTP server."""

import pytest

from tests.ai.fake_openai import FakeOpenAI
from tests.reliability.support import Http, expect, register, seed_book
from tests.servers import api_server

pytestmark = pytest.mark.timeout(240)

TIMEOUT_SECONDS = 1.0
ATTEMPTS = 2
BACKOFF_SECONDS = 0.1
# attempts x timeout + the backoff between them, plus generous slack for a loaded machine
BUDGET = ATTEMPTS * TIMEOUT_SECONDS + BACKOFF_SECONDS + 5

ANSWERS = [{"question": "Who is the keeper?", "answer": "Ada, born on the island."}]


def ai_calls(book: str) -> list[tuple[str, dict]]:
    chapter = f"{book}/chapters/ch1"
    return [
        (f"{book}/analyze-summary", {}),
        (f"{book}/generate-questions", {}),
        (f"{book}/generate-toc", {"question_responses": ANSWERS, "overwrite": True}),
        (f"{chapter}/generate-draft", {"question_responses": ANSWERS, "save": True}),
        (f"{chapter}/transform-style", {"content": "Some text.", "target_style": "professional"}),
        (f"{chapter}/generate-questions", {"count": 3}),
        (f"{chapter}/regenerate-questions", {"count": 3}),
    ]


@pytest.fixture
def provider():
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture
def server(provider, transactional_db):
    env = {
        "OPENAI_API_KEY": "test",
        "OPENAI_BASE_URL": provider.url,
        "OPENAI_MODEL": "test-model",
        "OPENAI_TIMEOUT_SECONDS": str(TIMEOUT_SECONDS),
        "AI_MAX_RETRIES": str(ATTEMPTS),
        "AI_RETRY_BASE_SECONDS": str(BACKOFF_SECONDS),
        "AI_CACHE_ENABLED": "false",
        "RATELIMIT_ENABLE": "false",
    }
    with api_server(env=env) as base:
        yield base


def assert_retryable_503(reply, path):
    assert reply.status == 503, (path, reply.status, reply.raw[:300])
    assert reply.body["retryable"] is True, reply.body
    assert reply.body["code"] in {"ai_network_error", "ai_service_unavailable"}, reply.body
    assert reply.headers.get("Retry-After"), reply.headers
    assert reply.elapsed < BUDGET, (path, reply.elapsed)


def snapshot(http: Http, book: str) -> tuple:
    toc = expect(http.get(f"{book}/toc"), 200)
    content = expect(http.get(f"{book}/chapters/ch1/content"), 200)
    questions = expect(http.get(f"{book}/chapters/ch1/questions?limit=50"), 200)
    return toc["version"], content["content"], content["version"], questions["total"]


def test_slow_then_down_provider_is_a_retryable_503_within_budget(provider, server):
    author = seed_book(register(server, prefix="ai"), questions=False)
    http, book = author.http, f"/api/v1/books/{author.book_id}"
    # Questions to regenerate: an unusable answer is filled with template questions.
    provider.reply("nothing usable")
    expect(http.post(f"{book}/chapters/ch1/generate-questions", {"count": 3}), 200)
    before = snapshot(http, book)
    assert before[3] == 3

    # Slow: every answer comes after the client's timeout.
    provider.reply("far too late", delay=TIMEOUT_SECONDS * 4, times=100)
    for path, body in ai_calls(book):
        assert_retryable_503(http.post(path, body), path)
    assert provider.calls >= len(ai_calls(book)) * ATTEMPTS
    assert snapshot(http, book) == before

    # Down: nothing listens on the provider's port any more.
    provider.stop()
    for path, body in ai_calls(book):
        assert_retryable_503(http.post(path, body), path)
    assert snapshot(http, book) == before
    # The rest of the API is unaffected.
    assert http.get(f"{book}/chapters/ch1").status == 200
