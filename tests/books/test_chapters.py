"""Chapter endpoints: create, get, update, delete, list, metadata, tab state, bulk status, and
the auth errors of every chapter route."""

import pytest
from bson import ObjectId
from django.urls import reverse

from accounts.models import AuditLog
from books.models import Book, Chapter, ChapterAccessLog
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(user):
    return BookFactory(owner=user)


def url(name, book, **kwargs):
    book_id = book if isinstance(book, str) else str(book.pk)
    return reverse(name, kwargs={"book_id": book_id, **kwargs})


def create(api, book, **data):
    payload = {"title": "Chapter", "order": 1, **data}
    return api.post(url("chapter-list", book), payload, format="json")


def version_of(book):
    return Book.objects.get(pk=book.pk).toc_version


def save_content(api, book, chapter_id, content, **extra):
    return api.patch(
        url("chapter-content", book, chapter_id=chapter_id),
        {"content": content, **extra},
        format="json",
    )


# --- create ---------------------------------------------------------------------------------------


def test_create_chapter_and_subchapter(api, book, user):
    response = create(api, book, title="One", description="First", metadata={"k": 1})
    assert response.status_code == 201, response.json()
    body = response.json()
    chapter = body["chapter"]
    assert body["success"] is True
    assert body["message"] == "Chapter created successfully"
    assert body["chapter_id"] == chapter["id"]
    assert body["version"] == 1
    assert chapter["title"] == "One" and chapter["description"] == "First"
    assert chapter["level"] == 1 and chapter["order"] == 1 and chapter["subchapters"] == []
    assert chapter["status"] == "draft" and chapter["word_count"] == 0
    assert chapter["metadata"] == {"k": 1}
    # the new chapter's own fields at the top level too, where the frontend reads them
    assert body["id"] == chapter["id"] and body["title"] == "One" and body["content"] == ""
    assert body["order"] == 1 and body["status"] == "draft"
    assert body["created_at"] == chapter["created_at"] and body["updated_at"]

    sub = create(api, book, title="Sub", level=2, parent_id=chapter["id"], expected_version=1)
    assert sub.status_code == 201, sub.json()
    assert sub.json()["chapter"]["parent_id"] == chapter["id"]
    assert sub.json()["version"] == 2
    toc = api.get(url("book-toc", book)).json()["toc"]
    assert toc["chapters"][0]["subchapters"][0]["title"] == "Sub"
    assert toc["total_chapters"] == 1
    assert Chapter.objects.filter(book=book).count() == 2

    log = ChapterAccessLog.objects.get(chapter_id=chapter["id"], access_type="create")
    assert log.user_id == user.pk and log.metadata == {"chapter_title": "One", "level": 1}
    audit = AuditLog.objects.filter(action="chapter_create", target_id=str(book.pk))
    assert audit.count() == 2
    row = (
        audit.get(changes__chapter_id=chapter["id"])
        if False
        else next(r for r in audit if r.changes["chapter_id"] == chapter["id"])
    )
    assert row.actor_id == str(user.pk)
    assert row.changes["title"] == [None, "One"]


def test_create_unknown_parent_is_400(api, book):
    response = create(api, book, level=2, parent_id="nope")
    assert response.status_code == 400
    assert response.json() == {"detail": "Parent chapter not found", "code": "parent_not_found"}
    assert version_of(book) == 0


def test_create_subchapter_of_subchapter_is_400(api, book):
    parent = create(api, book).json()["chapter_id"]
    sub = create(api, book, level=2, parent_id=parent).json()["chapter_id"]
    assert create(api, book, level=2, parent_id=sub).status_code == 400


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"order": None}, "order"),
        ({"order": "first"}, "order"),
        ({"level": 3}, "level"),
        ({"level": 2}, "parent_id"),
        ({"description": "d" * 5001}, "description"),
        ({"metadata": [1]}, "metadata"),
        ({"expected_version": -1}, "expected_version"),
    ],
)
def test_create_validation(api, book, data, field):
    response = create(api, book, **data)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert version_of(book) == 0


def test_create_missing_title_or_order_is_422(api, book):
    response = api.post(url("chapter-list", book), {}, format="json")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"title", "order"}


def test_create_stale_version_is_409(api, book):
    create(api, book)
    response = create(api, book, expected_version=0)
    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"
    assert response.json()["current_version"] == 1
    assert len(api.get(url("book-toc", book)).json()["toc"]["chapters"]) == 1


# --- get, update, delete --------------------------------------------------------------------------


def test_get_chapter_logs_a_view(api, book, user):
    chapter_id = create(api, book, title="Seen").json()["chapter_id"]
    save_content(api, book, chapter_id, "hello world")
    response = api.get(url("chapter-detail", book, chapter_id=chapter_id))
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and body["book_id"] == str(book.pk)
    assert body["chapter"]["content"] == "hello world"
    assert body["chapter"]["content_version"] == 1
    log = ChapterAccessLog.objects.get(chapter_id=chapter_id, access_type="view")
    assert log.metadata == {"chapter_title": "Seen"} and log.user_id == user.pk


def test_update_chapter(api, book, user):
    chapter_id = create(api, book, title="Old").json()["chapter_id"]
    response = api.put(
        url("chapter-detail", book, chapter_id=chapter_id),
        {"title": "New", "order": 5, "metadata": {"a": 1}, "level": 1, "expected_version": 1},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "book_id": str(book.pk),
        "chapter_id": chapter_id,
        "version": 2,
        "success": True,
        "message": "Chapter updated successfully",
    }
    chapter = api.get(url("chapter-detail", book, chapter_id=chapter_id)).json()["chapter"]
    assert (chapter["title"], chapter["order"], chapter["metadata"]) == ("New", 5, {"a": 1})
    log = ChapterAccessLog.objects.get(chapter_id=chapter_id, access_type="edit")
    assert log.metadata == {
        "updated_fields": {
            "title": True,
            "description": False,
            "order": True,
            "level": True,
            "metadata": True,
        }
    }
    row = AuditLog.objects.get(action="chapter_update", target_id=str(book.pk))
    assert row.actor_id == str(user.pk)
    assert row.changes == {
        "chapter_id": chapter_id,
        "title": ["Old", "New"],
        "order": [1, 5],
        "metadata": [{"items": 0}, {"items": 1}],
    }


def test_update_chapter_errors(api, book):
    chapter_id = create(api, book).json()["chapter_id"]
    detail = url("chapter-detail", book, chapter_id=chapter_id)
    moved = api.put(detail, {"level": 2}, format="json")
    assert moved.status_code == 422 and moved.json()["errors"][0]["field"] == "level"
    assert api.put(detail, {"title": "x" * 501}, format="json").status_code == 422
    assert api.put(detail, {"order": -1}, format="json").status_code == 422
    stale = api.put(detail, {"title": "T", "expected_version": 0}, format="json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    missing = api.put(url("chapter-detail", book, chapter_id="nope"), {"title": "T"}, format="json")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Chapter not found", "code": "chapter_not_found"}
    assert version_of(book) == 1


def test_delete_chapter_removes_subtree_content_and_logs(api, book, user):
    parent = create(api, book, title="P").json()["chapter_id"]
    sub = create(api, book, title="S", level=2, parent_id=parent).json()["chapter_id"]
    keep = create(api, book, title="K", order=2).json()["chapter_id"]
    save_content(api, book, sub, "sub text")
    api.get(url("chapter-detail", book, chapter_id=sub))

    stale = api.delete(
        url("chapter-detail", book, chapter_id=parent), {"expected_version": 1}, format="json"
    )
    assert stale.status_code == 409
    response = api.delete(url("chapter-detail", book, chapter_id=parent) + "?expected_version=3")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["success"] is True and body["message"] == "Chapter deleted successfully"
    assert body["version"] == 4
    assert set(body["deleted_chapter_ids"]) == {parent, sub}
    toc = api.get(url("book-toc", book)).json()["toc"]
    assert [c["id"] for c in toc["chapters"]] == [keep]
    assert set(Chapter.objects.filter(book=book).values_list("chapter_id", flat=True)) == {keep}
    assert not ChapterAccessLog.objects.filter(chapter_id=sub).exists()
    delete_log = ChapterAccessLog.objects.get(chapter_id=parent, access_type="delete")
    assert delete_log.user_id == user.pk
    row = AuditLog.objects.get(action="chapter_delete", target_id=str(book.pk))
    assert row.changes["chapter_id"] == parent and row.changes["title"] == ["P", None]
    assert api.get(url("chapter-detail", book, chapter_id=sub)).status_code == 404
    assert api.delete(url("chapter-detail", book, chapter_id=parent)).status_code == 404


def test_delete_subchapter_only(api, book):
    parent = create(api, book, title="P").json()["chapter_id"]
    sub = create(api, book, title="S", level=2, parent_id=parent).json()["chapter_id"]
    assert api.delete(url("chapter-detail", book, chapter_id=sub)).status_code == 200
    toc = api.get(url("book-toc", book)).json()["toc"]
    assert toc["chapters"][0]["id"] == parent and toc["chapters"][0]["subchapters"] == []


# --- list and metadata ----------------------------------------------------------------------------


def test_list_hierarchical_and_flat(api, book):
    one = create(api, book, title="One").json()["chapter_id"]
    sub = create(api, book, title="One.1", level=2, parent_id=one).json()["chapter_id"]
    two = create(api, book, title="Two", order=2).json()["chapter_id"]
    save_content(api, book, one, "text")

    tree = api.get(url("chapter-list", book)).json()
    assert tree["structure"] == "hierarchical" and tree["success"] is True
    assert tree["total_chapters"] == 2 and tree["version"] == 3
    assert [c["id"] for c in tree["chapters"]] == [one, two]
    assert tree["chapters"][0]["subchapters"][0]["id"] == sub
    assert "content" not in tree["chapters"][0]  # lists never ship content
    assert tree["chapters"][0]["word_count"] == 1

    flat = api.get(url("chapter-list", book) + "?flat=true").json()
    assert flat["structure"] == "flat" and flat["total_chapters"] == 3
    assert [(c["id"], c["level"], c["parent_id"]) for c in flat["chapters"]] == [
        (one, 1, None),
        (sub, 2, one),
        (two, 1, None),
    ]
    assert all("subchapters" not in c for c in flat["chapters"])
    assert api.get(url("chapter-list", book) + "?flat=maybe").status_code == 422


def test_metadata(api, book):
    empty = api.get(url("chapter-metadata", book)).json()
    assert empty["chapters"] == [] and empty["last_active_chapter"] is None
    assert empty["completion_stats"] == {
        "draft": 0,
        "in_progress": 0,
        "completed": 0,
        "published": 0,
    }
    one = create(api, book, title="One", description="d").json()["chapter_id"]
    sub = create(api, book, title="Sub", level=2, parent_id=one).json()["chapter_id"]
    create(api, book, title="Two", order=2)
    save_content(api, book, one, "w " * 300)
    api.get(url("chapter-detail", book, chapter_id=sub))

    response = api.get(url("chapter-metadata", book) + "?include_content_stats=true")
    assert response.status_code == 200
    body = response.json()
    assert body["book_id"] == str(book.pk) and body["total_chapters"] == 3
    assert body["last_active_chapter"] == sub
    assert body["completion_stats"] == {
        "draft": 2,
        "in_progress": 1,
        "completed": 0,
        "published": 0,
    }
    first = body["chapters"][0]
    assert first["id"] == one and first["status"] == "in_progress"
    assert first["word_count"] == 300 and first["estimated_reading_time"] == 2
    assert first["has_content"] is True and first["level"] == 1 and first["parent_id"] is None
    assert first["description"] == "d" and first["last_modified"] is not None
    assert body["chapters"][1]["parent_id"] == one and body["chapters"][1]["level"] == 2
    assert body["chapters"][2]["has_content"] is False


# --- tab state ------------------------------------------------------------------------------------


def test_tab_state_roundtrip(api, book, other_user):
    tab = url("chapter-tab-state", book)
    assert api.get(tab).json() == {
        "book_id": str(book.pk),
        "tab_state": None,
        "message": "No saved tab state found",
    }
    first = {"active_chapter_id": "a", "open_tab_ids": ["a", "b"], "tab_order": ["b", "a"]}
    saved = api.post(tab, first, format="json")
    assert saved.status_code == 200
    assert saved.json()["success"] is True
    assert saved.json()["message"] == "Tab state saved successfully"
    assert ChapterAccessLog.objects.filter(pk=ObjectId(saved.json()["tab_state_id"])).exists()
    second = {"active_chapter_id": "c", "open_tab_ids": ["c"], "tab_order": ["c", "a"]}
    api.post(tab, second, format="json")
    state = api.get(tab).json()
    assert state["success"] is True
    assert {k: v for k, v in state["tab_state"].items() if k != "last_updated"} == second
    assert state["tab_state"]["last_updated"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"open_tab_ids": [], "tab_order": []}, "active_chapter_id"),
        (
            {"active_chapter_id": "a", "open_tab_ids": [str(i) for i in range(21)]},
            "open_tab_ids",
        ),
        (
            {"active_chapter_id": "a", "open_tab_ids": ["a", "a"], "tab_order": ["a"]},
            "open_tab_ids",
        ),
        ({"active_chapter_id": "a", "open_tab_ids": ["a"], "tab_order": ["a", "a"]}, "tab_order"),
        ({"active_chapter_id": "a", "open_tab_ids": ["a", "b"], "tab_order": ["a"]}, "tab_order"),
        ({"active_chapter_id": "a", "open_tab_ids": "a"}, "open_tab_ids"),
    ],
)
def test_tab_state_validation(api, book, data, field):
    response = api.post(url("chapter-tab-state", book), data, format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith(field)
    assert not ChapterAccessLog.objects.filter(access_type="tab_state").exists()


def test_twenty_open_tabs_are_allowed(api, book):
    ids = [f"c{i}" for i in range(20)]
    data = {"active_chapter_id": "c0", "open_tab_ids": ids, "tab_order": ids}
    assert api.post(url("chapter-tab-state", book), data, format="json").status_code == 200


# --- bulk status ----------------------------------------------------------------------------------


def bulk(api, book, ids, status, **extra):
    return api.patch(
        url("chapter-bulk-status", book),
        {"chapter_ids": ids, "status": status, **extra},
        format="json",
    )


def test_bulk_status_transitions(api, book, user):
    one = create(api, book, title="One").json()["chapter_id"]
    two = create(api, book, title="Two", order=2).json()["chapter_id"]
    response = bulk(api, book, [two, one, "unknown"], "completed", expected_version=2)
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "book_id": str(book.pk),
        "updated_chapters": [one, two],
        "new_status": "completed",
        "version": 3,
        "success": True,
        "message": "Successfully updated status for 2 chapters",
    }
    statuses = dict(Chapter.objects.filter(book=book).values_list("chapter_id", "status"))
    assert statuses == {one: "completed", two: "completed"}
    assert api.get(url("book-toc", book)).json()["status"] == "edited"
    logs = ChapterAccessLog.objects.filter(access_type="status_update")
    assert logs.count() == 2
    assert logs.first().metadata == {
        "old_status": "draft",
        "new_status": "completed",
        "bulk_update": True,
    }
    audit = AuditLog.objects.filter(action="chapter_status_update", target_id=str(book.pk))
    assert sorted(r.changes["chapter_id"] for r in audit) == sorted([one, two])
    assert all(r.changes["status"] == ["draft", "completed"] for r in audit)

    assert bulk(api, book, [one], "published").status_code == 200
    # same status is allowed
    assert bulk(api, book, [one], "published").status_code == 200


@pytest.mark.parametrize("spelling", ["in_progress", "in-progress"])
def test_bulk_status_in_progress_in_either_spelling_is_stored_and_shown_as_in_progress(
    api, book, spelling
):
    one = create(api, book, title="One").json()["chapter_id"]
    response = bulk(api, book, [one], spelling)
    assert response.status_code == 200, response.json()
    assert response.json()["new_status"] == "in_progress"
    assert Chapter.objects.get(book=book, chapter_id=one).status == "in_progress"
    toc = api.get(url("book-toc", book)).json()["toc"]
    assert toc["chapters"][0]["status"] == "in_progress"
    metadata = api.get(url("chapter-metadata", book)).json()
    assert metadata["chapters"][0]["status"] == "in_progress"
    assert metadata["completion_stats"]["in_progress"] == 1
    assert bulk(api, book, [one], "completed").status_code == 200  # in_progress -> completed


def test_a_status_stored_in_the_old_spelling_is_shown_and_stepped_as_in_progress(api, book):
    one = create(api, book, title="One").json()["chapter_id"]
    Chapter.objects.filter(book=book, chapter_id=one).update(status="in-progress")  # legacy
    content = api.get(url("chapter-content", book, chapter_id=one)).json()
    assert content["metadata"]["status"] == "in_progress"
    assert api.get(url("book-toc", book)).json()["toc"]["chapters"][0]["status"] == "in_progress"
    assert bulk(api, book, [one], "draft").status_code == 200  # in_progress -> draft is allowed
    Chapter.objects.filter(book=book, chapter_id=one).update(status="in-progress")
    saved = save_content(api, book, one, "w " * 600)
    assert saved.json()["status"] == "completed"  # the automatic step knows the old spelling


def test_bulk_status_one_invalid_transition_rejects_all(api, book):
    one = create(api, book, title="One").json()["chapter_id"]
    two = create(api, book, title="Two", order=2).json()["chapter_id"]
    bulk(api, book, [two], "completed")
    before = version_of(book)
    # two: completed -> published is fine, one: draft -> published is not
    response = bulk(api, book, [two, one], "published")
    assert response.status_code == 400
    assert response.json() == {
        "detail": 'Chapter "One" cannot go from Draft to Published directly. '
        "From Draft it can become In progress or Completed.",
        "code": "invalid_status_transition",
    }
    statuses = dict(Chapter.objects.filter(book=book).values_list("chapter_id", "status"))
    assert statuses == {one: "draft", two: "completed"}
    assert version_of(book) == before


def test_bulk_status_errors(api, book):
    one = create(api, book).json()["chapter_id"]
    none = bulk(api, book, ["nope"], "draft")
    assert none.status_code == 404
    assert none.json()["detail"] == "No matching chapters found"
    assert bulk(api, book, [one], "finished").status_code == 422
    assert bulk(api, book, [], "draft").status_code == 422
    assert api.patch(url("chapter-bulk-status", book), {}, format="json").status_code == 422
    stale = bulk(api, book, [one], "in_progress", expected_version=0)
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    assert Chapter.objects.get(chapter_id=one).status == "draft"


# --- routing and auth -----------------------------------------------------------------------------


def test_literal_paths_win_over_chapter_ids(api, book):
    for name in ("chapter-metadata", "chapter-tab-state"):
        assert api.get(url(name, book)).status_code == 200
        assert api.get(url(name, book) + "/").status_code == 200
    # a chapter literally named like a literal path cannot exist (reserved in the TOC)
    response = api.put(
        url("book-toc", book),
        {"toc": {"chapters": [{"id": "tab-state", "title": "x"}]}},
        format="json",
    )
    assert response.status_code == 422


CHAPTER_ROUTES = [
    ("get", "chapter-list", False, None),
    ("post", "chapter-list", False, {"title": "T", "order": 1}),
    ("get", "chapter-metadata", False, None),
    ("get", "chapter-tab-state", False, None),
    ("post", "chapter-tab-state", False, {"active_chapter_id": "a"}),
    ("patch", "chapter-bulk-status", False, {"chapter_ids": ["a"], "status": "draft"}),
    ("post", "chapter-batch-content", False, {"chapter_ids": ["a"]}),
    ("get", "chapter-detail", True, None),
    ("put", "chapter-detail", True, {"title": "T"}),
    ("delete", "chapter-detail", True, None),
    ("get", "chapter-content", True, None),
    ("patch", "chapter-content", True, {"content": "x"}),
    ("get", "chapter-analytics", True, None),
]


@pytest.mark.parametrize("method, name, with_chapter, data", CHAPTER_ROUTES)
def test_chapter_routes_auth_errors(api, other_api, anon, book, method, name, with_chapter, data):
    chapter_id = create(api, book).json()["chapter_id"]
    kwargs = {"chapter_id": chapter_id} if with_chapter else {}

    def call(client, target):
        return getattr(client, method)(url(name, target, **kwargs), data, format="json")

    assert call(anon, book).status_code == 401
    forbidden = call(other_api, book)
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "not_book_owner"
    for missing in (str(ObjectId()), "malformed"):
        response = call(api, missing)
        assert response.status_code == 404
        assert response.json()["code"] == "book_not_found"
    if with_chapter:
        response = getattr(api, method)(url(name, book, chapter_id="missing"), data, format="json")
        assert response.status_code == 404
        assert response.json() == {"detail": "Chapter not found", "code": "chapter_not_found"}
    assert version_of(book) == 1
