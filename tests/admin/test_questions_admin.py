"""Questions, responses and ratings in the admin."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from books.selectors import chapter_find
from questions.models import Question, QuestionRating, QuestionResponse
from questions.services import questions_generate, rating_save, response_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(user, book):
    chapter = chapter_find(book=book, chapter_id="ch1", include_content=True)
    return questions_generate(
        book=book, chapter=chapter, user=user, count=3, difficulty=None, focus=None
    ).questions[0]


def question_form(question, **changes) -> dict:
    data = {
        "question_text": question.question_text,
        "question_type": question.question_type,
        "difficulty": question.difficulty,
        "category": question.category,
        "order": question.order,
        "metadata": '{"suggested_response_length": "200-300 words"}',
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_editor_rewords_a_question_audited_as_the_editor(editor_client, editor, question):
    url = reverse("admin:questions_question_change", args=[question.pk])
    text = "What does Maren notice first when she opens the keeper's door?"
    response = editor_client.post(url, question_form(question, question_text=text))
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.question_text == text
    row = AuditLog.objects.get(action="question_update", target_id=str(question.pk))
    assert row.actor_id == str(editor.pk)
    assert set(row.changes) == {"question_text", "metadata"}


def test_question_text_rules_of_the_model_hold(editor_client, question):
    url = reverse("admin:questions_question_change", args=[question.pk])
    response = editor_client.post(url, question_form(question, question_text="Too short"))
    assert response.status_code == 200
    assert "question_text" in response.context["adminform"].form.errors
    assert Question.objects.get(pk=question.pk).question_text == question.question_text


def test_editor_cannot_change_responses_or_delete_questions(editor_client, user, question):
    response, _ = response_save(
        question=question, user=user, response_text="An answer", status="draft"
    )
    url = reverse("admin:questions_questionresponse_change", args=[response.pk])
    assert editor_client.post(url, {"response_text": "x", "status": "draft"}).status_code == 403
    url = reverse("admin:questions_question_delete", args=[question.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()


def test_superuser_edits_a_response_through_response_save(admin_client, user, question):
    response, _ = response_save(
        question=question, user=user, response_text="one two three", status="draft"
    )
    url = reverse("admin:questions_questionresponse_change", args=[response.pk])
    result = admin_client.post(
        url, {"response_text": "one two three four five", "status": "completed", "_save": "Save"}
    )
    assert result.status_code == 302, result.context["adminform"].form.errors
    saved = QuestionResponse.objects.get(pk=response.pk)
    assert saved.word_count == 5 and saved.status == "completed" and saved.version == 2
    assert [entry["word_count"] for entry in saved.edit_history] == [3]


def test_superuser_edits_a_rating_through_rating_save(admin_client, superuser, user, question):
    rating, _ = rating_save(question=question, user=user, rating=2, feedback=None)
    url = reverse("admin:questions_questionrating_change", args=[rating.pk])
    result = admin_client.post(url, {"rating": 5, "feedback": "Much better", "_save": "Save"})
    assert result.status_code == 302
    saved = QuestionRating.objects.get(pk=rating.pk)
    assert saved.rating == 5 and saved.feedback == "Much better"
    row = AuditLog.objects.get(action="question_rating_update", target_id=str(rating.pk))
    assert row.actor_id == str(superuser.pk) and row.changes["rating"] == [2, 5]


def test_superuser_deletes_a_question_with_its_responses(admin_client, user, question):
    response_save(question=question, user=user, response_text="An answer", status="draft")
    url = reverse("admin:questions_question_delete", args=[question.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()
    assert not QuestionResponse.objects.filter(question_id=question.pk).exists()
