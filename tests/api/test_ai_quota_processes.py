"""The AI quota holds across server processes: two gunicorn servers share one Redis and one
database, count one quota between them, race for its last request without both winning, and
keep the count through a Redis flush."""

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django_redis import get_redis_connection

from accounts.services.ai_quota import quota_frame
from accounts.services.ai_usage import usage_add, usage_recorded
from accounts.services.tokens import token_pair_create
from tests.factories import BookFactory, UserFactory
from tests.servers import api_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

LIMIT = 4
ENV = {
    "AI_QUOTA_DAILY_LIMIT": str(LIMIT),
    "RATELIMIT_TRANSFORM_STYLE": "1000/60",
    "CONCURRENCY_AI_PER_USER": "10",
    "CONCURRENCY_AI_TOTAL": "20",
}


def periods():
    (day, _), (month, _) = quota_frame()
    return day, month


def transform(base: str, book, token: str) -> tuple[int, str | None]:
    """(status, X-AI-Quota-Remaining) of one style transformation through server `base`."""
    request = urllib.request.Request(
        f"{base}/api/v1/books/{book.pk}/chapters/ch1/transform-style",
        data=json.dumps({"content": "Keep bees.", "target_style": "academic"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("X-AI-Quota-Remaining")
    except urllib.error.HTTPError as error:
        json.loads(error.read())  # every error is a JSON body
        return error.code, error.headers.get("X-AI-Quota-Remaining")


def author():
    user = UserFactory()
    return user, BookFactory(owner=user), token_pair_create(user=user)["access"]


def test_one_quota_across_two_server_processes():
    user, book, token = author()
    with api_server(env=ENV) as first, api_server(env=ENV) as second:
        answers = [transform(base, book, token) for base in [first, second] * 3]
        # Racing for the last request of the day, at limit - 1, one process each: one wins.
        racers = []
        for _ in range(3):
            racer, racer_book, racer_token = author()
            usage_add(user_id=racer.pk, periods=periods(), delta=LIMIT - 1)
            with ThreadPoolExecutor(2) as pool:
                races = [
                    pool.submit(transform, base, racer_book, racer_token)
                    for base in (first, second)
                ]
                racers.append(sorted(race.result()[0] for race in races))
        get_redis_connection("ratelimit").flushdb()  # the record survives
        after_flush = [transform(base, book, token)[0] for base in (first, second)]
    assert answers == [(200, "3"), (200, "2"), (200, "1"), (200, "0"), (429, "0"), (429, "0")]
    assert racers == [[200, 429]] * 3
    assert after_flush == [429, 429]
    assert usage_recorded(user_id=user.pk, periods=periods()) == [LIMIT, LIMIT]
