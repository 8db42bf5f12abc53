"""A real browser (Playwright driving Debian's Chromium) against a live server: an editor logs
into /admin, edits a chapter's content and saves; the author sees the new content through the
API and the audit log names the editor."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from accounts.services.roles import editor_ensure
from books.models import Chapter
from books.services.content import chapter_content_save
from books.services.toc import toc_replace
from tests.conftest import bearer_client
from tests.factories import TEST_PASSWORD, BookFactory, UserFactory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is absent: install it with `apt-get install chromium` "
        "(.ci/run does) to run the admin's real-browser test",
    ),
]


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous code, which Django would otherwise refuse next to a running loop.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def scene(settings):
    # The live server speaks plain HTTP: cookies marked Secure would never come back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    author = UserFactory()
    book = BookFactory(owner=author, title="The Lighthouse at Grey Point")
    toc_replace(
        book=book,
        toc={"chapters": [{"id": "ch1", "title": "The Light Goes Dark"}]},
        expected_version=0,
        actor=author,
    )
    chapter_content_save(
        book=book, chapter_id="ch1", content="<p>First draft.</p>", expected_version=0, actor=author
    )
    editor, _, _ = editor_ensure(email="editor@example.com", password=TEST_PASSWORD)
    return author, book, editor


def test_editor_edits_chapter_content_in_a_real_browser(live_server, browser, scene):
    author, book, editor = scene
    chapter = Chapter.objects.get(book=book, chapter_id="ch1")
    new_content = "<p>The beacon at Grey Point had not missed a night in forty years.</p>"

    page = browser.new_page()
    page.goto(f"{live_server.url}{reverse('admin:login')}?next={reverse('admin:index')}")
    page.fill("#id_username", editor.email)
    page.fill("#id_password", TEST_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/$"))
    assert "Chapters" in page.content()

    page.goto(f"{live_server.url}{reverse('admin:books_chapter_change', args=[chapter.pk])}")
    assert page.input_value("#id_title") == "The Light Goes Dark"
    assert page.input_value("#id_content") == "<p>First draft.</p>"
    page.fill("#id_content", new_content)
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/admin/books/chapter/$"))
    assert "was changed successfully" in page.locator(".messagelist").inner_text()
    page.close()

    api = bearer_client(author)
    body = api.get(
        reverse("chapter-content", kwargs={"book_id": str(book.pk), "chapter_id": "ch1"})
    ).json()
    assert body["content"] == new_content
    assert body["version"] == 2
    row = AuditLog.objects.filter(action="chapter_content_update", actor_id=str(editor.pk)).get()
    assert row.target_id == str(book.pk) and row.changes["chapter_id"] == "ch1"
    assert row.changes["version"] == [1, 2]
