"""`book_stats` of GET /export/formats comes from the counts each content save stores
(`Chapter.has_visible_content`, `visible_word_count`): they must equal what a full re-parse of
every chapter's HTML gives, after every kind of write, and the request must not read `content`.
"""

import importlib
import io
import math
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from books.export.blocks import blocks_word_count, html_to_blocks
from books.models import Book, Chapter
from books.selectors import toc_chapter_ids
from tests.admin.conftest import logged_in
from tests.export.conftest import build_book, put_toc, save_content
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

# (content, has visible content, visible words): the expectations are written out, so that a
# change of the converter's rules shows here, not only as two equal wrong numbers.
VARIED = [
    ("<p>The <strong>quick</strong> brown <em>fox</em>.</p>", True, 4),
    ("<p>Caf&eacute; &amp; cr&egrave;me&nbsp;br&ucirc;l&eacute;e</p>", True, 4),
    ("<p></p><p>   </p><div><br></div>", False, 0),
    ("   \n\t  ", False, 0),
    ("<p>&nbsp;</p>", False, 0),
    ("<p>Привет, мир! Как дела?</p><p>日本語のテキスト です</p>", True, 6),
    ("<ul><li>one</li><li>two <ol><li>three four</li></ol></li></ul>", True, 4),
    ('<p><img src="x.png" alt="A sleeping cat"></p>', True, 0),  # alt text shows, no words
    ("<script>var hidden = 1;</script><style>p {}</style>", False, 0),
    ("<h1>Title</h1><h4>Small heading</h4><pre>  code   block </pre>", True, 5),
    ("plain text without tags, five", True, 5),
]


def reparsed_stats(book_id) -> dict:
    """`book_stats` computed the old way: every listed chapter's HTML converted again."""
    book = Book.objects.get(pk=book_id)
    ids = toc_chapter_ids(book.toc)
    docs = {doc.chapter_id: doc for doc in Chapter.objects.filter(book=book)}
    with_content, words = 0, 0
    for chapter_id in set(ids):
        blocks = html_to_blocks(docs[chapter_id].content if chapter_id in docs else "")
        with_content += bool(blocks)
        words += blocks_word_count(blocks)
    return {
        "total_chapters": len(ids),
        "chapters_with_content": with_content,
        "total_word_count": words,
        "estimated_pages": max(1, math.ceil(words / 300)) if words else 0,
    }


def formats_stats(client, book_id) -> dict:
    response = client.get(reverse("book-export-formats", kwargs={"book_id": str(book_id)}))
    assert response.status_code == 200, response.content
    return response.json()["book_stats"]


def varied_structure():
    return [
        (f"ch{i}", f"Chapter {i}", "", html, [(f"ch{i}-1", "Sub", "", html)] if i % 3 else [])
        for i, (html, _, _) in enumerate(VARIED, start=1)
    ]


def assert_stored_counts_right(book_id) -> None:
    for doc in Chapter.objects.filter(book_id=book_id):
        blocks = html_to_blocks(doc.content)
        assert (doc.has_visible_content, doc.visible_word_count) == (
            bool(blocks),
            blocks_word_count(blocks),
        ), doc.chapter_id


@pytest.mark.parametrize(("html", "has_content", "words"), VARIED)
def test_one_chapter_stats_match_the_reparse_and_the_expectation(api, html, has_content, words):
    book_id = build_book(api, [("ch1", "Only", "", html, [])])
    expected = {
        "total_chapters": 1,
        "chapters_with_content": int(has_content),
        "total_word_count": words,
        "estimated_pages": 1 if words else 0,
    }
    assert formats_stats(api, book_id) == reparsed_stats(book_id) == expected


def test_varied_book_stats_match_the_reparse(api):
    book_id = build_book(api, varied_structure())
    stats = formats_stats(api, book_id)
    assert stats == reparsed_stats(book_id)
    assert stats["total_chapters"] == len(VARIED) + sum(1 for i in range(1, 12) if i % 3)
    assert stats["chapters_with_content"] > 0 and stats["total_word_count"] > 0


def test_content_saves_keep_counts_right_with_and_without_metadata_updates(api):
    book_id = build_book(api, [("ch1", "One", "", "<p>four words right here</p>", [])])
    url = reverse("chapter-content", kwargs={"book_id": book_id, "chapter_id": "ch1"})
    # auto_update_metadata=false leaves the reference's word_count alone, not the export counts
    response = api.patch(
        url, {"content": "<p>now six words in this one</p>", "auto_update_metadata": False}, "json"
    )
    assert response.status_code == 200, response.content
    doc = Chapter.objects.get(book_id=book_id, chapter_id="ch1")
    assert doc.word_count == 4 and doc.visible_word_count == 6
    assert formats_stats(api, book_id)["total_word_count"] == 6

    save_content(api, book_id, "ch1", "<p>&nbsp;</p>")  # emptied: no content, no words
    assert formats_stats(api, book_id) == reparsed_stats(book_id)
    assert formats_stats(api, book_id)["chapters_with_content"] == 0


def test_a_saved_draft_keeps_counts_right(api, user, settings):
    settings.OPENAI_API_KEY = ""  # the offline provider writes the draft
    settings.RATELIMIT_ENABLE = False
    book_id = build_book(api, [("ch1", "Harbour", "Boats", "", []), ("ch2", "Tide", "", "", [])])
    Book.objects.filter(pk=book_id).update(summary="A book about a harbour town and its boats.")
    url = reverse("chapter-generate-draft", kwargs={"book_id": book_id, "chapter_id": "ch1"})
    answers = [{"question": "What happens?", "answer": "The boats come home at dusk."}]
    response = api.post(url, {"question_responses": answers, "save": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["saved"] is True
    stats = formats_stats(api, book_id)
    assert stats == reparsed_stats(book_id) and stats["chapters_with_content"] == 1
    assert stats["total_word_count"] > 20
    assert_stored_counts_right(book_id)


def test_an_admin_edit_keeps_counts_right(api, user):
    from accounts.services.roles import editor_ensure
    from tests.admin.test_chapter_admin import change_url, open_form

    book_id = build_book(api, [("ch1", "One", "", "<p>two words</p>", [])])
    editor, _, _ = editor_ensure(email="editor@example.com", password=TEST_PASSWORD)
    client = logged_in(editor)
    url = change_url(client, Book.objects.get(pk=book_id), "ch1")
    data = open_form(client, url)
    data["content"] = "<p>An editor wrote <b>seven</b> words into it.</p>"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert formats_stats(api, book_id) == reparsed_stats(book_id)
    assert formats_stats(api, book_id)["total_word_count"] == 7


def test_seeded_demo_books_have_right_counts(settings):
    settings.DEBUG = True
    settings.OPENAI_API_KEY = ""
    call_command("seed_demo", "--books", "2", stdout=io.StringIO())
    books = list(Book.objects.filter(owner__email="demo@autoauthor.local"))
    assert len(books) == 2
    for book in books:
        assert_stored_counts_right(book.pk)
        assert reparsed_stats(book.pk)["total_word_count"] > 0
        assert Chapter.objects.filter(book=book, has_visible_content=True).exists()


def test_validate_data_reports_and_fixes_stale_counts(api, user):
    book_id = build_book(api, varied_structure())
    expected = formats_stats(api, book_id)
    # Counts written some other way (by hand, by code older than migration 0006).
    Chapter.objects.filter(book_id=book_id, chapter_id__in=["ch1", "ch3"]).update(
        visible_word_count=999, has_visible_content=False
    )
    assert formats_stats(api, book_id) != expected

    out = io.StringIO()
    with pytest.raises(CommandError, match="run with --fix"):
        call_command("validate_data", stdout=out)
    assert (
        f"[stale_counts] book {book_id}: 2 chapter(s) whose stored word count or content flag "
        "disagrees with their content: ch1, ch3"
    ) in out.getvalue()

    out = io.StringIO()
    call_command("validate_data", "--fix", stdout=out)
    assert "stored the counts of 2 chapter(s)" in out.getvalue()
    assert formats_stats(api, book_id) == expected == reparsed_stats(book_id)
    assert_stored_counts_right(book_id)
    out = io.StringIO()
    call_command("validate_data", stdout=out)
    assert "No problems found" in out.getvalue()


def test_the_count_repair_service_stores_only_what_is_stale(api, user):
    from books.services.chapter_counts import chapter_counts_refresh, chapter_counts_stale

    book_id = build_book(api, [("ch1", "One", "", "<p>one two three</p>", [])])
    Chapter.objects.filter(book_id=book_id).update(visible_word_count=0)
    assert chapter_counts_stale() == {book_id: ["ch1"]}
    version = Chapter.objects.get(book_id=book_id, chapter_id="ch1").version
    assert chapter_counts_refresh(book_id=book_id, chapter_ids=["ch1"]) == 1
    assert chapter_counts_refresh(book_id=book_id, chapter_ids=["ch1"]) == 0  # right already
    assert chapter_counts_stale() == {}
    doc = Chapter.objects.get(book_id=book_id, chapter_id="ch1")
    assert doc.visible_word_count == 3 and doc.version == version  # not a content write


def test_the_migration_backfills_chapters_written_before_it(api, user):
    book_id = build_book(api, varied_structure())
    expected = formats_stats(api, book_id)
    Chapter.objects.filter(book_id=book_id).update(visible_word_count=0, has_visible_content=False)
    assert formats_stats(api, book_id)["total_word_count"] == 0

    migration = importlib.import_module("books.migrations.0006_chapter_visible_counts")
    migration.backfill(None, SimpleNamespace(connection=connection))

    assert formats_stats(api, book_id) == expected == reparsed_stats(book_id)


def test_the_formats_request_reads_no_content_and_costs_the_same_for_any_size(
    api, user, count_mongo_commands, settings
):
    settings.REDIS_ENABLED = False
    small = build_book(api, [("ch1", "One", "", "<p>a few words</p>", [])])
    big = build_book(api, varied_structure())
    commands = {}
    for book_id in (small, big):
        with count_mongo_commands() as sent, CaptureQueriesContext(connection) as queries:
            formats_stats(api, book_id)
        commands[book_id] = sent
        chapter_queries = [q["sql"] for q in queries if "chapters" in q["sql"]]
        assert len(chapter_queries) == 1, chapter_queries
        # The one chapter query is projected on the stored counts: no content field.
        assert "visible_word_count" in chapter_queries[0]
        assert "'content'" not in chapter_queries[0]
    assert commands[small] == commands[big]
    assert len(commands[big]) <= 4, commands[big]


def test_stats_count_only_chapters_the_toc_lists(api, user):
    book_id = build_book(api, [("ch1", "One", "", "<p>one</p>", []), ("ch2", "Two", "", "", [])])
    save_content(api, book_id, "ch2", "<p>two words</p>")
    put_toc(api, book_id, [("ch1", "One", "", "", [])])  # ch2 removed: its document goes too
    Chapter.objects.create(
        book_id=book_id, chapter_id="ghost", visible_word_count=50, has_visible_content=True
    )  # a dangling document (an interrupted write) is not part of the book
    assert formats_stats(api, book_id) == {
        "total_chapters": 1,
        "chapters_with_content": 1,
        "total_word_count": 1,
        "estimated_pages": 1,
    }
