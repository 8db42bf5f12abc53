"""The questions and answers of a chapter are the book's: everyone who may read the book sees
the same questions and the same answer to each; an editor, a co-author and the owner write them,
a viewer reads them; the answer's `user_id` and audit rows name who saved it; two collaborators
saving from the same `expected_version` never overwrite each other (one 200, one 409); ratings
stay each user's own. Also the data migration that made answers the book's."""

import importlib

import pytest
from django.apps import apps

from accounts.models import AuditLog
from books.services.collaborators import collaborator_add
from questions.models import Question, QuestionRating, QuestionResponse
from tests.conftest import bearer_client
from tests.factories import UserFactory
from tests.questions.conftest import chapter_url, generate, make_book, question_url
from tests.questions.test_concurrency import at_once, call

RESPONSE = "question-response"
ROLES = ("viewer", "editor", "co-author")


@pytest.fixture
def team(book):
    """The owner's book shared with a viewer, an editor and a co-author: {role: (user, client)}."""
    people = {}
    for role in ROLES:
        person = UserFactory()
        collaborator_add(book=book, email=person.email, role=role, actor_role="owner")
        people[role] = (person, bearer_client(person))
    return people


def put(client, book, question_id, body):
    return client.put(question_url(RESPONSE, book, question_id), body, format="json")


@pytest.mark.django_db
def test_editor_answers_and_the_owner_and_a_viewer_see_it(api, user, book, team):
    questions = generate(api, book, count=3)
    editor, editor_api = team["editor"]
    saved = put(editor_api, book, questions[0]["id"], {"response_text": "The keeper's log.",
                                                       "expected_version": 0})  # fmt: skip
    assert saved.status_code == 200, saved.content
    answer = saved.json()["response"]
    assert answer["user_id"] == str(editor.pk) and answer["version"] == 1

    for client in (api, team["viewer"][1], team["co-author"][1]):
        got = client.get(question_url(RESPONSE, book, questions[0]["id"])).json()
        assert got["has_response"] is True and got["response"] == answer
        listed = client.get(chapter_url("question-list", book)).json()
        assert [q["id"] for q in listed["questions"]] == [q["id"] for q in questions]
        assert [q["response_status"] for q in listed["questions"]] == [
            "draft",
            "not_answered",
            "not_answered",
        ]
        progress = client.get(chapter_url("chapter-question-progress", book)).json()
        assert (progress["total"], progress["in_progress"]) == (3, 1)
    created = AuditLog.objects.get(action="question_response_create", target_id=answer["id"])
    assert created.actor_id == str(editor.pk)

    # The owner edits the editor's answer: one answer, now saved by the owner.
    edited = put(api, book, questions[0]["id"], {"response_text": "The keeper's own log."})
    assert edited.status_code == 200
    assert edited.json()["response"]["id"] == answer["id"]
    assert edited.json()["response"]["user_id"] == str(user.pk)
    assert edited.json()["response"]["version"] == 2
    assert QuestionResponse.objects.count() == 1
    update = AuditLog.objects.get(action="question_response_update")
    assert update.actor_id == str(user.pk)
    assert update.changes["user_id"] == [str(editor.pk), str(user.pk)]


@pytest.mark.django_db
def test_a_viewer_reads_but_writes_nothing(api, book, team):
    questions = generate(api, book, count=3)
    viewer_api = team["viewer"][1]
    question = questions[0]["id"]
    refused = [
        put(viewer_api, book, question, {"response_text": "A viewer's answer."}),
        viewer_api.post(question_url("question-rating", book, question), {"rating": 2},
                        format="json"),  # fmt: skip
        viewer_api.post(question_url("question-regenerate", book, question), {}, format="json"),
        viewer_api.post(chapter_url("question-responses-batch", book),
                        [{"question_id": question, "response_text": "x"}], format="json"),
        viewer_api.post(chapter_url("chapter-generate-questions", book), {"count": 3},
                        format="json"),  # fmt: skip
    ]  # fmt: skip
    for response in refused:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "insufficient_book_role"
    assert not QuestionResponse.objects.exists() and not QuestionRating.objects.exists()
    assert Question.objects.count() == 3
    assert viewer_api.get(question_url(RESPONSE, book, question)).status_code == 200


@pytest.mark.django_db
def test_questions_an_editor_generates_are_the_books(api, user, book, team):
    mine = generate(api, book, count=3)
    editor, editor_api = team["editor"]
    theirs = generate(editor_api, book, count=3)
    listed = api.get(chapter_url("question-list", book)).json()
    assert [q["id"] for q in listed["questions"]] == [q["id"] for q in mine + theirs]
    assert [q["order"] for q in listed["questions"]] == [1, 2, 3, 4, 5, 6]
    generated_by = {str(pk): by for pk, by in Question.objects.values_list("pk", "user_id")}
    assert {str(generated_by[q["id"]]) for q in theirs} == {str(editor.pk)}
    # The owner answers the editor's question; the batch of the co-author too.
    assert put(api, book, theirs[0]["id"], {"response_text": "Mine."}).status_code == 200
    batch = team["co-author"][1].post(
        chapter_url("question-responses-batch", book),
        [{"question_id": mine[1]["id"], "response_text": "Co-written."}],
        format="json",
    )
    assert batch.status_code == 200 and batch.json()["saved"] == 1, batch.content
    answered = editor_api.get(question_url(RESPONSE, book, mine[1]["id"])).json()["response"]
    assert answered["response_text"] == "Co-written."


@pytest.mark.django_db
def test_ratings_stay_each_users_own(api, user, book, team):
    question = generate(api, book, count=3)[0]["id"]
    editor, editor_api = team["editor"]
    url = question_url("question-rating", book, question)
    assert api.post(url, {"rating": 5}, format="json").status_code == 200
    assert editor_api.post(url, {"rating": 2}, format="json").status_code == 200
    assert api.post(url, {"rating": 4}, format="json").status_code == 200
    stored = dict(QuestionRating.objects.filter(question_id=question).values_list("user", "rating"))
    assert stored == {user.pk: 4, editor.pk: 2}


@pytest.mark.django_db
def test_a_stale_expected_version_is_409_and_no_version_always_applies(api, book, team):
    question = generate(api, book, count=3)[0]["id"]
    editor_api = team["editor"][1]
    assert (
        put(api, book, question, {"response_text": "one", "expected_version": 0}).json()[
            "response"
        ]["version"]
        == 1
    )
    assert put(editor_api, book, question, {"response_text": "two", "expected_version": 1}
               ).status_code == 200  # fmt: skip
    stale = put(api, book, question, {"response_text": "three", "expected_version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict" and stale.json()["current_version"] == 2
    again = put(api, book, question, {"response_text": "first again", "expected_version": 0})
    assert again.status_code == 409 and again.json()["current_version"] == 2
    assert QuestionResponse.objects.get().response_text == "two"
    unguarded = put(api, book, question, {"response_text": "four"})
    assert unguarded.status_code == 200 and unguarded.json()["response"]["version"] == 3
    assert put(api, book, question, {"response_text": "x", "expected_version": -1}
               ).status_code == 422  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_collaborators_racing_on_one_answer_one_wins(live_server, api, book, team):
    """Editor and co-author save the same answer at the same moment from the same version:
    one 200 and one 409, never two successes (the second would overwrite the first)."""
    from accounts.services.tokens import token_pair_create

    questions = generate(api, book, count=3)
    tokens = [token_pair_create(user=team[role][0])["access"] for role in ("editor", "co-author")]
    for number, question in enumerate(questions):
        path = question_url(RESPONSE, book, question["id"])
        expected = 0
        if number:  # the first question races on its first save, the others on an edit
            assert put(api, book, question["id"], {"response_text": "base"}).status_code == 200
            expected = 1
        bodies = [{"response_text": text, "expected_version": expected}
                  for text in ("by the editor", "by the co-author")]  # fmt: skip
        results = at_once(*[
            lambda t=token, b=body, p=path: call(live_server.url, t, "PUT", p, b)
            for token, body in zip(tokens, bodies, strict=True)
        ])  # fmt: skip
        assert sorted(status for status, _ in results) == [200, 409], results
        (winner,) = [body for status, body in results if status == 200]
        (loser,) = [body for status, body in results if status == 409]
        assert loser["code"] == "version_conflict"
        assert loser["current_version"] == expected + 1
        stored = QuestionResponse.objects.get(question_id=question["id"])
        assert stored.response_text == winner["response"]["response_text"]
        assert stored.version == expected + 1


@pytest.mark.django_db
def test_migration_makes_each_answer_the_books(api, user, other_user, book):
    """0004 rewrites the unique key from (question, user) to the question and moves every
    version up by one; with two answers to one question (not possible through the API) the
    newest stays. Its reverse puts the old keys and versions back."""
    migration = importlib.import_module("questions.migrations.0004_book_answers")
    questions = generate(api, book, count=3)
    first = put(api, book, questions[0]["id"], {"response_text": "kept"}).json()["response"]
    put(api, book, questions[1]["id"], {"response_text": "edited once"})
    put(api, book, questions[1]["id"], {"response_text": "edited twice"})

    migration.to_user_answers(apps, None)
    old_keys = dict(QuestionResponse.objects.values_list("question_id", "unique_key"))
    assert old_keys[Question.objects.get(pk=questions[0]["id"]).pk] == (
        f"{questions[0]['id']}:{user.pk}"
    )
    assert sorted(QuestionResponse.objects.values_list("version", flat=True)) == [0, 1]
    older = QuestionResponse.objects.get(pk=first["id"])
    newer = QuestionResponse(question_id=older.question_id, user=other_user,
                             response_text="newer", word_count=1)  # fmt: skip
    newer.save()
    QuestionResponse.objects.filter(pk=newer.pk).update(
        unique_key=f"{older.question_id}:{other_user.pk}"
    )

    migration.to_book_answers(apps, None)
    rows = {
        str(question_id): (key, version, text)
        for question_id, key, version, text in QuestionResponse.objects.values_list(
            "question_id", "unique_key", "version", "response_text"
        )
    }
    assert rows == {
        questions[0]["id"]: (questions[0]["id"], 1, "newer"),
        questions[1]["id"]: (questions[1]["id"], 2, "edited twice"),
    }
    migration.to_book_answers(apps, None)  # run again, as after an interruption: no change
    again = QuestionResponse.objects.values_list("question_id", "unique_key", "version")
    assert {str(q): (key, version) for q, key, version in again} == {
        q: (key, version) for q, (key, version, _) in rows.items()
    }
    # The migrated answers take guarded saves as any new one does.
    stale = put(api, book, questions[1]["id"], {"response_text": "x", "expected_version": 1})
    assert stale.status_code == 409


@pytest.mark.django_db
def test_a_deleted_collaborators_questions_and_answers_stay_with_the_book(api, user, book, team):
    from accounts.services.users import user_delete

    mine = generate(api, book, count=3)
    editor, editor_api = team["editor"]
    theirs = generate(editor_api, book, count=3)
    assert put(editor_api, book, mine[0]["id"], {"response_text": "Edited in."}).status_code == 200
    assert put(editor_api, book, theirs[0]["id"], {"response_text": "Theirs."}).status_code == 200
    rating = question_url("question-rating", book, mine[0]["id"])
    assert editor_api.post(rating, {"rating": 3}, format="json").status_code == 200
    own_book = make_book(editor)  # their own book goes with the account
    generate(editor_api, own_book, count=3)

    user_delete(user=editor)

    listed = api.get(chapter_url("question-list", book)).json()
    assert [q["id"] for q in listed["questions"]] == [q["id"] for q in mine + theirs]
    for question, text in ((mine[0], "Edited in."), (theirs[0], "Theirs.")):
        answer = api.get(question_url(RESPONSE, book, question["id"])).json()["response"]
        assert answer["response_text"] == text and answer["user_id"] == str(user.pk)
    assert set(Question.objects.values_list("user_id", flat=True)) == {user.pk}
    assert not QuestionRating.objects.exists()  # a rating is its author's own
