"""A MongoDB that cannot be reached gives 503 answers within the server-selection timeout."""

import json
import time
import urllib.error
import urllib.request

from tests.servers import api_server, free_port


def call(url: str, body: dict | None = None) -> tuple[int, dict, float]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, payload = response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        status, payload = error.code, json.loads(error.read())
    return status, payload, time.monotonic() - started


def test_closed_database_port_gives_503_quickly():
    closed = f"mongodb://127.0.0.1:{free_port()}/?directConnection=true"
    with api_server(env={"MONGODB_URI": closed, "DATABASE_NAME": "unreachable"}) as base:
        status, body, elapsed = call(f"{base}/api/v1/health")
        assert status == 503
        assert body["status"] == "unhealthy"
        assert body["checks"]["mongodb"]["status"] == "unavailable"
        assert elapsed < 10

        status, body, elapsed = call(
            f"{base}/api/v1/auth/login", {"email": "a@example.com", "password": "whatever-pass"}
        )
        assert status == 503
        assert body["code"] == "database_unavailable"
        assert "Traceback" not in json.dumps(body)
        assert elapsed < 10
