"""DELETE /books/{id} removes everything that belonged to the book from every collection; audit
rows stay; an interrupted delete is finished by book_purge_deleted."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditLog
from books.models import Book, Chapter, ChapterAccessLog, ChapterRevision
from books.read_cache import book_changed
from books.services.books import book_delete, book_purge_deleted
from jobs.models import Job
from questions.models import Question, QuestionRating, QuestionResponse
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def populate(book, user, reader):
    """Two TOC entries with content documents, access logs, questions with their (the book's)
    answer, saved by the owner or by another user, and ratings by both: every kind of row a
    book owns."""
    book.toc = {"chapters": [{"id": "c1", "title": "One"}, {"id": "c2", "title": "Two"}]}
    book.save(update_fields=["toc"])
    for chapter_id in ("c1", "c2"):
        document = Chapter.objects.create(book=book, chapter_id=chapter_id, content="<p>Hi</p>")
        ChapterRevision.objects.create(
            book=book, chapter_id=chapter_id, number=1, source="autosave", content="<p>Hi</p>"
        )
        ChapterAccessLog.objects.create(
            user=user, book=book, chapter_id=chapter_id, access_type="view"
        )
        question = Question.objects.create(
            chapter_document=document,
            book=book,
            chapter_id=chapter_id,
            user=user,
            question_text="What happens in this part?",
            question_type="plot",
        )
        saved_by = user if chapter_id == "c1" else reader
        QuestionResponse.objects.create(question=question, user=saved_by, response_text="Things")
        for who in (user, reader):
            QuestionRating.objects.create(question=question, user=who, rating=4)
    ChapterAccessLog.objects.create(user=user, book=book, chapter_id="c1", access_type="tab_state")
    Job.objects.create(owner=user, book=book, kind="export", params={"format": "pdf"})


def rows_of(book_pk) -> dict[str, int]:
    """Rows pointing at the book in every collection that can point at it, directly or through
    a chapter document or a question."""
    return {
        "books": Book.objects.filter(pk=book_pk).count(),
        "chapters": Chapter.objects.filter(book_id=book_pk).count(),
        "chapter_access_logs": ChapterAccessLog.objects.filter(book_id=book_pk).count(),
        "chapter_revisions": ChapterRevision.objects.filter(book_id=book_pk).count(),
        "questions": Question.objects.filter(book_id=book_pk).count(),
        "question_responses": QuestionResponse.objects.filter(question__book_id=book_pk).count(),
        "question_ratings": QuestionRating.objects.filter(question__book_id=book_pk).count(),
        "jobs": Job.objects.filter(book_id=book_pk).count(),
    }


def test_every_model_referencing_a_book_is_covered():
    """If a new model points at Book, rows_of() above must learn about it."""
    direct = {
        model._meta.db_table
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.related_model is Book
    }
    assert direct <= {
        "chapters",
        "chapter_access_logs",
        "chapter_revisions",
        "questions",
        "jobs_job",
    }


def test_delete_removes_everything_of_the_book_and_nothing_else(api, user, other_user):
    book = BookFactory(owner=user)
    kept = BookFactory(owner=user)
    populate(book, user, other_user)
    populate(kept, user, other_user)
    before = rows_of(book.pk)
    assert before == {
        "books": 1,
        "chapters": 2,
        "chapter_access_logs": 3,
        "chapter_revisions": 2,
        "questions": 2,
        "question_responses": 2,
        "question_ratings": 4,
        "jobs": 1,
    }

    response = api.delete(reverse("book-detail", kwargs={"book_id": str(book.pk)}))
    assert response.status_code == 204
    assert rows_of(book.pk) == dict.fromkeys(before, 0)
    assert rows_of(kept.pk) == before  # the other book is untouched
    # audit rows stay, including the book's own creation row
    assert AuditLog.objects.filter(target_id=str(book.pk), action="book_create").exists()
    assert AuditLog.objects.filter(target_id=str(book.pk), action="book_delete").count() == 1


def test_interrupted_delete_is_invisible_and_finished_by_purge(api, user, other_user):
    book = BookFactory(owner=user)
    populate(book, user, other_user)
    # The process died right after step 1 (the book is marked and its cached reads
    # invalidated, nothing else deleted yet).
    Book.objects.filter(pk=book.pk).update(deleted_at=timezone.now() - timedelta(minutes=10))
    book_changed(book_id=book.pk, owner_id=user.pk)

    detail = reverse("book-detail", kwargs={"book_id": str(book.pk)})
    assert api.get(detail).status_code == 404
    assert api.get(reverse("book-list")).json() == []
    assert api.get(reverse("user-me")).json()["book_ids"] == []

    assert book_purge_deleted() == 1
    assert rows_of(book.pk) == dict.fromkeys(rows_of(book.pk), 0)
    assert book_purge_deleted() == 0


def test_purge_leaves_a_delete_in_progress_alone(user):
    book = BookFactory(owner=user, deleted_at=timezone.now())
    assert book_purge_deleted() == 0
    assert Book.objects.filter(pk=book.pk).exists()
    assert book_purge_deleted(older_than=timedelta(0)) == 1
    assert not Book.objects.filter(pk=book.pk).exists()


def test_rerunning_delete_on_a_finished_book_is_harmless(user, other_user):
    book = BookFactory(owner=user)
    populate(book, user, other_user)
    stale = Book.objects.get(pk=book.pk)
    counts = book_delete(book=stale)
    assert counts["chapters"] == 2 and counts["chapter_access_logs"] == 3
    assert counts["questions"] == 2 and counts["books"] == 1
    assert counts["question_responses"] == 2 and counts["question_ratings"] == 4
    assert book_delete(book=Book(pk=book.pk)) == {}
    assert AuditLog.objects.filter(target_id=str(book.pk), action="book_delete").count() == 1


def test_deleting_the_owner_deletes_their_books_and_children(user, other_user):
    from accounts.services.users import user_delete

    book = BookFactory(owner=user)
    populate(book, user, other_user)
    user_delete(user=user)
    assert rows_of(book.pk) == dict.fromkeys(rows_of(book.pk), 0)
