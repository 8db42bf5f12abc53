"""Registration, login, refresh rotation, logout, session and password change."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog, RefreshToken, User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def register(client, **overrides):
    body = {"email": "New.Author@Example.COM", "password": "a-Strong-passphrase-9", **overrides}
    return client.post(reverse("auth-register"), body, format="json")


def login(client, email, password=TEST_PASSWORD):
    return client.post(reverse("auth-login"), {"email": email, "password": password}, format="json")


def test_register_returns_user_and_tokens(anon):
    response = register(anon, first_name="Ada", last_name="Lovelace")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"user", "access", "refresh"}
    assert body["user"]["email"] == "new.author@example.com"
    assert body["user"]["first_name"] == "Ada"
    assert body["user"]["role"] == "user"
    assert body["user"]["preferences"] == {
        "theme": "dark",
        "email_notifications": True,
        "marketing_emails": False,
        "default_writing_style": "conversational",
        "auto_save_interval": 3,
        "default_export_format": "pdf",
        "default_page_size": "letter",
        "include_empty_chapters": False,
        "writing_reminders": False,
        "progress_updates": True,
        "backup_notifications": True,
    }
    assert len(body["user"]["id"]) == 24
    me = anon.get(reverse("user-me"), HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.status_code == 200
    assert me.json()["email"] == "new.author@example.com"


def test_register_duplicate_email_is_409(anon):
    assert register(anon).status_code == 201
    response = register(anon, email="new.author@example.com")
    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"
    assert User.objects.filter(email="new.author@example.com").count() == 1


def test_register_weak_password_is_422(anon):
    response = register(anon, password="12345678")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"][0]["field"] == "password"
    assert not User.objects.filter(email="new.author@example.com").exists()


def test_login_success_and_audit(anon, user):
    response = login(anon, user.email.upper())
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh", "user"}
    assert body["user"]["id"] == str(user.pk)
    row = AuditLog.objects.get(action="login")
    assert row.actor_id == str(user.pk)
    assert row.target_id == str(user.pk)


def test_wrong_password_and_unknown_email_answer_the_same(anon, user):
    wrong = login(anon, user.email, "not-the-password")
    unknown = login(anon, "nobody@example.com", "whatever-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "invalid_credentials"
    failed = AuditLog.objects.filter(action="login_failed")
    assert failed.count() == 2
    assert {row.target_id for row in failed} == {str(user.pk), "unknown"}
    assert all("password" not in str(row.changes) for row in failed)


def test_inactive_user_cannot_login_refresh_or_use_access_token(anon, user):
    tokens = login(anon, user.email).json()
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert login(anon, user.email).status_code == 401
    refreshed = anon.post(reverse("auth-refresh"), {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 401
    me = anon.get(reverse("user-me"), HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert me.status_code == 401


def test_refresh_rotates_and_reuse_is_rejected(anon, user):
    first = login(anon, user.email).json()
    rotated = anon.post(reverse("auth-refresh"), {"refresh": first["refresh"]}, format="json")
    assert rotated.status_code == 200
    pair = rotated.json()
    assert set(pair) == {"access", "refresh"}
    assert pair["refresh"] != first["refresh"]
    reused = anon.post(reverse("auth-refresh"), {"refresh": first["refresh"]}, format="json")
    assert reused.status_code == 401
    # Reuse revokes the whole family, so the token issued by the rotation is dead too.
    after = anon.post(reverse("auth-refresh"), {"refresh": pair["refresh"]}, format="json")
    assert after.status_code == 401
    # ... and the access tokens issued so far: the thief may hold one.
    for access in (first["access"], pair["access"]):
        me = anon.get(reverse("user-me"), HTTP_AUTHORIZATION=f"Bearer {access}")
        assert me.status_code == 401 and me.json()["code"] == "token_revoked"


def test_garbage_refresh_token_is_401(anon):
    response = anon.post(reverse("auth-refresh"), {"refresh": "not.a.jwt"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_logout_revokes_the_family(anon, user):
    tokens = login(anon, user.email).json()
    other_login = login(anon, user.email).json()
    response = anon.post(reverse("auth-logout"), {"refresh": tokens["refresh"]}, format="json")
    assert response.status_code == 204
    again = anon.post(reverse("auth-refresh"), {"refresh": tokens["refresh"]}, format="json")
    assert again.status_code == 401
    # Another login (another family) is unaffected.
    other = anon.post(reverse("auth-refresh"), {"refresh": other_login["refresh"]}, format="json")
    assert other.status_code == 200
    assert AuditLog.objects.filter(action="logout").count() == 1


def test_session_describes_the_access_token(api, user, anon):
    response = api.get(reverse("auth-session"))
    assert response.status_code == 200
    body = response.json()
    assert body["active"] is True
    assert body["user_id"] == str(user.pk)
    assert body["expires_at"].startswith("20")
    assert anon.get(reverse("auth-session")).status_code == 401


def test_password_change_revokes_refresh_tokens(anon, user):
    tokens = login(anon, user.email).json()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access']}"}
    wrong = anon.post(
        reverse("auth-password"),
        {"current_password": "nope-nope-nope", "new_password": "Another-strong-pass-7"},
        format="json",
        **auth,
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "current_password"
    weak = anon.post(
        reverse("auth-password"),
        {"current_password": TEST_PASSWORD, "new_password": "password"},
        format="json",
        **auth,
    )
    assert weak.status_code == 422
    response = anon.post(
        reverse("auth-password"),
        {"current_password": TEST_PASSWORD, "new_password": "Another-strong-pass-7"},
        format="json",
        **auth,
    )
    assert response.status_code == 204
    assert not RefreshToken.objects.filter(user=user, revoked_at=None).exists()
    refreshed = anon.post(reverse("auth-refresh"), {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 401
    assert login(anon, user.email).status_code == 401
    assert login(anon, user.email, "Another-strong-pass-7").status_code == 200
    assert AuditLog.objects.filter(action="password_change", target_id=str(user.pk)).count() == 1


def test_session_cookie_authentication_is_accepted(db):
    from django.test import Client

    user = UserFactory()
    client = Client()
    assert client.login(email=user.email, password=TEST_PASSWORD)
    response = client.get(reverse("user-me"))
    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_login_is_rate_limited_per_account_and_ip_and_per_ip(anon, user, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "auth_login_account_ip": "3/60",
        "auth_login_ip": "5/60",
    }
    statuses = [login(anon, user.email, "bad-password").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    limited = login(anon, user.email)
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited["Retry-After"]) >= 1
    # Another account from the same IP is limited by the per-IP budget (5 requests).
    other = UserFactory()
    assert login(anon, other.email).status_code == 429
