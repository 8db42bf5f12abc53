"""Every admin changelist and change form loads for a superuser, and for an editor exactly as
the Editors group permits; lists do not cost a query per row."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from accounts.services.roles import editors_group_ensure
from books.models import Chapter, ChapterAccessLog
from books.selectors import chapter_find
from questions.models import QuestionRating, QuestionResponse
from questions.services import questions_generate, rating_save, response_save
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

# (admin url name prefix, whether an editor may open it, whether an editor may change it)
MODELS = [
    ("accounts_user", True, False),
    ("accounts_auditlog", True, False),
    ("books_book", True, True),
    ("books_chapter", True, True),
    ("books_chapteraccesslog", True, False),
    ("questions_question", True, True),
    ("questions_questionresponse", True, False),
    ("questions_questionrating", True, False),
    ("auth_group", False, False),
]


@pytest.fixture
def objects(user, book):
    """One object of each model, written through the services."""
    chapter = chapter_find(book=book, chapter_id="ch1", include_content=True)
    question = questions_generate(
        book=book, chapter=chapter, user=user, count=3, difficulty=None, focus=None
    ).questions[0]
    response, _ = response_save(
        question=question, user=user, response_text="A keeper and a storm.", status="draft"
    )
    rating, _ = rating_save(question=question, user=user, rating=4, feedback="Useful")
    return {
        "accounts_user": user,
        "accounts_auditlog": AuditLog.objects.filter(target_id=str(book.pk)).first(),
        "books_book": book,
        "books_chapter": Chapter.objects.get(book=book, chapter_id="ch1"),
        "books_chapteraccesslog": ChapterAccessLog.objects.filter(book=book).first(),
        "questions_question": question,
        "questions_questionresponse": QuestionResponse.objects.get(pk=response.pk),
        "questions_questionrating": QuestionRating.objects.get(pk=rating.pk),
        "auth_group": editors_group_ensure(),
    }


@pytest.mark.parametrize("name", [name for name, _, _ in MODELS])
def test_superuser_opens_every_changelist_and_change_form(admin_client, objects, name):
    listing = admin_client.get(reverse(f"admin:{name}_changelist"))
    assert listing.status_code == 200, name
    obj = objects[name]
    assert obj is not None, name
    page = admin_client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
    assert page.status_code == 200, name
    assert b"errornote" not in page.content


@pytest.mark.parametrize(("name", "may_view", "may_change"), MODELS)
def test_editor_sees_what_the_group_permits(editor_client, objects, name, may_view, may_change):
    listing = editor_client.get(reverse(f"admin:{name}_changelist"))
    assert listing.status_code == (200 if may_view else 403), name
    page = editor_client.get(reverse(f"admin:{name}_change", args=[objects[name].pk]))
    assert page.status_code == (200 if may_view else 403), name
    if may_view:
        # A change form has a save button only where the editor may change the object.
        assert (b'name="_save"' in page.content) is may_change, name


def test_admin_index_lists_the_models_an_editor_may_see(editor_client):
    page = editor_client.get(reverse("admin:index"))
    assert page.status_code == 200
    text = page.content.decode()
    for label in ("Books", "Chapters", "Questions", "Audit logs", "Users"):
        assert label in text
    assert "Groups" not in text


def test_book_search_by_title_and_owner_email_and_filters(admin_client, user, other_user):
    mine = BookFactory(owner=user, title="Salt and Smoke", genre="Cooking", published=True)
    theirs = BookFactory(owner=other_user, title="Cold Harbour", genre="Mystery")
    url = reverse("admin:books_book_changelist")

    def titles(**params):
        response = admin_client.get(url, params)
        assert response.status_code == 200
        return {book.title for book in response.context["cl"].result_list}

    assert titles(q="smoke") == {mine.title}
    assert titles(q=other_user.email) == {theirs.title}
    assert titles(genre="Mystery") == {theirs.title}
    assert titles(published__exact="1") == {mine.title}
    assert titles(**{"created_at__gte": "2000-01-01 00:00:00+00:00"}) == {mine.title, theirs.title}


def test_audit_log_filters_by_action_resource_actor_and_shows_the_actor_email(
    admin_client, user, book
):
    url = reverse("admin:accounts_auditlog_changelist")
    response = admin_client.get(url, {"action": "toc_update"})
    rows = response.context["cl"].result_list
    assert [row.action for row in rows] == ["toc_update"]
    assert user.email in response.content.decode()  # the actor column resolves ids to emails

    response = admin_client.get(url, {"resource_type": "chapter", "actor_id": str(user.pk)})
    rows = response.context["cl"].result_list
    assert rows and {row.resource_type for row in rows} == {"chapter"}
    assert {row.actor_id for row in rows} == {str(user.pk)}

    response = admin_client.get(url, {"actor_id": "nobody"})
    assert list(response.context["cl"].result_list) == []


def test_logs_are_read_only_even_for_a_superuser(admin_client, objects):
    for name in ("accounts_auditlog", "books_chapteraccesslog"):
        obj = objects[name]
        assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 403
        assert admin_client.get(reverse(f"admin:{name}_delete", args=[obj.pk])).status_code == 403
        response = admin_client.post(reverse(f"admin:{name}_change", args=[obj.pk]), {})
        assert response.status_code == 403


@pytest.mark.parametrize(
    "name", ["books_book", "books_chapter", "questions_question", "books_chapteraccesslog"]
)
def test_changelists_cost_the_same_commands_for_few_and_many_rows(
    admin_client, user, count_mongo_commands, name
):
    from books.services.content import chapter_content_save
    from books.services.toc import toc_replace

    def grow(count):
        for _ in range(count):
            book = BookFactory(owner=user)
            toc_replace(
                book=book,
                toc={"chapters": [{"id": "a", "title": "A"}, {"id": "b", "title": "B"}]},
                expected_version=0,
                actor=user,
            )
            chapter_content_save(
                book=book, chapter_id="a", content="x y", expected_version=0, actor=user
            )
            chapter = chapter_find(book=book, chapter_id="a", include_content=True)
            questions_generate(
                book=book, chapter=chapter, user=user, count=3, difficulty=None, focus=None
            )

    def commands():
        with count_mongo_commands() as sent:
            response = admin_client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200
        return len(response.context["cl"].result_list), sent

    grow(1)
    few_rows, few = commands()
    grow(3)
    many_rows, many = commands()
    assert many_rows > few_rows
    assert len(many) == len(few), (few, many)
