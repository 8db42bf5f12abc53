"""Data integrity checks and repairs (`manage.py validate_data`).

What can go wrong without multi-document transactions, and what each check finds:
- `duplicate_order`: siblings in a TOC (top-level chapters, or the subchapters of one chapter)
  that share an `order` (legacy data or hand edits; the services never create them).
  Repair: the siblings are renumbered 1..n in their list order.
- `duplicate_chapter_id`: a chapter id listed twice in one TOC. Repair: the first keeps the id
  (and its content), the later ones get new ids.
  Both TOC repairs are one `toc_replace` (version + 1, audit row, actor `system`).
- `invalid_toc`: a stored TOC the TOC service's own validation refuses for another reason.
  Reported only (a person has to decide).
- `dangling_chapter`: a Chapter document whose chapter the TOC does not list (left by an
  interrupted write; invisible to readers). Repair: `chapter_documents_delete` (its questions,
  responses and ratings cascade).
- `orphan_question`: a question of a chapter that no longer exists (not in the book's TOC, its
  Chapter document or its book gone). Repair: deleted with its responses and ratings.
- `deleted_book`: a book left with `deleted_at` set (an interrupted cascade delete). Repair:
  `book_purge_deleted`.
- `stale_counts`: chapters whose stored export counts (`has_visible_content`,
  `visible_word_count`) are not what their content gives (books.services.chapter_counts).
  Repair: `chapter_counts_refresh`.

Documents younger than `grace` are left alone: a write in flight (a chapter being created or
deleted, a book being deleted) passes through these states for a moment. Every repair re-reads
what it repairs, so a problem fixed meanwhile is skipped, never "fixed" twice.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from autoauthor.api.errors import DomainError
from autoauthor.queries import one_or_none
from books.models import Book, Chapter
from books.selectors import toc_chapter_ids
from books.services import books as book_services
from books.services import toc as toc_services
from books.services.chapter_counts import chapter_counts_refresh, chapter_counts_stale
from books.services.integrity_toc import Problem, toc_problems, toc_repaired

DEFAULT_GRACE = timedelta(minutes=5)
BOOK_BATCH_SIZE = 200
TOC_KINDS = ("duplicate_order", "duplicate_chapter_id")
REPAIR_ORDER = (
    "deleted_book",
    "duplicate_order",
    "duplicate_chapter_id",
    "dangling_chapter",
    "orphan_question",
    "stale_counts",
)


def data_problems_find(
    *,
    grace: timedelta = DEFAULT_GRACE,
    batch_size: int = BOOK_BATCH_SIZE,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[Problem]:
    """Every problem of the module docstring, book by book in batches of `batch_size` (three
    queries per batch: books, their Chapter documents, their questions; plus two global ones
    for deleted books and questions of missing books), then every chapter's stored counts
    (`chapter_counts_stale`). `progress("books" | "chapters", checked, total)` runs after each
    batch. Reads only."""
    from questions.models import Question

    cutoff = timezone.now() - grace
    problems = [
        Problem("deleted_book", str(book.pk), f"'{book.title}' marked deleted at {book.deleted_at}")
        for book in Book.objects.filter(deleted_at__lt=cutoff).only("title", "deleted_at")
    ]
    live = Book.objects.filter(deleted_at=None)
    total = live.count()
    checked, last_pk = 0, None
    while True:
        batch_qs = live.order_by("pk").only("toc", "toc_version")
        if last_pk is not None:
            batch_qs = batch_qs.filter(pk__gt=last_pk)
        books = list(batch_qs[:batch_size])
        if not books:
            break
        last_pk = books[-1].pk
        book_ids = [book.pk for book in books]
        docs = defaultdict(dict)
        for pk, book_id, chapter_id, created_at in Chapter.objects.filter(
            book_id__in=book_ids
        ).values_list("pk", "book_id", "chapter_id", "created_at"):
            docs[book_id][chapter_id] = (pk, created_at)
        questions = defaultdict(list)
        for pk, book_id, chapter_id, document_id in Question.objects.filter(
            book_id__in=book_ids
        ).values_list("pk", "book_id", "chapter_id", "chapter_document_id"):
            questions[book_id].append((pk, chapter_id, document_id))
        for book in books:
            problems.extend(toc_problems(book))
            listed = set(toc_chapter_ids(book.toc))
            dangling = sorted(
                chapter_id
                for chapter_id, (_, created_at) in docs[book.pk].items()
                if chapter_id not in listed and created_at < cutoff
            )
            if dangling:
                problems.append(
                    Problem(
                        "dangling_chapter",
                        str(book.pk),
                        f"{len(dangling)} chapter document(s) not in the TOC: "
                        f"{', '.join(dangling)}",
                        tuple(dangling),
                    )
                )
            document_pks = {pk for pk, _ in docs[book.pk].values()}
            orphans = defaultdict(list)
            for pk, chapter_id, document_id in questions[book.pk]:
                if chapter_id not in listed or document_id not in document_pks:
                    orphans[chapter_id].append(pk)
            for chapter_id, pks in sorted(orphans.items()):
                problems.append(
                    Problem(
                        "orphan_question",
                        str(book.pk),
                        f"{len(pks)} question(s) of chapter {chapter_id}, which no longer exists",
                        (chapter_id,),
                        tuple(pks),
                    )
                )
        checked += len(books)
        if progress is not None:
            progress("books", checked, total)
    book_ids = set(Question.objects.values_list("book_id", flat=True).distinct())
    known = set(Book.objects.filter(pk__in=list(book_ids)).values_list("pk", flat=True))
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
    chapter_progress = None if progress is None else lambda done, of: progress("chapters", done, of)
    for book_id, chapter_ids in sorted(chapter_counts_stale(progress=chapter_progress).items()):
        problems.append(
            Problem(
                "stale_counts",
                book_id,
                f"{len(chapter_ids)} chapter(s) whose stored word count or content flag "
                f"disagrees with their content: {', '.join(sorted(chapter_ids))}",
                tuple(sorted(chapter_ids)),
            )
        )
    return problems


def _book_fresh(book_id):
    return one_or_none(Book.objects.filter(pk=book_id, deleted_at=None))


def data_problem_fix(*, problem: Problem, grace: timedelta = DEFAULT_GRACE) -> str:
    """Repair one problem through the services (see the module docstring) and say what was
    done. Raises DomainError when a service refuses (e.g. the TOC changed meanwhile: 409)."""
    from questions.models import Question

    if problem.kind == "deleted_book":
        purged = book_services.book_purge_deleted(older_than=grace)
        return f"purged {purged} deleted book(s)"
    if problem.kind in TOC_KINDS:
        book = _book_fresh(problem.book_id)
        repaired = toc_repaired(book.toc) if book is not None and book.toc else None
        if repaired is None:
            return "already fixed"
        toc_services.toc_replace(
            book=book,
            toc=repaired,
            expected_version=book.toc_version,
            actor=None,
            status=book.toc.get("status") or "edited",
        )
        return f"TOC repaired (version {book.toc_version})"
    if problem.kind == "dangling_chapter":
        book = _book_fresh(problem.book_id)
        if book is None:
            return "book gone"
        still = [cid for cid in problem.chapter_ids if cid not in set(toc_chapter_ids(book.toc))]
        deleted = toc_services.chapter_documents_delete(book=book, chapter_ids=still)
        return f"deleted {deleted} document(s)"
    if problem.kind == "orphan_question":
        book = _book_fresh(problem.book_id)
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
    if problem.kind == "stale_counts":
        updated = chapter_counts_refresh(book_id=problem.book_id, chapter_ids=problem.chapter_ids)
        return f"stored the counts of {updated} chapter(s)" if updated else "already fixed"
    raise DomainError(f"{problem.kind} cannot be repaired automatically", code="not_fixable")


def data_problems_fix(
    *,
    problems: list[Problem],
    grace: timedelta = DEFAULT_GRACE,
    report: Callable[[Problem, str | None, DomainError | None], None] | None = None,
) -> int:
    """Repair the fixable `problems` in a safe order (deleted books first, dangling chapters
    before orphan questions, whose chapters' deletion may take them along; a book's TOC once
    for all its TOC problems). `report(problem, outcome, error)` runs for each. Returns the
    number of problems that could not be repaired."""
    failed = 0
    done_toc: set[str] = set()
    purged = False
    ordered = sorted(
        (problem for problem in problems if problem.fixable),
        key=lambda problem: REPAIR_ORDER.index(problem.kind),
    )
    for problem in ordered:
        if problem.kind in TOC_KINDS and problem.book_id in done_toc:
            outcome = "repaired with the book's TOC"
        elif problem.kind == "deleted_book" and purged:
            outcome = "purged with the other deleted books"
        else:
            try:
                outcome = data_problem_fix(problem=problem, grace=grace)
            except DomainError as exc:
                failed += 1
                if report is not None:
                    report(problem, None, exc)
                continue
            if problem.kind in TOC_KINDS:
                done_toc.add(problem.book_id)
            purged = purged or problem.kind == "deleted_book"
        if report is not None:
            report(problem, outcome, None)
    return failed
