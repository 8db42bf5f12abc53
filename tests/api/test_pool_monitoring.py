"""pymongo pool events are logged at the documented levels, and a checkout that waits longer than
waitQueueTimeoutMS fails fast instead of hanging."""

import logging
import threading

import pytest
from django.conf import settings
from pymongo import MongoClient
from pymongo.errors import WaitQueueTimeoutError

from autoauthor.mongo_monitoring import pool_stats


def messages(caplog, level):
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "autoauthor.mongo.pool" and r.levelno == level
    ]


def test_pool_lifecycle_and_checkout_failure_are_logged(caplog):
    caplog.set_level(logging.DEBUG, logger="autoauthor.mongo.pool")
    client = MongoClient(
        settings.DATABASES["default"]["HOST"], maxPoolSize=1, waitQueueTimeoutMS=200
    )
    failures_before = pool_stats.snapshot()["checkout_failures"]
    try:
        client.admin.command("ping")
        assert any("pool created" in m for m in messages(caplog, logging.INFO))
        assert any("connection" in m and "created" in m for m in messages(caplog, logging.INFO))
        assert any("checked out" in m for m in messages(caplog, logging.DEBUG))
        assert any("checked in" in m for m in messages(caplog, logging.DEBUG))

        # Hold the pool's only connection from another thread so the next checkout must wait.
        held = threading.Event()
        release = threading.Event()
        server = client._get_topology().select_server(lambda selection: selection, "test")

        def hog():
            with server.pool.checkout():
                held.set()
                release.wait(5)

        thread = threading.Thread(target=hog)
        thread.start()
        assert held.wait(5)
        with pytest.raises(WaitQueueTimeoutError):
            client.admin.command("ping")
        release.set()
        thread.join()
        assert any("checkout failed" in m for m in messages(caplog, logging.WARNING))
        assert pool_stats.snapshot()["checkout_failures"] == failures_before + 1
    finally:
        client.close()
    assert any("pool closed" in m for m in messages(caplog, logging.INFO))


@pytest.mark.django_db
def test_pool_never_exceeds_max_pool_size_under_500_concurrent_operations():
    from bench.pool_load import run_load

    client = MongoClient(settings.DATABASES["default"]["HOST"], maxPoolSize=10)
    try:
        result = run_load(client, operations=500, concurrency=100, database="pool_load_test")
    finally:
        client.close()
    assert result["completed"] == 500
    assert result["checkout_failures"] == 0
    assert 1 < result["max_checked_out"] <= 10
    assert result["max_open_connections"] <= 10
