"""Export test fixtures: books built through the public API (POST /books, PUT /toc, PATCH
chapter content)."""

import pytest
from django.urls import reverse

OPENING_HTML = (
    "<h1>Opening Scene</h1>"
    "<p>The <strong>first</strong> paragraph with <em>emphasis</em> inside.</p>"
    "<ul><li>Alpha item</li><li>Beta item</li></ul>"
    "<ol><li>Step one</li><li>Step two</li></ol>"
    '<p><img src="https://example.com/cat.png" alt="A sleeping cat"> After the image.</p>'
    "<h2>Second Heading</h2><p>Closing sentence of chapter one.</p>"
)
SUB_HTML = "<p>Subchapter body text.</p><h3>Tiny Heading</h3><p>Under the tiny heading.</p>"
ENDING_HTML = "<p>Final words here.</p>"

# id, title, description, content ("" = empty chapter), subchapters
STRUCTURE = [
    (
        "ch1",
        "Beginnings",
        "Where it all starts",
        OPENING_HTML,
        [
            ("ch1-1", "Early Days", "", SUB_HTML),
            ("ch1-2", "Blank Sub", "", ""),
        ],
    ),
    ("ch2", "The Empty Middle", "", "<p>  </p>", []),
    ("ch3", "Endings", "", ENDING_HTML, []),
]


def create_book(client, **fields) -> str:
    body = {
        "title": "Export Test Book",
        "subtitle": "A Subtitle",
        "description": "A book used by the export tests.",
        "genre": "Fantasy",
        "target_audience": "Young adults",
        **fields,
    }
    response = client.post(reverse("book-list"), body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def put_toc(client, book_id: str, structure) -> None:
    chapters = []
    for order, (cid, title, description, _content, subs) in enumerate(structure, start=1):
        chapters.append(
            {
                "id": cid,
                "title": title,
                "description": description,
                "order": order,
                "level": 1,
                "subchapters": [
                    {"id": sid, "title": st, "description": sd, "order": n, "level": 2}
                    for n, (sid, st, sd, _sc) in enumerate(subs, start=1)
                ],
            }
        )
    response = client.put(
        reverse("book-toc", kwargs={"book_id": book_id}), {"toc": {"chapters": chapters}}, "json"
    )
    assert response.status_code == 200, response.content


def save_content(client, book_id: str, chapter_id: str, html: str) -> None:
    response = client.patch(
        reverse("chapter-content", kwargs={"book_id": book_id, "chapter_id": chapter_id}),
        {"content": html},
        format="json",
    )
    assert response.status_code == 200, response.content


def build_book(client, structure=STRUCTURE, **fields) -> str:
    book_id = create_book(client, **fields)
    put_toc(client, book_id, structure)
    for cid, _title, _desc, content, subs in structure:
        if content:
            save_content(client, book_id, cid, content)
        for sid, _st, _sd, sub_content in subs:
            if sub_content:
                save_content(client, book_id, sid, sub_content)
    return book_id


@pytest.fixture
def book_id(api, user):
    user.display_name = "Ada Writer"
    user.save(update_fields=["display_name"])
    return build_book(api)


def export_url(book_id: str, fmt: str) -> str:
    return reverse(f"book-export-{fmt}", kwargs={"book_id": book_id})


def download(client, book_id: str, fmt: str, **params):
    response = client.get(export_url(book_id, fmt), params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body
