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
- `orphan_question` (questions.integrity): a question of a chapter that no longer exists (not
  in the book's TOC, its Chapter document or its book gone). Repair: deleted with its responses
  and ratings.
- `deleted_book`: a book left with `deleted_at` set (an interrupted cascade delete). Repair:
  `book_purge_deleted`.
- `stale_counts`: chapters whose stored export counts (`has_visible_content`,
  `visible_word_count`) are not what their content gives (books.services.chapter_counts).
  Repair: `chapter_counts_refresh`.

The per-book checks of each app are its `IntegrityPart`, registered in
`autoauthor.core.registry.integrity_parts` from its AppConfig.ready() (books: the TOC checks and
dangling chapters, below); the checks of deleted books (first) and stored counts (last) span
every book and are this module's own.

Documents younger than `grace` are left alone: a write in flight (a chapter being created or
deleted, a book being deleted) passes through these states for a moment. Every repair re-reads
what it repairs, so a problem fixed meanwhile is skipped, never "fixed" twice.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from autoauthor.core.errors import DomainError
from autoauthor.core.registry import integrity_parts
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


@dataclass
class BookBatch:
    """One batch of live books (`toc` and `toc_version` loaded) and their Chapter documents,
    `documents[book pk][chapter id] = (document pk, created_at)`; documents created after
    `cutoff` are writes in flight."""

    books: list[Book]
    documents: dict
    cutoff: datetime
    _listed: dict = field(default_factory=dict, repr=False)

    @property
    def book_ids(self) -> list:
        return [book.pk for book in self.books]

    def listed(self, book) -> set[str]:
        """The chapter ids `book`'s TOC lists."""
        if book.pk not in self._listed:
            self._listed[book.pk] = set(toc_chapter_ids(book.toc))
        return self._listed[book.pk]

    def document_pks(self, book) -> set:
        return {pk for pk, _ in self.documents[book.pk].values()}


@dataclass(frozen=True)
class IntegrityPart:
    """One app's integrity checks and repairs. `check_batch(batch)` returns {book pk:
    [problems]} for a `BookBatch` (a constant number of queries per batch); `check_rest(cutoff)`
    what no book of a batch shows (documents of missing books); `fix(problem, grace)` repairs
    one problem of its `kinds` (listed in repair order) and says what was done."""

    kinds: tuple[str, ...]
    fix: Callable[[Problem, timedelta], str]
    check_batch: Callable[[BookBatch], dict] | None = None
    check_rest: Callable[[datetime], list[Problem]] | None = None


def data_problems_find(
    *,
    grace: timedelta = DEFAULT_GRACE,
    batch_size: int = BOOK_BATCH_SIZE,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[Problem]:
    """Every problem of the module docstring: deleted books, then book by book in batches of
    `batch_size` every part's checks (books: two queries per batch, the books and their Chapter
    documents; each part its own), then what the parts find outside the books, then every
    chapter's stored counts (`chapter_counts_stale`). `progress("books" | "chapters", checked,
    total)` runs after each batch. Reads only."""
    cutoff = timezone.now() - grace
    parts = integrity_parts.parts()
    problems = _deleted_books(cutoff)
    live = Book.objects.filter(deleted_at=None)
    total, checked = live.count(), 0
    for books in _book_batches(live, batch_size):
        batch = BookBatch(books=books, documents=_documents(books), cutoff=cutoff)
        found = [part.check_batch(batch) for part in parts if part.check_batch is not None]
        for book in books:
            for by_book in found:
                problems.extend(by_book.get(book.pk, ()))
        checked += len(books)
        if progress is not None:
            progress("books", checked, total)
    for part in parts:
        if part.check_rest is not None:
            problems.extend(part.check_rest(cutoff))
    return problems + _stale_counts(progress)


def _deleted_books(cutoff) -> list[Problem]:
    return [
        Problem("deleted_book", str(book.pk), f"'{book.title}' marked deleted at {book.deleted_at}")
        for book in Book.objects.filter(deleted_at__lt=cutoff).only("title", "deleted_at")
    ]


def _book_batches(live, batch_size: int) -> Iterator[list[Book]]:
    last_pk = None
    while True:
        batch_qs = live.order_by("pk").only("toc", "toc_version")
        if last_pk is not None:
            batch_qs = batch_qs.filter(pk__gt=last_pk)
        books = list(batch_qs[:batch_size])
        if not books:
            return
        last_pk = books[-1].pk
        yield books


def _documents(books) -> dict:
    documents = defaultdict(dict)
    for pk, book_id, chapter_id, created_at in Chapter.objects.filter(
        book_id__in=[book.pk for book in books]
    ).values_list("pk", "book_id", "chapter_id", "created_at"):
        documents[book_id][chapter_id] = (pk, created_at)
    return documents


def _stale_counts(progress) -> list[Problem]:
    chapter_progress = None if progress is None else lambda done, of: progress("chapters", done, of)
    return [
        Problem(
            "stale_counts",
            book_id,
            f"{len(chapter_ids)} chapter(s) whose stored word count or content flag "
            f"disagrees with their content: {', '.join(sorted(chapter_ids))}",
            tuple(sorted(chapter_ids)),
        )
        for book_id, chapter_ids in sorted(chapter_counts_stale(progress=chapter_progress).items())
    ]


# --- the books part: TOC checks and dangling chapter documents -------------------------------


def _books_check(batch: BookBatch) -> dict:
    found = {}
    for book in batch.books:
        problems = toc_problems(book)
        dangling = sorted(
            chapter_id
            for chapter_id, (_, created_at) in batch.documents[book.pk].items()
            if chapter_id not in batch.listed(book) and created_at < batch.cutoff
        )
        if dangling:
            problems.append(
                Problem(
                    "dangling_chapter",
                    str(book.pk),
                    f"{len(dangling)} chapter document(s) not in the TOC: {', '.join(dangling)}",
                    tuple(dangling),
                )
            )
        found[book.pk] = problems
    return found


def book_fresh(book_id) -> Book | None:
    """The live book `book_id` as stored now (repairs re-read what they repair)."""
    return one_or_none(Book.objects.filter(pk=book_id, deleted_at=None))


def _books_fix(problem: Problem, grace: timedelta) -> str:
    book = book_fresh(problem.book_id)
    if problem.kind in TOC_KINDS:
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
    if book is None:
        return "book gone"
    still = [cid for cid in problem.chapter_ids if cid not in set(toc_chapter_ids(book.toc))]
    deleted = toc_services.chapter_documents_delete(book=book, chapter_ids=still)
    return f"deleted {deleted} document(s)"


BOOKS_PART = IntegrityPart(
    kinds=(*TOC_KINDS, "dangling_chapter"), fix=_books_fix, check_batch=_books_check
)


# --- repairs -----------------------------------------------------------------------------------


def _part_for(kind: str) -> IntegrityPart | None:
    return next((part for part in integrity_parts.parts() if kind in part.kinds), None)


def repair_order() -> tuple[str, ...]:
    """Deleted books first (their purge takes everything of theirs along), then every part's
    kinds in app order (dangling chapters before orphan questions, whose chapters' deletion
    may take them along), stored counts last (after every repair that deletes chapters)."""
    kinds = [kind for part in integrity_parts.parts() for kind in part.kinds]
    return ("deleted_book", *kinds, "stale_counts")


def data_problem_fix(*, problem: Problem, grace: timedelta = DEFAULT_GRACE) -> str:
    """Repair one problem through the services (see the module docstring) and say what was
    done. Raises DomainError when a service refuses (e.g. the TOC changed meanwhile: 409)."""
    if problem.kind == "deleted_book":
        purged = book_services.book_purge_deleted(older_than=grace)
        return f"purged {purged} deleted book(s)"
    if problem.kind == "stale_counts":
        updated = chapter_counts_refresh(book_id=problem.book_id, chapter_ids=problem.chapter_ids)
        return f"stored the counts of {updated} chapter(s)" if updated else "already fixed"
    part = _part_for(problem.kind) if problem.fixable else None
    if part is None:
        raise DomainError(f"{problem.kind} cannot be repaired automatically", code="not_fixable")
    return part.fix(problem, grace)


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
    order = repair_order()
    ordered = sorted(
        (problem for problem in problems if problem.fixable),
        key=lambda problem: order.index(problem.kind),
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
