"""Other users' data, grown fast through the ORM: copies of some users' whole footprint.

`others_add(rows=footprint(users), copies=n)` stores n copies of everything the given users
own or wrote: their accounts (under new e-mail addresses), books (collaborators remapped to the
copies), chapter documents with their content, chapter revisions, questions, answers and
ratings, audit rows and chapter access logs, each with new ids and every reference remapped to
the copy, through `bulk_create` (the ORM's own document shape, no signals, no HTTP). A copy
belongs to other accounts only: the measured users' requests must not see any of it, and must
not slow down. Used by bench/run.py --growth and by tests/perf/test_command_counts_growth.py."""

import copy as copying

from bson import ObjectId
from bson.errors import InvalidId

BATCH = 1000


def footprint(users: list) -> dict[str, list]:
    """The rows of `users` to copy, by model (read once, so that what the users write later is
    not copied)."""
    from accounts.models import AuditLog, User
    from books.models import Book, Chapter, ChapterAccessLog
    from books.revision_models import ChapterRevision
    from questions.models import Question, QuestionRating, QuestionResponse

    user_ids = [user.pk for user in users]
    books = list(Book.objects.filter(owner__in=user_ids))
    book_ids = [book.pk for book in books]
    questions = list(Question.objects.filter(user__in=user_ids))
    actors = [str(pk) for pk in user_ids]
    return {
        "users": list(User.objects.filter(pk__in=user_ids)),
        "books": books,
        "chapters": list(Chapter.objects.filter(book__in=book_ids)),
        "revisions": list(ChapterRevision.objects.filter(book__in=book_ids)),
        "questions": questions,
        "responses": list(QuestionResponse.objects.filter(user__in=user_ids)),
        "ratings": list(QuestionRating.objects.filter(user__in=user_ids)),
        "audit": list(AuditLog.objects.filter(actor_id__in=actors)),
        "access_logs": list(ChapterAccessLog.objects.filter(user__in=user_ids)),
    }


def _clone(obj, ids: dict, **fields):
    """A new row like `obj` with a fresh id (recorded in `ids`) and `fields` set."""
    clone = copying.copy(obj)
    clone._state = copying.copy(obj._state)
    clone._state.adding = True
    clone._state.fields_cache = {}
    clone.pk = ids[obj.pk] = ObjectId()
    for name, value in fields.items():
        setattr(clone, name, value)
    if hasattr(clone, "fill_unique_key"):
        clone.fill_unique_key()
    return clone


class _Copy:
    """One copy's new ids: `clone()` records them, `ref()` / `text()` remap a reference (an
    ObjectId, or an id stored as a string: audit rows, collaborator entries, revision authors)."""

    def __init__(self):
        self.ids: dict = {}

    def clone(self, obj, **fields):
        return _clone(obj, self.ids, **fields)

    def ref(self, value):
        return self.ids.get(value, value)

    def text(self, value):
        try:
            return str(self.ids[ObjectId(value)])
        except (KeyError, TypeError, InvalidId):
            return value


def _copy_books(rows: dict[str, list], n: int, c: _Copy) -> list:
    """Accounts, books and chapter documents of copy `n` (what the rest refers to)."""
    users = [c.clone(u, email=f"other{n}-{u.email}") for u in rows["users"]]
    books = [
        c.clone(
            b,
            owner_id=c.ref(b.owner_id),
            collaborator_ids=[c.ref(pk) for pk in b.collaborator_ids],
            collaborators=[{**e, "user_id": c.text(e.get("user_id"))} for e in b.collaborators],
        )
        for b in rows["books"]
    ]
    return users + books + [c.clone(ch, book_id=c.ref(ch.book_id)) for ch in rows["chapters"]]


def _copy_one(rows: dict[str, list], n: int) -> list:
    """Copy number `n` of the footprint, every reference remapped, referenced rows first."""
    c = _Copy()
    stored = _copy_books(rows, n, c)
    stored += [
        c.clone(r, book_id=c.ref(r.book_id), author_id=c.text(r.author_id))
        for r in rows["revisions"]
    ]
    stored += [
        c.clone(
            q,
            book_id=c.ref(q.book_id),
            user_id=c.ref(q.user_id),
            chapter_document_id=c.ref(q.chapter_document_id),
        )
        for q in rows["questions"]
    ]
    stored += [
        c.clone(a, question_id=c.ref(a.question_id), user_id=c.ref(a.user_id))
        for a in rows["responses"] + rows["ratings"]
    ]
    stored += [
        c.clone(
            a, actor_id=c.text(a.actor_id), target_id=c.text(a.target_id), book_id=c.text(a.book_id)
        )
        for a in rows["audit"]
    ]
    return stored + [
        c.clone(x, user_id=c.ref(x.user_id), book_id=c.ref(x.book_id)) for x in rows["access_logs"]
    ]


def others_add(*, rows: dict[str, list], copies: int, first: int = 0) -> int:
    """Store `copies` copies (numbered from `first`, so repeated calls never collide) of a
    `footprint()`; the number of rows stored."""
    stored = 0
    for n in range(first, first + copies):
        by_model: dict = {}  # in insertion order: referenced rows first
        for obj in _copy_one(rows, n):
            by_model.setdefault(type(obj), []).append(obj)
        for model, group in by_model.items():
            model.objects.bulk_create(group, batch_size=BATCH)
            stored += len(group)
    return stored


def collection_counts() -> dict[str, int]:
    """Documents per collection of the growing kinds (what `--growth` multiplies)."""
    from django.db import connection

    database = connection.database
    names = (
        "users",
        "books",
        "chapters",
        "chapter_revisions",
        "questions",
        "question_responses",
        "audit_logs",
        "chapter_access_logs",
    )
    return {name: database[name].count_documents({}) for name in names}
