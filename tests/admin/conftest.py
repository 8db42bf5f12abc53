"""Fixtures of the admin tests: a superuser, an editor (made by the same service as
`create_editor`), a book with a two-level TOC and content written through the services, and
Django test clients logged in with real sessions."""

import pytest
from django.test import Client

from accounts.models import User
from accounts.services.roles import editor_ensure
from books.services.content import chapter_content_save
from books.services.toc import toc_replace
from tests.factories import TEST_PASSWORD, BookFactory

TOC = {
    "chapters": [
        {
            "id": "ch1",
            "title": "The Light Goes Dark",
            "description": "The storm.",
            "order": 1,
            "subchapters": [
                {"id": "ch1-1", "title": "Radio Silence", "description": "", "order": 1}
            ],
        },
        {"id": "ch2", "title": "Tide Tables", "description": "Low water.", "order": 2},
        {"id": "ch3", "title": "The Wreck", "description": "", "order": 3},
    ],
    "estimated_pages": 60,
}


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@example.com", password=TEST_PASSWORD)


@pytest.fixture
def editor(db):
    user, _, _ = editor_ensure(email="editor@example.com", password=TEST_PASSWORD)
    return user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(superuser):
    return logged_in(superuser)


@pytest.fixture
def editor_client(editor):
    return logged_in(editor)


@pytest.fixture
def book(user):
    """A book of `user` with the TOC above and content in ch1 (content version 1)."""
    book = BookFactory(owner=user, title="The Lighthouse at Grey Point", genre="Mystery")
    toc_replace(book=book, toc=TOC, expected_version=book.toc_version, actor=user)
    chapter_content_save(
        book=book,
        chapter_id="ch1",
        content="<p>The beacon had not missed a night in forty years.</p>",
        expected_version=0,
        actor=user,
    )
    return book
