"""GET/PUT /books/{id}/toc: shapes, versions, validation of every level, content kept across
replacements, dropped chapters removed with their documents, audit rows."""

import pytest
from bson import ObjectId
from django.urls import reverse

from accounts.models import AuditLog
from books.models import Book, Chapter
from books.rules import TOC_MAX_CHAPTERS as MAX_CHAPTERS
from tests.books.toc_support import without_content
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(user):
    return BookFactory(owner=user)


def toc_url(book_or_id):
    book_id = book_or_id if isinstance(book_or_id, str) else str(book_or_id.pk)
    return reverse("book-toc", kwargs={"book_id": book_id})


def content_url(book, chapter_id):
    return reverse("chapter-content", kwargs={"book_id": str(book.pk), "chapter_id": chapter_id})


def put_toc(api, book, chapters, expected_version=None, **extra):
    toc = {"chapters": chapters, **extra}
    if expected_version is not None:
        toc["expected_version"] = expected_version
    return api.put(toc_url(book), {"toc": toc}, format="json")


def stored_chapters(api, book):
    """The chapters as GET /toc shows them, content included (PUT answers without it)."""
    return api.get(toc_url(book)).json()["toc"]["chapters"]


def two_chapters():
    return [
        {"title": "Intro", "description": "Start", "subchapters": [{"title": "Why"}]},
        {"title": "Middle"},
    ]


def test_get_toc_without_toc_is_empty_version_0(api, book):
    response = api.get(toc_url(book))
    assert response.status_code == 200
    assert response.json() == {
        "book_id": str(book.pk),
        "toc": {"chapters": [], "total_chapters": 0, "estimated_pages": 0, "structure_notes": ""},
        "status": "not_generated",
        "version": 0,
        "generated_at": None,
        "updated_at": None,
    }


def test_put_toc_assigns_ids_and_get_merges_chapter_documents(api, book):
    response = put_toc(
        api, book, two_chapters(), expected_version=0, estimated_pages=120, theme="dark"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == 1
    assert body["success"] is True
    assert body["chapters_count"] == 2
    chapters = body["toc"]["chapters"]
    assert [c["title"] for c in chapters] == ["Intro", "Middle"]
    intro = chapters[0]
    assert len(intro["id"]) == 32 and intro["level"] == 1 and intro["order"] == 1
    sub = intro["subchapters"][0]
    assert sub["level"] == 2 and sub["parent_id"] == intro["id"] and sub["title"] == "Why"
    assert intro["status"] == "draft" and intro["word_count"] == 0
    assert "content" not in intro and "content" not in sub  # PUT answers without content

    got = api.get(toc_url(book)).json()
    assert got["toc"]["chapters"][0]["content"] == ""  # GET has it
    assert got["version"] == 1
    assert got["status"] == "edited"
    assert got["updated_at"] is not None
    assert got["toc"]["estimated_pages"] == 120
    assert got["toc"]["theme"] == "dark"  # extra client keys are kept
    assert got["toc"]["total_chapters"] == 2
    assert without_content(got["toc"]["chapters"]) == chapters  # GET's plus their content
    # Chapter documents come with the first write of a chapter, not with the TOC
    assert Chapter.objects.filter(book=book).count() == 0
    # the version GET shows is the one to send back
    assert put_toc(api, book, chapters, expected_version=got["version"]).status_code == 200
    assert api.get(toc_url(book)).json()["version"] == 2


def test_put_toc_keeps_content_of_chapters_that_stay_and_removes_dropped(api, book):
    chapters = put_toc(api, book, two_chapters()).json()["toc"]["chapters"]
    intro, middle = chapters
    saved = api.patch(content_url(book, intro["id"]), {"content": "word " * 150}, format="json")
    assert saved.status_code == 200
    api.patch(content_url(book, middle["id"]), {"content": "gone soon"}, format="json")

    # keep Intro (renamed, its subchapter dropped), drop Middle, add a new one
    response = put_toc(
        api,
        book,
        [
            {"id": intro["id"], "title": "Introduction", "status": "published", "content": "x"},
            {"title": "New"},
        ],
    )
    assert response.status_code == 200
    assert response.json()["toc"]["chapters"][0]["word_count"] == 150  # the state, no content
    new_chapters = stored_chapters(api, book)
    kept = new_chapters[0]
    assert kept["id"] == intro["id"] and kept["title"] == "Introduction"
    assert kept["content"] == "word " * 150  # content lives on; submitted content is ignored
    assert kept["status"] == "in_progress"  # status is not set through PUT /toc
    assert kept["word_count"] == 150
    assert kept["subchapters"] == []
    ids = set(Chapter.objects.filter(book=book).values_list("chapter_id", flat=True))
    assert ids == {intro["id"]}  # Middle's document went with it; New has none yet
    assert api.get(content_url(book, middle["id"])).status_code == 404


def test_put_toc_keeps_given_ids(api, book):
    response = put_toc(
        api, book, [{"id": "ch1", "title": "One", "subchapters": [{"id": "ch1-1", "title": "A"}]}]
    )
    assert response.status_code == 200
    assert response.json()["toc"]["chapters"][0]["id"] == "ch1"
    assert response.json()["toc"]["chapters"][0]["subchapters"][0]["id"] == "ch1-1"


def ids_of(chapters):
    return [(c["id"], [s["id"] for s in c.get("subchapters") or []]) for c in chapters]


def test_a_new_duplicate_id_gets_a_fresh_one_and_the_first_keeps_it(api, book):
    response = put_toc(
        api, book, [{"id": "x", "title": "A", "subchapters": [{"id": "x", "title": "B"}]}]
    )
    assert response.status_code == 200, response.json()
    assert ids_of(response.json()["toc"]["chapters"]) == [("x", ["x-1"])]


def test_edit_toc_delete_then_add_duplicate_keeps_content_with_the_saved_chapter(api, book):
    """The edit-toc page names a new chapter `ch<count + 1>`: with ch1..ch5 saved, deleting ch2
    and adding one submits ch5 twice. The saved ch5 (first, in its place) keeps its id and
    content; the new one becomes ch6 (ch2 is dropped, so its id is not reused)."""
    saved = [{"id": f"ch{n}", "title": f"Chapter {n}", "subchapters": []} for n in range(1, 6)]
    saved[0]["subchapters"] = [{"id": "ch1-1", "title": "A"}, {"id": "ch1-2", "title": "B"}]
    assert put_toc(api, book, saved).status_code == 200
    for chapter_id in ("ch2", "ch5", "ch1-2"):
        api.patch(
            content_url(book, chapter_id), {"content": f"text of {chapter_id}"}, format="json"
        )
    # delete ch2 and ch1-1, add a chapter and a subchapter of ch1, as the page does
    edited = [
        {
            "id": "ch1",
            "title": "Chapter 1",
            "description": "",
            "level": 1,
            "order": 1,
            "subchapters": [
                {"id": "ch1-2", "title": "B", "description": "", "level": 2, "order": 1},
                {"id": "ch1-2", "title": "New Subchapter", "description": "", "level": 2,
                 "order": 2},
            ],
        },
        *[
            {"id": f"ch{n}", "title": f"Chapter {n}", "description": "", "level": 1,
             "order": i, "subchapters": []}
            for i, n in enumerate((3, 4, 5), start=2)
        ],
        {"id": "ch5", "title": "New Chapter", "description": "Description of the new chapter",
         "level": 1, "order": 5, "subchapters": []},
    ]  # fmt: skip
    response = put_toc(api, book, edited, estimated_pages=75, structure_notes="Updated")
    assert response.status_code == 200, response.json()
    assert ids_of(response.json()["toc"]["chapters"]) == ids_of(stored_chapters(api, book))
    chapters = stored_chapters(api, book)
    assert ids_of(chapters) == [
        ("ch1", ["ch1-2", "ch1-3"]),
        ("ch3", []),
        ("ch4", []),
        ("ch5", []),
        ("ch6", []),
    ]
    assert chapters[3]["content"] == "text of ch5" and chapters[3]["title"] == "Chapter 5"
    assert chapters[4]["content"] == "" and chapters[4]["title"] == "New Chapter"
    assert chapters[0]["subchapters"][0]["content"] == "text of ch1-2"
    assert chapters[0]["subchapters"][1]["content"] == ""
    stored = set(Chapter.objects.filter(book=book).values_list("chapter_id", flat=True))
    assert stored == {"ch5", "ch1-2"}  # ch2's document went with it


def test_a_duplicate_that_could_take_the_wrong_content_is_refused(api, book):
    assert put_toc(api, book, [{"id": "ch1", "title": "One"}, {"id": "ch2", "title": "Two"}])
    api.patch(content_url(book, "ch2"), {"content": "written"}, format="json")
    version = api.get(toc_url(book)).json()["version"]
    refused = [
        # the later ch2 carries the saved chapter's title, the first does not
        [{"id": "ch1", "title": "One"}, {"id": "ch2", "title": "Other"},
         {"id": "ch2", "title": "Two"}],
        # a later occurrence says it has content: it is not a new chapter
        [{"id": "ch2", "title": "Two"}, {"id": "ch2", "title": "X", "content": "<p>old</p>"}],
        # the first ch2 is not where the saved ch2 is (a subchapter now)
        [{"id": "ch1", "title": "One", "subchapters": [{"id": "ch2", "title": "Two"}]},
         {"id": "ch2", "title": "New"}],
    ]  # fmt: skip
    for chapters in refused:
        response = put_toc(api, book, chapters)
        assert response.status_code == 422, response.json()
        body = response.json()
        assert body["errors"][0]["code"] == "duplicate"
        assert "cannot be told apart" in body["detail"]  # a sentence a person can read
    assert api.get(toc_url(book)).json()["version"] == version  # nothing changed


def test_a_fresh_id_never_resurfaces_orphan_content(api, book):
    put_toc(api, book, [{"id": "ch1", "title": "One"}])
    Chapter.objects.create(book=book, chapter_id="ch2", content="stale", version=3)  # orphan
    response = put_toc(api, book, [{"id": "ch1", "title": "One"}, {"id": "ch1", "title": "New"}])
    assert response.status_code == 200, response.json()
    chapters = stored_chapters(api, book)
    assert [c["id"] for c in chapters] == ["ch1", "ch2"] and chapters[1]["content"] == ""


def test_only_top_level_titles_are_required(api, book):
    response = put_toc(
        api,
        book,
        [{"title": "One", "subchapters": [{"title": ""}, {"title": "   "}, {"description": "d"}]}],
    )
    assert response.status_code == 200, response.json()
    subs = response.json()["toc"]["chapters"][0]["subchapters"]
    assert [s["title"] for s in subs] == ["", "   ", ""]
    for title in ("", None, "  "):
        blank = put_toc(api, book, [{"title": "One"}, {"title": title}])
        assert blank.status_code == 422
        error = blank.json()["errors"][0]
        assert error["field"] == "toc.chapters[1].title"
        assert error["message"].startswith("Chapter 2 title")  # counted from 1, as people do
        assert blank.json()["detail"] == error["message"]


def test_titles_may_have_500_characters(api, book):
    assert put_toc(api, book, [{"title": "t" * 500}]).status_code == 200
    assert put_toc(api, book, [{"title": "t" * 501}]).status_code == 422


def test_readded_chapter_id_does_not_resurface_orphan_content(api, book):
    put_toc(api, book, [{"id": "ch1", "title": "One"}])
    # an orphan document left behind by an interrupted earlier write
    Chapter.objects.create(book=book, chapter_id="ch2", content="stale", version=4)
    response = put_toc(api, book, [{"id": "ch1", "title": "One"}, {"id": "ch2", "title": "Two"}])
    assert response.status_code == 200
    assert response.json()["toc"]["chapters"][1]["content_version"] == 0
    two = stored_chapters(api, book)[1]
    assert two["content"] == "" and two["content_version"] == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "toc"),
        ({"toc": {}}, "toc.chapters"),
        ({"toc": "nope"}, "toc"),
        ({"toc": {"chapters": "nope"}}, "toc.chapters"),
        ({"toc": {"chapters": ["nope"]}}, "toc.chapters[0]"),
        ({"toc": {"chapters": [{"description": "no title"}]}}, "toc.chapters[0].title"),
        ({"toc": {"chapters": [{"title": "   "}]}}, "toc.chapters[0].title"),
        ({"toc": {"chapters": [{"title": 5}]}}, "toc.chapters[0].title"),
        ({"toc": {"chapters": [{"title": "x" * 501}]}}, "toc.chapters[0].title"),
        (
            {"toc": {"chapters": [{"title": "a", "description": "d" * 5001}]}},
            "toc.chapters[0].description",
        ),
        ({"toc": {"chapters": [{"title": "a", "order": -1}]}}, "toc.chapters[0].order"),
        ({"toc": {"chapters": [{"title": "a", "metadata": []}]}}, "toc.chapters[0].metadata"),
        ({"toc": {"chapters": [{"title": "a", "id": "has/slash"}]}}, "toc.chapters[0].id"),
        ({"toc": {"chapters": [{"title": "a", "id": "metadata"}]}}, "toc.chapters[0].id"),
        (
            {"toc": {"chapters": [{"title": "a", "subchapters": "x"}]}},
            "toc.chapters[0].subchapters",
        ),
        (
            {"toc": {"chapters": [{"title": "a", "subchapters": [{"title": 5}]}]}},
            "toc.chapters[0].subchapters[0].title",
        ),
        (
            {
                "toc": {
                    "chapters": [
                        {"title": "a", "subchapters": [{"title": "b", "subchapters": [{"t": 1}]}]}
                    ]
                }
            },
            "toc.chapters[0].subchapters[0].subchapters",
        ),
        ({"toc": {"chapters": [], "estimated_pages": -3}}, "toc.estimated_pages"),
        ({"toc": {"chapters": [], "structure_notes": 7}}, "toc.structure_notes"),
        ({"toc": {"chapters": [], "expected_version": "x"}}, "toc.expected_version"),
    ],
)
def test_put_toc_validation_is_422_and_saves_nothing(api, book, body, field):
    put_toc(api, book, [{"title": "Keep me"}])
    response = api.put(toc_url(book), body, format="json")
    assert response.status_code == 422, response.json()
    payload = response.json()
    assert payload["code"] == "validation_error"
    assert payload["errors"][0]["field"] == field
    stored = api.get(toc_url(book)).json()
    assert stored["version"] == 1
    assert [c["title"] for c in stored["toc"]["chapters"]] == ["Keep me"]


def test_put_toc_bounds_the_chapter_count(api, book):
    chapters = [{"title": f"C{i}"} for i in range(MAX_CHAPTERS)]
    chapters[0]["subchapters"] = [{"title": "one too many"}]
    response = put_toc(api, book, chapters)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "too_many"


def test_put_toc_stale_version_is_409_and_changes_nothing(api, book):
    put_toc(api, book, [{"title": "First"}], expected_version=0)
    put_toc(api, book, [{"title": "Second"}], expected_version=1)
    stale = put_toc(api, book, [{"title": "Stale"}], expected_version=1)
    assert stale.status_code == 409
    assert stale.json() == {
        "detail": "The TOC has been modified by another user. Please refresh and try again.",
        "code": "version_conflict",
        "current_version": 2,
    }
    got = api.get(toc_url(book)).json()
    assert got["version"] == 2
    assert [c["title"] for c in got["toc"]["chapters"]] == ["Second"]


def test_put_toc_without_expected_version_still_increments(api, book):
    assert put_toc(api, book, [{"title": "A"}]).json()["version"] == 1
    assert put_toc(api, book, [{"title": "B"}]).json()["version"] == 2
    assert Book.objects.get(pk=book.pk).toc_version == 2


def test_put_toc_writes_one_audit_row(api, book, user):
    put_toc(api, book, [{"title": "A"}])
    put_toc(api, book, [{"title": "A"}, {"title": "B"}], expected_version=1)
    rows = list(AuditLog.objects.filter(action="toc_update", target_id=str(book.pk)))
    assert len(rows) == 2
    latest = max(rows, key=lambda row: row.timestamp)
    assert latest.actor_id == str(user.pk)
    assert latest.resource_type == "book"
    assert latest.changes == {"version": [1, 2], "chapters_count": [1, 2]}


def test_toc_auth_errors(api, anon, other_api, book):
    assert anon.get(toc_url(book)).status_code == 401
    assert anon.put(toc_url(book), {"toc": {"chapters": []}}, format="json").status_code == 401
    forbidden = other_api.put(toc_url(book), {"toc": {"chapters": []}}, format="json")
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "not_book_owner"
    assert other_api.get(toc_url(book)).status_code == 403
    for missing in (str(ObjectId()), "not-an-id"):
        response = api.get(toc_url(missing))
        assert response.status_code == 404
        assert response.json() == {"detail": "Book not found", "code": "book_not_found"}
        assert (
            api.put(toc_url(missing), {"toc": {"chapters": []}}, format="json").status_code == 404
        )
    assert Book.objects.get(pk=book.pk).toc_version == 0


def test_put_toc_stores_exactly_the_submitted_keys(api, book):
    """Client keys dropped from the TOC are gone from the stored one, any key name (even one
    MongoDB could not take as an update path) is kept as sent."""
    first = put_toc(api, book, two_chapters(), theme="dark", **{"a.b": 1, "notes": {"x": 1}})
    assert first.status_code == 200, first.content
    assert Book.objects.get(pk=book.pk).toc["a.b"] == 1
    chapters = first.json()["toc"]["chapters"]
    again = put_toc(api, book, chapters, notes={"x": 2})  # theme and "a.b" dropped
    assert again.status_code == 200, again.content
    stored = Book.objects.get(pk=book.pk).toc
    assert "theme" not in stored and "a.b" not in stored and stored["notes"] == {"x": 2}
    third = put_toc(api, book, chapters[:1], notes={"x": 2}, theme="light")
    assert third.status_code == 200, third.content
    got = api.get(toc_url(book)).json()
    assert got["version"] == 3
    assert got["toc"]["theme"] == "light" and got["toc"]["notes"] == {"x": 2}
    assert [c["id"] for c in got["toc"]["chapters"]] == [chapters[0]["id"]]


def test_toc_is_stored_as_one_string_and_older_documents_are_migrated(api, book):
    """The TOC is stored as one JSON string (books.models.JSONTextField); migration 0004 rewrites
    a TOC stored as a nested document by an earlier version, and reverses."""
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    migration = importlib.import_module("books.migrations.0004_toc_as_json_text")
    editor = SimpleNamespace(connection=connection)
    books = connection.database["books"]
    assert put_toc(api, book, two_chapters()).status_code == 200
    assert isinstance(books.find_one({"_id": book.pk})["toc"], str)
    expected = Book.objects.get(pk=book.pk).toc

    migration.to_document(None, editor)  # as an earlier version stored it
    assert books.find_one({"_id": book.pk})["toc"] == expected
    assert Book.objects.get(pk=book.pk).toc == expected  # still readable before migrating
    migration.to_text(None, editor)
    assert isinstance(books.find_one({"_id": book.pk})["toc"], str)
    assert Book.objects.get(pk=book.pk).toc == expected
    assert api.get(toc_url(book)).json()["toc"]["chapters"][0]["title"] == "Intro"


def test_toc_normalize_keeps_integers_within_64_bits():
    """Callers that do not go through the JSON parser (AI generation, the admin) get the same
    bound: the TOC is JSON text, where any integer would otherwise be stored."""
    from autoauthor.core.errors import ValidationFailed
    from books.rules import TOC_INT_MAX as MAX_TOC_INT
    from books.services.toc import toc_normalize

    assert toc_normalize(toc={"chapters": [{"title": "A", "order": MAX_TOC_INT}]}, old_toc=None)
    with pytest.raises(ValidationFailed):
        toc_normalize(toc={"chapters": [{"title": "A", "order": MAX_TOC_INT + 1}]}, old_toc=None)
    with pytest.raises(ValidationFailed):
        toc_normalize(toc={"chapters": [], "estimated_pages": 10**30}, old_toc=None)
