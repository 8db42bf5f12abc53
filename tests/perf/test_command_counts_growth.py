"""A request's MongoDB commands do not grow with the data: every operation `make bench` measures
(bench/operations.py) sends the same commands, in the same order, with other users' data at 1x
and at 10x the measured users' own data. Other users' data are ORM copies of the measured users'
whole footprint (bench/growth_data.py: accounts, books with their TOC, chapter documents and
content, revisions, questions, answers, audit rows, access logs), so a query that reads a whole
collection and then sends commands per row shows here; on a real MongoDB (MONGODB_URI) so does a
cursor that needs more batches because other users' rows match (the embedded server answers
every cursor in one batch; the 10x data holds more than a first batch of 101 books, chapters,
questions, audit rows). The timing side of growth is bench/run.py --growth, not a test."""

import pytest
from django.urls import reverse

from bench.growth_data import collection_counts, footprint, others_add
from books.services.books import book_create
from tests.conftest import bearer_client
from tests.factories import UserFactory
from tests.perf.test_command_counts import book_with_toc, commands_of, toc_body

pytestmark = pytest.mark.django_db

CHAPTERS = 5
MORE_BOOKS = 10


@pytest.fixture
def scene(api, user):
    """The measured users' data: an own book and a book shared with an editor (each with a TOC
    and content), questions with an answer; a warm-up round so that every counted request is a
    repeated one (users cached, the answer and the revision already exist)."""
    editor = UserFactory()
    for n in range(MORE_BOOKS):  # through the service: the API limits book creation per minute
        book_create(owner=user, data={"title": f"Book {n}"})
    own = book_with_toc(api, CHAPTERS)
    shared = book_with_toc(api, CHAPTERS)
    added = api.post(
        reverse("book-collaborator-list", kwargs={"book_id": shared[0]}),
        {"email": editor.email, "role": "editor"},
        format="json",
    )
    assert added.status_code in (200, 201), added.content
    generated = api.post(
        reverse("chapter-generate-questions", args=[own[0], own[1][0]]),
        {"count": 20},
        format="json",
    )
    assert generated.status_code == 200, generated.content
    state = {
        "own": own,
        "shared": shared,
        "toc": {own[0]: own[2], shared[0]: shared[2]},
        "content": None,
        "question": generated.json()["questions"][0]["id"],
        "editor": bearer_client(editor),
        "users": [user, editor],
    }
    round_costs(api, None, state)  # warm-up, not compared
    return state


def _toc_put(client, state, book):
    book_id, ids, _ = book
    response = client.put(
        reverse("book-toc", args=[book_id]),
        toc_body(CHAPTERS, ids, expected_version=state["toc"][book_id]),
        format="json",
    )
    if response.status_code == 200:
        state["toc"][book_id] = response.json()["version"]
    return response


def _content_save(client, state):
    book_id, ids, _ = state["own"]
    body = {"content": "<p>" + "saved words " * 40 + "</p>"}
    if state["content"] is not None:
        body["expected_version"] = state["content"]
    response = client.patch(reverse("chapter-content", args=[book_id, ids[0]]), body, format="json")
    if response.status_code == 200:
        state["content"] = response.json()["version"]
    return response


def round_costs(api, count_mongo_commands, state) -> dict[str, list[str]]:
    """One request of each operation; the writes first, so that each read is a cache miss."""
    own_id, own_ids, _ = state["own"]
    calls = {
        "create_book": lambda: api.post(reverse("book-list"), {"title": "One more"}, format="json"),
        "put_toc_own_book": lambda: _toc_put(api, state, state["own"]),
        "put_toc_shared_book": lambda: _toc_put(state["editor"], state, state["shared"]),
        "save_content": lambda: _content_save(api, state),
        "save_response": lambda: api.put(
            reverse("question-response", args=[own_id, own_ids[0], state["question"]]),
            {"response_text": "An answer that the author keeps editing.", "status": "draft"},
            format="json",
        ),
        "list_books": lambda: api.get(reverse("book-list") + "?limit=100"),
        "get_book": lambda: api.get(reverse("book-detail", args=[own_id])),
        "get_toc": lambda: api.get(reverse("book-toc", args=[own_id])),
        "chapters_metadata": lambda: api.get(reverse("chapter-metadata", args=[own_id])),
    }
    if count_mongo_commands is None:
        for call in calls.values():
            assert call().status_code in (200, 201)
        return {}
    return {name: commands_of(count_mongo_commands, call) for name, call in calls.items()}


def test_command_counts_are_the_same_at_1x_and_10x_other_users_data(
    api, count_mongo_commands, scene
):
    rows = footprint(scene["users"])
    own_size = collection_counts()
    stored = others_add(rows=rows, copies=1)
    at_1x = round_costs(api, count_mongo_commands, scene)
    stored += others_add(rows=rows, copies=9, first=1)
    at_10x = round_costs(api, count_mongo_commands, scene)

    assert rows["audit"] and rows["access_logs"] and rows["revisions"]
    assert stored == 10 * sum(len(kind) for kind in rows.values())
    grown = collection_counts()
    for name in ("books", "chapters", "questions", "question_responses"):
        assert grown[name] >= 11 * own_size[name] > 0, (name, own_size, grown)
    assert at_10x == at_1x
    # every read was a cache miss, so that it reached the database at both sizes
    for name in ("list_books", "get_book", "get_toc", "chapters_metadata"):
        assert at_1x[name], (name, at_1x)
