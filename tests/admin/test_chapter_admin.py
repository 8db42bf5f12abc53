"""Editors fix a chapter's title, order and content in the admin; the save goes through
`toc_replace` and `chapter_content_save`, so versions, audit rows (editor as actor) and the
conflict rule hold: a stale form gives a form error and overwrites nothing."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from books.models import Book, Chapter, ChapterAccessLog
from books.selectors import toc_chapter_ids, toc_node_find
from books.services.content import chapter_content_save
from books.services.toc import toc_replace
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


def change_url(client, book, chapter_id):
    """The chapter's change form, reached as an editor does: from the book's page, which links
    every chapter of the TOC (giving a chapter not yet written its document)."""
    book_page = client.get(reverse("admin:books_book_change", args=[book.pk]))
    assert book_page.status_code == 200
    chapter = Chapter.objects.get(book=book, chapter_id=chapter_id)
    url = reverse("admin:books_chapter_change", args=[chapter.pk])
    assert url in book_page.content.decode()
    return url


def open_form(client, url) -> dict:
    """GET the change form and return the data a browser would post back unchanged."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if not form.fields[name].disabled}
    data = {name: "" if value is None else value for name, value in data.items()}
    data["_save"] = "Save"
    return data


def test_editor_edits_content_version_bumps_and_audit_names_the_editor(
    editor_client, editor, user, book
):
    url = change_url(editor_client, book, "ch1")
    data = open_form(editor_client, url)
    assert data["content_version"] == 1 and data["title"] == "The Light Goes Dark"
    new_content = "<p>" + " ".join(["storm"] * 150) + "</p>"
    data["content"] = new_content

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    chapter = Chapter.objects.get(book=book, chapter_id="ch1")
    assert chapter.content == new_content
    assert chapter.version == 2
    assert chapter.word_count == 150 and chapter.status == "in_progress"  # the service's rules
    assert Book.objects.get(pk=book.pk).toc_version == 1  # content only: the TOC is untouched
    row = AuditLog.objects.filter(action="chapter_content_update").order_by("-timestamp").first()
    assert row.actor_id == str(editor.pk)
    assert row.changes["chapter_id"] == "ch1" and row.changes["version"] == [1, 2]
    assert ChapterAccessLog.objects.filter(
        user=editor, book=book, chapter_id="ch1", access_type="update_content"
    ).exists()
    # The author sees the editor's text through the API.
    api = bearer_client(user)
    body = api.get(
        reverse("chapter-content", kwargs={"book_id": str(book.pk), "chapter_id": "ch1"})
    ).json()
    assert body["content"] == new_content and body["version"] == 2


def test_editor_fixes_a_title_and_order_through_toc_replace(editor_client, editor, book):
    url = change_url(editor_client, book, "ch3")
    data = open_form(editor_client, url)
    data.update(title="The Wreck of the Saint Brendan", order="0")

    response = editor_client.post(url, data)

    assert response.status_code == 302
    book.refresh_from_db()
    assert book.toc_version == 2
    node, level, _ = toc_node_find(book.toc, "ch3")
    assert node["title"] == "The Wreck of the Saint Brendan" and node["order"] == 0
    assert toc_chapter_ids(book.toc)[0] == "ch3"  # siblings follow their order
    assert Chapter.objects.get(book=book, chapter_id="ch1").content  # other content kept
    row = AuditLog.objects.filter(action="toc_update").order_by("-timestamp").first()
    assert row.actor_id == str(editor.pk) and row.changes["version"] == [1, 2]
    assert Chapter.objects.get(book=book, chapter_id="ch3").version == 0  # content untouched


def test_subchapter_title_is_editable(editor_client, book):
    url = change_url(editor_client, book, "ch1-1")
    data = open_form(editor_client, url)
    data["title"] = "Radio Silence at 01:52"
    assert editor_client.post(url, data).status_code == 302
    book.refresh_from_db()
    assert toc_node_find(book.toc, "ch1-1")[0]["title"] == "Radio Silence at 01:52"


def test_unchanged_form_writes_nothing(editor_client, book):
    url = change_url(editor_client, book, "ch1")
    data = open_form(editor_client, url)
    data["content"] = data["content"].replace("\n", "\r\n")  # what a browser posts
    before = AuditLog.objects.count()
    assert editor_client.post(url, data).status_code == 302
    book.refresh_from_db()
    assert book.toc_version == 1
    assert Chapter.objects.get(book=book, chapter_id="ch1").version == 1
    assert AuditLog.objects.count() == before


def test_stale_toc_edit_is_a_form_error_not_an_overwrite(editor_client, user, book):
    url = change_url(editor_client, book, "ch2")
    data = open_form(editor_client, url)  # the editor opens the form at TOC version 1
    concurrent = {
        **book.toc,
        "chapters": [
            {**node, "title": "Tides (author's edit)"} if node["id"] == "ch2" else node
            for node in book.toc["chapters"]
        ],
    }
    toc_replace(book=book, toc=concurrent, expected_version=1, actor=user)  # the author saves
    data["title"] = "Tide Tables (editor's edit)"

    response = editor_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert any("changed by someone else" in error for error in errors)
    assert "changed by someone else" in response.content.decode()
    fresh = Book.objects.get(pk=book.pk)
    assert fresh.toc_version == 2
    assert toc_node_find(fresh.toc, "ch2")[0]["title"] == "Tides (author's edit)"


def test_stale_content_edit_is_a_form_error_not_an_overwrite(editor_client, user, book):
    url = change_url(editor_client, book, "ch1")
    data = open_form(editor_client, url)  # content version 1
    chapter_content_save(
        book=book, chapter_id="ch1", content="<p>author</p>", expected_version=1, actor=user
    )
    data["content"] = "<p>editor</p>"

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert any(
        "content was saved by someone else" in error
        for error in response.context["adminform"].form.non_field_errors()
    )
    chapter = Chapter.objects.get(book=book, chapter_id="ch1")
    assert chapter.content == "<p>author</p>" and chapter.version == 2


def test_toc_rules_of_the_service_are_form_errors(editor_client, book):
    url = change_url(editor_client, book, "ch2")
    data = open_form(editor_client, url)
    data["title"] = "   "
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "title" in response.context["adminform"].form.errors
    book.refresh_from_db()
    assert book.toc_version == 1


def test_superuser_deletes_a_chapter_through_chapter_delete(admin_client, superuser, book):
    url = reverse(
        "admin:books_chapter_delete", args=[Chapter.objects.get(book=book, chapter_id="ch1").pk]
    )
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    book.refresh_from_db()
    assert toc_chapter_ids(book.toc) == ["ch2", "ch3"]  # ch1 and its subchapter are gone
    assert not Chapter.objects.filter(book=book, chapter_id__in=["ch1", "ch1-1"]).exists()
    row = AuditLog.objects.get(action="chapter_delete")
    assert row.actor_id == str(superuser.pk)


def test_editor_cannot_add_or_delete_chapters(editor_client, book):
    chapter = Chapter.objects.get(book=book, chapter_id="ch1")
    assert editor_client.get(reverse("admin:books_chapter_add")).status_code == 403
    response = editor_client.post(
        reverse("admin:books_chapter_delete", args=[chapter.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Chapter.objects.filter(pk=chapter.pk).exists()


def test_dangling_chapter_document_is_shown_but_not_editable_as_toc_entry(admin_client, book):
    dangling = Chapter.objects.create(book=book, chapter_id="gone", content="old")
    response = admin_client.get(reverse("admin:books_chapter_change", args=[dangling.pk]))
    assert response.status_code == 200
    assert "not in the book's table of contents" in response.content.decode()
    listing = admin_client.get(reverse("admin:books_chapter_changelist"))
    assert "(not in TOC) gone" in listing.content.decode()
