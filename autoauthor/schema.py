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
    429: "Rate limit or concurrency cap exceeded (see Retry-After)",
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


# Errors that apply to every operation with a request body whatever its view does: the one
# exception handler answers 400 `parse_error` for a body that is not valid JSON (or not UTF-8),
# and 413 `request_too_large` for a body above DATA_UPLOAD_MAX_MEMORY_SIZE.
BODY_ERRORS = {"400": _DESCRIPTIONS[400], "413": _DESCRIPTIONS[413]}


def document_body_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the 400 and 413 error responses (the one error
    body) to every operation that takes a request body, unless the view documented them."""
    error_ref = {"$ref": "#/components/schemas/Error"}
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in BODY_ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "content": {"application/json": {"schema": error_ref}},
                        "description": description,
                    },
                )
            operation["responses"] = dict(sorted(responses.items()))
    return result
