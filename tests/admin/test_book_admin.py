"""Book edits in the admin go through the book services."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from books.models import Book, Chapter

pytestmark = pytest.mark.django_db


def form_data(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled or value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    data["_save"] = "Save"
    return data


def test_editor_changes_title_and_publishes_with_book_update(editor_client, editor, book):
    url = reverse("admin:books_book_change", args=[book.pk])
    data = form_data(editor_client, url)
    data.update(title="Grey Point", published="on")

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    book.refresh_from_db()
    assert book.title == "Grey Point" and book.published
    row = AuditLog.objects.filter(action="book_update").order_by("-timestamp").first()
    assert row.actor_id == str(editor.pk)
    assert row.changes == {
        "title": ["The Lighthouse at Grey Point", "Grey Point"],
        "published": [False, True],
    }


def test_metadata_must_be_an_object(editor_client, book):
    url = reverse("admin:books_book_change", args=[book.pk])
    data = form_data(editor_client, url)
    data["metadata"] = '"just a string"'
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "metadata" in response.context["adminform"].form.errors
    book.refresh_from_db()
    assert book.metadata == {}


def test_summary_goes_through_the_summary_service(editor_client, editor, book):
    url = reverse("admin:books_book_change", args=[book.pk])
    data = form_data(editor_client, url)
    data["summary"] = "too short"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "at least 30 characters" in str(response.context["adminform"].form.errors["summary"])

    summary = "A retired pilot returns to the village she left when the lighthouse goes dark."
    data["summary"] = summary
    assert editor_client.post(url, data).status_code == 302
    book.refresh_from_db()
    assert book.summary == summary and book.summary_version == 1
    row = AuditLog.objects.get(action="summary_update")
    assert row.actor_id == str(editor.pk)


def test_book_page_lists_the_toc_with_links_to_chapters(editor_client, book):
    response = editor_client.get(reverse("admin:books_book_change", args=[book.pk]))
    text = response.content.decode()
    for title in ("The Light Goes Dark", "Radio Silence", "Tide Tables", "The Wreck"):
        assert title in text
    chapter = Chapter.objects.get(book=book, chapter_id="ch2")
    assert reverse("admin:books_chapter_change", args=[chapter.pk]) in text


def test_superuser_adds_a_book_with_book_create(admin_client, superuser, user):
    response = admin_client.post(
        reverse("admin:books_book_add"),
        {"owner": str(user.pk), "title": "Bread by Hand", "metadata": "{}", "_save": "Save"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    book = Book.objects.get(title="Bread by Hand")
    assert book.owner_id == user.pk and book.toc_version == 0
    assert AuditLog.objects.get(action="book_create", target_id=str(book.pk)).actor_id == str(
        superuser.pk
    )


def test_superuser_deletes_a_book_with_its_chapters(admin_client, superuser, book):
    response = admin_client.post(
        reverse("admin:books_book_delete", args=[book.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Book.objects.filter(pk=book.pk).exists()
    assert not Chapter.objects.filter(book_id=book.pk).exists()
    row = AuditLog.objects.get(action="book_delete", target_id=str(book.pk))
    assert row.actor_id == str(superuser.pk)
