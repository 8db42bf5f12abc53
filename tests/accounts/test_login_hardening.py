"""Login cannot enumerate accounts nor lock their owners out.

Every login attempt hashes the submitted password exactly once, whether the email is unknown,
the account inactive or the password wrong, so response times do not tell registered emails
apart. The per-account limits are keyed so that an attacker's failures from one client never
lock the owner out of another: every attempt counts per account and client IP, and failures
alone count towards a higher per-account ceiling that any IP reaches."""

import pytest
import redis
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse
from django_redis import get_redis_connection
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HASHED: list[str] = []


class RecordingMD5Hasher(MD5PasswordHasher):
    """The suite's real hasher (MD5), noting each password it hashes: every check and every
    new hash goes through `encode`."""

    def encode(self, password, salt):
        HASHED.append(password)
        return super().encode(password, salt)


@pytest.fixture
def hashed(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.RecordingMD5Hasher"]
    HASHED.clear()
    return HASHED


def login(email, password=TEST_PASSWORD, ip="192.0.2.1"):
    client = APIClient(REMOTE_ADDR=ip)
    return client.post(reverse("auth-login"), {"email": email, "password": password}, format="json")


def _unknown():
    return "nobody@example.com", "a-guess-of-17-chars"


def _inactive():
    return UserFactory(is_active=False).email, "a-guess-of-17-chars"


def _unusable_password():
    user = UserFactory()
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user.email, "a-guess-of-17-chars"


def _wrong_password():
    return UserFactory().email, "a-guess-of-17-chars"


@pytest.mark.parametrize(
    "attempt", [_unknown, _inactive, _unusable_password, _wrong_password], ids=lambda f: f.__name__
)
def test_every_failed_login_hashes_the_password_once(hashed, attempt):
    email, password = attempt()
    hashed.clear()
    response = login(email, password)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert len(hashed) == 1, hashed
    if attempt is not _unusable_password:  # Django hashes a random string for that one
        assert hashed == [password]  # the submitted password: the same cost as a real check


def test_a_successful_login_hashes_the_password_once_too(hashed, user):
    hashed.clear()
    assert login(user.email).status_code == 200
    assert hashed == [TEST_PASSWORD]


def test_attacker_failures_from_one_ip_do_not_lock_the_owner_out_of_another(user):
    attacker = [login(user.email, f"guess-number-{n}", ip="203.0.113.7") for n in range(7)]
    assert [r.status_code for r in attacker] == [401] * 5 + [429] * 2
    assert attacker[-1].json()["code"] == "rate_limited"
    assert int(attacker[-1]["Retry-After"]) >= 1
    # The right password from the attacker's address is refused too: every attempt counts.
    assert login(user.email, ip="203.0.113.7").status_code == 429
    owner = login(user.email, ip="198.51.100.20")
    assert owner.status_code == 200, owner.content
    assert owner.json()["user"]["id"] == str(user.pk)


def test_the_account_failure_ceiling_holds_from_any_ip(user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "auth_login_account_failures": "4/900"}
    # The owner's own successful logins do not use the ceiling up.
    assert [login(user.email, ip=f"198.51.100.{n}").status_code for n in (1, 2)] == [200, 200]
    failures = [login(user.email, "guess-again-0", ip=f"203.0.113.{n}") for n in range(1, 5)]
    assert [r.status_code for r in failures] == [401] * 4
    # The ceiling is checked before the password: even the right one, from a new IP, waits.
    limited = login(user.email, ip="198.51.100.99")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert 1 <= int(limited["Retry-After"]) <= 900
    # Only failures were counted, and only for this account.
    key = f"ratelimit:auth_login_account_failures:{user.email}"
    assert get_redis_connection("ratelimit").get(key) == b"4"
    assert login(UserFactory().email, ip="203.0.113.1").status_code == 200


def test_the_ceiling_answers_the_same_for_unknown_and_registered_emails(user, settings):
    """A 429 must not reveal that an account exists: unknown emails are counted alike."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "auth_login_account_failures": "2/900"}
    answers = {}
    for email in (user.email, "nobody@example.com"):
        responses = [login(email, "guess-again-0", ip=f"203.0.113.{n}") for n in range(1, 4)]
        answers[email] = [(r.status_code, r.json()["code"]) for r in responses]
    assert answers[user.email] == answers["nobody@example.com"]
    assert answers[user.email] == [(401, "invalid_credentials")] * 2 + [(429, "rate_limited")]


@pytest.mark.parametrize("redis_state", ["stopped", "disabled"])
def test_the_ceiling_is_counted_per_process_without_redis(
    user, settings, private_redis, redis_state
):
    """The read-only check falls back to process memory exactly like counting does."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "auth_login_account_failures": "2/900"}
    assert login(user.email, "guess-again-0", ip="203.0.113.1").status_code == 401
    assert (
        redis.Redis.from_url(private_redis.url).get(
            f"ratelimit:auth_login_account_failures:{user.email}"
        )
        == b"1"
    )
    if redis_state == "stopped":
        private_redis.stop()
    else:
        settings.REDIS_ENABLED = False
    # Per process from here: a fresh window (the Redis count is not visible), never a 500.
    codes = [login(user.email, "guess-again-0", ip=f"203.0.113.{n}").status_code for n in (2, 3)]
    assert codes == [401, 401]
    assert login(user.email, ip="198.51.100.1").status_code == 429
    assert login(UserFactory().email, ip="198.51.100.1").status_code == 200


def test_email_case_variants_count_as_one_account(user):
    """The account key is the normalised email, so case variants share one budget."""
    variants = [user.email.upper(), user.email.title(), user.email]
    codes = [login(v, "guess-again-0", ip="203.0.113.7").status_code for v in variants * 2]
    assert codes == [401] * 5 + [429]
    assert login(user.email.upper(), ip="198.51.100.20").status_code == 200
