"""Fixtures of the command tests."""

import pytest

from books.services.content import chapter_content_save
from books.services.toc import toc_replace
from tests.admin.conftest import TOC
from tests.factories import BookFactory


@pytest.fixture
def book(user):
    """A book of `user` with a two-level TOC and content in ch1 and ch2."""
    book = BookFactory(owner=user, title="The Lighthouse at Grey Point")
    toc_replace(book=book, toc=TOC, expected_version=0, actor=user)
    for chapter_id, text in (("ch1", "The beacon went dark."), ("ch2", "Low water at 01:40.")):
        chapter_content_save(
            book=book, chapter_id=chapter_id, content=f"<p>{text}</p>", expected_version=0,
            actor=user,
        )  # fmt: skip
    return book
