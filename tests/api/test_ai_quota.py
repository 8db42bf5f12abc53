"""The per-user AI quota and plan entitlements: every action with the concurrency scope "ai" is
402 for a plan without AI and 429 `ai_quota_exceeded` past the day's or the month's limit, with
X-AI-Quota-* headers on every AI answer; only successful answers count; the counts live in Redis
with MongoDB as the record (a Redis flush re-seeds from it, Redis down leaves MongoDB counting).
"""

import re
import threading

import pytest
import redis
from bson import ObjectId
from django.db import connections
from django.urls import reverse
from django_redis import get_redis_connection
from drf_spectacular.generators import EndpointEnumerator

from accounts.models import AIUsage
from accounts.services.ai_quota import counter_reserve, quota_frame, quota_reserve
from accounts.services.ai_usage import usage_add, usage_recorded, usage_reserve
from autoauthor.core.errors import QuotaExceeded
from tests.ai.fake_openai import FakeOpenAI
from tests.factories import BookFactory, UserFactory

pytestmark = pytest.mark.django_db

KNOWN_AI_ACTIONS = {
    "analyze_summary",
    "generate_questions",
    "generate_toc",
    "generate_draft",
    "transform_style",
    "regenerate_questions",
}


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The tests call AI endpoints more often than their rate limits allow."""
    settings.RATE_LIMITS = {scope: "1000/60" for scope in settings.RATE_LIMITS}


def set_limits(settings, daily, monthly, plan="free"):
    settings.AI_QUOTA_LIMITS = {
        **settings.AI_QUOTA_LIMITS,
        plan: {"daily": daily, "monthly": monthly},
    }


def periods():
    (day, _), (month, _) = quota_frame()
    return day, month


@pytest.fixture
def book(user):
    return BookFactory(owner=user, summary="Beekeeping on city rooftops for beginners. " * 3)


def transform(client, book, body=None):
    path = reverse("chapter-transform-style", kwargs={"book_id": str(book.pk), "chapter_id": "ch1"})
    return client.post(
        path, body or {"content": "Keep bees.", "target_style": "academic"}, format="json"
    )


def usage(client):
    response = client.get(reverse("user-me-usage"))
    assert response.status_code == 200, response.content
    return response.json()


def ai_routes() -> list[tuple[str, str, str]]:
    """(action, method, path with ids filled in) of every route whose action has the
    concurrency scope "ai", read from the URL configuration."""
    routes = []
    for path, _, method, callback in EndpointEnumerator().get_api_endpoints():
        action = (getattr(callback, "actions", None) or {}).get(method.lower())
        scopes = getattr(callback.cls, "concurrency_scopes", None) or {}
        if action and scopes.get(action) == "ai":
            filled = re.sub(r"\{\w+\}", lambda _: str(ObjectId()), path)
            routes.append((action, method, filled))
    return routes


def test_every_ai_action_is_entitlement_and_quota_guarded(api, user, settings):
    routes = ai_routes()
    assert KNOWN_AI_ACTIONS <= {action for action, _, _ in routes}
    user.plan = "restricted"
    user.save()
    for _, method, path in routes:
        response = api.generic(method, path, "{}", content_type="application/json")
        assert response.status_code == 402, (path, response.content)
        assert response.json()["code"] == "entitlement_required"
        assert "X-AI-Quota-Limit" not in response
    user.plan = "free"
    user.save()
    set_limits(settings, daily=1, monthly=100)
    usage_add(user_id=user.pk, periods=periods(), delta=1)  # the day is used up
    for _, method, path in routes:
        response = api.generic(method, path, "{}", content_type="application/json")
        assert response.status_code == 429, (path, response.content)
        assert response.json()["code"] == "ai_quota_exceeded"
        assert response["X-AI-Quota-Remaining"] == "0"
    assert usage_recorded(user_id=user.pk, periods=periods()) == [1, 1]


def test_restricted_plan_keeps_everything_else(api, user, book):
    user.plan = "restricted"
    user.save()
    assert api.get(reverse("book-detail", kwargs={"book_id": str(book.pk)})).status_code == 200
    body = usage(api)
    assert body["plan"] == "restricted" and body["ai_allowed"] is False
    assert body["daily"]["limit"] == 0 and body["daily"]["remaining"] == 0


def test_plan_enforcement_switch(api, user, book, settings):
    user.plan = "restricted"
    user.save()
    settings.PLAN_ENFORCEMENT_ENABLED = False
    assert transform(api, book).status_code == 200
    settings.PLAN_ENFORCEMENT_ENABLED = True
    response = transform(api, book)
    assert response.status_code == 402
    assert response.json() == {
        "detail": "Your plan (restricted) does not include AI features. Upgrade your plan to "
        "use them.",
        "code": "entitlement_required",
    }


def test_daily_quota_headers_and_429(api, user, book, settings):
    set_limits(settings, daily=2, monthly=100)
    (day, day_end), _ = quota_frame()
    remaining = []
    for _ in range(2):
        response = transform(api, book)
        assert response.status_code == 200, response.content
        assert response["X-AI-Quota-Limit"] == "2"
        assert response["X-AI-Quota-Reset"] == str(day_end)
        assert response["X-AI-Quota-Period"] == "day"
        remaining.append(response["X-AI-Quota-Remaining"])
    assert remaining == ["1", "0"]
    refused = transform(api, book)
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "ai_quota_exceeded"
    assert "2 AI requests per day on the free plan" in body["detail"]
    assert 0 < int(refused["Retry-After"]) <= 86400
    assert body["retry_after"] == int(refused["Retry-After"])
    assert (refused["X-AI-Quota-Limit"], refused["X-AI-Quota-Remaining"]) == ("2", "0")
    assert refused["X-AI-Quota-Reset"] == str(day_end)
    assert usage_recorded(user_id=user.pk, periods=periods()) == [2, 2]  # the 429 is not counted
    key = f"aiquota:{{{user.pk}}}:{day}"
    assert get_redis_connection("ratelimit").get(key) == b"2"
    assert day_end < get_redis_connection("ratelimit").expiretime(key) <= day_end + 86400


def test_monthly_window_binds_when_it_has_less_left(api, user, book, settings):
    set_limits(settings, daily=10, monthly=2)
    _, (_, month_end) = quota_frame()
    first = transform(api, book)
    assert (first["X-AI-Quota-Period"], first["X-AI-Quota-Remaining"]) == ("month", "1")
    assert first["X-AI-Quota-Reset"] == str(month_end)
    assert transform(api, book).status_code == 200
    refused = transform(api, book)
    assert refused.status_code == 429 and "per month" in refused.json()["detail"]
    assert refused["X-AI-Quota-Period"] == "month"
    assert usage_recorded(user_id=user.pk, periods=periods()) == [2, 2]


def test_requests_that_do_not_reach_the_ai_are_refunded(api, user, book, other_user, settings):
    set_limits(settings, daily=5, monthly=100)
    foreign = BookFactory(owner=other_user)
    missing = BookFactory.build(owner=user)
    missing.pk = ObjectId()
    assert transform(api, foreign).status_code == 403
    assert transform(api, missing).status_code == 404
    invalid = transform(api, book, {"content": "Text", "target_style": "poetic"})
    assert invalid.status_code == 400
    assert invalid["X-AI-Quota-Remaining"] == "5"  # the headers report the refunded count
    toc = reverse("book-generate-toc", kwargs={"book_id": str(book.pk)})
    assert api.post(toc, {"overwrite": "perhaps"}, format="json").status_code == 422
    assert usage(api)["daily"]["used"] == 0
    assert usage_recorded(user_id=user.pk, periods=periods()) == [0, 0]
    day, _ = periods()
    assert get_redis_connection("ratelimit").get(f"aiquota:{{{user.pk}}}:{day}") == b"0"


def test_an_ai_failure_is_refunded(api, user, book, settings):
    server = FakeOpenAI().start()
    try:
        settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL = "test", server.url
        settings.AI_MAX_RETRIES, settings.AI_RETRY_BASE_SECONDS = 2, 0.001
        server.fail(500, times=2)
        assert transform(api, book).status_code == 503
        assert server.calls == 2  # the AI was called, and failed
    finally:
        server.stop()
    assert usage(api)["daily"]["used"] == 0


def test_async_requests_count_when_queued(api, user, book):
    path = reverse("book-generate-toc", kwargs={"book_id": str(book.pk)})
    answers = [{"question": "Who reads it?", "answer": "City dwellers with a flat roof."}]
    queued = api.post(f"{path}?async=true", {"question_responses": answers}, format="json")
    assert queued.status_code == 202, queued.content
    assert queued["X-AI-Quota-Remaining"] == "49"
    assert api.post(f"{path}?async=maybe", {}, format="json").status_code == 422
    assert usage(api)["daily"]["used"] == 1


def test_usage_of_each_plan(api, user, settings):
    free = usage(api)
    (day, day_end), (month, month_end) = quota_frame()
    assert free == {
        "plan": "free",
        "ai_allowed": True,
        "daily": {"period": day, "limit": 50, "used": 0, "remaining": 50, "reset": day_end},
        "monthly": {"period": month, "limit": 500, "used": 0, "remaining": 500, "reset": month_end},
    }
    user.plan = "pro"
    user.save()
    pro = usage(api)
    assert (pro["daily"]["limit"], pro["monthly"]["limit"]) == (500, 5000)
    set_limits(settings, daily=0, monthly=0, plan="pro")  # <= 0: no limit
    assert usage(api)["daily"] == {
        "period": day, "limit": None, "used": 0, "remaining": None, "reset": day_end
    }  # fmt: skip
    assert api.patch(reverse("user-me"), {"plan": "free"}, format="json").status_code == 422
    user.refresh_from_db()
    assert user.plan == "pro"  # a user never changes its own plan


def test_usage_needs_authentication(anon):
    assert anon.get(reverse("user-me-usage")).status_code == 401


def test_quota_switch_off(api, user, book, settings):
    settings.AI_QUOTA_ENABLED = False
    response = transform(api, book)
    assert response.status_code == 200 and "X-AI-Quota-Limit" not in response
    assert not AIUsage.objects.exists()


def test_a_redis_flush_reseeds_from_mongodb(api, user, book, settings):
    set_limits(settings, daily=3, monthly=100)
    assert [transform(api, book).status_code for _ in range(2)] == [200, 200]
    get_redis_connection("ratelimit").flushdb()
    assert usage(api)["daily"]["used"] == 2
    assert transform(api, book)["X-AI-Quota-Remaining"] == "0"
    day, _ = periods()
    assert get_redis_connection("ratelimit").get(f"aiquota:{{{user.pk}}}:{day}") == b"3"
    assert transform(api, book).status_code == 429


def test_redis_down_leaves_mongodb_counting(api, user, book, settings, private_redis):
    set_limits(settings, daily=3, monthly=100)
    day, _ = periods()
    key = f"aiquota:{{{user.pk}}}:{day}"
    assert transform(api, book).status_code == 200
    assert redis.Redis.from_url(private_redis.url).get(key) == b"1"
    private_redis.stop()
    codes = [transform(api, book).status_code for _ in range(3)]
    assert codes == [200, 200, 429]  # shared in MongoDB: never a 500, never unlimited
    assert usage(api)["daily"]["used"] == 3
    private_redis.start()  # an empty Redis: the record is the floor
    assert transform(api, book).status_code == 429
    assert redis.Redis.from_url(private_redis.url).get(key) == b"3"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("redis_enabled", [True, False], ids=["redis", "mongodb-only"])
def test_concurrent_requests_at_the_limit_take_it_once(settings, redis_enabled):
    """Eight threads race for the last request of the day: exactly one gets it."""
    settings.REDIS_ENABLED = redis_enabled
    set_limits(settings, daily=5, monthly=100)
    user = UserFactory()
    usage_add(user_id=user.pk, periods=periods(), delta=4)
    barrier = threading.Barrier(8)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            quota_reserve(user=user)
            outcomes.append("taken")
        except QuotaExceeded:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["taken"]
    assert usage_recorded(user_id=user.pk, periods=periods()) == [5, 5]


def race(attempt, threads: int) -> list:
    """The results of `threads` threads that all call `attempt()` at the same moment."""
    barrier = threading.Barrier(threads)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(attempt())
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def test_the_redis_counter_gives_the_last_request_once():
    """The Redis step alone (no MongoDB read to spread the threads out), over several rounds:
    16 threads at limit - 1, exactly one is counted."""
    client = get_redis_connection("ratelimit")
    for round_ in range(5):
        keys = [f"aiquota:{{race-{round_}}}:day", f"aiquota:{{race-{round_}}}:month"]
        client.set(keys[0], 4)
        results = race(
            lambda keys=keys: counter_reserve(
                keys=keys, limits=(5, None), floors=(0, 0), expire_at=(2**31, 2**31)
            )[0],
            16,
        )
        assert sorted(results) == [0] + [1] * 15
        assert [int(client.get(key)) for key in keys] == [5, 1]


@pytest.mark.django_db(transaction=True)
def test_the_mongodb_record_gives_the_last_request_once(user):
    """MongoDB counting alone (Redis down), over several rounds: 8 threads at limit - 1 of the
    month, exactly one is counted in both windows; the refused ones leave the day untouched."""
    for round_ in range(3):
        day, month = f"2026-12-0{round_ + 1}", f"2026-{round_ + 1:02d}"
        usage_add(user_id=user.pk, periods=[month], delta=4)
        results = race(
            lambda periods=(day, month): usage_reserve(
                user_id=user.pk, periods=periods, limits=(None, 5)
            )[0],
            8,
        )
        assert sorted(results) == [0] + [2] * 7
        assert usage_recorded(user_id=user.pk, periods=(day, month)) == [1, 5]
