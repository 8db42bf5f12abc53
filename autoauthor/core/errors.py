"""Domain errors raised by services and selectors.

Each carries a machine-readable `code`, a human `detail` and a `kind` (what went wrong, in domain
terms). None knows about HTTP: `autoauthor.api.exceptions` maps each kind to its status, once.
A subclass picks its kind by inheriting from the class named for it (`class ExportExpired(Gone)`)
or by setting `kind`.
"""

from typing import Any

# What an unexpected failure is reported as: never the exception's own text.
SERVER_ERROR = {"detail": "An unexpected error occurred", "code": "server_error"}


class DomainError(Exception):
    kind = "invalid"
    code = "bad_request"
    default_detail = "Bad request"

    def __init__(self, detail: str | None = None, *, code: str | None = None, **extra: Any):
        self.detail = detail or self.default_detail
        if code:
            self.code = code
        self.extra = extra
        super().__init__(self.detail)

    def body(self) -> dict:
        """The error body: detail, code, the extra fields, and field `errors` when any."""
        body = {"detail": self.detail, "code": self.code, **self.extra}
        if getattr(self, "errors", None):
            body["errors"] = self.errors
        return body


class Invalid(DomainError):
    """The request is well-formed but breaks a business rule."""


class Unauthorized(DomainError):
    """The caller is not signed in, or its credentials are not valid."""

    kind = "unauthenticated"
    code = "not_authenticated"
    default_detail = "Authentication credentials were not provided or are invalid."


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    kind = "forbidden"
    code = "forbidden"
    default_detail = "You do not have permission to perform this action."


class NotFound(DomainError):
    kind = "not_found"
    code = "not_found"
    default_detail = "Not found."


class Conflict(DomainError):
    """The resource changed under the caller, or is in a state that refuses the operation."""

    kind = "conflict"
    code = "conflict"
    default_detail = "The resource was modified by another request."


class Gone(DomainError):
    """The resource existed and was removed for good (an expired export file)."""

    kind = "gone"
    code = "gone"
    default_detail = "This resource is no longer available."


class TooLarge(DomainError):
    """The input is larger than the operation accepts."""

    kind = "too_large"
    code = "too_large"
    default_detail = "The input is too large."


class ValidationFailed(DomainError):
    """Field-level validation failure raised by a service (same shape as serializer errors).
    Its `detail` is the message itself, a sentence the frontend can show as it is."""

    kind = "validation"
    code = "validation_error"
    default_detail = "Validation error"

    def __init__(self, field: str, message: str, *, code: str = "invalid"):
        super().__init__(message or self.default_detail)
        self.errors = [{"field": field, "message": message, "code": code}]


class PaymentRequired(DomainError):
    """The caller's plan does not include the feature: an upgrade, not a retry, would allow it."""

    kind = "payment_required"
    code = "entitlement_required"
    default_detail = "Your plan does not include this feature."


class Failed(DomainError):
    """The operation failed on our side (the cause is logged, never echoed)."""

    kind = "failed"
    code = "failed"
    default_detail = "The operation failed."


class ServiceUnavailable(DomainError):
    """A service the operation needs cannot be used now; retrying later may succeed."""

    kind = "unavailable"
    code = "service_unavailable"
    default_detail = "The service is temporarily unavailable."


class UpstreamInvalid(DomainError):
    """A service the operation called answered with something unusable."""

    kind = "upstream_invalid"
    code = "upstream_invalid"
    default_detail = "A service returned an unusable answer."


class GatewayTimeout(DomainError):
    kind = "timeout"
    code = "timeout"
    default_detail = "The operation took too long."


class RateLimited(DomainError):
    """Too many requests in a window; `retry_after` is the wait in whole seconds."""

    kind = "rate_limited"
    code = "rate_limited"

    def __init__(self, wait: int):
        self.retry_after = max(1, int(wait))
        super().__init__(f"Rate limit exceeded. Try again in {self.retry_after} seconds.")


class TooManyConcurrent(DomainError):
    """A concurrency cap is full (autoauthor.api.concurrency); `retry_after` is the advised wait."""

    kind = "rate_limited"
    code = "too_many_concurrent"

    def __init__(self, detail: str, *, wait: int):
        self.retry_after = max(1, int(wait))
        super().__init__(detail)


class QuotaExceeded(DomainError):
    """A usage quota of the caller is used up until its window resets, `retry_after` seconds
    from now (also in the body: the wait is hours, not seconds). `usage` is what the quota's
    headers report."""

    kind = "rate_limited"
    code = "quota_exceeded"

    def __init__(self, detail: str, *, wait: int, code: str | None = None, usage=None):
        self.retry_after = max(1, int(wait))
        self.usage = usage
        super().__init__(detail, code=code, retry_after=self.retry_after)
