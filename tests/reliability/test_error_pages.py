"""Error answers are the API's JSON whatever DEBUG says, and never show the technical page.

Served by gunicorn with DEBUG on, as `make run` serves: Django's debug pages show the traceback,
file paths, every URL pattern and settings such as MONGODB_URI and REDIS_URL to whoever asks.
"""

import pytest

from tests.reliability.support import Http, expect
from tests.servers import api_server

pytestmark = pytest.mark.django_db(transaction=True)

LEAKS = ("Traceback", "MONGODB_URI", "REDIS_URL", "autoauthor/settings", "urlpatterns", "<html")


@pytest.fixture(scope="module")
def debug_server(django_db_blocker):
    with django_db_blocker.unblock(), api_server(env={"DEBUG": "true"}) as base:
        yield Http(base)


def assert_json_error(reply, status, code):
    assert reply.status == status, reply.raw[:300]
    assert reply.headers["Content-Type"] == "application/json"
    assert reply.body == {"detail": reply.body["detail"], "code": code}
    assert not any(leak in reply.raw.decode(errors="replace") for leak in LEAKS)


def test_disallowed_host_is_json_400(debug_server):
    reply = debug_server.get("/api/v1/", headers={"Host": "evil.example"})
    assert_json_error(reply, 400, "bad_request")
    assert reply.headers["X-Request-ID"]


def test_path_escaping_the_media_root_is_json_400(debug_server):
    reply = debug_server.get("/media/..%2f..%2fautoauthor%2fsettings%2fbase.py")
    assert_json_error(reply, 400, "bad_request")


@pytest.mark.parametrize("path", ["/nope", "/media/missing.png", "/api/v1/nope", "/static/x.js"])
def test_unknown_paths_are_json_404(debug_server, path):
    assert_json_error(debug_server.get(path), 404, "not_found")


def test_an_invalid_token_is_a_plain_message(debug_server):
    # simplejwt's error detail is a dict; its str() was a Python repr of ErrorDetail objects.
    reply = debug_server.get("/api/v1/users/me", token="not-a-token")
    body = expect(reply, 401)
    assert body["code"] == "token_not_valid"
    assert "ErrorDetail" not in body["detail"] and "{" not in body["detail"], body
