"""Access tokens die at once on logout, password change and deactivation.

Access tokens are not stored; the user carries a "tokens issued up to T are void" mark that
bearer authentication checks on the user it reads anyway (from the Redis user cache), so a
revoked token is refused on its next request and a valid one still costs no MongoDB command."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-strong-pass-7"


def login(email, password=TEST_PASSWORD) -> dict:
    response = APIClient().post(
        reverse("auth-login"), {"email": email, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def session(access: str):
    return APIClient().get(reverse("auth-session"), HTTP_AUTHORIZATION=f"Bearer {access}")


def refresh(raw: str):
    return APIClient().post(reverse("auth-refresh"), {"refresh": raw}, format="json")


def logout(raw: str):
    return APIClient().post(reverse("auth-logout"), {"refresh": raw}, format="json")


def assert_revoked(response):
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "token_revoked"


def test_logout_voids_the_access_token_at_once_and_a_new_login_works(user):
    tokens = login(user.email)
    assert session(tokens["access"]).status_code == 200  # the user is cached now
    assert logout(tokens["refresh"]).status_code == 204
    assert_revoked(session(tokens["access"]))
    # A login right after the logout (within the same second of `iat`) gets a working token.
    fresh = login(user.email)
    assert session(fresh["access"]).status_code == 200
    assert_revoked(session(tokens["access"]))


def test_replaying_an_old_logout_does_not_void_later_logins(user):
    old = login(user.email)
    assert logout(old["refresh"]).status_code == 204
    fresh = login(user.email)
    assert logout(old["refresh"]).status_code == 204  # idempotent
    assert session(fresh["access"]).status_code == 200
    assert_revoked(session(old["access"]))


def test_logout_voids_every_session_access_token_which_one_refresh_restores(user):
    """Access tokens do not name their login, so logout voids all of the user's; another
    session keeps its refresh token and carries on after one refresh."""
    leaving, staying = login(user.email), login(user.email)
    assert logout(leaving["refresh"]).status_code == 204
    assert_revoked(session(staying["access"]))
    rotated = refresh(staying["refresh"])
    assert rotated.status_code == 200, rotated.content
    assert session(rotated.json()["access"]).status_code == 200
    assert refresh(leaving["refresh"]).status_code == 401


def test_password_change_voids_old_access_tokens_and_new_ones_work(user):
    old, other_session = login(user.email), login(user.email)
    assert session(old["access"]).status_code == 200
    changed = APIClient().post(
        reverse("auth-password"),
        {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {old['access']}",
    )
    assert changed.status_code == 204, changed.content
    assert_revoked(session(old["access"]))
    assert_revoked(session(other_session["access"]))
    assert refresh(other_session["refresh"]).status_code == 401
    new = login(user.email, NEW_PASSWORD)
    assert session(new["access"]).status_code == 200
    rotated = refresh(new["refresh"])
    assert rotated.status_code == 200, rotated.content
    assert session(rotated.json()["access"]).status_code == 200


def test_other_users_tokens_are_unaffected(user, other_user):
    mine, theirs = login(user.email), login(other_user.email)
    assert session(theirs["access"]).status_code == 200
    assert logout(mine["refresh"]).status_code == 204
    assert session(theirs["access"]).status_code == 200
    assert refresh(theirs["refresh"]).status_code == 200


def test_a_reactivated_account_does_not_revive_its_old_tokens(user):
    admin = UserFactory(role=User.Role.ADMIN)
    admin_client = APIClient()
    admin_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login(admin.email)['access']}")
    tokens = login(user.email)
    detail = reverse("user-detail", args=[user.pk])
    for active in (False, True):
        answer = admin_client.put(detail, {"is_active": active}, format="json")
        assert answer.status_code == 200, answer.content
    assert_revoked(session(tokens["access"]))
    assert session(login(user.email)["access"]).status_code == 200


def test_a_token_without_microseconds_is_judged_by_its_whole_second(user):
    """Tokens issued before `iat_us` existed: refused when issued in the revocation's second,
    accepted from the next second on."""
    mark = timezone.now().replace(microsecond=500_000) - timedelta(seconds=5)
    User.objects.filter(pk=user.pk).update(tokens_valid_after=mark)  # not cached yet
    for offset, status in ((0, 401), (1, 200)):
        token = AccessToken.for_user(user)
        token["iat"] = int(mark.timestamp()) + offset
        assert session(str(token)).status_code == status


def test_revocation_check_costs_no_mongodb_command_on_a_cache_hit(user, count_mongo_commands):
    assert logout(login(user.email)["refresh"]).status_code == 204  # the user has a mark now
    access = login(user.email)["access"]
    with count_mongo_commands() as first:
        assert session(access).status_code == 200
    with count_mongo_commands() as cached:
        assert session(access).status_code == 200
    assert list(first) == ["aggregate"]  # the user, then cached with its mark
    assert list(cached) == []
