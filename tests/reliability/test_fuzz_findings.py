"""Regression tests of the defects the schema fuzzer (tests/fuzz) found, one per finding."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_openapi_json_is_json_whatever_the_accept_header(anon):
    # Finding: /api/v1/openapi.json answered YAML unless the client asked for JSON.
    for accept in ("*/*", "application/json", "text/html,application/xhtml+xml,*/*;q=0.8"):
        response = anon.get(reverse("openapi"), HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/")
        assert "json" in response["Content-Type"]
        assert "/api/v1/health/" in response.json()["paths"]
