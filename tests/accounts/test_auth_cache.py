"""Bearer authentication through the Redis user cache: no MongoDB read while the user is cached,
every change to the user seen at once, and MongoDB reads again while Redis is down."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.services import users as user_services
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


def reads(count_mongo_commands, call) -> tuple[int, list[str]]:
    with count_mongo_commands() as commands:
        response = call()
    return response.status_code, list(commands)


def test_first_request_reads_the_user_later_ones_read_nothing(api, count_mongo_commands):
    session = reverse("auth-session")
    assert reads(count_mongo_commands, lambda: api.get(session)) == (200, ["aggregate"])
    assert reads(count_mongo_commands, lambda: api.get(session)) == (200, [])


def test_deactivation_is_seen_at_once_by_a_cached_token(api, user):
    assert api.get(reverse("auth-session")).status_code == 200  # cached now
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api.get(reverse("auth-session")).status_code == 401


def test_account_deletion_is_seen_at_once_by_a_cached_token(api, user):
    assert api.get(reverse("user-me")).status_code == 200
    user_services.user_delete(user=user)
    assert api.get(reverse("user-me")).status_code == 401


def test_deactivation_through_a_queryset_update_path_is_seen(api, user):
    """user_delete deactivates with update() (no signal) before the cascade: a request arriving
    in between must already be refused."""
    assert api.get(reverse("user-me")).status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)  # what user_delete's first step does
    user_services.auth_cache.forget(user.pk)
    assert api.get(reverse("user-me")).status_code == 401


def test_promotion_to_admin_is_seen_at_once(user, other_user):
    client = bearer_client(user)
    admin_list = reverse("user-admin-users")
    assert client.get(admin_list).status_code == 403  # user cached as a plain user
    user.role = User.Role.ADMIN
    user.save(update_fields=["role"])
    assert client.get(admin_list).status_code == 200


def test_profile_change_is_visible_through_the_cached_user(api):
    assert api.get(reverse("user-me")).status_code == 200
    patched = api.patch(reverse("user-me"), {"first_name": "Ada"}, format="json")
    assert patched.status_code == 200, patched.content
    assert api.get(reverse("user-me")).json()["first_name"] == "Ada"


def test_unknown_or_malformed_user_claims_are_refused(db):
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import AccessToken

    for user_id in ("not-an-object-id", "6b08ec072396d5db35a93ff1"):
        token = AccessToken()
        token["user_id"] = user_id
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        response = client.get(reverse("auth-session"))
        assert response.status_code == 401, (user_id, response.content)


def test_redis_down_authentication_reads_mongodb(api, user, private_redis, count_mongo_commands):
    session = reverse("auth-session")
    assert api.get(session).status_code == 200
    assert reads(count_mongo_commands, lambda: api.get(session)) == (200, [])
    private_redis.stop()
    assert reads(count_mongo_commands, lambda: api.get(session)) == (200, ["aggregate"])
    user.is_active = False
    user.save(update_fields=["is_active"])  # cannot reach Redis: the database decides
    assert api.get(session).status_code == 401
    private_redis.start()  # an empty Redis: the next request reads and caches again
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert reads(count_mongo_commands, lambda: api.get(session)) == (200, ["aggregate"])
    assert reads(count_mongo_commands, lambda: api.get(session)) == (200, [])
