"""Helpers of the reliability and fuzz suites: a tiny JSON-over-HTTP client for servers started
as real processes, and an author with data seeded through the public API."""

import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field

PASSWORD = "Seed-passphrase-7391-xyz"

SEED_TOC = {
    "chapters": [
        {
            "id": "ch1",
            "title": "The Lighthouse Keeper",
            "description": "Meet Ada, who keeps the light.",
            "subchapters": [
                {"id": "ch1-1", "title": "A Storm Arrives", "description": "The first storm."},
                {"id": "ch1-2", "title": "The Broken Lamp", "description": "Darkness."},
            ],
        },
        {
            "id": "ch2",
            "title": "Rescue at Dawn",
            "description": "The rescue.",
            "subchapters": [{"id": "ch2-1", "title": "Boats", "description": "Launching."}],
        },
    ],
    "estimated_pages": 40,
    "structure_notes": "Two acts.",
}

SEED_SUMMARY = (
    "A lighthouse keeper on a remote island must save a stranded fishing crew during the worst "
    "storm in a century, while her lamp is failing and the radio is dead. The book follows her "
    "through one long night of courage, doubt and ingenuity, and the village that learns to see "
    "her anew."
)


@dataclass
class Reply:
    status: int
    body: object
    headers: dict
    raw: bytes
    elapsed: float

    def json(self):
        return self.body


@dataclass
class Http:
    """JSON requests to `base` (a server started by tests/servers.py); `token` is a Bearer."""

    base: str
    token: str | None = None
    timeout: float = 60

    def request(
        self,
        method: str,
        path: str,
        body=None,
        *,
        raw: bytes | None = None,
        content_type: str = "application/json",
        headers: dict | None = None,
        token: str | None = None,
    ) -> Reply:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        all_headers = {"Accept": "application/json", **(headers or {})}
        if data is not None:
            all_headers["Content-Type"] = content_type
        bearer = token if token is not None else self.token
        if bearer:
            all_headers["Authorization"] = f"Bearer {bearer}"
        request = urllib.request.Request(
            f"{self.base}{path}", data=data, method=method, headers=all_headers
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, payload, resp_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, payload, resp_headers = error.code, error.read(), error.headers
        elapsed = time.monotonic() - started
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = None
        return Reply(status, parsed, dict(resp_headers.items()), payload, elapsed)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request("PUT", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path, body=None, **kwargs):
        return self.request("DELETE", path, body, **kwargs)


def expect(reply: Reply, status: int) -> dict:
    assert reply.status == status, f"expected {status}, got {reply.status}: {reply.raw[:500]!r}"
    return reply.body


@dataclass
class Author:
    """A registered user and the data seeded for them through the API."""

    http: Http
    email: str
    user_id: str
    access: str
    refresh: str
    book_id: str = ""
    book_title: str = ""
    chapter_ids: list[str] = field(default_factory=list)
    question_ids: list[str] = field(default_factory=list)
    response_id: str = ""


def register(base: str, *, prefix: str = "author") -> Author:
    email = f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"
    http = Http(base)
    body = expect(http.post("/api/v1/auth/register", {"email": email, "password": PASSWORD}), 201)
    http.token = body["access"]
    return Author(http, email, body["user"]["id"], body["access"], body["refresh"])


def seed_book(author: Author, *, title: str | None = None, questions: bool = True) -> Author:
    """A book with a summary, a two-level TOC, content in `ch1`, and (with `questions`) chapter
    questions generated for `ch1` with one answered -- all through the API."""
    http = author.http
    title = title or f"Keeper of Light {uuid.uuid4().hex[:8]}"
    book = expect(http.post("/api/v1/books", {"title": title, "genre": "Fiction"}), 201)
    author.book_id, author.book_title = book["id"], title
    base = f"/api/v1/books/{author.book_id}"
    expect(http.put(f"{base}/summary", {"summary": SEED_SUMMARY}), 200)
    expect(http.put(f"{base}/toc", {"toc": SEED_TOC}), 200)
    author.chapter_ids = ["ch1", "ch1-1", "ch1-2", "ch2", "ch2-1"]
    expect(
        http.patch(
            f"{base}/chapters/ch1/content",
            {"content": "<p>The lamp flickered. Ada climbed the stairs.</p>"},
        ),
        200,
    )
    if questions:
        expect(http.post(f"{base}/chapters/ch1/generate-questions", {"count": 4}), 200)
        listed = expect(http.get(f"{base}/chapters/ch1/questions?limit=50"), 200)
        author.question_ids = [q["id"] for q in listed["questions"]]
        assert author.question_ids, listed
        saved = expect(
            http.put(
                f"{base}/chapters/ch1/questions/{author.question_ids[0]}/response",
                {"response_text": "She was born on the island.", "status": "completed"},
            ),
            200,
        )
        author.response_id = saved["response"]["id"]
    return author
