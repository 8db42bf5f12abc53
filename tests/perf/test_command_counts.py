"""Database cost per request of every operation `make bench` measures: a small constant number of
MongoDB commands, the same for small and large data, so it cannot regress unnoticed. Bearer
authentication costs one database read (the user) when its user is not in the Redis cache, none
when it is; cached reads (book list, TOC, metadata) cost none on a hit (tests/books/
test_read_cache.py), and the counts here are those of a miss or of a write."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def toc_body(chapters: int, ids: list[str] | None = None, expected_version: int | None = None):
    items = [
        {"title": f"Chapter {n}", "description": "d" * 80, "order": n, "subchapters": []}
        | ({"id": ids[n]} if ids else {})
        for n in range(chapters)
    ]
    toc = {"chapters": items}
    if expected_version is not None:
        toc["expected_version"] = expected_version
    return {"toc": toc}


def commands_of(count_mongo_commands, call):
    with count_mongo_commands() as commands:
        response = call()
    assert response.status_code in (200, 201), response.content
    return list(commands)


def book_with_toc(api, chapters: int) -> tuple[str, list[str], int]:
    book = api.post(reverse("book-list"), {"title": f"{chapters} chapters"}, format="json").json()
    toc = api.put(reverse("book-toc", args=[book["id"]]), toc_body(chapters), format="json").json()
    ids = [chapter["id"] for chapter in toc["toc"]["chapters"]]
    for chapter_id in ids:
        api.patch(
            reverse("chapter-content", args=[book["id"], chapter_id]),
            {"content": "<p>" + "words " * 50 + "</p>"},
            format="json",
        )
    return book["id"], ids, toc["version"]


def test_bearer_authentication_costs_one_read_then_none(api, count_mongo_commands):
    commands = commands_of(count_mongo_commands, lambda: api.get(reverse("auth-session")))
    assert len(commands) == 1, commands  # the user, by primary key, then cached in Redis
    assert commands_of(count_mongo_commands, lambda: api.get(reverse("auth-session"))) == []


def toc_operation_costs(api, count_mongo_commands, size: int) -> dict[str, list[str]]:
    book_id, ids, version = book_with_toc(api, size)
    return {
        "list_books": commands_of(
            count_mongo_commands, lambda: api.get(reverse("book-list") + "?limit=100")
        ),
        "get_book": commands_of(
            count_mongo_commands, lambda: api.get(reverse("book-detail", args=[book_id]))
        ),
        "get_toc": commands_of(
            count_mongo_commands, lambda: api.get(reverse("book-toc", args=[book_id]))
        ),
        "put_toc": commands_of(
            count_mongo_commands,
            lambda: api.put(
                reverse("book-toc", args=[book_id]),
                toc_body(size, ids, expected_version=version),
                format="json",
            ),
        ),
        "chapters_metadata": commands_of(
            count_mongo_commands,
            lambda: api.get(reverse("chapter-metadata", args=[book_id])),
        ),
    }


def test_toc_operations_cost_the_same_for_5_and_50_chapters(api, count_mongo_commands):
    small = toc_operation_costs(api, count_mongo_commands, 5)
    large = toc_operation_costs(api, count_mongo_commands, 50)
    assert small == large
    # Cache misses (the reads follow a write); the user is already cached: authentication is free.
    # the page of books; their chapter documents (progress, word count and toc_items)
    assert large["list_books"] == ["aggregate", "aggregate"], large["list_books"]
    # the book; its chapter documents (the book's progress, word count and toc_items)
    assert large["get_book"] == ["aggregate", "aggregate"], large["get_book"]
    assert len(large["get_toc"]) == 2, large["get_toc"]  # the book, its chapter documents
    # the book; the compare-and-swap; the audit row; the chapter documents for the response
    assert len(large["put_toc"]) == 4, large["put_toc"]
    # the book, its chapter documents, the last access log
    assert len(large["chapters_metadata"]) == 3, large["chapters_metadata"]


def test_create_book_and_save_response_costs(api, count_mongo_commands):
    api.get(reverse("auth-session"))  # the user is in the Redis cache from now on
    create = commands_of(
        count_mongo_commands,
        lambda: api.post(reverse("book-list"), {"title": "Costly?"}, format="json"),
    )
    assert len(create) == 2, create  # the insert, its audit row (the user is cached)

    book_id, ids, _ = book_with_toc(api, 3)
    generated = api.post(
        reverse("chapter-generate-questions", args=[book_id, ids[0]]), {"count": 20}, format="json"
    )
    assert generated.status_code == 200, generated.content
    questions = [q["id"] for q in generated.json()["questions"]]
    body = {"response_text": "An answer with a few words.", "status": "draft"}
    first = commands_of(
        count_mongo_commands,
        lambda: api.put(
            reverse("question-response", args=[book_id, ids[0], questions[0]]),
            body,
            format="json",
        ),
    )
    again = commands_of(
        count_mongo_commands,
        lambda: api.put(
            reverse("question-response", args=[book_id, ids[0], questions[1]]),
            body,
            format="json",
        ),
    )
    assert first == again
    # the book (its TOC lists the chapter), the question, its answer, the write, the audit row
    assert len(first) == 5, first
