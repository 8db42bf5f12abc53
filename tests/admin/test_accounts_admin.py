"""User administration goes through the account services."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog, RefreshToken, User
from accounts.services.tokens import token_pair_create
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def user_form(user, **changes) -> dict:
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name or "",
        "bio": user.bio or "",
        "avatar_url": user.avatar_url or "",
        "role": user.role,
        "plan": user.plan,
        "_save": "Save",
    }
    for flag in ("is_active", "is_staff", "is_superuser"):
        if getattr(user, flag):
            data[flag] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_deactivation_revokes_tokens_and_is_audited(admin_client, superuser, user):
    token_pair_create(user=user)
    data = user_form(user, role="admin")
    data.pop("is_active")

    response = admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert not user.is_active and user.role == "admin"
    assert not RefreshToken.objects.filter(user=user, revoked_at=None).exists()
    row = AuditLog.objects.filter(action="user_update", target_id=str(user.pk)).first()
    assert row.actor_id == str(superuser.pk)
    assert row.changes["is_active"] == [True, False] and row.changes["role"] == ["user", "admin"]


def test_nobody_changes_their_own_role_or_active_state(admin_client, superuser):
    data = user_form(superuser, role="user")
    url = reverse("admin:accounts_user_change", args=[superuser.pk])
    response = admin_client.post(url, data, follow=True)
    assert "Not saved: You cannot change your own role or active state." in [
        str(message) for message in response.context["messages"]
    ]
    superuser.refresh_from_db()
    assert superuser.role == "admin"


def test_password_reset_revokes_tokens(admin_client, superuser, user):
    token_pair_create(user=user)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = admin_client.post(
        url,
        {"password1": "new-Horse-battery-77", "password2": "new-Horse-battery-77",
         "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("new-Horse-battery-77")
    assert not RefreshToken.objects.filter(user=user, revoked_at=None).exists()
    assert AuditLog.objects.get(action="password_reset").actor_id == str(superuser.pk)


def test_add_user_goes_through_registration(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"email": "New.Person@Example.com", "password1": TEST_PASSWORD,
         "password2": TEST_PASSWORD, "_save": "Save"},
    )  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")  # normalised by user_register
    assert user.check_password(TEST_PASSWORD) and not user.is_staff


def test_superuser_deletes_a_user_with_user_delete(admin_client, user, book):
    response = admin_client.post(
        reverse("admin:accounts_user_delete", args=[user.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert AuditLog.objects.filter(action="account_delete", target_id=str(user.pk)).exists()
