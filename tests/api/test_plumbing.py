"""Cross-cutting API behaviour: error shapes, request ids, security headers, slashes, health."""

import pytest
from django.urls import reverse


def test_welcome_at_root_and_prefix(anon):
    for url in ("/", "/api/v1/", "/api/v1"):
        response = anon.get(url)
        assert response.status_code == 200, url
        assert response.json() == {"message": "Welcome to the Auto Author API!"}


@pytest.mark.django_db
def test_health_reports_mongodb_and_redis(anon):
    response = anon.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["checks"]["mongodb"]["status"] == "ok"
    assert isinstance(body["checks"]["mongodb"]["latency_ms"], float | int)
    assert body["checks"]["redis"] == {"status": "ok"}


@pytest.mark.django_db
def test_routes_answer_with_and_without_trailing_slash(anon):
    for url in ("/api/v1/health", "/api/v1/health/"):
        assert anon.get(url).status_code == 200, url


def test_request_id_generated_and_echoed(anon):
    generated = anon.get("/api/v1/")
    assert len(generated["X-Request-ID"]) >= 16
    echoed = anon.get("/api/v1/", HTTP_X_REQUEST_ID="req-abc-123")
    assert echoed["X-Request-ID"] == "req-abc-123"
    hostile = anon.get("/api/v1/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert hostile["X-Request-ID"] != "bad id\nwith newline"


def test_security_headers_on_every_response(anon):
    for response in (anon.get("/api/v1/"), anon.get("/api/v1/nope")):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_unknown_route_is_json_404(anon):
    response = anon.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path", ["/api/v1/does-not-exist", "/api/v1/books/nope/nothing/", "/api/v2/books", "/api/"]
)
def test_unknown_api_route_is_json_404_with_debug_on(anon, settings, method, path):
    # With DEBUG on, Django answers an unresolved URL with its HTML page listing every pattern.
    settings.DEBUG = True
    response = getattr(anon, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
def test_malformed_json_is_400_parse_error(anon):
    response = anon.post(reverse("auth-login"), data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.django_db
def test_validation_error_shape(anon):
    response = anon.post(reverse("auth-login"), {"email": "not-an-email"}, format="json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Validation error"
    assert body["code"] == "validation_error"
    fields = {error["field"] for error in body["errors"]}
    assert fields == {"email", "password"}
    assert all(set(error) == {"field", "message", "code"} for error in body["errors"])


def test_unauthenticated_is_401_with_error_shape(anon):
    response = anon.get(reverse("user-me"))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "detail" in response.json()


def test_openapi_document_and_docs_pages(anon):
    schema = anon.get(reverse("openapi"))
    assert schema.status_code == 200
    assert (
        "/api/v1/health" in schema.json()["paths"]
        if schema["Content-Type"].startswith("application/json")
        else b"/api/v1/health" in schema.content
    )
    docs = anon.get("/docs")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert anon.get("/redoc").status_code == 200
