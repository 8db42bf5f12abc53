"""Input limits: oversized bodies are 413 JSON everywhere; TOC depth, chapter count and string
lengths are bounded with 422; a 2 MB chapter is stored and read back whole; Unicode round-trips.

Behaviour chosen for NUL characters: text fields (titles, descriptions, content, answers) refuse
them with 422 `null_characters_not_allowed`, as DRF's CharField does everywhere in the API;
inside free-form JSON values (metadata) they are stored and returned unchanged; in object keys
(which BSON cannot hold) and lone surrogate escapes (not UTF-8) the body is 400 `parse_error`.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from books.rules import CONTENT_MAX_LENGTH as MAX_CONTENT_LENGTH
from books.rules import TOC_DESCRIPTION_MAX as MAX_DESCRIPTION_LENGTH
from books.rules import TOC_MAX_CHAPTERS as MAX_CHAPTERS
from books.rules import TOC_TITLE_MAX as MAX_TITLE_LENGTH
from tests.reliability.support import SEED_TOC

pytestmark = pytest.mark.django_db


@pytest.fixture
def book_id(api, settings):
    settings.RATELIMIT_ENABLE = False
    book = api.post(reverse("book-list"), {"title": "Limits"}, format="json").json()["id"]
    response = api.put(reverse("book-toc", kwargs={"book_id": book}), {"toc": SEED_TOC},
                       format="json")  # fmt: skip
    assert response.status_code == 200
    return book


def url(name, book_id, **kwargs):
    return reverse(name, kwargs={"book_id": book_id, **kwargs})


def assert_422(response, field_prefix: str):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert any(e["field"].startswith(field_prefix) for e in body["errors"]), body


def assert_413(response):
    assert response.status_code == 413, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Request body too large.", "code": "request_too_large"}


# --- request body size ------------------------------------------------------------------------


def test_json_body_above_the_configured_size_is_413(api, book_id, settings):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # the configured default (5 MB)
    body = json.dumps({"content": "a" * (limit + 1)}).encode()
    response = api.patch(
        url("chapter-content", book_id, chapter_id="ch1"), body, content_type="application/json"
    )
    assert_413(response)
    content = api.get(url("chapter-content", book_id, chapter_id="ch1")).json()["content"]
    assert content == ""  # nothing stored


def test_every_parser_answers_413_json(api, anon, settings, book_id):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    assert_413(api.post(reverse("book-list"), {"title": "a" * 5000}, format="json"))
    # The one multipart endpoint, the cover upload (the limit counts the fields besides files).
    cover = {"file": SimpleUploadedFile("c.png", b"png", content_type="image/png"), "x": "a" * 5000}
    assert_413(api.post(url("book-cover-image", book_id), cover, format="multipart"))
    # Unauthenticated endpoints too.
    body = json.dumps({"email": "a@example.com", "password": "p" * 5000})
    assert_413(anon.post(reverse("auth-login"), body, content_type="application/json"))


def test_non_drf_views_answer_413_json(settings):
    # Defect fixed: the admin login form (a plain Django view) answered 400 "Bad request.".
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = Client().post("/admin/login/", {"username": "a" * 5000, "password": "x"})
    assert_413(response)


# --- TOC and chapter bounds ---------------------------------------------------------------------


def put_toc(api, book_id, toc):
    return api.put(url("book-toc", book_id), {"toc": toc}, format="json")


def test_toc_depth_is_two_levels(api, book_id):
    toc = {
        "chapters": [
            {
                "title": "A",
                "subchapters": [{"title": "A.1", "subchapters": [{"title": "A.1.a"}]}],
            }
        ]
    }
    response = put_toc(api, book_id, toc)
    assert_422(response, "toc.chapters[0].subchapters[0].subchapters")
    assert response.json()["errors"][0]["code"] == "too_deep"


def test_toc_chapter_count_is_bounded(api, book_id):
    per_chapter = 9
    chapters = [
        {"title": f"C{i}", "subchapters": [{"title": f"C{i}.{j}"} for j in range(per_chapter)]}
        for i in range(MAX_CHAPTERS // (per_chapter + 1) + 1)
    ]
    assert_422(put_toc(api, book_id, {"chapters": chapters}), "toc.chapters")
    flat = [{"title": f"C{i}"} for i in range(MAX_CHAPTERS + 1)]
    assert_422(put_toc(api, book_id, {"chapters": flat}), "toc.chapters")
    ok = [{"title": f"C{i}"} for i in range(MAX_CHAPTERS)]
    assert put_toc(api, book_id, {"chapters": ok}).status_code == 200
    # The chapter-create endpoint respects the same bound.
    response = api.post(url("chapter-list", book_id), {"title": "One more", "order": 1},
                        format="json")  # fmt: skip
    assert response.status_code == 422, response.content


@pytest.mark.parametrize(
    "chapter, field",
    [
        ({"title": "t" * (MAX_TITLE_LENGTH + 1)}, "toc.chapters[0].title"),
        ({"title": "ok", "description": "d" * (MAX_DESCRIPTION_LENGTH + 1)}, "toc.chapters[0]"),
        ({"title": "ok", "id": "x" * 65}, "toc.chapters[0].id"),
        ({"title": "ok", "subchapters": [{"title": "t" * (MAX_TITLE_LENGTH + 1)}]}, "toc.chapters"),
        ({"title": "   "}, "toc.chapters[0].title"),
    ],
)
def test_toc_string_lengths_are_bounded(api, book_id, chapter, field):
    before = api.get(url("book-toc", book_id)).json()["version"]
    assert_422(put_toc(api, book_id, {"chapters": [chapter]}), field)
    assert api.get(url("book-toc", book_id)).json()["version"] == before


def test_toc_notes_length_is_bounded(api, book_id):
    toc = {"chapters": [{"title": "A"}], "structure_notes": "n" * 5001}
    assert_422(put_toc(api, book_id, toc), "toc.structure_notes")


def test_chapter_write_lengths_are_bounded(api, book_id):
    long_title = "t" * (MAX_TITLE_LENGTH + 1)
    assert_422(api.post(url("chapter-list", book_id), {"title": long_title, "order": 1},
                        format="json"), "title")  # fmt: skip
    assert_422(api.put(url("chapter-detail", book_id, chapter_id="ch1"), {"title": long_title},
                       format="json"), "title")  # fmt: skip
    assert_422(
        api.post(
            url("chapter-tab-state", book_id), {"active_chapter_id": "c" * 65}, format="json"
        ),  # fmt: skip
        "active_chapter_id",
    )


# --- 2 MB chapter content -------------------------------------------------------------------------


def test_two_megabytes_of_content_round_trip(api, book_id):
    content = ("<p>" + "word " * 199 + "</p>\n") * (MAX_CONTENT_LENGTH // 1008)
    content = content + "x" * (MAX_CONTENT_LENGTH - len(content))
    assert len(content) == MAX_CONTENT_LENGTH == 2_000_000
    chapter = url("chapter-content", book_id, chapter_id="ch1")
    saved = api.patch(chapter, {"content": content}, format="json")
    assert saved.status_code == 200, saved.content[:300]
    assert saved.json()["word_count"] > 300_000
    read = api.get(chapter).json()
    assert read["content"] == content
    batch = api.post(url("chapter-batch-content", book_id), {"chapter_ids": ["ch1"]},
                     format="json")  # fmt: skip
    assert batch.json()["chapters"]["ch1"]["content"] == content


def test_content_over_the_limit_is_a_clear_422(api, book_id):
    chapter = url("chapter-content", book_id, chapter_id="ch1")
    response = api.patch(chapter, {"content": "x" * (MAX_CONTENT_LENGTH + 1)}, format="json")
    assert_422(response, "content")
    assert response.json()["errors"][0]["code"] == "max_length"
    assert api.get(chapter).json()["content"] == ""


# --- Unicode ------------------------------------------------------------------------------------

EMOJI = "Storm 🌊⚓️👩🏽‍🚒 night 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
RTL = "حارسة المنارة — שומרת המגדלור \u202eRLO\u202c ok"
COMBINING = "e\u0301te\u0301 Z\u0351\u0300a\u0314lgo"


@pytest.mark.parametrize("text", [EMOJI, RTL, COMBINING])
def test_unicode_round_trips_through_toc_content_and_answers(api, book_id, text):
    toc = {"chapters": [{"id": "u1", "title": text, "description": text, "metadata": {text: text}}]}
    assert put_toc(api, book_id, toc).status_code == 200
    node = api.get(url("book-toc", book_id)).json()["toc"]["chapters"][0]
    assert (node["title"], node["description"], node["metadata"]) == (text, text, {text: text})

    chapter = url("chapter-content", book_id, chapter_id="u1")
    assert api.patch(chapter, {"content": f"<p>{text}</p>"}, format="json").status_code == 200
    assert api.get(chapter).json()["content"] == f"<p>{text}</p>"

    created = api.post(url("chapter-list", book_id), {"title": text, "order": 2}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["chapter"]["title"] == text

    summary = " ".join([text] * 10)  # (surrounding whitespace is trimmed by design)
    assert api.put(url("book-summary", book_id), {"summary": summary},
                   format="json").status_code == 200  # fmt: skip
    assert api.get(url("book-summary", book_id)).json()["summary"] == summary


@pytest.mark.parametrize(
    "name, method, kwargs, body, field",
    [
        ("chapter-content", "patch", {"chapter_id": "ch1"}, {"content": "a\x00b"}, "content"),
        ("chapter-detail", "put", {"chapter_id": "ch1"}, {"title": "a\x00b"}, "title"),
        ("chapter-list", "post", {}, {"title": "a\x00b", "order": 1}, "title"),
        ("book-toc", "put", {}, {"toc": {"chapters": [{"title": "a\x00b"}]}}, "toc.chapters"),
        (
            "book-toc",
            "put",
            {},
            {"toc": {"chapters": [{"title": "ok", "description": "\x00"}]}},
            "toc.chapters",
        ),
    ],
)
def test_nul_in_text_fields_is_refused_cleanly(api, book_id, name, method, kwargs, body, field):
    before = api.get(url("book-toc", book_id)).json()
    response = getattr(api, method)(url(name, book_id, **kwargs), body, format="json")
    assert_422(response, field)
    assert "NUL" in json.dumps(response.json()) or "Null" in json.dumps(response.json())
    assert api.get(url("book-toc", book_id)).json() == before


def test_nul_inside_metadata_values_round_trips(api, book_id):
    chapter = url("chapter-detail", book_id, chapter_id="ch1")
    response = api.put(chapter, {"metadata": {"note": "a\x00b", "list": ["\x00"]}}, format="json")
    assert response.status_code == 200, response.content
    metadata = api.get(chapter).json()["chapter"]["metadata"]
    assert metadata == {"note": "a\x00b", "list": ["\x00"]}
