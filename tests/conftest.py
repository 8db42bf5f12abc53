"""Test wiring: a real MongoDB-compatible server (embedded, on a free port, unless MONGODB_URI
names a real one) and a real Redis on its own database index.

The embedded server runs the engine `make run` serves, SQLite, in a fresh temporary file;
EMBEDDED_MONGO_ENGINE=memory runs the suite on the memory engine (.ci/run runs both)."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from autoauthor.embedded_mongo import EmbeddedMongo

_embedded: EmbeddedMongo | None = None
_embedded_dir: str | None = None


def pytest_configure(config):
    global _embedded, _embedded_dir
    from tests import mongo_commands

    mongo_commands.install()  # before any MongoClient exists (see tests/mongo_commands.py)
    if os.environ.get("MONGODB_URI"):
        uri = os.environ["MONGODB_URI"]
    else:
        engine = os.environ.get("EMBEDDED_MONGO_ENGINE", "sqlite")
        path = None
        if engine == "sqlite":
            # On tmpfs where there is one: the suite tests what the engine answers, not how
            # fast the disk syncs its commits.
            shm = (
                "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
            )
            _embedded_dir = tempfile.mkdtemp(prefix="autoauthor-test-mongo-", dir=shm)
            path = Path(_embedded_dir) / "mongo.sqlite"
        _embedded = EmbeddedMongo(engine=engine, path=path)
        uri = _embedded.start(timeout=120)
        os.environ["MONGODB_URI"] = uri  # for servers the tests start as subprocesses
    # Django opens connections lazily, so pointing the settings at the server here is in time.
    settings.DATABASES["default"]["HOST"] = uri
    settings.MONGODB_URI = uri
    from django.test import TransactionTestCase

    TransactionTestCase._fixture_teardown = _fixture_teardown


# Rows derived from the models alone: `migrate` creates them, and Django's flush after every test
# deletes them only for post_migrate to create the same rows again.
_DERIVED_COLLECTIONS = frozenset({"django_content_type", "auth_permission"})


def _fixture_teardown(self):
    """Django's end-of-test flush (this backend cannot roll a test back), without the round trip
    through post_migrate: every collection is emptied except content types and permissions,
    which stay exactly as `migrate` made them. The emitted post_migrate alone took 1-2 s per
    test (hundreds of permission and content-type reads and writes), more than most tests."""
    from django.db import connections

    for alias in self._databases_names(include_mirrors=False):
        connection = connections[alias]
        existing = set(connection.database.list_collection_names())
        for table in connection.introspection.django_table_names():
            if table in existing and table not in _DERIVED_COLLECTIONS:
                connection.database[table].delete_many({})


def pytest_unconfigure(config):
    if _embedded is not None:
        _embedded.stop()
    if _embedded_dir is not None:
        shutil.rmtree(_embedded_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def _clean_redis():
    """Each test starts with an empty test Redis database and fresh in-process counters."""
    from autoauthor.api.ratelimits import counter

    counter.memory.clear()
    counter._retry_at = 0.0
    from autoauthor import redis_cache

    redis_cache._retry_at = 0.0
    from django_redis import get_redis_connection

    try:
        get_redis_connection("ratelimit").flushdb()
    except Exception:  # Redis may be stopped on purpose by a fault test
        pass
    yield


@pytest.fixture
def private_redis(tmp_path, settings):
    """A Redis server of this test's own, used by the shared caches and rate limits, that the
    test can stop and start (errors are retried at once: RATELIMIT_REDIS_RETRY_SECONDS 0)."""
    from tests.servers import RedisServer

    server = RedisServer(tmp_path)
    server.start()
    caches = {**settings.CACHES}
    caches["ratelimit"] = {**caches["ratelimit"], "LOCATION": server.url}
    settings.CACHES = caches
    settings.RATELIMIT_REDIS_RETRY_SECONDS = 0
    yield server
    server.stop()


@pytest.fixture
def count_mongo_commands():
    """`with count_mongo_commands() as commands: ...`: the list of MongoDB command names sent by
    this thread inside the block (`len(commands)` is the count)."""
    from tests.mongo_commands import recording

    return recording


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_user(db):
    from tests.factories import UserFactory

    return UserFactory()


def bearer_client(user):
    """An APIClient that authenticates with a real access token issued for `user`."""
    from rest_framework.test import APIClient

    from accounts.services.tokens import token_pair_create

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_pair_create(user=user)['access']}")
    return client


@pytest.fixture
def api(user):
    """Client authenticated as `user`."""
    return bearer_client(user)


@pytest.fixture
def other_api(other_user):
    """Client authenticated as `other_user`."""
    return bearer_client(other_user)


@pytest.fixture
def anon():
    from rest_framework.test import APIClient

    return APIClient()
