"""Who may enter the admin and what the Editors group allows."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from accounts.services.roles import EDITOR_PERMISSIONS, EDITORS_GROUP, editors_group_ensure
from tests.admin.conftest import logged_in

pytestmark = pytest.mark.django_db


def group_permissions() -> set[str]:
    group = Group.objects.get(name=EDITORS_GROUP)
    return {
        f"{perm.content_type.app_label}.{perm.codename}"
        for perm in group.permissions.select_related("content_type")
    }


def test_non_staff_user_is_sent_to_the_login_page(user):
    client = logged_in(user)
    for url in (reverse("admin:index"), reverse("admin:books_book_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(reverse("admin:books_chapter_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_editor_logs_in_with_the_admin_login_form(client, editor):
    from tests.factories import TEST_PASSWORD

    response = client.post(
        reverse("admin:login"),
        {"username": editor.email, "password": TEST_PASSWORD, "next": reverse("admin:index")},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_editors_group_has_exactly_the_editor_permissions(editor):
    assert group_permissions() == set(EDITOR_PERMISSIONS)
    assert editor.is_staff and not editor.is_superuser
    assert editor.has_perm("books.change_chapter")
    assert editor.has_perm("questions.change_question")
    assert editor.has_perm("accounts.view_auditlog")
    for forbidden in (
        "accounts.delete_user",
        "accounts.add_user",
        "accounts.change_user",
        "books.delete_book",
        "books.add_book",
        "auth.change_group",
    ):
        assert not editor.has_perm(forbidden), forbidden


def test_ensuring_the_group_removes_permissions_added_by_hand(editor):
    group = Group.objects.get(name=EDITORS_GROUP)
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    assert "accounts.delete_user" in group_permissions()
    editors_group_ensure()
    assert group_permissions() == set(EDITOR_PERMISSIONS)


def test_editor_cannot_delete_add_or_change_users(editor_client, user):
    delete = reverse("admin:accounts_user_delete", args=[user.pk])
    assert editor_client.get(delete).status_code == 403
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert editor_client.get(reverse("admin:accounts_user_add")).status_code == 403
    response = editor_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {"email": user.email, "role": "admin", "is_active": "on"},
    )
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.role == "user" and user.is_active
    # A bulk delete through the changelist action is refused too.
    response = editor_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [str(user.pk)], "post": "yes"},
    )
    assert User.objects.filter(pk=user.pk).exists()


def test_editor_cannot_delete_books(editor_client, book):
    url = reverse("admin:books_book_delete", args=[book.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert type(book).objects.filter(pk=book.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_creates_the_group():
    editors_group_ensure()
    call_command("migrate", "accounts", "0001", verbosity=0)  # reverse: the group goes
    assert not Group.objects.filter(name=EDITORS_GROUP).exists()
    call_command("migrate", "accounts", verbosity=0)
    assert group_permissions() == set(EDITOR_PERMISSIONS)


def test_editors_are_not_api_administrators(editor, user):
    """Editors are staff for the Django admin, but the API's admin powers over accounts belong
    to role `admin` (and superusers) only: an editor's bearer token cannot delete, re-role or
    list other accounts."""
    from tests.conftest import bearer_client

    api = bearer_client(editor)
    detail = reverse("user-detail", kwargs={"user_id": str(user.pk)})
    assert api.delete(detail).status_code == 403
    assert api.put(detail, {"role": "admin"}, format="json").status_code == 403
    assert api.get(reverse("user-admin-users")).status_code == 403
    user.refresh_from_db()
    assert user.is_active and user.role == "user"
