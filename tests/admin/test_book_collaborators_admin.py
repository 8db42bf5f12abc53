"""The admin's book form edits the collaborators through the sharing service the API uses: the
list, the indexed `collaborator_ids` that `readable_book_ids` reads and `collaborators_version`
change together, the collaborators' cached book lists follow, and each change has the API's
audit row naming the staff user."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from books.models import Book
from books.selectors import readable_book_ids
from tests.admin.test_book_admin import form_data
from tests.conftest import bearer_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def listed(client) -> list[tuple[str, str]]:
    response = client.get(reverse("book-list"))
    assert response.status_code == 200
    return [(book["id"], book["role"]) for book in response.json()]


def post_collaborators(client, book, text):
    url = reverse("admin:books_book_change", args=[book.pk])
    data = form_data(client, url)
    data["collaborators"] = text
    return client.post(url, data)


def test_admin_shares_changes_and_unshares_a_book(admin_client, superuser, user, book):
    ann, bob = UserFactory(), UserFactory()
    ann_api, bob_api = bearer_client(ann), bearer_client(bob)
    assert listed(ann_api) == [] and listed(bob_api) == []  # cached now: must be replaced

    response = post_collaborators(admin_client, book, f"{ann.email} editor\n\n{bob.email} viewer")
    assert response.status_code == 302, response.context["adminform"].form.errors
    book.refresh_from_db()
    assert [(e["user_id"], e["role"]) for e in book.collaborators] == [
        (str(ann.pk), "editor"),
        (str(bob.pk), "viewer"),
    ]
    assert book.collaborator_ids == [ann.pk, bob.pk] and book.collaborators_version == 1
    assert readable_book_ids(ann) == [book.pk] and readable_book_ids(bob) == [book.pk]
    assert listed(ann_api) == [(str(book.pk), "editor")]
    assert listed(bob_api) == [(str(book.pk), "viewer")]
    added = AuditLog.objects.filter(action="collaborator_add", book_id=str(book.pk))
    assert {(row.target_id, row.actor_id) for row in added} == {
        (str(ann.pk), str(superuser.pk)),
        (str(bob.pk), str(superuser.pk)),
    }

    # The form shows the list; Ann leaves it, Bob becomes a co-author.
    page = admin_client.get(reverse("admin:books_book_change", args=[book.pk]))
    assert page.context["adminform"].form["collaborators"].value() == (
        f"{ann.email} editor\n{bob.email} viewer"
    )
    response = post_collaborators(admin_client, book, f"{bob.email} co-author")
    assert response.status_code == 302
    book.refresh_from_db()
    assert book.collaborator_ids == [bob.pk] and book.collaborators_version == 2
    assert readable_book_ids(ann) == [] and listed(ann_api) == []
    assert listed(bob_api) == [(str(book.pk), "co-author")]
    changed = AuditLog.objects.get(action="collaborator_role_change", target_id=str(bob.pk))
    assert changed.changes == {"role": ["viewer", "co-author"]}
    removed = AuditLog.objects.get(action="collaborator_remove", target_id=str(ann.pk))
    assert removed.actor_id == str(superuser.pk)
    assert ann_api.get(reverse("book-detail", kwargs={"book_id": str(book.pk)})).status_code == 403


def test_other_edits_leave_the_collaborators_alone(admin_client, book):
    ann = UserFactory()
    assert post_collaborators(admin_client, book, f"{ann.email} viewer").status_code == 302
    url = reverse("admin:books_book_change", args=[book.pk])
    data = form_data(admin_client, url)
    data["title"] = "Renamed"
    assert admin_client.post(url, data).status_code == 302
    book.refresh_from_db()
    assert book.title == "Renamed" and book.collaborators_version == 1
    assert book.collaborator_ids == [ann.pk]


@pytest.mark.parametrize(
    "text, message",
    [
        ("nobody@example.com editor", "No user with the e-mail address"),
        ("{owner} editor", "The owner of the book cannot be added"),
        ("{ann} admin", "with a role among viewer, editor, co-author"),
        ("{ann} editor\n{ann} viewer", "is listed twice"),
    ],
)
def test_a_wrong_list_is_a_form_error_and_changes_nothing(admin_client, user, book, text, message):
    ann = UserFactory()
    response = post_collaborators(admin_client, book, text.format(owner=user.email, ann=ann.email))
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["collaborators"])
    stored = Book.objects.get(pk=book.pk)
    assert stored.collaborators == [] and stored.collaborator_ids == []
    assert stored.collaborators_version == 0
