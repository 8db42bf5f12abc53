"""Embedded servers for the shim tests: one with every shim, and one without each shim."""

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pymongo import MongoClient

from autoauthor.embedded_mongo import SHIMS, EmbeddedMongo

# Generous: each server spends ~2 s of CPU importing mongoeco, far more on a loaded machine.
START_TIMEOUT = 120


PROJECT_ROOT = Path(__file__).resolve().parents[2]


def probe(code: str, *args: str) -> dict:
    """Run `code` in a fresh interpreter (``sys.argv[1:]`` = `args`) and parse the JSON object
    its last output line prints: for shims that change the server process itself."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def started(server: EmbeddedMongo) -> EmbeddedMongo:
    """``server``, started with START_TIMEOUT (``with started(...)`` then stops it)."""
    server.start(timeout=START_TIMEOUT)
    return server


def connect(server: EmbeddedMongo) -> MongoClient:
    """A pymongo client for ``server`` that fails fast when the server is not there."""
    return MongoClient(server.uri, serverSelectionTimeoutMS=10_000, socketTimeoutMS=60_000)


@pytest.fixture(scope="module")
def memory_servers() -> Iterator[dict[str | None, EmbeddedMongo]]:
    """Memory-engine servers keyed by the one shim they run without (None: every shim).

    Started in parallel: each child spends about two seconds importing mongoeco.
    """
    servers: dict[str | None, EmbeddedMongo] = {None: EmbeddedMongo()}
    servers.update({shim: EmbeddedMongo(disabled_shims=[shim]) for shim in SHIMS})
    try:
        with ThreadPoolExecutor(len(servers)) as pool:
            for future in [pool.submit(server.start, START_TIMEOUT) for server in servers.values()]:
                future.result()
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture(scope="module")
def client(memory_servers: dict[str | None, EmbeddedMongo]) -> Iterator[MongoClient]:
    """Client of the server with every shim applied."""
    with connect(memory_servers[None]) as mongo_client:
        yield mongo_client


@pytest.fixture(scope="module")
def client_without(
    memory_servers: dict[str | None, EmbeddedMongo],
) -> Iterator[Callable[[str], MongoClient]]:
    """``client_without("buildinfo")``: client of the server started without that shim."""
    clients: dict[str, MongoClient] = {}

    def get(shim: str) -> MongoClient:
        if shim not in clients:
            clients[shim] = connect(memory_servers[shim])
        return clients[shim]

    yield get
    for mongo_client in clients.values():
        mongo_client.close()
