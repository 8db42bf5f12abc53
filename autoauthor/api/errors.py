"""Domain errors raised by services. Each carries an HTTP status and a machine-readable code;
`autoauthor.api.exceptions.exception_handler` is the one place that renders them."""

from typing import Any


class DomainError(Exception):
    status_code = 400
    code = "bad_request"
    default_detail = "Bad request"

    def __init__(self, detail: str | None = None, *, code: str | None = None, **extra: Any):
        self.detail = detail or self.default_detail
        if code:
            self.code = code
        self.extra = extra
        super().__init__(self.detail)


class Invalid(DomainError):
    """The request is well-formed but breaks a business rule (400)."""


class Unauthorized(DomainError):
    status_code = 401
    code = "not_authenticated"
    default_detail = "Authentication credentials were not provided or are invalid."


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"
    default_detail = "You do not have permission to perform this action."


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_detail = "Not found."


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_detail = "The resource was modified by another request."


class ValidationFailed(DomainError):
    """Field-level validation failure raised by a service (422, same shape as serializer errors).
    Its `detail` is the message itself, a sentence the frontend can show as it is."""

    status_code = 422
    code = "validation_error"
    default_detail = "Validation error"

    def __init__(self, field: str, message: str, *, code: str = "invalid"):
        super().__init__(message or self.default_detail)
        self.errors = [{"field": field, "message": message, "code": code}]


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "service_unavailable"
    default_detail = "The service is temporarily unavailable."


class GatewayTimeout(DomainError):
    status_code = 504
    code = "timeout"
    default_detail = "The operation took too long."


class RateLimited(DomainError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, wait: int):
        self.wait = max(1, int(wait))
        super().__init__(f"Rate limit exceeded. Try again in {self.wait} seconds.")


class TooManyConcurrent(DomainError):
    """A concurrency cap is full (autoauthor.api.concurrency): 429 with Retry-After `wait`."""

    status_code = 429
    code = "too_many_concurrent"

    def __init__(self, detail: str, *, wait: int):
        self.retry_after = max(1, int(wait))
        super().__init__(detail)
