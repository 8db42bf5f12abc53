"""Authoring services: results computed from a summary that changed meanwhile are not stored."""

import pytest

from autoauthor.core.errors import Conflict
from books.models import Book
from books.services import authoring
from books.services.summary import book_summary_update
from tests.factories import BookFactory

SUMMARY = "A practical guide to rooftop beekeeping for city beginners, season by season."


@pytest.mark.django_db
@pytest.mark.parametrize("generate", ["analysis", "questions"])
def test_result_of_a_replaced_summary_is_not_stored(user, offline, generate):
    book = BookFactory(owner=user, summary=SUMMARY)
    stale = Book.objects.get(pk=book.pk)  # read before the summary changes
    book_summary_update(book=book, summary=SUMMARY + " Now with a chapter on winter.")
    with pytest.raises(Conflict) as info:
        if generate == "analysis":
            authoring.summary_analyze(book=stale, actor=user)
        else:
            authoring.clarifying_questions_generate(book=stale, num_questions=4, actor=user)
    assert info.value.code == "summary_changed"
    fresh = Book.objects.get(pk=book.pk)
    assert fresh.summary_analysis is None and fresh.clarifying_questions is None
    # with the current summary the same call stores its result
    authoring.summary_analyze(book=fresh, actor=user)
    assert Book.objects.get(pk=book.pk).summary_analysis["word_count"] == len(fresh.summary.split())


def test_draft_suggestions_heuristics():
    short = authoring.draft_suggestions("One. Two.", truncated=True)
    assert short[0].startswith("The draft reached the length limit")
    assert any("expanding" in s for s in short)
    assert any("paragraph breaks" in s for s in short)
    assert any("examples" in s for s in short)
    paragraphs = "\n\n".join(["For example, " + "word " * 12 + "end."] * 50)
    assert authoring.draft_suggestions(paragraphs) == []
