"""MongoDB faults against real processes: a gunicorn server on a private embedded MongoDB (SQLite
engine, so data survives a restart) that the test stops, starts, pauses and resumes.

- stopped: the API answers 503 `database_unavailable` (health 503) within 10 s to anything that
  needs MongoDB (reads cached in Redis are still served); started again on the same port, the
  same gunicorn serves the same data again (no restart of the API);
- paused (SIGSTOP, the server accepts TCP connections but never answers): requests end within
  the configured socket/server-selection timeouts instead of hanging; after SIGCONT they succeed.
"""

import os
import signal
import subprocess
import sys
import time

import pytest

from autoauthor.embedded_mongo import EmbeddedMongo
from tests.reliability.support import Http, expect, register
from tests.servers import ROOT, api_server

pytestmark = pytest.mark.timeout(240)

DATABASE = "faults"
# The server runs with the production timeouts: MONGODB_TIMEOUT_MS (5 s) bounds a whole
# database operation, retries included, so a stalled server becomes a 503 after about 5 s.
# The bound for a fault to become an answer.
ANSWER_WITHIN = 10


@pytest.fixture(scope="module")
def mongo(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("faults-mongo")
    server = EmbeddedMongo(
        engine="sqlite", path=tmp_path / "mongo.sqlite", log_file=tmp_path / "mongo.log"
    )
    uri = server.start(timeout=60)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "MONGODB_URI": uri,
        "DATABASE_NAME": DATABASE,
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
    )
    yield server
    if server.pid is not None and server.alive():
        os.kill(server.pid, signal.SIGCONT)  # never leave a stopped process behind
    server.stop()


@pytest.fixture(scope="module")
def server(mongo):
    env = {"MONGODB_URI": mongo.uri, "DATABASE_NAME": DATABASE, "RATELIMIT_ENABLE": "false"}
    with api_server(env=env) as base:
        yield base


def seeded(base: str) -> tuple[Http, str]:
    author = register(base, prefix="fault")
    book = expect(author.http.post("/api/v1/books", {"title": "Survives outages"}), 201)
    return author.http, f"/api/v1/books/{book['id']}"


def assert_database_unavailable(reply) -> None:
    assert reply.status == 503, reply.raw[:300]
    assert reply.body["code"] == "database_unavailable"
    assert "Traceback" not in reply.raw.decode(errors="replace")
    assert reply.elapsed < ANSWER_WITHIN, reply.elapsed


def wait_until_ok(http: Http, path: str, timeout: float = 40):
    deadline = time.monotonic() + timeout
    while True:
        reply = http.get(path)
        if reply.status == 200 or time.monotonic() > deadline:
            return reply
        time.sleep(0.5)


def test_stopped_database_gives_503_and_recovers_without_restart(mongo, server):
    http, book = seeded(server)
    assert http.get(book).status == 200
    port = mongo.port

    mongo.stop()
    # A read Redis holds is still served; one that needs MongoDB is a 503.
    cached = http.get(book)
    assert cached.status == 200 and cached.body["title"] == "Survives outages"
    assert_database_unavailable(http.get(f"{book}/summary"))
    assert_database_unavailable(http.post("/api/v1/books", {"title": "Lost?"}))
    health = http.get("/api/v1/health")
    assert health.status == 503 and health.elapsed < ANSWER_WITHIN
    assert health.body["checks"]["mongodb"]["status"] == "unavailable"
    login = Http(server).post("/api/v1/auth/login", {"email": "x@example.com", "password": "p"})
    assert_database_unavailable(login)

    mongo.start(timeout=60)
    assert mongo.port == port
    reply = wait_until_ok(http, book)
    assert reply.status == 200, reply.raw[:300]
    assert reply.body["title"] == "Survives outages"  # data kept across the outage
    assert wait_until_ok(http, "/api/v1/health").status == 200
    assert http.post("/api/v1/books", {"title": "After"}).status == 201


def test_paused_database_times_out_instead_of_hanging(mongo, server):
    http, book = seeded(server)
    assert http.get(book).status == 200

    os.kill(mongo.pid, signal.SIGSTOP)
    try:
        assert http.get(book).status == 200  # held by Redis
        for reply in (
            http.get(f"{book}/summary"),
            http.post("/api/v1/books", {"title": "Paused"}),
        ):
            assert_database_unavailable(reply)
        health = http.get("/api/v1/health")
        assert health.status == 503 and health.elapsed < ANSWER_WITHIN
    finally:
        os.kill(mongo.pid, signal.SIGCONT)

    reply = wait_until_ok(http, book)
    assert reply.status == 200, reply.raw[:300]
    assert http.post("/api/v1/books", {"title": "Resumed"}).status == 201
    listed = expect(http.get("/api/v1/books"), 200)
    assert "Resumed" in {b["title"] for b in listed}
