"""The one exception handler: every error leaves the API as `{"detail", "code", ...}`.

Validation errors are 422 with a flat `errors` list; malformed JSON is 400 `parse_error`; a
database that cannot be reached is 503 `database_unavailable`; anything unexpected is a 500 that
never echoes exception text.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

from autoauthor.core.database import is_database_unavailable
from autoauthor.core.errors import SERVER_ERROR, DomainError, RateLimited

logger = logging.getLogger("autoauthor.api")

DATABASE_UNAVAILABLE = {
    "detail": "The database is temporarily unavailable. Please try again shortly.",
    "code": "database_unavailable",
}
# The attribute of the DRF request where a refusing throttle leaves its domain error.
THROTTLE_REFUSAL = "throttle_refusal"

# The HTTP status of each kind of domain error (autoauthor.core.errors): the only place a
# domain error meets HTTP.
STATUS_OF_KIND = {
    "invalid": 400,
    "unauthenticated": 401,
    "payment_required": 402,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "gone": 410,
    "too_large": 413,
    "validation": 422,
    "rate_limited": 429,
    "failed": 500,
    "upstream_invalid": 502,
    "unavailable": 503,
    "timeout": 504,
}


def status_of(error: DomainError) -> int:
    """The HTTP status a domain error is answered with."""
    return STATUS_OF_KIND[error.kind]


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


# Errors from outside DRF and the domain with a fixed answer: (class, status, body).
_FIXED = (
    (Http404, 404, {"detail": "Not found.", "code": "not_found"}),
    (
        DjangoPermissionDenied,
        403,
        {"detail": "You do not have permission.", "code": "permission_denied"},
    ),
    (RequestDataTooBig, 413, {"detail": "Request body too large.", "code": "request_too_large"}),
)
TOO_LARGE_NUMBER = {
    "detail": "Validation error",
    "code": "validation_error",
    "errors": [{"field": "", "message": "A number is too large to store.", "code": "max_value"}],
}


def error_body(exc: BaseException) -> tuple[int, dict, dict[str, str]]:
    """Map any exception to (status, body, headers)."""
    if isinstance(exc, drf.Throttled):
        # Only the throttles of autoauthor.api.ratelimits run, and exception_handler puts the
        # refusal they recorded in place of DRF's Throttled; this is a rate limit of unknown origin.
        exc = RateLimited(int(exc.wait or 1))
    if isinstance(exc, DomainError):
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        return status_of(exc), exc.body(), headers
    if isinstance(exc, drf.ValidationError):
        errors = flatten_errors(exc.detail)
        return 422, {"detail": "Validation error", "code": "validation_error", "errors": errors}, {}
    if isinstance(exc, drf.ParseError):
        return 400, {"detail": f"Malformed request body: {exc.detail}", "code": "parse_error"}, {}
    if isinstance(exc, drf.APIException):
        return exc.status_code, {"detail": _message(exc.detail), "code": _code(exc)}, {}
    for error_class, status, body in _FIXED:
        if isinstance(exc, error_class):
            return status, dict(body), {}
    if isinstance(exc, SuspiciousOperation):
        # A disallowed Host header, a path escaping a storage root, ...: the request's fault.
        # Logged on the django.security loggers like Django does, never described to the client.
        logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
        return 400, {"detail": "Bad request.", "code": "bad_request"}, {}
    if isinstance(exc, OverflowError) and "8-byte ints" in str(exc):
        # bson refuses an integer beyond 64 bits that input validation let through (e.g. from a
        # form field): the client's value, not a server fault.
        return 422, dict(TOO_LARGE_NUMBER), {}
    if is_database_unavailable(exc):
        logger.warning("Database unavailable: %s", exc)
        return 503, dict(DATABASE_UNAVAILABLE), {}
    logger.exception("Unhandled error", exc_info=exc)
    return 500, dict(SERVER_ERROR), {}


def exception_handler(exc, context):
    """DRF EXCEPTION_HANDLER."""
    if isinstance(exc, drf.Throttled):
        # The throttle that refused recorded why (autoauthor.api.ratelimits.ScopedThrottle).
        exc = getattr(context.get("request"), THROTTLE_REFUSAL, None) or exc
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
