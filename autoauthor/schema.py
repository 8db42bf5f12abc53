"""OpenAPI helpers: the one error body, documented once and reused by every endpoint."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class FieldError(serializers.Serializer):
    field = serializers.CharField()
    message = serializers.CharField()
    code = serializers.CharField()


class Error(serializers.Serializer):
    """The one error body of the API."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = FieldError(many=True, required=False)
    current_version = serializers.IntegerField(required=False)
    retryable = serializers.BooleanField(required=False)
    retry_after = serializers.IntegerField(required=False, allow_null=True)
    correlation_id = serializers.CharField(required=False)


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    413: "Request body too large",
    422: "Validation error",
    429: "Rate limit exceeded",
    502: "Upstream returned an unusable answer",
    503: "Service unavailable",
    504: "Timed out",
}


def ERRORS(*codes: int) -> dict[int, OpenApiResponse]:  # noqa: N802 - reads like a constant
    """`responses={200: Out, **ERRORS(401, 404)}`; 500 and 503 (database down) always apply."""
    return {
        code: OpenApiResponse(Error, description=_DESCRIPTIONS.get(code, "Error"))
        for code in sorted({*codes, 500, 503})
    }


class JWTScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.JWTAuthentication"


class CookieSessionScheme(SessionScheme):
    target_class = "accounts.authentication.SessionAuthentication"
