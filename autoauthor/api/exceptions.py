"""The one exception handler: every error leaves the API as `{"detail", "code", ...}`.

Validation errors are 422 with a flat `errors` list; malformed JSON is 400 `parse_error`; a
database that cannot be reached is 503 `database_unavailable`; anything unexpected is a 500 that
never echoes exception text.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from pymongo.errors import (
    AutoReconnect,
    ConnectionFailure,
    ExecutionTimeout,
    NetworkTimeout,
    ServerSelectionTimeoutError,
    WaitQueueTimeoutError,
)
from rest_framework import exceptions as drf
from rest_framework.response import Response

from autoauthor.api.errors import DomainError, RateLimited

logger = logging.getLogger("autoauthor.api")

DATABASE_UNAVAILABLE = {
    "detail": "The database is temporarily unavailable. Please try again shortly.",
    "code": "database_unavailable",
}
SERVER_ERROR = {"detail": "An unexpected error occurred", "code": "server_error"}
_DB_DOWN_ERRORS = (
    ExecutionTimeout,
    ServerSelectionTimeoutError,
    WaitQueueTimeoutError,
    NetworkTimeout,
    AutoReconnect,
    ConnectionFailure,
)


def is_database_unavailable(exc: BaseException) -> bool:
    """True when `exc` (or an error it wraps) means MongoDB could not be reached in time."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, _DB_DOWN_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def flatten_errors(detail, prefix: str = "") -> list[dict[str, str]]:
    """Turn DRF's nested error dict/list into `[{"field", "message", "code"}]`."""
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            out.extend(
                flatten_errors(value, f"{prefix}.{name}" if prefix and name else prefix or name)
            )
    elif isinstance(detail, list):
        if all(isinstance(item, drf.ErrorDetail | str) for item in detail):
            for item in detail:
                out.append(
                    {
                        "field": prefix,
                        "message": str(item),
                        "code": getattr(item, "code", "invalid"),
                    }
                )
        else:
            for index, item in enumerate(detail):
                out.extend(flatten_errors(item, f"{prefix}[{index}]" if prefix else f"[{index}]"))
    else:
        out.append(
            {"field": prefix, "message": str(detail), "code": getattr(detail, "code", "invalid")}
        )
    return out


def _message(detail) -> str:
    """The human message of a DRF error detail. simplejwt raises AuthenticationFailed with a dict
    ({"detail", "code", "messages"}) whose str() would be a Python repr."""
    if isinstance(detail, dict):
        detail = detail.get("detail") or next(iter(detail.values()), "")
    if isinstance(detail, list):
        detail = detail[0] if detail else ""
    return detail if isinstance(detail, str) else _message(detail)


def _code(exc: drf.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, dict):
        codes = codes.get("code") or codes.get("detail")
    return codes if isinstance(codes, str) else exc.default_code


def error_body(exc: BaseException) -> tuple[int, dict, dict[str, str]]:
    """Map any exception to (status, body, headers)."""
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.wait)
    elif isinstance(exc, DomainError) and getattr(exc, "retry_after", None) is not None:
        headers["Retry-After"] = str(exc.retry_after)  # AI errors (autoauthor.ai.errors)
    if isinstance(exc, DomainError):
        body = {"detail": exc.detail, "code": exc.code, **exc.extra}
        if getattr(exc, "errors", None):
            body["errors"] = exc.errors
        return exc.status_code, body, headers
    if isinstance(exc, drf.ValidationError):
        return (
            422,
            {
                "detail": "Validation error",
                "code": "validation_error",
                "errors": flatten_errors(exc.detail),
            },
            headers,
        )
    if isinstance(exc, drf.ParseError):
        return (
            400,
            {"detail": f"Malformed request body: {exc.detail}", "code": "parse_error"},
            headers,
        )
    if isinstance(exc, drf.Throttled):
        wait = int(exc.wait or 1)
        headers["Retry-After"] = str(wait)
        return (
            429,
            {
                "detail": f"Rate limit exceeded. Try again in {wait} seconds.",
                "code": "rate_limited",
            },
            headers,
        )
    if isinstance(exc, drf.APIException):
        return exc.status_code, {"detail": _message(exc.detail), "code": _code(exc)}, headers
    if isinstance(exc, Http404):
        return 404, {"detail": "Not found.", "code": "not_found"}, headers
    if isinstance(exc, DjangoPermissionDenied):
        return 403, {"detail": "You do not have permission.", "code": "permission_denied"}, headers
    if isinstance(exc, RequestDataTooBig):
        return 413, {"detail": "Request body too large.", "code": "request_too_large"}, headers
    if isinstance(exc, SuspiciousOperation):
        # A disallowed Host header, a path escaping a storage root, ...: the request's fault.
        # Logged on the django.security loggers like Django does, never described to the client.
        logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
        return 400, {"detail": "Bad request.", "code": "bad_request"}, headers
    if isinstance(exc, OverflowError) and "8-byte ints" in str(exc):
        # bson refuses an integer beyond 64 bits that input validation let through (e.g. from a
        # form field): the client's value, not a server fault.
        return (
            422,
            {
                "detail": "Validation error",
                "code": "validation_error",
                "errors": [
                    {"field": "", "message": "A number is too large to store.", "code": "max_value"}
                ],
            },
            headers,
        )
    if is_database_unavailable(exc):
        logger.warning("Database unavailable: %s", exc)
        return 503, dict(DATABASE_UNAVAILABLE), headers
    logger.exception("Unhandled error", exc_info=exc)
    return 500, dict(SERVER_ERROR), headers


def exception_handler(exc, context):
    """DRF EXCEPTION_HANDLER."""
    status, body, headers = error_body(exc)
    response = Response(body, status=status, headers=headers)
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        request = context.get("request")
        view = context.get("view")
        if request is not None and view is not None:
            auth_header = view.get_authenticate_header(request)
            if auth_header:
                response["WWW-Authenticate"] = auth_header
            response.status_code = 401
    return response


def json_error_response(exc: BaseException) -> JsonResponse:
    """The same mapping for errors raised outside DRF views (middleware, plain Django views)."""
    status, body, headers = error_body(exc)
    response = JsonResponse(body, status=status)
    for key, value in headers.items():
        response[key] = value
    return response


def handler404(request, exception=None):
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


def handler500(request):
    return JsonResponse(SERVER_ERROR, status=500)


def handler400(request, exception=None):
    # Django reports a body above DATA_UPLOAD_MAX_MEMORY_SIZE read outside DRF (admin forms, plain
    # views) as a SuspiciousOperation: it is still 413 `request_too_large`, as in DRF views.
    if isinstance(exception, RequestDataTooBig):
        return json_error_response(exception)
    return JsonResponse({"detail": "Bad request.", "code": "bad_request"}, status=400)


def handler403(request, exception=None):
    return JsonResponse({"detail": "Forbidden.", "code": "permission_denied"}, status=403)
