"""The bench scripts' HTTP client and the fixed data they seed through the API."""

import json
import urllib.error
import urllib.request

WORDS = "the author writes a chapter about gardens rivers cities and the people in them".split()


def http(method: str, url: str, token: str | None = None, payload=None):
    data = json.dumps(payload).encode() if payload is not None else None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            return response.status, json.loads(body) if body else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def expect(status_body, *ok):
    status, body = status_body
    if status not in ok:
        raise SystemExit(f"seeding failed: HTTP {status} {body}")
    return body


def toc_payload(chapters: int, *, with_ids: list[str] | None = None) -> dict:
    items = []
    for n in range(chapters):
        item = {
            "title": f"Chapter {n + 1}: {' '.join(WORDS[n % 5 : n % 5 + 4])}",
            "description": f"What chapter {n + 1} covers, in two short sentences. " * 2,
            "level": 1,
            "order": n + 1,
            "subchapters": [],
        }
        if with_ids:
            item["id"] = with_ids[n]
        items.append(item)
    return {"chapters": items, "total_chapters": chapters, "estimated_pages": chapters * 10}


EDITORS = 4  # the writers the reader's TOC book is shared with, as editors


PASSWORD = "bench-Password-123"


def register(api: str, email: str) -> str:
    payload = {"email": email, "password": PASSWORD}
    return expect(http("POST", f"{api}/auth/register", payload=payload), 201)["access"]


def tokens_refresh(base: str, data: dict) -> None:
    """New access tokens for every seeded user (they live ACCESS_TOKEN_MINUTES, 15 by default,
    and a bench with growth runs longer); the operations read them from `data` per request."""

    def login(email):
        payload = {"email": email, "password": PASSWORD}
        return expect(http("POST", f"{base}/api/v1/auth/login", payload=payload), 200)["access"]

    reader, writer, *editors = data["users"]
    data.update(reader=login(reader), writer=login(writer), editors=[login(e) for e in editors])


def share(api: str, token: str, book_id: str, emails: list[str]) -> None:
    for email in emails:
        expect(http("POST", f"{api}/books/{book_id}/collaborators", token,
                    {"email": email, "role": "editor"}), 200, 201)  # fmt: skip


def seed(base: str) -> dict:
    api = f"{base}/api/v1"
    reader = register(api, "reader@bench.local")
    writer = register(api, "writer@bench.local")
    editor_emails = [f"editor{n}@bench.local" for n in range(EDITORS)]
    editors = [register(api, email) for email in editor_emails]
    book_ids = [
        expect(
            http(
                "POST",
                f"{api}/books/",
                reader,
                {
                    "title": f"Book {n}",
                    "genre": "Essay",
                    "description": "A book used by the benchmark. " * 5,
                },
            ),
            201,
        )["id"]  # fmt: skip
        for n in range(100)
    ]
    toc_book = book_ids[0]
    toc = expect(http("PUT", f"{api}/books/{toc_book}/toc", reader, {"toc": toc_payload(50)}), 200)
    chapter_ids = [chapter["id"] for chapter in toc["toc"]["chapters"]]
    content = "<p>" + " ".join(WORDS[(i * 7) % len(WORDS)] for i in range(60)) + "</p>"
    for chapter_id in chapter_ids:
        expect(http("PATCH", f"{api}/books/{toc_book}/chapters/{chapter_id}/content", reader,
                    {"content": content}), 200)  # fmt: skip
    questions = expect(
        http("POST", f"{api}/books/{toc_book}/chapters/{chapter_ids[0]}/generate-questions",
             reader, {"count": 20}), 200)["questions"]  # fmt: skip
    share(api, reader, toc_book, editor_emails)
    own_books, content_versions = [], []
    for n in range(32):
        book = expect(http("POST", f"{api}/books/", writer, {"title": f"Writer book {n}"}), 201)
        own = expect(http("PUT", f"{api}/books/{book['id']}/toc", writer,
                          {"toc": toc_payload(50)}), 200)  # fmt: skip
        own_books.append((book["id"], [c["id"] for c in own["toc"]["chapters"]], own["version"]))
        saved = expect(http("PATCH", f"{api}/books/{book['id']}/chapters/{own_books[-1][1][0]}"
                            "/content", writer, {"content": content}), 200)  # fmt: skip
        content_versions.append(saved["version"])
    return {
        "reader": reader,
        "writer": writer,
        "editors": editors,
        "users": ["reader@bench.local", "writer@bench.local", *editor_emails],
        "content_versions": content_versions,
        "book_ids": book_ids,
        "toc_book": toc_book,
        "chapter_ids": chapter_ids,
        "toc_version": toc["version"],
        "question_ids": [q["id"] for q in questions],
        "own_books": own_books,
    }
