"""The profile's limits (first and last name 50, display name 100, bio 1000 characters) and its
closed set of keys: anything else, `role`, `plan` and the account flags included, is 422 naming
the keys, and nothing is stored. The Django admin's form holds the same limits (the model's
max_length)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditLog, User
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LIMITS = {"first_name": 50, "last_name": 50, "display_name": 100, "bio": 1000}


@pytest.mark.parametrize(("field", "limit"), LIMITS.items())
def test_each_limit_accepts_its_length_and_refuses_one_more(api, user, field, limit):
    over = api.patch(reverse("user-me"), {field: "y" * (limit + 1)}, format="json")
    assert over.status_code == 422
    assert [(e["field"], e["code"]) for e in over.json()["errors"]] == [(field, "max_length")]
    user.refresh_from_db()
    assert getattr(user, field) != "y" * (limit + 1)

    at = api.patch(reverse("user-me"), {field: "x" * limit}, format="json")
    assert at.status_code == 200, at.json()
    assert at.json()[field] == "x" * limit
    user.refresh_from_db()
    assert getattr(user, field) == "x" * limit


@pytest.mark.parametrize(("field", "limit"), LIMITS.items())
def test_put_on_the_own_account_holds_the_same_limits(api, user, field, limit):
    url = reverse("user-detail", args=[user.pk])
    over = api.put(url, {field: "y" * (limit + 1)}, format="json")
    assert over.status_code == 422
    assert [e["field"] for e in over.json()["errors"]] == [field]
    assert api.put(url, {field: "x" * limit}, format="json").status_code == 200


@pytest.mark.parametrize(
    "key",
    [
        "role",
        "plan",
        "is_active",
        "is_staff",
        "is_superuser",
        "password",
        "metadata",
        "tokens_valid_after",
        "groups",
        "stripe_customer_id",
        "favourite_colour",
    ],
)
def test_keys_a_user_may_not_set_are_422_naming_them(api, user, key):
    response = api.patch(reverse("user-me"), {key: "admin", "bio": "changed"}, format="json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["field"], e["message"]) for e in errors] == [(key, "Unknown field.")]
    user.refresh_from_db()
    assert user.bio is None  # the valid part of the body was not applied either
    assert (user.role, user.plan, user.is_staff) == ("user", "free", False)
    assert not AuditLog.objects.filter(action="user_update").exists()


def test_every_unknown_key_is_named(api):
    body = {"role": "admin", "plan": "pro", "is_staff": True, "first_name": "Ok"}
    response = api.patch(reverse("user-me"), body, format="json")
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["is_staff", "plan", "role"]


def test_unknown_preference_keys_are_422_too(api, user):
    response = api.patch(reverse("user-me"), {"preferences": {"plan": "pro"}}, format="json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["preferences.plan"]


def test_the_profile_page_body_is_accepted(api, user):
    """HEAD's profile page PATCHes first/last/display name, bio and preferences."""
    body = {
        "first_name": "F" * 50,
        "last_name": "L" * 50,
        "display_name": "D" * 100,
        "bio": "B" * 1000,
        "preferences": {"theme": "light", "email_notifications": False, "marketing_emails": True},
    }
    response = api.patch(reverse("user-me"), body, format="json")
    assert response.status_code == 200, response.json()
    assert {k: response.json()[k] for k in LIMITS} == {k: body[k] for k in LIMITS}


def test_the_admin_form_holds_the_same_limits(user):
    root = User.objects.create_superuser(email="root@example.com", password=TEST_PASSWORD)
    client = Client()
    client.force_login(root)
    form = {
        "email": user.email,
        "first_name": "x" * 51,
        "last_name": user.last_name,
        "display_name": "d" * 101,
        "bio": "b" * 1001,
        "avatar_url": "",
        "role": user.role,
        "plan": user.plan,
        "is_active": "on",
        "_save": "Save",
    }
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), form)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"first_name", "display_name", "bio"}
    user.refresh_from_db()
    assert user.first_name == "Test"
