"""The user's plan: `free` by default, shown read-only on the profile, changed only by an
administrator (PUT /users/{id}, the Django admin), audited."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditLog, User
from accounts.services.users import user_update
from autoauthor.core.errors import Forbidden, ValidationFailed
from tests.admin.test_accounts_admin import user_form
from tests.conftest import bearer_client
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api(db):
    return bearer_client(UserFactory(role="admin"))


def test_new_users_are_on_the_free_plan_and_see_it(anon, api, user):
    assert user.plan == "free"
    assert api.get(reverse("user-me")).json()["plan"] == "free"
    registered = anon.post(
        reverse("auth-register"),
        {"email": "new@example.com", "password": TEST_PASSWORD},
        format="json",
    )
    assert registered.status_code == 201
    assert registered.json()["user"]["plan"] == "free"
    assert User.objects.get(email="new@example.com").plan == "free"


@pytest.mark.parametrize("plan", ["pro", "restricted", "free"])
def test_admin_changes_a_users_plan_and_it_is_audited(admin_api, user, plan):
    if plan == "free":
        User.objects.filter(pk=user.pk).update(plan="pro")
    response = admin_api.put(reverse("user-detail", args=[user.pk]), {"plan": plan}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["plan"] == plan
    user.refresh_from_db()
    assert user.plan == plan
    row = AuditLog.objects.get(action="user_update", target_id=str(user.pk))
    assert row.changes["plan"] == ["pro" if plan == "free" else "free", plan]
    # The user sees the new plan at once (the authentication cache was dropped by the save).
    assert bearer_client(user).get(reverse("user-me")).json()["plan"] == plan


def test_admin_may_change_their_own_plan(db):
    admin = UserFactory(role="admin")
    response = bearer_client(admin).put(
        reverse("user-detail", args=[admin.pk]), {"plan": "pro"}, format="json"
    )
    assert response.status_code == 200
    admin.refresh_from_db()
    assert admin.plan == "pro"


@pytest.mark.parametrize("plan", ["enterprise", "", None, 1, ["pro"], "PRO"])
def test_invalid_plan_is_422_and_stores_nothing(admin_api, user, plan):
    response = admin_api.put(reverse("user-detail", args=[user.pk]), {"plan": plan}, format="json")
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["plan"]
    user.refresh_from_db()
    assert user.plan == "free"


def test_a_user_never_changes_a_plan(api, user, other_user):
    # PATCH /users/me: `plan` is not a profile field (422 naming it).
    patched = api.patch(reverse("user-me"), {"plan": "pro"}, format="json")
    assert patched.status_code == 422
    assert [error["field"] for error in patched.json()["errors"]] == ["plan"]
    # PUT /users/{own id}: the account may edit its profile there, never its plan (403).
    own = api.put(reverse("user-detail", args=[user.pk]), {"plan": "pro"}, format="json")
    assert own.status_code == 403
    assert own.json()["code"] == "forbidden_field"
    # Someone else's account: 403 as before, whatever the body.
    other = api.put(reverse("user-detail", args=[other_user.pk]), {"plan": "pro"}, format="json")
    assert other.status_code == 403
    user.refresh_from_db()
    other_user.refresh_from_db()
    assert user.plan == other_user.plan == "free"
    assert not AuditLog.objects.filter(action="user_update").exists()


def test_service_refuses_non_admins_and_unknown_plans(user, other_user):
    with pytest.raises(Forbidden):
        user_update(user=user, data={"plan": "pro"}, actor=user)
    admin = UserFactory(role="admin")
    with pytest.raises(ValidationFailed):
        user_update(user=user, data={"plan": "gold"}, actor=admin)
    user.refresh_from_db()
    assert user.plan == "free"


def test_django_admin_shows_and_changes_the_plan(user):
    root = User.objects.create_superuser(email="root@example.com", password=TEST_PASSWORD)
    client = Client()
    client.force_login(root)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="plan"' in page.content.decode()
    listing = client.get(reverse("admin:accounts_user_changelist"), {"plan__exact": "free"})
    assert listing.status_code == 200 and user.email in listing.content.decode()

    refused = client.post(url, user_form(user, plan="gold"))
    assert refused.status_code == 200  # the form again, with the error
    assert "plan" in refused.context["adminform"].form.errors
    response = client.post(url, user_form(user, plan="restricted"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.plan == "restricted"
    row = AuditLog.objects.get(action="user_update", target_id=str(user.pk))
    assert row.actor_id == str(root.pk)
    assert row.changes["plan"] == ["free", "restricted"]
