"""Role matrix: every book-scoped route x method of the URL conf (enumerated from the resolver
by the authorization matrix, with its valid bodies) called as the owner, a viewer, an editor, a
co-author, a stranger and an anonymous caller.

The expected outcome is written here, independently of books.permissions: a safe method needs
the viewer role and any other the editor role, except the routes in EXCEPTIONS. A role too low
is 403 `insufficient_book_role` showing none of the book's data, a stranger 403/404, anonymous
401, an allowed role anything but 401/403/404 (and no 5xx but the AI provider's 503: no key is
configured here). The chapter's questions, answers, ratings and regenerations are the book's:
a viewer reads them, an editor and above write them, on the owner's own question.
After every allowed write the book's documents are put back as they were (so a DELETE or a TOC
replacement does not hide the routes after it), and at the end the owner's data and the
collaborators are intact."""

import json

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from books import read_cache
from tests.conftest import bearer_client
from tests.factories import UserFactory
from tests.reliability.test_authz_matrix import CASES, CONTENT, TITLE, call, valid_body, victim

__all__ = ["victim"]  # the fixture, shared with the authorization matrix

RANKS = {"viewer": 1, "editor": 2, "co-author": 3, "owner": 4}
ROLES = ("viewer", "editor", "co-author")
EXCEPTIONS = {
    ("book-detail", "delete"): "owner",
    ("book-transfer-ownership", "post"): "owner",
    ("book-collaborator-list", "post"): "co-author",
    ("book-collaborator-detail", "patch"): "co-author",
    ("book-collaborator-detail", "delete"): "co-author",
    ("export-job-list", "post"): "viewer",
    ("chapter-batch-content", "post"): "viewer",  # a read sent as POST
}
# The collaborator routes act on the viewer: removing oneself needs no more than being there.
SELF_ALLOWED = {("book-collaborator-detail", "delete"): "viewer"}
BOOK_CASES = [case for case in CASES if "book_id" in case[1]]


def needed(name: str, method: str) -> str:
    return EXCEPTIONS.get((name, method), "viewer" if method == "get" else "editor")


def allowed(role: str, name: str, method: str) -> bool:
    if SELF_ALLOWED.get((name, method)) == role:
        return True
    return RANKS[role] >= RANKS[needed(name, method)]


def _of_book(book_id, also_questions=()) -> dict:
    """The filter of a book's rows: those naming it, and those of its questions (answers and
    ratings name only their question)."""
    from bson import ObjectId

    oid = ObjectId(book_id)
    questions = [q["_id"] for q in connection.database["questions"].find({"book_id": oid})]
    questions = sorted({*questions, *also_questions})
    clauses = [{"book_id": oid}, {"book_id": book_id}]
    if questions:  # the SQLite engine cannot evaluate an empty `$in` in a delete
        clauses.append({"question_id": {"$in": questions}})
    return {"$or": clauses}


def book_documents(book_id) -> dict[str, list]:
    """Every stored document of the book: the book and the rows of `_of_book` (audit rows
    aside: they are history, not the book's data)."""
    from bson import ObjectId

    snapshot = {"books": list(connection.database["books"].find({"_id": ObjectId(book_id)}))}
    query = _of_book(book_id)
    for name in connection.database.list_collection_names():
        if name not in ("books", "audit_logs"):
            snapshot[name] = list(connection.database[name].find(query))
    return snapshot


def restore(book_id, snapshot: dict, readers) -> None:
    """Put the book's documents back as `snapshot` holds them, and drop the cached reads."""
    from bson import ObjectId

    oid = ObjectId(book_id)
    query = _of_book(book_id, [q["_id"] for q in snapshot.get("questions", [])])
    for name, documents in snapshot.items():
        connection.database[name].delete_many({"_id": oid} if name == "books" else query)
        if documents:
            connection.database[name].insert_many([dict(d) for d in documents])
    for reader in readers:
        read_cache.book_changed(book_id=oid, owner_id=reader.pk)


@pytest.fixture
def team(victim, api):
    """The victim's book shared with a viewer, an editor and a co-author (through the API), a
    stranger, and a user to invite."""
    people = {role: UserFactory() for role in ROLES}
    url = reverse("book-collaborator-list", kwargs={"book_id": victim["kwargs"]["book_id"]})
    for role, person in people.items():
        added = api.post(url, {"email": person.email, "role": role}, format="json")
        assert added.status_code == 201, added.content
    return {"people": people, "stranger": UserFactory(), "newcomer": UserFactory()}


def body_for(name: str, method: str, owner, team) -> tuple[object, str]:
    """The authorization matrix's valid body, with real accounts for the sharing routes."""
    if (name, method) == ("book-collaborator-list", "post"):
        return {"email": team["newcomer"].email, "role": "viewer"}, "json"
    if (name, method) == ("book-transfer-ownership", "post"):
        return {"email": team["people"]["co-author"].email}, "json"
    return valid_body(name, method, owner)


def outcome_problem(who: str, name: str, method: str, response, secrets, url) -> str | None:
    status = response.status_code
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    text = raw.decode(errors="replace")
    label = f"{method.upper()} {name} as {who}: {status}"
    leaked = [s for s in secrets if s and s in text and s not in url]
    if who == "anonymous":
        return None if status == 401 else label
    if who == "stranger":
        return None if status in (403, 404) and not leaked else f"{label} {leaked}"
    if not allowed(who, name, method):
        if status != 403 or json.loads(text).get("code") != "insufficient_book_role":
            return f"{label} (needs {needed(name, method)})"
        return f"{label} leaked {leaked}" if leaked else None
    if status in (401, 403, 404) or (status >= 500 and status != 503):
        return f"{label} (allowed) {text[:200]}"
    return None


def test_every_book_route_has_a_role_rule():
    names = {name for name, _, _ in BOOK_CASES}
    assert {"book-detail", "chapter-content", "question-response", "export-job-list",
            "book-collaborator-list", "book-collaborator-detail",
            "book-transfer-ownership"} <= names  # fmt: skip
    # The chapter's questions are the book's, in the matrix like any book route.
    assert {"question-list", "question-response", "question-rating", "question-regenerate",
            "question-responses-batch", "chapter-generate-questions",
            "chapter-regenerate-questions", "chapter-question-progress"} <= names  # fmt: skip
    assert {key[0] for key in EXCEPTIONS} <= names  # no exception names a route that is gone
    assert len(BOOK_CASES) >= 40


@pytest.mark.django_db(transaction=True)
def test_each_role_gets_exactly_what_it_may(victim, team, user, api):
    book_id = victim["kwargs"]["book_id"]
    kwargs = {**victim["kwargs"], "user_id": str(team["people"]["viewer"].pk)}
    clients = {role: bearer_client(person) for role, person in team["people"].items()}
    clients.update(owner=api, stranger=bearer_client(team["stranger"]), anonymous=APIClient())
    readers = [user, *team["people"].values()]
    snapshot = book_documents(book_id)
    problems = []
    order = ("anonymous", "stranger", "viewer", "editor", "co-author", "owner")
    for name, groups, method in BOOK_CASES:
        url = reverse(name, kwargs={g: kwargs[g] for g in groups})
        for who in order:
            body, fmt = body_for(name, method, user, team)
            response = call(clients[who], method, url, body, fmt)
            problem = outcome_problem(who, name, method, response, victim["secrets"], url)
            if problem:
                problems.append(problem)
            if method != "get" and response.status_code < 400:
                restore(book_id, snapshot, readers)
    assert not problems, "\n".join(problems)

    # The owner's data and the team are as they were.
    book = api.get(reverse("book-detail", kwargs={"book_id": book_id}))
    assert book.status_code == 200 and book.json()["title"] == TITLE
    assert book.json()["role"] == "owner"
    assert {c["user_id"]: c["role"] for c in book.json()["collaborators"]} == {
        str(person.pk): role for role, person in team["people"].items()
    }
    chapter = {"book_id": book_id, "chapter_id": "ch1"}
    assert api.get(reverse("chapter-content", kwargs=chapter)).json()["content"] == CONTENT
    answer_url = reverse(
        "question-response", kwargs={**chapter, "question_id": victim["question_id"]}
    )
    response = api.get(answer_url).json()
    assert response["response"]["response_text"] == "My secret answer about the keeper"
    # Every role reads the owner's answer to the owner's question: the book's answer.
    for role in ROLES:
        seen = clients[role].get(answer_url)
        assert seen.status_code == 200 and seen.json()["response"] == response["response"]
    listed = clients["viewer"].get(reverse("book-list")).json()
    assert [(b["id"], b["role"]) for b in listed] == [(book_id, "viewer")]
