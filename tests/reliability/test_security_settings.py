"""Security settings under production configuration (each in a fresh process, since settings are
read once from the environment), and secrets kept out of logs.

Login attempts limited per IP and per account: tests/accounts/test_auth.py
(test_login_is_rate_limited_per_email_and_per_ip).
"""

import json
import os
import subprocess
import sys
import uuid

import pytest

from tests.reliability.support import Http, expect
from tests.servers import ROOT, api_server

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "prod-7Qf2Lk9ZxW4mB1nV8cR6tY3uJ0hG5sD2aE9pO4iU7yT1rW3qX6zC",
    "ALLOWED_HOSTS": "api.example.com",
    "DJANGO_SETTINGS_MODULE": "autoauthor.settings",
}

# Requests through Django's test client in a process configured for production; prints JSON.
PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="api.example.com")
plain = client.get("/api/v1/")
proxied = client.get("/api/v1/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location"), plain.get("Strict-Transport-Security")],
    "proxied": [proxied.status_code, proxied.get("Strict-Transport-Security")],
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "debug": settings.DEBUG,
}))
"""

CHECK = r"""
import django
django.setup()
from django.core.management import call_command
call_command("check", "--deploy", "--fail-level", "WARNING")
print("CLEAN")
"""


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A clean environment: the test process carries the test settings' variables.
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "extra",
    [{}, {"BEHIND_PROXY": "true"}],
    ids=["direct", "behind-proxy"],
)
def test_check_deploy_is_clean_under_production_settings(extra):
    result = run_python(CHECK, {**PRODUCTION, **extra})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CLEAN" in result.stdout


def test_production_redirects_to_https_sets_hsts_and_secure_cookies():
    result = run_python(PROBE, PRODUCTION)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    status, location, _ = out["plain"]
    assert status == 301 and location == "https://api.example.com/api/v1/"
    # Without BEHIND_PROXY a forwarded header is not trusted: still redirected.
    assert out["proxied"][0] == 301
    assert out["session_cookie_secure"] and out["csrf_cookie_secure"]
    assert out["session_cookie_httponly"] and out["debug"] is False


def test_behind_a_proxy_forwarded_https_is_trusted_and_gets_hsts():
    result = run_python(PROBE, {**PRODUCTION, "BEHIND_PROXY": "true"})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["plain"][0] == 301  # plain http through the proxy is still redirected
    status, hsts = out["proxied"]
    assert status == 200
    assert hsts == "max-age=31536000; includeSubDomains; preload"


def test_ssl_redirect_and_hsts_are_configurable():
    env = {**PRODUCTION, "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "600"}
    result = run_python(PROBE, {**env, "BEHIND_PROXY": "true"})
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["plain"][0] == 200
    assert out["proxied"][1].startswith("max-age=600")


@pytest.mark.parametrize(
    "key",
    ["", "changeme", "short-key-0123456789-abcdefghijkl", "a" * 60, "django-insecure-" + "x1" * 30],
)
def test_production_refuses_a_weak_secret_key(key):
    # Defect fixed: keys of 32-49 characters (or one repeated character) were accepted although
    # Django's deploy check (security.W009) calls them insecure.
    result = run_python("import django; django.setup()", {**PRODUCTION, "SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db(transaction=True)
def test_passwords_and_tokens_never_reach_the_logs(tmp_path):
    """Everything the server logs at DEBUG (Django, the app, gunicorn's error and access logs)
    during register, login, refresh, an authenticated call, password change, a failed login and
    logout is scanned for the passwords and every token issued."""
    log = tmp_path / "server.log"
    password = f"First-{uuid.uuid4().hex}"
    new_password = f"Second-{uuid.uuid4().hex}"
    email = f"logs-{uuid.uuid4().hex[:8]}@example.com"
    args = ("--log-level", "debug", "--access-logfile", "-")
    env = {"LOG_LEVEL": "DEBUG", "RATELIMIT_ENABLE": "false"}
    secrets: list[str] = [password, new_password]
    with api_server(env=env, extra_args=args, output=log) as base:
        http = Http(base)
        registered = expect(
            http.post("/api/v1/auth/register", {"email": email, "password": password}), 201
        )
        secrets += [registered["access"], registered["refresh"]]
        login = expect(http.post("/api/v1/auth/login", {"email": email, "password": password}), 200)
        secrets += [login["access"], login["refresh"]]
        refreshed = expect(http.post("/api/v1/auth/refresh", {"refresh": login["refresh"]}), 200)
        secrets += [refreshed["access"], refreshed["refresh"]]
        http.token = refreshed["access"]
        expect(http.get("/api/v1/users/me"), 200)
        # A reused (revoked) refresh token and a wrong password are logged as failures.
        assert http.post("/api/v1/auth/refresh", {"refresh": login["refresh"]}).status == 401
        wrong = http.post("/api/v1/auth/login", {"email": email, "password": new_password})
        assert wrong.status == 401
        # The reuse voided the user's access tokens too: sign in again.
        again = expect(http.post("/api/v1/auth/login", {"email": email, "password": password}), 200)
        secrets += [again["access"], again["refresh"]]
        http.token = again["access"]
        change = {"current_password": password, "new_password": new_password}
        assert http.post("/api/v1/auth/password", change).status == 204
        relogin = http.post("/api/v1/auth/login", {"email": email, "password": new_password})
        relogged = expect(relogin, 200)
        secrets += [relogged["access"], relogged["refresh"]]
        assert http.post("/api/v1/auth/logout", {"refresh": relogged["refresh"]}).status == 204
        # Bad input echoed back in validation errors must not be logged either.
        assert (
            http.post("/api/v1/auth/register", {"email": "x", "password": password}).status == 422
        )
    text = log.read_text(errors="replace")
    assert "POST /api/v1/auth/login" in text, "the access log was not captured"
    assert "DEBUG" in text, "DEBUG logging was not captured"
    for secret in secrets:
        for piece in {secret, secret.split(".")[-1]}:  # a JWT, and its signature alone
            assert piece not in text, f"a secret ({piece[:12]}...) appears in the logs"
