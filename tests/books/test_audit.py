"""Each audited book action leaves exactly the expected audit row, and
GET /books/{id}/audit-log shows the owner the book's rows newest first."""

import io

import pytest
from bson import ObjectId
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import AuditLog
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

SUMMARY = "A young wizard discovers a hidden world of magic and danger."


def detail(book_id):
    return reverse("book-detail", kwargs={"book_id": str(book_id)})


def rows(book_id):
    return list(AuditLog.objects.filter(target_id=str(book_id)).order_by("timestamp", "id"))


def only_new_row(before: int, book_id) -> AuditLog:
    after = rows(book_id)
    assert len(after) == before + 1, [(r.action, r.changes) for r in after]
    return after[-1]


def assert_actor(row, user, response):
    assert row.actor_id == str(user.pk)
    assert row.resource_type == "book"
    assert row.request_id == response["X-Request-ID"]
    assert row.ip_address == "127.0.0.1"


def test_create_writes_one_book_create_row(api, user):
    description = "d" * 300
    response = api.post(
        reverse("book-list"), {"title": "Audited", "description": description}, format="json"
    )
    book_id = response.json()["id"]
    (row,) = rows(book_id)
    assert row.action == "book_create"
    assert_actor(row, user, response)
    assert row.changes["title"] == [None, "Audited"]
    assert row.changes["description"] == [0, 300]  # long text by length
    assert row.changes["owner_id"] == [None, str(user.pk)]


def test_update_writes_one_row_with_the_changed_fields(api, user):
    book = BookFactory(owner=user, title="Old", genre="Fiction", description="short")
    before = len(rows(book.pk))
    response = api.patch(
        detail(book.pk),
        {"title": "New", "genre": "Fiction", "description": "x" * 250},
        format="json",
    )
    row = only_new_row(before, book.pk)
    assert row.action == "book_update"
    assert_actor(row, user, response)
    assert row.changes == {"title": ["Old", "New"], "description": [5, 250]}


def test_update_that_changes_nothing_writes_no_row(api, user):
    book = BookFactory(owner=user, title="Same")
    before = len(rows(book.pk))
    assert api.put(detail(book.pk), {"title": "Same"}, format="json").status_code == 200
    assert len(rows(book.pk)) == before


def test_summary_save_writes_one_summary_update_row(api, user):
    book = BookFactory(owner=user)
    before = len(rows(book.pk))
    url = reverse("book-summary", kwargs={"book_id": str(book.pk)})
    response = api.put(url, {"summary": SUMMARY}, format="json")
    row = only_new_row(before, book.pk)
    assert row.action == "summary_update"
    assert_actor(row, user, response)
    assert row.changes == {"summary": [0, len(SUMMARY)]}
    second = api.patch(url, {"summary": SUMMARY + " More."}, format="json")
    row = only_new_row(before + 1, book.pk)
    assert row.changes == {"summary": [len(SUMMARY), len(SUMMARY) + 6]}
    assert row.request_id == second["X-Request-ID"]


def test_question_responses_save_writes_one_row(api, user):
    book = BookFactory(owner=user)
    before = len(rows(book.pk))
    url = reverse("book-question-responses", kwargs={"book_id": str(book.pk)})
    body = {"responses": [{"question": "Q?", "answer": "A."}]}
    response = api.put(url, body, format="json")
    row = only_new_row(before, book.pk)
    assert row.action == "question_responses_update"
    assert_actor(row, user, response)
    assert row.changes == {"question_responses": [0, 1]}


def test_cover_upload_writes_one_row(api, user, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    book = BookFactory(owner=user)
    before = len(rows(book.pk))
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), (1, 2, 3)).save(buffer, format="PNG")
    response = api.post(
        reverse("book-cover-image", kwargs={"book_id": str(book.pk)}),
        {"file": SimpleUploadedFile("c.png", buffer.getvalue(), content_type="image/png")},
        format="multipart",
    )
    row = only_new_row(before, book.pk)
    assert row.action == "cover_image_upload"
    assert_actor(row, user, response)
    body = response.json()
    assert row.changes == {
        "cover_image_url": [None, body["cover_image_url"]],
        "cover_thumbnail_url": [None, body["cover_thumbnail_url"]],
    }


def test_delete_writes_one_book_delete_row(api, user):
    book = BookFactory(owner=user)
    before = len(rows(book.pk))
    response = api.delete(detail(book.pk))
    row = only_new_row(before, book.pk)
    assert row.action == "book_delete"
    assert_actor(row, user, response)


def test_rejected_requests_write_no_row(api, other_api, user):
    book = BookFactory(owner=user)
    before = len(rows(book.pk))
    other_api.patch(detail(book.pk), {"title": "Stolen"}, format="json")
    api.patch(detail(book.pk), {"title": ""}, format="json")
    api.put(
        reverse("book-summary", kwargs={"book_id": str(book.pk)}),
        {"summary": "short"},
        format="json",
    )
    assert len(rows(book.pk)) == before


# --- GET /books/{id}/audit-log -----------------------------------------------------------------


def audit_url(book_id):
    return reverse("book-audit-log", kwargs={"book_id": str(book_id)})


def test_audit_log_newest_first_with_paging(api, user):
    book_id = api.post(reverse("book-list"), {"title": "One"}, format="json").json()["id"]
    for title in ("Two", "Three"):
        api.patch(detail(book_id), {"title": title}, format="json")
    response = api.get(audit_url(book_id))
    assert response.status_code == 200
    assert response["X-Total-Count"] == "3"
    body = response.json()
    assert [row["action"] for row in body] == ["book_update", "book_update", "book_create"]
    assert body[0]["changes"] == {"title": ["Two", "Three"]}
    assert set(body[0]) == {
        "id",
        "action",
        "actor_id",
        "target_id",
        "resource_type",
        "changes",
        "request_id",
        "timestamp",
    }
    assert body[0]["actor_id"] == str(user.pk) and body[0]["target_id"] == book_id
    page = api.get(audit_url(book_id), {"skip": 1, "limit": 1}).json()
    assert [row["id"] for row in page] == [body[1]["id"]]
    assert api.get(audit_url(book_id), {"limit": 0}).status_code == 422


def test_audit_log_shows_only_this_books_rows(api, user):
    book = BookFactory(owner=user)
    other = BookFactory(owner=user)
    api.patch(detail(other.pk), {"title": "Elsewhere"}, format="json")
    body = api.get(audit_url(book.pk)).json()
    assert body and all(row["target_id"] == str(book.pk) for row in body)


def test_audit_log_ownership_ids_and_auth(api, other_api, anon, user):
    book = BookFactory(owner=user)
    assert other_api.get(audit_url(book.pk)).status_code == 403
    assert api.get(audit_url("bad")).status_code == 404
    assert api.get(audit_url(ObjectId())).status_code == 404
    assert anon.get(audit_url(book.pk)).status_code == 401


def test_audit_log_includes_structure_rows_written_by_other_services(api, user):
    """TOC and chapter events name the book as their target, so the book's log shows them."""
    book = BookFactory(owner=user)
    body = {"toc": {"chapters": [{"title": "Opening", "description": "", "level": 1}]}}
    url = reverse("book-toc", kwargs={"book_id": str(book.pk)})
    assert api.put(url, body, format="json").status_code == 200
    actions = [row["action"] for row in api.get(audit_url(book.pk)).json()]
    assert actions[0] == "toc_update"


def test_another_users_rows_never_reach_a_books_log(api, other_api, user, other_user, settings):
    """Finding (outside test): user B named a chapter of B's own book after A's book id and
    posted a questions batch on it; the row (target_id = that chapter id) showed in A's log."""
    settings.OPENAI_API_KEY = ""  # the offline provider generates the questions
    victim = BookFactory(owner=user)
    before = [row["id"] for row in api.get(audit_url(victim.pk)).json()]
    own = other_api.post(reverse("book-list"), {"title": "Bait"}, format="json").json()["id"]
    toc = {"toc": {"chapters": [{"id": str(victim.pk), "title": "Named after A's book"}]}}
    url = reverse("book-toc", kwargs={"book_id": own})
    assert other_api.put(url, toc, format="json").status_code == 200
    chapter = {"book_id": own, "chapter_id": str(victim.pk)}
    generated = other_api.post(
        reverse("chapter-generate-questions", kwargs=chapter), {"count": 3}, format="json"
    )
    assert generated.status_code == 200, generated.content
    question = generated.json()["questions"][0]["id"]
    batch = [{"question_id": question, "response_text": "An answer of B's"}]
    saved = other_api.post(
        reverse("question-responses-batch", kwargs=chapter), batch, format="json"
    )
    assert saved.status_code == 200 and saved.json()["saved"] == 1
    assert [row["id"] for row in api.get(audit_url(victim.pk)).json()] == before
    # B's own book lists them.
    actions = {row["action"] for row in other_api.get(audit_url(own)).json()}
    assert {"save_question_responses_batch", "toc_update"} <= actions
    assert AuditLog.objects.filter(target_id=str(victim.pk), book_id=own).exists()
