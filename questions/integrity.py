"""The questions part of `validate_data` (books.services.integrity): `orphan_question`, the
questions of a chapter that no longer exists (not in its book's TOC, its Chapter document gone,
or its book gone). Repair: the questions are deleted with their responses and ratings."""

from collections import defaultdict
from datetime import timedelta

from books.models import Book, Chapter
from books.selectors import toc_chapter_ids
from books.services.integrity import BookBatch, IntegrityPart, book_fresh
from books.services.integrity_toc import Problem
from questions.models import Question


def _orphans_check(batch: BookBatch) -> dict:
    """Per book of `batch`, its orphan questions by chapter (one query for the batch)."""
    questions = defaultdict(list)
    for pk, book_id, chapter_id, document_id in Question.objects.filter(
        book_id__in=batch.book_ids
    ).values_list("pk", "book_id", "chapter_id", "chapter_document_id"):
        questions[book_id].append((pk, chapter_id, document_id))
    found = {}
    for book in batch.books:
        listed, document_pks = batch.listed(book), batch.document_pks(book)
        orphans = defaultdict(list)
        for pk, chapter_id, document_id in questions[book.pk]:
            if chapter_id not in listed or document_id not in document_pks:
                orphans[chapter_id].append(pk)
        found[book.pk] = [
            Problem(
                "orphan_question",
                str(book.pk),
                f"{len(pks)} question(s) of chapter {chapter_id}, which no longer exists",
                (chapter_id,),
                tuple(pks),
            )
            for chapter_id, pks in sorted(orphans.items())
        ]
    return found


def _missing_books_check(cutoff) -> list[Problem]:
    """The questions of books that are gone altogether (no batch lists them)."""
    book_ids = set(Question.objects.values_list("book_id", flat=True).distinct())
    known = set(Book.objects.filter(pk__in=list(book_ids)).values_list("pk", flat=True))
    problems = []
    for book_id in sorted(book_ids - known, key=str):
        pks = tuple(Question.objects.filter(book_id=book_id).values_list("pk", flat=True))
        problems.append(
            Problem(
                "orphan_question",
                str(book_id),
                f"{len(pks)} question(s) of a missing book",
                question_ids=pks,
            )
        )
    return problems


def _orphans_fix(problem: Problem, grace: timedelta) -> str:
    """Delete the problem's questions that are still orphans (re-read: a chapter restored or
    deleted meanwhile decides)."""
    book = book_fresh(problem.book_id)
    listed = set(toc_chapter_ids(book.toc)) if book is not None else set()
    documents = (
        set(Chapter.objects.filter(book_id=book.pk).values_list("pk", flat=True))
        if book is not None
        else set()
    )
    orphans = [
        pk
        for pk, chapter_id, document_id in Question.objects.filter(
            pk__in=list(problem.question_ids)
        ).values_list("pk", "chapter_id", "chapter_document_id")
        if chapter_id not in listed or document_id not in documents
    ]
    if not orphans:
        return "already fixed"
    deleted, _ = Question.objects.filter(pk__in=orphans).delete()
    return f"deleted {deleted} row(s) (questions with their responses and ratings)"


INTEGRITY_PART = IntegrityPart(
    kinds=("orphan_question",),
    fix=_orphans_fix,
    check_batch=_orphans_check,
    check_rest=_missing_books_check,
)
