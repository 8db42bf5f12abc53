"""Deleting a chapter or a book removes its questions, responses and ratings; the question
routes resolve to this app's views despite the chapter routes declared before them."""

import pytest
from django.urls import resolve, reverse

from questions.api import views
from questions.models import Question, QuestionRating, QuestionResponse
from tests.questions.conftest import TOC, chapter_url, generate, question_url

pytestmark = pytest.mark.django_db


def answer_and_rate(api, book, question):
    chapter_id = question["chapter_id"]
    url = question_url("question-response", book, question["id"], chapter_id)
    assert api.put(url, {"response_text": "an answer"}, format="json").status_code == 200
    url = question_url("question-rating", book, question["id"], chapter_id)
    assert api.post(url, {"rating": 3}, format="json").status_code == 200


@pytest.fixture
def answered(api, book):
    """Questions in ch1, its subchapter ch1-1 and ch2, one of each answered and rated."""
    out = {}
    for chapter_id in ("ch1", "ch1-1", "ch2"):
        out[chapter_id] = generate(api, book, chapter_id, count=3)
        answer_and_rate(api, book, out[chapter_id][0])
    assert Question.objects.count() == 9
    assert QuestionResponse.objects.count() == QuestionRating.objects.count() == 3
    return out


def test_deleting_a_chapter_removes_its_subtree_questions(api, book, answered):
    response = api.delete(
        reverse("chapter-detail", kwargs={"book_id": str(book.pk), "chapter_id": "ch1"})
    )
    assert response.status_code == 200, response.content
    assert set(Question.objects.values_list("chapter_id", flat=True)) == {"ch2"}
    assert Question.objects.count() == 3
    kept = answered["ch2"][0]["id"]
    assert [str(r.question_id) for r in QuestionResponse.objects.all()] == [kept]
    assert [str(r.question_id) for r in QuestionRating.objects.all()] == [kept]
    gone = api.get(chapter_url("question-list", book, "ch1"))
    assert gone.status_code == 404 and gone.json()["code"] == "chapter_not_found"


def test_replacing_the_toc_without_a_chapter_removes_its_questions(api, book, answered):
    chapters = [
        {key: value for key, value in node.items() if key != "subchapters"} | {"subchapters": []}
        for node in TOC["chapters"]
        if node["id"] == "ch2"
    ]
    url = reverse("book-toc", kwargs={"book_id": str(book.pk)})
    response = api.put(url, {"toc": {"chapters": chapters}}, format="json")
    assert response.status_code == 200, response.content
    assert set(Question.objects.values_list("chapter_id", flat=True)) == {"ch2"}
    assert QuestionResponse.objects.count() == QuestionRating.objects.count() == 1


def test_deleting_the_book_removes_every_question(api, book, answered):
    response = api.delete(reverse("book-detail", kwargs={"book_id": str(book.pk)}))
    assert response.status_code == 204
    assert not Question.objects.exists()
    assert not QuestionResponse.objects.exists()
    assert not QuestionRating.objects.exists()


def test_deleting_another_book_keeps_these_questions(api, user, book, answered):
    from tests.questions.conftest import make_book

    other = make_book(user)
    generate(api, other, count=3)
    assert api.delete(reverse("book-detail", kwargs={"book_id": str(other.pk)})).status_code == 204
    assert Question.objects.count() == 9 and QuestionResponse.objects.count() == 3


ID = "65f1c0ffee0ddba11ad0beef"
ROUTES = [
    ("generate-questions", views.ChapterQuestionsViewSet),
    ("regenerate-questions", views.ChapterQuestionsViewSet),
    ("questions", views.QuestionViewSet),
    ("question-progress", views.ChapterQuestionsViewSet),
    (f"questions/{ID}/response", views.QuestionViewSet),
    (f"questions/{ID}/rating", views.QuestionViewSet),
    ("questions/responses/batch", views.QuestionViewSet),
]


@pytest.mark.parametrize(("suffix", "view"), ROUTES)
@pytest.mark.parametrize("slash", ["", "/"])
def test_question_routes_resolve_to_question_views(suffix, view, slash):
    match = resolve(f"/api/v1/books/{ID}/chapters/ch-1/{suffix}{slash}")
    assert match.func.cls is view
    assert match.kwargs["book_id"] == ID and match.kwargs["chapter_id"] == "ch-1"


def test_reverse_and_http_reach_the_views(api, book, questions):
    url = chapter_url("question-list", book)
    assert url == f"/api/v1/books/{book.pk}/chapters/ch1/questions"
    assert api.get(url + "/").status_code == 200
    batch = chapter_url("question-responses-batch", book)
    assert batch.endswith("/chapters/ch1/questions/responses/batch")
    item = [{"question_id": questions[0]["id"], "response_text": "hi"}]
    assert api.post(batch + "/", item, format="json").json()["saved"] == 1
