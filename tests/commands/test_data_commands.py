"""seed_demo, check_indexes and validate_data."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog, User
from books.models import Book, Chapter
from books.selectors import chapter_find, toc_chapter_ids, toc_node_find
from questions.models import Question, QuestionResponse
from questions.services import questions_generate, response_save
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- seed_demo -----------------------------------------------------------------------------------


@pytest.fixture
def development(settings):
    """seed_demo runs only in development (DEBUG): its accounts have published passwords."""
    settings.DEBUG = True


def test_seed_demo_refuses_a_production_configuration(db):
    with pytest.raises(CommandError, match="DEBUG only"):
        run("seed_demo")
    assert not User.objects.filter(email__endswith="@autoauthor.local").exists()


def test_seed_demo_creates_users_and_populated_books_once(db, development):
    out = run("seed_demo")
    assert "admin@autoauthor.local" in out and "password: autoauthor-demo-user" in out
    demo = User.objects.get(email="demo@autoauthor.local")
    books = list(Book.objects.filter(owner=demo))
    assert len(books) == 3 and "Created 3 demo books" in out
    for book in books:
        assert book.summary and book.toc_version == 1
        ids = toc_chapter_ids(book.toc)
        assert len(ids) >= 3
        assert 0 < Chapter.objects.filter(book=book).count() <= len(ids)
        assert Chapter.objects.filter(book=book, version__gt=0).exclude(content="").exists()
        assert Question.objects.filter(book=book, chapter_id=ids[0], user=demo).count() == 3
    assert QuestionResponse.objects.filter(user=demo).count() >= 2
    # Through the API the demo user sees the books with their chapters.
    listing = bearer_client(demo).get(reverse("book-list")).json()
    assert {book["title"] for book in listing} == {book.title for book in books}
    # Written as the system actor (content saves are the author's own).
    assert AuditLog.objects.filter(action="toc_update", actor_id="system").count() == 3

    again = run("seed_demo")
    assert "already has books (none added)" in again and "(existing, role user)" in again
    assert Book.objects.filter(owner=demo).count() == 3

    more = run("seed_demo", "--books", "2")
    assert "Created 2 demo books" in more
    assert Book.objects.filter(owner=demo).count() == 5


def test_seed_demo_refuses_a_negative_count(db, development):
    with pytest.raises(CommandError):
        run("seed_demo", "--books", "-1")


# --- check_indexes -------------------------------------------------------------------------------


@pytest.fixture
def books_collection():
    """The books collection; an index a test drops is put back, a stray one removed."""
    collection = connection.database["books"]
    before = collection.index_information()
    yield collection
    after = collection.index_information()
    for name in set(after) - set(before):
        collection.drop_index(name)
    if "owner_updated_idx" not in collection.index_information():
        collection.create_index([("owner_id", 1), ("updated_at", -1)], name="owner_updated_idx")


def test_check_indexes_passes_on_a_migrated_database(db):
    out = run("check_indexes")
    assert "Indexes OK" in out and "missing" not in out
    present = int(out.split(" expected indexes present")[0])
    assert present >= 40  # every collection's indexes, the TTL index included


def test_check_indexes_reports_missing_and_extra_and_creates(db, books_collection):
    books_collection.drop_index("owner_updated_idx")
    books_collection.create_index([("title", 1)], name="stray_title_idx")

    out = io.StringIO()
    with pytest.raises(CommandError, match="1 index problem"):
        call_command("check_indexes", stdout=out)
    text = out.getvalue()
    assert "missing: books.owner_updated_idx (owner_id 1, updated_at -1)" in text
    assert "extra: books.stray_title_idx (title 1)" in text

    with pytest.raises(CommandError):
        call_command("check_indexes", "--create", "--dry-run", stdout=io.StringIO())
    assert "owner_updated_idx" not in books_collection.index_information()

    text = run("check_indexes", "--create")
    assert "created (1/1): books.owner_updated_idx" in text and "Indexes OK" in text
    info = books_collection.index_information()["owner_updated_idx"]
    assert info["key"] == [("owner_id", 1), ("updated_at", -1)]
    assert "Indexes OK" in run("check_indexes")  # the extra index is reported, not a failure


def test_check_indexes_knows_the_ttl_index(db):
    collection = connection.database["chapter_access_logs"]
    collection.drop_index("access_logs_ttl_idx")
    try:
        with pytest.raises(CommandError):
            call_command("check_indexes", stdout=io.StringIO())
        text = run("check_indexes", "--create")
        assert "chapter_access_logs.access_logs_ttl_idx (timestamp 1) ttl=7776000s" in text
        info = collection.index_information()["access_logs_ttl_idx"]
        assert info["expireAfterSeconds"] == 90 * 24 * 60 * 60
    finally:
        if "access_logs_ttl_idx" not in collection.index_information():
            collection.create_index(
                [("timestamp", 1)], name="access_logs_ttl_idx", expireAfterSeconds=7776000
            )


# --- validate_data -------------------------------------------------------------------------------


def aged(model, pk, **fields):
    past = timezone.now() - timedelta(hours=1)
    model.objects.filter(pk=pk).update(**{name: past for name in fields})


@pytest.fixture
def broken(user, book):
    """A book with a duplicate order and a duplicate id in its TOC (stored by hand, as legacy
    data would be), a dangling Chapter document with a question, a question of a chapter the
    TOC no longer lists, and a book left half-deleted."""
    chapter = chapter_find(book=book, chapter_id="ch2", include_content=True)
    orphan_question = questions_generate(
        book=book, chapter=chapter, user=user, count=3, difficulty=None, focus=None
    ).questions[0]
    response_save(question=orphan_question, user=user, response_text="x", status="draft")
    toc = dict(book.toc)
    ch1, _ch2, ch3 = (dict(node) for node in toc["chapters"])
    ch3["order"] = ch1["order"]  # ch3 shares ch1's order
    duplicate = {**ch1, "order": 4, "subchapters": []}  # ch1 listed twice
    # ch2 is gone from the TOC: its document is dangling content, its questions orphans.
    Book.objects.filter(pk=book.pk).update(toc={**toc, "chapters": [ch1, ch3, duplicate]})
    aged(Chapter, Chapter.objects.get(book=book, chapter_id="ch2").pk, created_at=True)
    half_deleted = Book.objects.create(owner=user, title="Half deleted")
    aged(Book, half_deleted.pk, deleted_at=True)
    return {"book": book, "question": orphan_question, "half_deleted": half_deleted}


def test_validate_data_reports_every_problem_and_exits_1(broken):
    out = io.StringIO()
    with pytest.raises(CommandError, match="run with --fix"):
        call_command("validate_data", stdout=out)
    text = out.getvalue()
    book_id = str(broken["book"].pk)
    assert f"[duplicate_order] book {book_id}: top level: chapters ch1, ch3 share order 1" in text
    assert f"[duplicate_chapter_id] book {book_id}: chapter id ch1 is listed 2 times" in text
    assert f"[dangling_chapter] book {book_id}: 1 chapter document(s) not in the TOC: ch2" in text
    assert f"[orphan_question] book {book_id}: 3 question(s) of chapter ch2" in text
    assert f"[deleted_book] book {broken['half_deleted'].pk}" in text
    assert "Checking books: 1/1 (100%) done in" in text


def test_validate_data_fix_dry_run_changes_nothing(broken):
    version = Book.objects.get(pk=broken["book"].pk).toc_version
    with pytest.raises(CommandError, match="dry run"):
        call_command("validate_data", "--fix", "--dry-run", stdout=io.StringIO())
    assert Book.objects.get(pk=broken["book"].pk).toc_version == version
    assert Chapter.objects.filter(book=broken["book"], chapter_id="ch2").exists()
    assert Book.objects.filter(pk=broken["half_deleted"].pk).exists()


def test_validate_data_fix_repairs_through_the_services(broken):
    book = broken["book"]
    version = Book.objects.get(pk=book.pk).toc_version
    out = run("validate_data", "--fix")
    assert "Repaired" in out

    book.refresh_from_db()
    assert book.toc_version == version + 1  # one toc_replace for both TOC problems
    orders = [node["order"] for node in book.toc["chapters"]]
    assert orders == [1, 2, 3]
    ids = toc_chapter_ids(book.toc)
    assert len(ids) == len(set(ids)) and ids[0] == "ch1"
    assert toc_node_find(book.toc, "ch1")[0]["subchapters"]  # the first ch1 kept its subtree
    assert Chapter.objects.get(book=book, chapter_id="ch1").content  # and its content
    assert not Chapter.objects.filter(book=book, chapter_id="ch2").exists()
    assert not Question.objects.filter(pk=broken["question"].pk).exists()
    assert not QuestionResponse.objects.filter(question_id=broken["question"].pk).exists()
    assert not Book.objects.filter(pk=broken["half_deleted"].pk).exists()
    row = AuditLog.objects.filter(action="toc_update", target_id=str(book.pk)).first()
    assert row.actor_id == "system"

    assert "No problems found" in run("validate_data")


def test_validate_data_leaves_writes_in_flight_alone(user, book):
    Chapter.objects.create(book=book, chapter_id="just-created")  # younger than the grace time
    assert "No problems found" in run("validate_data")
    with pytest.raises(CommandError):
        call_command("validate_data", "--grace-minutes", "0", stdout=io.StringIO())
