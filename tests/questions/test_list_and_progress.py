"""GET .../questions (filters, fixed pagination) and GET .../question-progress."""

import pytest
from django.urls import reverse

from tests.questions.conftest import chapter_url, generate, question_url

pytestmark = pytest.mark.django_db

LIST = "question-list"
PROGRESS = "chapter-question-progress"


def answer(api, book, question, text="An answer with five words", status="draft"):
    response = api.put(
        question_url("question-response", book, question["id"]),
        {"response_text": text, "status": status},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["response"]


def test_list_in_order_with_response_status(api, book, questions):
    answer(api, book, questions[1], status="completed")
    answer(api, book, questions[3])
    response = api.get(chapter_url(LIST, book))
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 5 and body["page"] == 1 and body["pages"] == 1
    assert body["has_more"] is False
    assert [q["id"] for q in body["questions"]] == [q["id"] for q in questions]
    statuses = [(q["has_response"], q["response_status"]) for q in body["questions"]]
    assert statuses == [
        (False, "not_answered"),
        (True, "completed"),
        (False, "not_answered"),
        (True, "draft"),
        (False, "not_answered"),
    ]


def test_pagination(api, book, questions):
    body = api.get(chapter_url(LIST, book), {"page": 2, "limit": 2}).json()
    assert [q["id"] for q in body["questions"]] == [q["id"] for q in questions[2:4]]
    assert (body["total"], body["pages"], body["has_more"]) == (5, 3, True)
    last = api.get(chapter_url(LIST, book), {"page": 3, "limit": 2}).json()
    assert [q["id"] for q in last["questions"]] == [questions[4]["id"]]
    assert last["has_more"] is False
    beyond = api.get(chapter_url(LIST, book), {"page": 9, "limit": 2}).json()
    assert beyond["questions"] == [] and beyond["total"] == 5


def test_status_filter_applies_before_pagination_with_true_totals(api, book, user):
    questions = generate(api, book, count=12)
    completed = [questions[i] for i in (0, 4, 7, 10, 11)]
    for question in completed:
        answer(api, book, question, status="completed")
    answer(api, book, questions[2], status="draft")
    page1 = api.get(chapter_url(LIST, book), {"status": "completed", "limit": 2}).json()
    assert page1["total"] == 5 and page1["pages"] == 3 and page1["has_more"] is True
    assert [q["id"] for q in page1["questions"]] == [completed[0]["id"], completed[1]["id"]]
    page3 = api.get(chapter_url(LIST, book), {"status": "completed", "limit": 2, "page": 3})
    assert [q["id"] for q in page3.json()["questions"]] == [completed[4]["id"]]
    unanswered = api.get(chapter_url(LIST, book), {"status": "not_answered", "limit": 50}).json()
    assert unanswered["total"] == 6
    assert all(q["response_status"] == "not_answered" for q in unanswered["questions"])
    drafts = api.get(chapter_url(LIST, book), {"status": "draft"}).json()
    assert [q["id"] for q in drafts["questions"]] == [questions[2]["id"]]
    assert drafts["total"] == 1 and drafts["pages"] == 1


def test_filters_by_type_and_category(api, book):
    generate(api, book, count=6, focus=["plot", "theme"])
    plot = api.get(chapter_url(LIST, book), {"question_type": "plot"}).json()
    assert plot["total"] == 3 and {q["question_type"] for q in plot["questions"]} == {"plot"}
    assert api.get(chapter_url(LIST, book), {"category": "development"}).json()["total"] == 6
    assert api.get(chapter_url(LIST, book), {"category": "other"}).json()["total"] == 0


def test_empty_chapter(api, book):
    body = api.get(chapter_url(LIST, book, "ch2")).json()
    assert body == {"questions": [], "total": 0, "page": 1, "pages": 0, "has_more": False}


def test_questions_of_other_chapters_are_not_listed(api, book, questions):
    generate(api, book, "ch2", count=3)
    assert api.get(chapter_url(LIST, book)).json()["total"] == 5
    assert api.get(chapter_url(LIST, book, "ch2")).json()["total"] == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"limit": 0}, "limit"),
        ({"limit": 51}, "limit"),
        ({"question_type": "romance"}, "question_type"),
        ({"status": "answered"}, "status"),
    ],
)
def test_invalid_query_is_422(api, book, params, field):
    response = api.get(chapter_url(LIST, book), params)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_list_costs_a_constant_number_of_commands(api, book, count_mongo_commands):
    generate(api, book, count=3)
    with count_mongo_commands() as few:
        assert api.get(chapter_url(LIST, book), {"status": "not_answered"}).status_code == 200
    generate(api, book, count=20)
    with count_mongo_commands() as many:
        body = api.get(chapter_url(LIST, book), {"status": "not_answered", "limit": 50}).json()
    assert body["total"] == 23
    assert len(few) > 0 and len(many) == len(few)


def test_list_access_control(api, other_api, anon, book):
    assert anon.get(chapter_url(LIST, book)).status_code == 401
    assert other_api.get(chapter_url(LIST, book)).status_code == 403
    missing = reverse(LIST, kwargs={"book_id": "65f1c0ffee0ddba11ad0beef", "chapter_id": "ch1"})
    assert api.get(missing).status_code == 404
    malformed = reverse(LIST, kwargs={"book_id": "zzz", "chapter_id": "ch1"})
    assert api.get(malformed).status_code == 404
    response = api.get(chapter_url(LIST, book, "nope"))
    assert response.status_code == 404 and response.json()["code"] == "chapter_not_found"


# --- progress ----------------------------------------------------------------------------------


def progress(api, book, chapter_id="ch1"):
    response = api.get(chapter_url(PROGRESS, book, chapter_id))
    assert response.status_code == 200
    return response.json()


def test_progress_not_started_without_questions(api, book):
    assert progress(api, book, "ch2") == {
        "total": 0,
        "completed": 0,
        "in_progress": 0,
        "progress": 0.0,
        "status": "not-started",
    }


def test_progress_after_draft_and_completed_answers(api, book, questions):
    assert progress(api, book)["status"] == "not-started"
    answer(api, book, questions[0], status="draft")
    assert progress(api, book) == {
        "total": 5,
        "completed": 0,
        "in_progress": 1,
        "progress": 0.0,
        "status": "in-progress",
    }
    answer(api, book, questions[1], status="completed")
    answer(api, book, questions[2], status="completed")
    assert progress(api, book) == {
        "total": 5,
        "completed": 2,
        "in_progress": 1,
        "progress": 0.4,
        "status": "in-progress",
    }
    for question in questions:
        answer(api, book, question, status="completed")
    assert progress(api, book) == {
        "total": 5,
        "completed": 5,
        "in_progress": 0,
        "progress": 1.0,
        "status": "completed",
    }


def test_progress_access_control(api, other_api, anon, book):
    assert anon.get(chapter_url(PROGRESS, book)).status_code == 401
    assert other_api.get(chapter_url(PROGRESS, book)).status_code == 403
    assert api.get(chapter_url(PROGRESS, book, "ch9")).status_code == 404
    missing = reverse(PROGRESS, kwargs={"book_id": "65f1c0ffee0ddba11ad0beef", "chapter_id": "c"})
    assert api.get(missing).status_code == 404
