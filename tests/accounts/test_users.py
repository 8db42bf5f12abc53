"""Profile endpoints, admin endpoints and account deletion."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog, RefreshToken, User, default_preferences
from accounts.services.tokens import token_pair_create
from tests.conftest import bearer_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_get_me_shape(api, user):
    response = api.get(reverse("user-me"))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id", "auth_id", "email", "first_name", "last_name", "display_name", "avatar_url",
        "bio", "role", "plan", "is_active", "created_at", "updated_at", "book_ids",
        "preferences",
    }  # fmt: skip
    assert body["id"] == str(user.pk)
    assert body["book_ids"] == []
    assert response["X-RateLimit-Limit"] == "20"
    assert response["X-RateLimit-Remaining"] == "19"
    assert int(response["X-RateLimit-Reset"]) > 0


def test_patch_me_updates_profile_and_merges_preferences(api, user):
    response = api.patch(
        reverse("user-me"),
        {
            "first_name": "  <b>Grace</b>  ",
            "display_name": "G. Hopper",
            "bio": "Writes about compilers.",
            "preferences": {"theme": "light"},
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["first_name"] == "Grace"
    assert body["display_name"] == "G. Hopper"
    assert body["preferences"] == {**default_preferences(), "theme": "light"}
    user.refresh_from_db()
    assert user.preferences["theme"] == "light"
    row = AuditLog.objects.get(action="user_update", target_id=str(user.pk))
    assert row.actor_id == str(user.pk)
    assert row.changes["first_name"] == ["Test", "Grace"]
    assert "preferences" in row.changes


@pytest.mark.parametrize(
    "body, field",
    [
        (
            {"preferences": {"email_notifications": "NotABoolean"}},
            "preferences.email_notifications",
        ),
        ({"preferences": ["dark"]}, "preferences"),
        ({"first_name": "x" * 51}, "first_name"),
        ({"bio": "x" * 1001}, "bio"),
        ({"email": "not-an-email"}, "email"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_patch_me_validation(api, body, field):
    response = api.patch(reverse("user-me"), body, format="json")
    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}


HEAD_PREFERENCES = {
    "theme": "system",
    "email_notifications": False,
    "marketing_emails": True,
    "default_writing_style": "academic",
    "auto_save_interval": 30,
    "default_export_format": "epub",
    "default_page_size": "A4",
    "include_empty_chapters": True,
    "writing_reminders": True,
    "progress_updates": False,
    "backup_notifications": False,
}


def test_patch_me_accepts_the_settings_pages_preferences(api, user):
    """The HEAD settings page sends its whole preferences object; GET returns it."""
    response = api.patch(reverse("user-me"), {"preferences": HEAD_PREFERENCES}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["preferences"] == HEAD_PREFERENCES
    assert api.get(reverse("user-me")).json()["preferences"] == HEAD_PREFERENCES
    partial = api.patch(
        reverse("user-me"), {"preferences": {"auto_save_interval": 3}}, format="json"
    )
    assert partial.json()["preferences"] == {**HEAD_PREFERENCES, "auto_save_interval": 3}


@pytest.mark.parametrize(
    "preferences",
    [
        {"auto_save_interval": 2},
        {"auto_save_interval": 31},
        {"auto_save_interval": "10"},
        {"auto_save_interval": 10.5},
        {"auto_save_interval": True},
        {"auto_save_interval": None},
        {"default_writing_style": "poetic"},
        {"default_export_format": "html"},
        {"default_page_size": "a4"},
        {"include_empty_chapters": "yes"},
        {"writing_reminders": 1},
        {"progress_updates": None},
        {"backup_notifications": "true"},
        {"theme": "t" * 33},
    ],
)
def test_patch_me_preferences_types_and_bounds(api, user, preferences):
    response = api.patch(reverse("user-me"), {"preferences": preferences}, format="json")
    assert response.status_code == 422, response.json()
    (name,) = preferences
    assert {error["field"] for error in response.json()["errors"]} == {f"preferences.{name}"}
    user.refresh_from_db()
    assert user.preferences.get(name) == default_preferences()[name]  # nothing was stored


def test_patch_me_email_uniqueness(api, other_user):
    response = api.patch(reverse("user-me"), {"email": other_user.email.upper()}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"


@pytest.mark.parametrize("body", [{"role": "admin"}, {"is_active": False}])
def test_user_cannot_change_own_role_or_active_state(api, user, body):
    # PATCH /users/me: not profile fields, so unknown keys (422 naming them; HEAD's #244).
    response = api.patch(reverse("user-me"), body, format="json")
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == list(body)
    user.refresh_from_db()
    assert user.role == "user" and user.is_active
    put = api.put(reverse("user-detail", args=[user.pk]), body, format="json")
    assert put.status_code == 403


def test_profile_rate_limits(api, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "profile_update": "2/60"}
    codes = [
        api.patch(reverse("user-me"), {"bio": f"v{i}"}, format="json").status_code for i in range(3)
    ]
    assert codes == [200, 200, 429]


def test_delete_me_removes_account_and_tokens(api, user, anon):
    refresh = token_pair_create(user=user)["refresh"]
    response = api.delete(reverse("user-me"))
    assert response.status_code == 200
    assert response.json() == {"message": "Account successfully deleted"}
    assert not User.objects.filter(pk=user.pk).exists()
    assert not RefreshToken.objects.filter(user_id=user.pk).exists()
    assert api.get(reverse("user-me")).status_code == 401
    assert (
        anon.post(reverse("auth-refresh"), {"refresh": refresh}, format="json").status_code == 401
    )
    assert AuditLog.objects.filter(action="account_delete", target_id=str(user.pk)).count() == 1


def test_admin_endpoints_forbidden_to_non_admins(api, other_user):
    assert api.get(reverse("user-admin-users")).status_code == 403
    assert (
        api.put(reverse("user-detail", args=[other_user.pk]), {}, format="json").status_code == 403
    )
    assert api.delete(reverse("user-detail", args=[other_user.pk])).status_code == 403
    assert User.objects.filter(pk=other_user.pk).exists()


def test_user_may_update_and_delete_own_id(api, user):
    response = api.put(reverse("user-detail", args=[user.pk]), {"last_name": "Own"}, format="json")
    assert response.status_code == 200
    assert response.json()["last_name"] == "Own"
    assert api.delete(reverse("user-detail", args=[user.pk])).status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()


def test_admin_list_update_and_delete(db):
    admin = UserFactory(role="admin")
    users = UserFactory.create_batch(3)
    client = bearer_client(admin)
    listing = client.get(reverse("user-admin-users"), {"skip": 1, "limit": 2})
    assert listing.status_code == 200
    assert listing["X-Total-Count"] == "4"
    assert len(listing.json()) == 2
    target = users[0]
    promoted = client.put(
        reverse("user-detail", args=[target.pk]),
        {"role": "admin", "is_active": False},
        format="json",
    )
    assert promoted.status_code == 200
    assert promoted.json()["role"] == "admin"
    assert promoted.json()["is_active"] is False
    assert (
        client.put(
            reverse("user-detail", args=[admin.pk]), {"role": "user"}, format="json"
        ).status_code
        == 403
    )
    assert client.put(reverse("user-detail", args=["0" * 24]), {}, format="json").status_code == 404
    assert client.put(reverse("user-detail", args=["nope"]), {}, format="json").status_code == 404
    assert client.delete(reverse("user-detail", args=[users[1].pk])).status_code == 204
    assert not User.objects.filter(pk=users[1].pk).exists()
    assert client.get(reverse("user-admin-users"), {"limit": 0}).status_code == 422
