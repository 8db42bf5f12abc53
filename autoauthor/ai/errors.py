"""Classified AI errors.

Every failure of an AI call leaves the provider layer as one of these. They are domain errors, so
the one exception handler renders them as `{"detail", "code", "retryable", "retry_after",
"correlation_id"}` with the status of the class's kind (rate limit 429 with a Retry-After header,
unavailable/network/timeout 503, invalid request 400, unusable answer 502). The correlation id is
also logged with the upstream cause, so a user's report can be matched to the server log.
"""

import math
import uuid

from autoauthor.core.errors import DomainError


class AIError(DomainError):
    """Base class: an AI feature could not produce an answer."""

    kind = "unavailable"
    code = "ai_service_unavailable"
    default_detail = "The AI service is temporarily unavailable. Please try again."
    retryable = True
    default_retry_after: int | None = None

    def __init__(
        self,
        detail: str | None = None,
        *,
        retry_after: float | None = None,
        retryable: bool | None = None,
        correlation_id: str | None = None,
    ):
        if retryable is not None:
            self.retryable = retryable
        if retry_after is None:
            retry_after = self.default_retry_after
        self.retry_after = None if retry_after is None else max(1, math.ceil(retry_after))
        self.correlation_id = correlation_id or str(uuid.uuid4())
        super().__init__(
            detail,
            retryable=self.retryable,
            retry_after=self.retry_after,
            correlation_id=self.correlation_id,
        )

    def set_retry_after(self, seconds: float | None) -> None:
        """Replace the advised wait (whole seconds, at least 1; None = no advice)."""
        self.retry_after = None if seconds is None else max(1, math.ceil(seconds))
        self.extra["retry_after"] = self.retry_after


class AIRateLimit(AIError):
    """The AI provider throttled us (429, Retry-After from upstream when it sent one)."""

    kind = "rate_limited"
    code = "ai_rate_limit"
    default_detail = "The AI service rate limit was exceeded. Please try again later."
    default_retry_after = 60


class AIServiceUnavailable(AIError):
    """The provider answered with a server error, or is not usable (503)."""

    kind = "unavailable"
    code = "ai_service_unavailable"
    default_detail = "The AI service is temporarily unavailable. Please try again."
    default_retry_after = 30


class AINetworkError(AIError):
    """The provider could not be reached or did not answer in time (503)."""

    kind = "unavailable"
    code = "ai_network_error"
    default_detail = "Could not reach the AI service. Please try again."


class AIInvalidRequest(AIError):
    """The provider rejected the request itself, e.g. input too long (400); retrying won't help."""

    kind = "invalid"
    code = "ai_invalid_request"
    default_detail = "The AI service rejected the request."
    retryable = False


class AIInvalidResponse(AIError):
    """The provider answered, but the answer is unusable (502); nothing is stored."""

    kind = "upstream_invalid"
    code = "ai_invalid_response"
    default_detail = "The AI service returned an unusable answer. Please try again."


__all__ = [
    "AIError",
    "AIInvalidRequest",
    "AIInvalidResponse",
    "AINetworkError",
    "AIRateLimit",
    "AIServiceUnavailable",
]
