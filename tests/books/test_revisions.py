"""Chapter revisions: every content save keeps one (autosaves of one author collapse within the
window), the list / one revision / diff / restore endpoints, the cascades, and what a save
costs. Time passing is stood in for by moving stored revision dates back (the data), never by
patching a clock."""

import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog
from books.models import Chapter, ChapterRevision
from books.services.content import chapter_content_save
from books.services.revisions.writes import THIN_EVERY_VERSIONS
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(user, api):
    book = BookFactory(owner=user)
    toc = {"toc": {"chapters": [{"id": "a", "title": "A"}, {"id": "b", "title": "B"}]}}
    response = api.put(reverse("book-toc", kwargs={"book_id": str(book.pk)}), toc, format="json")
    assert response.status_code == 200, response.content
    book.refresh_from_db()
    return book


def kw(book, chapter_id="a", **extra):
    return {"book_id": str(book.pk), "chapter_id": chapter_id, **extra}


def save(api, book, content, chapter_id="a", **extra):
    response = api.patch(
        reverse("chapter-content", kwargs=kw(book, chapter_id)),
        {"content": content, **extra},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def revisions(api, book, chapter_id="a", query=""):
    response = api.get(reverse("chapter-revision-list", kwargs=kw(book, chapter_id)) + query)
    assert response.status_code == 200, response.content
    return response


def age_revisions(book, *, seconds: int, chapter_id="a"):
    """Time passes for the stored revisions: their dates move `seconds` into the past."""
    for revision in ChapterRevision.objects.filter(book_id=book.pk, chapter_id=chapter_id):
        ChapterRevision.objects.filter(pk=revision.pk).update(
            created_at=revision.created_at - timedelta(seconds=seconds),
            updated_at=revision.updated_at - timedelta(seconds=seconds),
        )


# --- recording and collapsing ------------------------------------------------------------------


def test_a_save_keeps_a_revision_with_its_metadata(api, book, user):
    save(api, book, "<p>Hello brave new world</p>")
    [row] = revisions(api, book).json()
    assert row["number"] == 1 and row["source"] == "autosave"
    assert row["author_id"] == str(user.pk)
    assert row["word_count"] == 4 and row["size"] == len(b"<p>Hello brave new world</p>")
    assert "content" not in row and row["created_at"] and row["updated_at"]
    detail = api.get(reverse("chapter-revision-detail", kwargs=kw(book, revision=1))).json()
    assert detail["content"] == "<p>Hello brave new world</p>"
    assert detail["book_id"] == str(book.pk) and detail["chapter_id"] == "a"


def test_autosaves_of_one_author_within_the_window_collapse(api, book):
    for n in range(1, 6):
        save(api, book, "word " * n)
    rows = revisions(api, book).json()
    assert [r["number"] for r in rows] == [5]  # one revision, moved up to the newest version
    detail = api.get(reverse("chapter-revision-detail", kwargs=kw(book, revision=5))).json()
    assert detail["content"] == "word " * 5
    missing = api.get(reverse("chapter-revision-detail", kwargs=kw(book, revision=1)))
    assert missing.status_code == 404 and missing.json()["code"] == "revision_not_found"


def test_a_save_after_the_window_starts_a_new_revision(api, book, settings):
    settings.REVISION_COLLAPSE_SECONDS = 600
    save(api, book, "first")
    save(api, book, "second")
    age_revisions(book, seconds=601)  # the revision was started more than 10 minutes ago
    save(api, book, "third")
    assert [r["number"] for r in revisions(api, book).json()] == [3, 2]


def test_the_window_runs_from_the_revision_start_not_its_last_write(api, book, settings):
    settings.REVISION_COLLAPSE_SECONDS = 600
    save(api, book, "one")
    age_revisions(book, seconds=590)
    save(api, book, "two")  # extends: started 590 s ago
    ChapterRevision.objects.filter(book_id=book.pk).update(
        created_at=timezone.now() - timedelta(seconds=700)
    )
    save(api, book, "three")  # the revision is 700 s old although last written just now
    assert [r["number"] for r in revisions(api, book).json()] == [3, 2]


def test_another_author_or_source_does_not_collapse(api, book, user, other_user):
    save(api, book, "by the owner")
    chapter_content_save(
        book=book, chapter_id="a", content="by someone else", expected_version=1, actor=other_user
    )
    chapter_content_save(
        book=book,
        chapter_id="a",
        content="from the admin",
        expected_version=2,
        actor=user,
        source="admin",
    )
    save(api, book, "owner again")
    rows = revisions(api, book).json()
    assert [(r["number"], r["source"]) for r in rows] == [
        (4, "autosave"),
        (3, "admin"),
        (2, "autosave"),
        (1, "autosave"),
    ]
    assert rows[2]["author_id"] == str(other_user.pk)


def test_the_list_is_paginated_newest_first(api, book):
    for n in range(5):
        save(api, book, f"text {n}")
        age_revisions(book, seconds=700)
    first = revisions(api, book, query="?limit=2")
    assert [r["number"] for r in first.json()] == [5, 4]
    assert first["X-Total-Count"] == "5"
    rest = revisions(api, book, query="?skip=2&limit=2").json()
    assert [r["number"] for r in rest] == [3, 2]
    bad = api.get(reverse("chapter-revision-list", kwargs=kw(book)) + "?limit=0")
    assert bad.status_code == 422


def test_concurrent_saves_never_share_a_number_nor_lose_a_text(book, user, other_user):
    # Two authors (no collapse between them) save the same chapter at once, without
    # expected_version: every save succeeds and each one's text is a revision of its own.
    texts = {user.pk: [f"u{n}" for n in range(6)], other_user.pk: [f"o{n}" for n in range(6)]}
    errors = []

    def writer(actor):
        try:
            for text in texts[actor.pk]:
                chapter_content_save(
                    book=book, chapter_id="a", content=text, expected_version=None, actor=actor
                )
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=writer, args=(a,)) for a in (user, other_user)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    rows = list(ChapterRevision.objects.filter(book_id=book.pk, chapter_id="a"))
    numbers = [r.number for r in rows]
    assert len(numbers) == len(set(numbers))
    assert max(numbers) == Chapter.objects.get(book_id=book.pk, chapter_id="a").version == 12
    # A collapse only replaces the same author's previous text: each author's last text stays.
    kept = {r.content for r in rows}
    assert {"u5", "o5"} <= kept


# --- diff ---------------------------------------------------------------------------------------


def test_diff_gives_line_and_word_ops_and_unified_text(api, book):
    save(api, book, "line one\nline two\nline three")
    age_revisions(book, seconds=700)
    save(api, book, "line one\nline 2\nline three\nline four")
    response = api.get(reverse("chapter-revision-diff", kwargs=kw(book, revision=1, other=2)))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["from_revision"] == 1 and body["to_revision"] == 2 and not body["identical"]
    changed = [op for op in body["line_ops"] if op["op"] != "equal"]
    assert changed[0] == {
        "op": "replace",
        "a": [1, 2],
        "b": [1, 2],
        "removed": ["line two"],
        "added": ["line 2"],
    }
    assert changed[1]["op"] == "insert" and changed[1]["added"] == ["line four"]
    assert body["stats"] == {
        "lines_added": 2,
        "lines_removed": 1,
        "words_added": 3,
        "words_removed": 1,
    }
    words = [op for op in body["word_ops"] if op["op"] != "equal"]
    assert words[0]["removed"] == ["two"] and words[0]["added"] == ["2"]
    assert body["unified"].splitlines()[:2] == ["--- revision 1", "+++ revision 2"]
    assert "-line two" in body["unified"] and "+line four" in body["unified"]
    same = api.get(reverse("chapter-revision-diff", kwargs=kw(book, revision=2, other=2))).json()
    assert same["identical"] and same["unified"] == ""


@pytest.mark.parametrize("revision,other", [("1", "x"), ("abc", "1"), ("1", "99"), ("1.0", "1")])
def test_diff_of_unknown_or_malformed_numbers_is_404(api, book, revision, other):
    save(api, book, "text")
    url = reverse("chapter-revision-diff", kwargs=kw(book, revision=revision, other=other))
    response = api.get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "revision_not_found"


def test_unknown_chapter_and_other_users_book(api, other_api, book):
    save(api, book, "secret words")
    missing = api.get(reverse("chapter-revision-list", kwargs=kw(book, "zzz")))
    assert missing.status_code == 404 and missing.json()["code"] == "chapter_not_found"
    for name, extra in [
        ("chapter-revision-list", {}),
        ("chapter-revision-detail", {"revision": 1}),
        ("chapter-revision-diff", {"revision": 1, "other": 1}),
    ]:
        response = other_api.get(reverse(name, kwargs=kw(book, **extra)))
        assert response.status_code == 403 and "secret" not in response.content.decode()
    refused = other_api.post(
        reverse("chapter-revision-restore", kwargs=kw(book, revision=1)), {}, format="json"
    )
    assert refused.status_code == 403


# --- restore ------------------------------------------------------------------------------------


def test_restore_is_a_new_save_on_top_and_is_audited(api, book, user):
    save(api, book, "the original text")
    age_revisions(book, seconds=700)
    save(api, book, "a bad rewrite")
    url = reverse("chapter-revision-restore", kwargs=kw(book, revision=1))
    response = api.post(url, {"expected_version": 2}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["restored_revision"] == 1 and body["version"] == 3 and body["success"]
    content = api.get(reverse("chapter-content", kwargs=kw(book))).json()
    assert content["content"] == "the original text" and content["version"] == 3
    rows = revisions(api, book).json()
    assert [(r["number"], r["source"]) for r in rows] == [
        (3, "restore"),
        (2, "autosave"),
        (1, "autosave"),
    ]
    restore = AuditLog.objects.get(action="chapter_revision_restore", book_id=str(book.pk))
    assert restore.actor_id == str(user.pk)
    assert restore.changes == {"chapter_id": "a", "restored_revision": 1, "version": [2, 3]}
    assert AuditLog.objects.filter(action="chapter_content_update", book_id=str(book.pk)).count()
    # the next autosave does not swallow the restore revision
    save(api, book, "after the restore")
    assert [r["number"] for r in revisions(api, book).json()][:2] == [4, 3]


def test_a_stale_restore_is_409_and_changes_nothing(api, book):
    save(api, book, "one")
    age_revisions(book, seconds=700)
    save(api, book, "two")
    url = reverse("chapter-revision-restore", kwargs=kw(book, revision=1))
    response = api.post(url, {"expected_version": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"
    assert response.json()["current_version"] == 2
    assert api.get(reverse("chapter-content", kwargs=kw(book))).json()["content"] == "two"
    assert ChapterRevision.objects.filter(book_id=book.pk).count() == 2


def test_restore_input_is_checked(api, book):
    save(api, book, "one")
    url = reverse("chapter-revision-restore", kwargs=kw(book, revision=1))
    bad = api.post(url, {"expected_version": "soon"}, format="json")
    assert bad.status_code == 422
    missing = api.post(reverse("chapter-revision-restore", kwargs=kw(book, revision=7)), {})
    assert missing.status_code == 404 and missing.json()["code"] == "revision_not_found"


def test_restore_keeps_content_no_revision_held_yet(api, book):
    # Content written before revisions existed: a restore first keeps it as a snapshot.
    save(api, book, "old revision")
    Chapter.objects.filter(book_id=book.pk, chapter_id="a").update(
        content="written before revisions", version=2
    )
    url = reverse("chapter-revision-restore", kwargs=kw(book, revision=1))
    assert api.post(url, {"expected_version": 2}, format="json").status_code == 200
    rows = {r.number: r for r in ChapterRevision.objects.filter(book_id=book.pk)}
    assert rows[2].source == "snapshot" and rows[2].content == "written before revisions"
    assert rows[3].source == "restore" and rows[3].content == "old revision"


def test_restore_invalidates_the_cached_reads(api, book):
    save(api, book, "one two three")
    age_revisions(book, seconds=700)
    save(api, book, "one two three four five")
    metadata = reverse("chapter-metadata", kwargs={"book_id": str(book.pk)})
    before = api.get(metadata).json()  # cached now
    assert before["chapters"][0]["word_count"] == 5
    api.post(reverse("chapter-revision-restore", kwargs=kw(book, revision=1)), {}, format="json")
    assert api.get(metadata).json()["chapters"][0]["word_count"] == 3


# --- sources, cascades, cost -------------------------------------------------------------------


def test_draft_and_admin_saves_are_revisions_of_their_source(api, book, settings):
    settings.OPENAI_API_KEY = ""  # the offline provider drafts
    response = api.post(
        reverse("chapter-generate-draft", kwargs=kw(book)),
        {"question_responses": [{"question": "Who?", "answer": "A keeper."}], "save": True},
        format="json",
    )
    assert response.status_code == 200, response.content
    [row] = revisions(api, book).json()
    assert row["source"] == "draft"


def test_an_admin_edit_is_a_revision_of_the_editor(api, book):
    from django.test import Client

    from accounts.models import User
    from tests.admin.test_chapter_admin import change_url, open_form
    from tests.factories import TEST_PASSWORD

    save(api, book, "the author's text")
    root = User.objects.create_superuser(email="root@example.com", password=TEST_PASSWORD)
    client = Client()
    client.force_login(root)
    url = change_url(client, book, "a")
    data = open_form(client, url)
    data["content"] = "fixed by the editor"
    assert client.post(url, data).status_code == 302
    newest = revisions(api, book).json()[0]
    assert (newest["number"], newest["source"]) == (2, "admin")
    assert newest["author_id"] == str(root.pk)


def test_revisions_go_with_the_chapter_and_the_book(api, book):
    save(api, book, "in a")
    save(api, book, "in b", chapter_id="b")
    deleted = api.delete(reverse("chapter-detail", kwargs=kw(book)))
    assert deleted.status_code in (200, 204), deleted.content
    assert set(ChapterRevision.objects.values_list("chapter_id", flat=True)) == {"b"}
    assert api.delete(reverse("book-detail", kwargs={"book_id": str(book.pk)})).status_code in (
        200,
        204,
    )
    assert not ChapterRevision.objects.exists()


def test_a_recreated_chapter_starts_a_fresh_history(api, book):
    save(api, book, "first life")
    toc_url = reverse("book-toc", kwargs={"book_id": str(book.pk)})
    api.put(toc_url, {"toc": {"chapters": [{"id": "b", "title": "B"}]}}, format="json")
    api.put(toc_url, {"toc": {"chapters": [{"id": "a", "title": "A again"}]}}, format="json")
    save(api, book, "second life")
    [row] = ChapterRevision.objects.filter(book_id=book.pk, chapter_id="a")
    assert row.number == 1 and row.content == "second life"


def test_a_content_save_costs_one_more_command(api, book, count_mongo_commands):
    url = reverse("chapter-content", kwargs=kw(book))
    api.patch(url, {"content": "warm-up"}, format="json")

    def commands(body):
        with count_mongo_commands() as sent:
            response = api.patch(url, body, format="json")
        assert response.status_code == 200
        return list(sent)

    collapsing = commands({"content": "typing on"})
    age_revisions(book, seconds=700)
    starting = commands({"content": "after a pause"})
    # A collapsing autosave: one `update` more than before revisions; a new revision: the
    # update that matched nothing and the insert.
    assert collapsing.count("insert") == starting.count("insert") - 1
    assert len(starting) == len(collapsing) + 1, (collapsing, starting)


def test_an_insert_now_and_then_thins_the_chapter(book, user):
    # Revisions older than a day, one per minute of the same hour: at a multiple of
    # THIN_EVERY_VERSIONS the insert thins them to the last of that hour.
    base = timezone.now() - timedelta(days=3)
    base = base.replace(minute=0, second=0, microsecond=0)
    ChapterRevision.objects.bulk_create(
        ChapterRevision(
            book_id=book.pk,
            chapter_id="a",
            number=n,
            author_id=str(user.pk),
            source="api",
            content=f"v{n}",
            created_at=base + timedelta(minutes=n),
            updated_at=base + timedelta(minutes=n),
        )
        for n in range(1, THIN_EVERY_VERSIONS)
    )
    Chapter.objects.create(book_id=book.pk, chapter_id="a", version=THIN_EVERY_VERSIONS - 1)
    chapter_content_save(
        book=book,
        chapter_id="a",
        content="now",
        expected_version=THIN_EVERY_VERSIONS - 1,
        actor=user,
        source="api",
    )
    kept = sorted(ChapterRevision.objects.filter(book_id=book.pk).values_list("number", flat=True))
    assert kept == [THIN_EVERY_VERSIONS - 1, THIN_EVERY_VERSIONS]
