"""Schema fuzzing: schemathesis drives every operation of the live server's own OpenAPI document
(gunicorn, real MongoDB-compatible server, real Redis) as an author who owns data, and every
response must be a non-5xx answer that matches the document (status code, content type, headers,
body); every request that violates the document must be refused (`negative_data_rejection`); and
unsupported methods, missing required headers, the Allow header and unauthenticated calls are
checked too. That is schemathesis's `-c all` without the checks that cannot hold for this API:
`positive_data_acceptance` (a schema-valid body can still break a business rule: a wrong current
password, a weak new one) and the stateful ones (`use_after_free`, `ensure_resource_availability`,
`object_level_authorization`), which the authorization matrix in tests/reliability covers.

The author's data is seeded through the API: a book with a summary, a two-level TOC, content in a
chapter, generated questions with an answer. Path parameters are real ids most of the time (the
rest keep the generated value, which exercises the 404 paths). Operations that destroy what
others need run on data of their own:

- TOC replacement, AI TOC generation and chapter deletion run on a second book ("structure");
- question (re)generation runs on chapter `ch2`, the question-id operations on `ch1`;
- book deletion runs on a fresh book per case; account deletion as a fresh user per case.

`FUZZ_MAX_EXAMPLES` (default 25) and `FUZZ_SEED` tune the run; `FUZZ_SHRINK=1` shrinks failures.
"""

import os
import subprocess
import sys
import urllib.parse
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass

import hypothesis
import pytest
import schemathesis
from django.conf import settings as django_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pymongo import MongoClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tests.reliability.support import Author, Http, expect, register, seed_book
from tests.servers import ROOT, api_server

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
pytestmark = pytest.mark.timeout(max(600, MAX_EXAMPLES * 25))
SEED = int(os.environ.get("FUZZ_SEED", "20260101"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    ignored_auth,
]
REAL_ID_PERCENT = 85
PHASES = [Phase.explicit, Phase.generate] + (
    [Phase.shrink] if os.environ.get("FUZZ_SHRINK") == "1" else []
)

STATUSES: dict[str, list[int]] = {}  # per operation: the status codes it answered

SERVER_ENV = {
    "RATELIMIT_ENABLE": "false",
    "AI_QUOTA_ENABLED": "false",  # the fuzzer makes hundreds of AI calls as one author
    "OPENAI_API_KEY": "",  # the offline provider answers the AI endpoints
    "LOG_LEVEL": "ERROR",
}


@dataclass
class World:
    base: str
    author: Author
    structure_book_id: str
    job_id: str = ""  # an export job of the author's book (queued: no worker runs here)

    def fresh_book(self) -> str:
        return expect(self.author.http.post("/api/v1/books", {"title": "Doomed"}), 201)["id"]

    def fresh_job(self) -> str:
        """A queued export job (the queued one, or a new one once it was cancelled)."""
        path = f"/api/v1/books/{self.author.book_id}/exports"
        return expect(self.author.http.post(path, {"format": "markdown"}), 202)["id"]


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup):
    """The server fuzzes a database of its own, migrated for it and dropped afterwards: emptying
    the test database of everything the fuzzer wrote took longer than one operation may take
    (MONGODB_TIMEOUT_MS) on the SQLite engine."""
    database = f"fuzz_{uuid.uuid4().hex[:12]}"
    env = {**SERVER_ENV, "DATABASE_NAME": database}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env},
        check=True,
    )
    try:
        with api_server(env=env, workers=2) as base:
            author = seed_book(register(base, prefix="fuzz"))
            structure = Author(author.http, author.email, author.user_id, author.access, "")
            structure = seed_book(structure, title="Structure", questions=False)
            world = World(base, author, structure.book_id)
            world.job_id = world.fresh_job()
            yield world
    finally:
        with MongoClient(django_settings.DATABASES["default"]["HOST"]) as client:
            client.drop_database(database)


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_world):
    config = schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}})
    return schemathesis.openapi.from_url(f"{fuzz_world.base}/api/v1/openapi.json", config=config)


def _real(value) -> bool:
    """Deterministically (from the generated value) pick a real id most of the time."""
    return zlib.crc32(repr(value).encode()) % 100 < REAL_ID_PERCENT


def aim(case, world: World) -> dict[str, str]:
    """Point the case's path parameters at real ids; return the headers to send."""
    author = world.author
    path = case.operation.path
    method = case.method.upper()
    params = case.path_parameters or {}
    token = author.access
    if not params:
        if method == "DELETE" and path.rstrip("/").endswith("/users/me"):
            token = register(world.base, prefix="doomed").access
        return {"Authorization": f"Bearer {token}"}
    if not _real(params):
        return {"Authorization": f"Bearer {token}"}

    chapter = ("ch1", "ch1-1", "ch2")[zlib.crc32(repr(params).encode()) % 3]
    book, question = author.book_id, author.question_ids[0]
    if "question_id" in params or "/questions" in path or "/revisions" in path:
        chapter = "ch1"  # the chapter with content (its revision 1)
    if "generate-questions" in path or "regenerate-questions" in path:
        chapter = "ch2"
    if path.rstrip("/").endswith("/toc") and method == "PUT":
        book = world.structure_book_id
    if "generate-toc" in path:
        book = world.structure_book_id
    if method == "DELETE" and "chapter_id" in params:
        book = world.structure_book_id
    if method == "DELETE" and path.rstrip("/").endswith("{book_id}"):
        book = world.fresh_book()
    if "user_id" in params:
        if method == "DELETE":
            doomed = register(world.base, prefix="doomed")
            params["user_id"], token = doomed.user_id, doomed.access
        else:
            params["user_id"] = author.user_id
    if "book_id" in params:
        params["book_id"] = book
    if "chapter_id" in params:
        params["chapter_id"] = chapter
    if "question_id" in params:
        params["question_id"] = question
    if "job_id" in params:
        params["job_id"] = world.fresh_job() if method == "DELETE" else world.job_id
    for name in ("revision", "other"):
        if name in params:
            params[name] = newest_revision(world, token, path)
    return {"Authorization": f"Bearer {token}"}


def newest_revision(world: World, token: str, path: str) -> int:
    """The newest revision of ch1's content (autosaves collapse: its number moves up with the
    fuzzed saves), or 1 for the summary's (its numbers never move)."""
    if "/chapters/" not in path:
        return 1
    base = f"/api/v1/books/{world.author.book_id}/chapters/ch1/revisions?limit=1"
    reply = Http(world.base, token).get(base)
    return reply.body[0]["number"] if reply.status == 200 and reply.body else 1


def fits_request_line(case) -> bool:
    """gunicorn refuses request lines over 4094 bytes with its own 414 HTML page before the
    application sees them; such URLs test gunicorn, not the API."""
    query = urllib.parse.urlencode(case.query or {}, doseq=True)
    return len(case.formatted_path) + 3 * len(query) < 3500


def run_operation(operation, world: World) -> None:
    """Positive and negative cases of one operation, each sent and checked."""
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ).filter(fits_request_line)

    @hypothesis.seed(zlib.crc32(f"{SEED}{operation.label}".encode()))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=PHASES,
        print_blob=True,
    )
    @given(case=strategy)
    def check(case):
        headers = aim(case, world)
        response = case.call(base_url=world.base, headers=headers, timeout=60)
        statuses.append(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    statuses: list[int] = []
    try:
        check()
    finally:
        STATUSES[operation.label] = statuses


def test_seeded_data_is_reachable(fuzz_world):
    """The fuzz run is only meaningful if the seeded ids answer 200 (not just 404s)."""
    world = fuzz_world
    http = Http(world.base, world.author.access)
    base = f"/api/v1/books/{world.author.book_id}"
    assert http.get(f"{base}/chapters/ch1/content").status == 200
    question = world.author.question_ids[0]
    reply = http.get(f"{base}/chapters/ch1/questions/{question}/response")
    assert reply.status == 200 and reply.body["has_response"] is True


def test_every_operation_conforms(fuzz_world, fuzz_schema, subtests):
    operations = [result.ok() for result in fuzz_schema.get_all_operations()]
    assert len(operations) >= 60, "the live document lost operations"
    for operation in operations:
        with subtests.test(operation.label):
            run_operation(operation, fuzz_world)
    if os.environ.get("FUZZ_REPORT") == "1":  # per-operation status codes (run with -s)
        for label, codes in STATUSES.items():
            print(label, dict(sorted(Counter(codes).items())))
    # Real ids must make the handlers work, not only answer 404: nearly every operation with a
    # path parameter has answered 2xx at least once.
    with_ids = [op.label for op in operations if "{" in op.path and op.label in STATUSES]
    never_ok = [label for label in with_ids if not any(200 <= c < 300 for c in STATUSES[label])]
    assert len(never_ok) <= len(with_ids) // 5, f"never answered 2xx: {never_ok}"
