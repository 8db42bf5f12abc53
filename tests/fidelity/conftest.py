"""Fixtures of the MongoDB fidelity suite: a pymongo client on the session's server and a fresh,
uniquely named database per test (dropped afterwards).

ORM rows are written with `bulk_create` and queryset `update()`, which send no model signals (no
cache invalidation, no audit rows): what is checked is MongoDB's behaviour, not the project's.
"""

import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.database import Database


@pytest.fixture(scope="session")
def mongo_client() -> Iterator[MongoClient]:
    """A pymongo client (default options) on the server tests/conftest.py started or named."""
    client = MongoClient(settings.MONGODB_URI, serverSelectionTimeoutMS=10_000)
    yield client
    client.close()


@pytest.fixture
def mongo_db(mongo_client: MongoClient) -> Iterator[Database]:
    """A database of this test's own, dropped when the test ends."""
    name = f"fidelity_{uuid.uuid4().hex[:12]}"
    yield mongo_client[name]
    mongo_client.drop_database(name)


@pytest.fixture
def coll(mongo_db: Database) -> Collection:
    """An empty collection with a unique name in the test's own database."""
    return mongo_db[f"c_{uuid.uuid4().hex[:8]}"]
