"""Regression tests of the defects the schema fuzzer (tests/fuzz) found, one per finding."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_openapi_json_is_json_whatever_the_accept_header(anon):
    # Finding: /api/v1/openapi.json answered YAML unless the client asked for JSON.
    for accept in ("*/*", "application/json", "text/html,application/xhtml+xml,*/*;q=0.8"):
        response = anon.get(reverse("openapi"), HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/")
        assert "json" in response["Content-Type"]
        assert "/api/v1/health/" in response.json()["paths"]


@pytest.mark.parametrize("skip", ["5890079132986546176", "1000001", "-1", "1e3"])
def test_out_of_range_skip_is_422_not_500(api, skip):
    # Finding: GET /books?skip=5890079132986546176 reached MongoDB, which refused the offset: 500.
    response = api.get(reverse("book-list"), {"skip": skip})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "skip"


def test_largest_skip_is_an_empty_page(api):
    response = api.get(reverse("book-list"), {"skip": "1000000"})
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize(
    "method, name, path",
    [
        ("post", "book-list", "/api/v1/books/"),
        ("post", "auth-logout", "/api/v1/auth/logout/"),
        ("patch", "chapter-content", "/api/v1/books/{book_id}/chapters/{chapter_id}/content/"),
    ],
)
def test_undecodable_json_body_is_a_documented_400(api, method, name, path):
    # Finding: a body that is not UTF-8 JSON is 400 parse_error, but no operation documented 400.
    book_id = api.post(reverse("book-list"), {"title": "T"}, format="json").json()["id"]
    kwargs = {"book_id": book_id, "chapter_id": "ch1"} if "{book_id}" in path else {}
    url = reverse(name, kwargs=kwargs)
    response = getattr(api, method)(url, b"\xb8n.", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    operation = api.get(reverse("openapi")).json()["paths"][path][method]
    assert {"400", "413"} <= set(operation["responses"])


@pytest.fixture
def toc_book(api, settings):
    settings.RATELIMIT_ENABLE = False
    from tests.reliability.support import SEED_TOC

    book_id = api.post(reverse("book-list"), {"title": "T"}, format="json").json()["id"]
    assert api.put(reverse("book-toc", kwargs={"book_id": book_id}), {"toc": SEED_TOC},
                   format="json").status_code == 200  # fmt: skip
    return book_id


def nested(depth: int):
    value = 1
    for _ in range(depth - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "name, method, body",
    [
        # Finding: chapter metadata with a NUL in a key reached MongoDB (InvalidDocument): 500.
        ("chapter-detail", "put", {"metadata": {"k\x00": 1}}),
        ("book-toc", "put", {"toc": {"chapters": [{"title": "A", "metadata": {"\x00": 1}}]}}),
        ("book-toc", "put", {"toc": {"chapters": [{"title": "A", "x\x00": 1}]}}),
        ("book-list", "post", {"title": "A", "metadata": {"k\x00": 1}}),
        # Finding: metadata nested 150 levels was stored (real MongoDB refuses > 100 levels).
        ("chapter-detail", "put", {"metadata": nested(40)}),
    ],
)
def test_unstorable_json_is_400_and_nothing_changes(api, toc_book, name, method, body):
    kwargs = {"book_id": toc_book, "chapter_id": "ch1"}
    if name == "book-toc":
        kwargs.pop("chapter_id")
    url = reverse("book-list") if name == "book-list" else reverse(name, kwargs=kwargs)
    before = api.get(reverse("book-toc", kwargs={"book_id": toc_book})).json()
    response = getattr(api, method)(url, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"
    assert api.get(reverse("book-toc", kwargs={"book_id": toc_book})).json() == before


def test_json_nested_thousands_of_levels_is_400_not_500(api):
    # Finding: Python's JSON decoder raised RecursionError on "[[[[...": every JSON endpoint 500.
    body = b"[" * 100_000 + b"]" * 100_000
    response = api.post(reverse("book-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_nesting_up_to_the_limit_and_nul_in_values_are_stored(api, toc_book):
    from autoauthor.api.parsers import MAX_JSON_DEPTH

    # body -> metadata -> ... : the body object is level 1
    metadata = nested(MAX_JSON_DEPTH - 1)
    chapter = {"book_id": toc_book, "chapter_id": "ch1"}
    response = api.put(
        reverse("chapter-detail", kwargs=chapter),
        {"title": "Deep", "metadata": {"note": "a\x00b", "deep": metadata["a"]}},
        format="json",
    )
    assert response.status_code == 200, response.content
    stored = api.get(reverse("chapter-detail", kwargs=chapter)).json()["chapter"]
    assert stored["title"] == "Deep"
    assert stored["metadata"]["note"] == "a\x00b"


@pytest.mark.parametrize(
    "name, body",
    [
        # Finding: a lone surrogate escape in free-form JSON could not be encoded for MongoDB: 500.
        ("chapter-detail", b'{"metadata": {"k": "x\\udfffy"}}'),
        ("chapter-detail", b'{"metadata": {"k\\ud800": 1}}'),
        ("book-toc", b'{"toc": {"chapters": [{"title": "a\\ud800"}]}}'),
    ],
)
def test_lone_surrogates_are_400_not_500(api, toc_book, name, body):
    kwargs = (
        {"book_id": toc_book, "chapter_id": "ch1"}
        if name == "chapter-detail"
        else {"book_id": toc_book}
    )
    response = api.put(reverse(name, kwargs=kwargs), body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize(
    "name, body",
    [
        # Finding: PUT /books/{id} with an integer beyond 64 bits in metadata: bson OverflowError.
        ("book-detail", {"title": "T", "metadata": {"n": [2757020669644335011817142091776]}}),
        ("chapter-list", {"title": "x", "order": 10**30}),
        ("book-toc", {"toc": {"chapters": [{"title": "x", "order": 2**63}]}}),
        ("chapter-detail", {"metadata": {"n": -(2**63) - 1}}),
    ],
)
def test_integers_beyond_64_bits_are_400_not_500(api, toc_book, name, body):
    kwargs = {"book_id": toc_book}
    if name == "chapter-detail":
        kwargs["chapter_id"] = "ch1"
    method = "post" if name == "chapter-list" else "put"
    response = getattr(api, method)(reverse(name, kwargs=kwargs), body, format="json")
    assert response.status_code == 400, response.content
    assert "64 bits" in response.json()["detail"]


@pytest.mark.parametrize("number", ["1e999999", "-1e999"])
@pytest.mark.parametrize(
    "name, template",
    [
        # Finding: a number beyond a double's range is read as infinity: 500 (or 404).
        ("book-detail", '{"title": "T", "metadata": {"n": %s}}'),
        ("book-toc", '{"toc": {"chapters": [{"title": "x", "order": %s}]}}'),
        ("chapter-detail", '{"order": %s}'),
    ],
)
def test_numbers_beyond_a_double_are_400_not_500(api, toc_book, name, template, number):
    kwargs = {"book_id": toc_book}
    if name == "chapter-detail":
        kwargs["chapter_id"] = "ch1"
    before = api.get(reverse("book-toc", kwargs={"book_id": toc_book})).json()
    response = api.put(
        reverse(name, kwargs=kwargs), template % number, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json() == {
        "detail": "Malformed request body: JSON parse error - numbers must be finite",
        "code": "parse_error",
    }
    assert api.get(reverse("book-toc", kwargs={"book_id": toc_book})).json() == before


def test_largest_64_bit_integer_is_stored(api, toc_book):
    toc = {"chapters": [{"title": "x", "order": 2**63 - 1}]}
    response = api.put(
        reverse("book-toc", kwargs={"book_id": toc_book}), {"toc": toc}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["toc"]["chapters"][0]["order"] == 2**63 - 1


@pytest.mark.parametrize(
    "name, body",
    [
        # Finding: form coercion let a 30-digit order and wrong types through ("published=0",
        # "metadata=[null,null]"): the API speaks JSON only, except the upload endpoints.
        ("chapter-list", "title=x&order=" + "9" * 30),
        ("book-list", "title=T&published=0"),
        ("book-list", "title=T&metadata=%5Bnull%2Cnull%5D"),
    ],
)
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart"])
def test_form_bodies_are_415_on_json_endpoints(api, toc_book, name, body, content_type):
    kwargs = {"book_id": toc_book} if name == "chapter-list" else {}
    before = api.get(reverse("book-list")).json()
    if content_type == "multipart":
        fields = dict(pair.split("=", 1) for pair in body.split("&"))
        response = api.post(reverse(name, kwargs=kwargs), fields, format="multipart")
    else:
        response = api.post(reverse(name, kwargs=kwargs), body, content_type=content_type)
    assert response.status_code == 415, response.content
    assert response.json()["code"] == "unsupported_media_type"
    assert api.get(reverse("book-list")).json() == before


@pytest.mark.parametrize(
    "name, query",
    [
        # Finding (schemathesis, negative data): an empty query value of an integer or boolean
        # parameter was read as an absent one and answered 200.
        ("book-list", "skip=&limit="),
        ("book-list", "limit="),
        ("book-export-pdf", "include_empty_chapters="),
        ("chapter-metadata", "include_content_stats="),
    ],
)
def test_empty_typed_query_values_are_422(api, toc_book, name, query):
    kwargs = {} if name == "book-list" else {"book_id": toc_book}
    response = api.get(f"{reverse(name, kwargs=kwargs)}?{query}")
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
