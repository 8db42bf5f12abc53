"""Rate limiting: exact limits shared across processes through Redis, and the per-process
fallback while Redis is down."""

import json
import urllib.error
import urllib.request

import pytest
import redis
from django.urls import reverse

from accounts.services.tokens import token_pair_create
from tests.servers import RedisServer, api_server


def get(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        json.loads(error.read())  # every error is a JSON body
        return error.code


@pytest.mark.django_db(transaction=True)
def test_limit_is_exact_across_two_server_processes(user):
    token = token_pair_create(user=user)["access"]
    env = {"RATELIMIT_PROFILE_GET": "5/60"}
    with api_server(env=env) as first, api_server(env=env) as second:
        codes = [get(f"{base}/api/v1/users/me", token) for base in [first, second] * 3]
    assert codes == [200, 200, 200, 200, 200, 429]


@pytest.mark.django_db
def test_redis_down_falls_back_to_process_memory_and_recovers(api, user, settings, private_redis):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "profile_get": "3/60"}
    key = f"ratelimit:profile_get:{user.pk}"
    client = redis.Redis.from_url(private_redis.url)
    assert api.get(reverse("user-me")).status_code == 200
    assert client.get(key) == b"1"
    assert 0 < client.ttl(key) <= 60

    private_redis.stop()
    codes = [api.get(reverse("user-me")).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]  # never a 500, never "everything blocked"
    health = api.get(reverse("health")).json()
    assert health["status"] == "degraded"
    assert health["checks"]["redis"] == {"status": "unavailable"}

    private_redis.start()
    assert api.get(reverse("user-me")).status_code == 200  # shared counting resumed
    assert redis.Redis.from_url(private_redis.url).get(key) == b"1"


@pytest.mark.django_db
def test_redis_disabled_counts_per_process(api, settings):
    settings.REDIS_ENABLED = False
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "profile_get": "2/60"}
    codes = [api.get(reverse("user-me")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


@pytest.mark.django_db
def test_ratelimit_switch_off(api, settings):
    settings.RATELIMIT_ENABLE = False
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "profile_get": "1/60"}
    responses = [api.get(reverse("user-me")) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert "X-RateLimit-Limit" not in responses[0]


def test_unauthenticated_requests_are_not_counted(anon, api, settings, user):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "profile_get": "1/60"}
    for _ in range(3):
        assert anon.get(reverse("user-me")).status_code == 401
    assert api.get(reverse("user-me")).status_code == 200


@pytest.mark.django_db
def test_429_body_and_headers(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "profile_get": "1/60"}
    assert api.get(reverse("user-me")).status_code == 200
    response = api.get(reverse("user-me"))
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited"
    assert body["detail"].startswith("Rate limit exceeded. Try again in ")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["X-RateLimit-Limit"] == "1"
    assert response["X-RateLimit-Remaining"] == "0"


@pytest.mark.django_db(transaction=True)
def test_gunicorn_servers_survive_a_redis_outage_and_share_limits_again(user, tmp_path):
    """Through two real server processes: Redis stopped -> requests keep being served (counted
    per process), health degraded; Redis started again -> one shared count again."""
    redis_server = RedisServer(tmp_path)
    redis_server.start()
    token = token_pair_create(user=user)["access"]
    key = f"ratelimit:profile_get:{user.pk}"
    env = {
        "TEST_REDIS_URL": redis_server.url,
        "RATELIMIT_PROFILE_GET": "4/60",
        "RATELIMIT_REDIS_RETRY_SECONDS": "0",
    }
    try:
        with api_server(env=env) as first, api_server(env=env) as second:
            client = redis.Redis.from_url(redis_server.url)
            assert [get(f"{base}/api/v1/users/me", token) for base in (first, second)] == [200] * 2
            assert client.get(key) == b"2"

            redis_server.stop()
            codes = [get(f"{base}/api/v1/users/me", token) for base in (first, second) * 2]
            assert codes == [200] * 4  # never a 500
            with urllib.request.urlopen(f"{first}/api/v1/health", timeout=10) as response:
                assert json.loads(response.read())["checks"]["redis"]["status"] == "unavailable"

            redis_server.start()  # empty: the outage's counts were per process
            client = redis.Redis.from_url(redis_server.url)
            for base in (first, second):  # each process reconnects on its next request
                for _ in range(3):
                    if get(f"{base}/api/v1/users/me", token) == 200 and client.exists(key):
                        break
            client.delete(key)
            codes = [get(f"{base}/api/v1/users/me", token) for base in (first, second) * 3]
            assert codes == [200, 200, 200, 200, 429, 429]  # exact across both processes again
            assert client.get(key) == b"6"
    finally:
        redis_server.stop()


@pytest.mark.django_db
def test_head_counts_against_the_get_scope(api, settings):
    """Django answers HEAD with the GET handler, so a HEAD costs what a GET costs: it is counted
    in the GET's scope (a HEAD of an export renders the whole book)."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "profile_get": "2/60"}
    codes = [api.head(reverse("user-me")).status_code for _ in range(2)]
    codes.append(api.get(reverse("user-me")).status_code)
    assert codes == [200, 200, 429]
