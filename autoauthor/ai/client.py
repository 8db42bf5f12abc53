"""The OpenAI-compatible provider: one chat completion, with our retry policy and error
classification.

The official `openai` client is built with `max_retries=0` so retries happen at exactly one layer:
here. Policy (reference §3.5): up to AI_MAX_RETRIES attempts; rate limits, timeouts, connection
errors and 5xx answers are retried after `min(AI_RETRY_BASE_SECONDS * 2**attempt, 60)` seconds.
A 429 whose Retry-After asks for longer than our next delay is not retried: sleeping a request
thread for a minute helps nobody, so the client gets 429 with the upstream Retry-After at once.
Requests the provider rejects (400/404/422) and auth failures are never retried.
"""

import email.utils
import logging
import threading
import time
import uuid
from dataclasses import dataclass

import openai
from django.conf import settings

from autoauthor.ai.errors import (
    AIError,
    AIInvalidRequest,
    AIInvalidResponse,
    AINetworkError,
    AIRateLimit,
    AIServiceUnavailable,
)

logger = logging.getLogger("autoauthor.ai")

MAX_BACKOFF_SECONDS = 60.0


@dataclass(frozen=True)
class Completion:
    text: str
    finish_reason: str | None
    model: str


_clients: dict[tuple, openai.OpenAI] = {}
_clients_lock = threading.Lock()


def _client() -> openai.OpenAI:
    """One client per configuration (key, base URL, timeout): its connection pool is reused."""
    config = (
        settings.OPENAI_API_KEY,
        settings.OPENAI_BASE_URL or None,
        float(settings.OPENAI_TIMEOUT_SECONDS),
    )
    with _clients_lock:
        client = _clients.get(config)
        if client is None:
            if len(_clients) > 16:  # configurations only change in tests
                _clients.clear()
            client = openai.OpenAI(
                api_key=config[0], base_url=config[1], timeout=config[2], max_retries=0
            )
            _clients[config] = client
        return client


def backoff_delay(attempt: int) -> float:
    """Delay before retry number `attempt + 1` (attempt counts from 0)."""
    return min(float(settings.AI_RETRY_BASE_SECONDS) * 2**attempt, MAX_BACKOFF_SECONDS)


def _retry_after(exc: openai.APIStatusError) -> float | None:
    """Seconds from the upstream `retry-after-ms` / `Retry-After` headers (seconds or HTTP date)."""
    headers = getattr(exc.response, "headers", None) or {}
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


def _classify(exc: Exception, correlation_id: str) -> tuple[AIError, float | None]:
    """(our error, upstream retry-after) for an exception of the openai client."""
    if isinstance(exc, openai.APITimeoutError):
        seconds = settings.OPENAI_TIMEOUT_SECONDS
        return (
            AINetworkError(
                f"The AI service did not answer within {seconds:g} seconds. Please try again.",
                correlation_id=correlation_id,
            ),
            None,
        )
    if isinstance(exc, openai.APIConnectionError):
        return AINetworkError(correlation_id=correlation_id), None
    if isinstance(exc, openai.RateLimitError):
        upstream = _retry_after(exc)
        return AIRateLimit(retry_after=upstream, correlation_id=correlation_id), upstream
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return (
            AIServiceUnavailable(
                "The AI service refused our credentials; it is not configured correctly.",
                retryable=False,
                retry_after=None,
                correlation_id=correlation_id,
            ),
            None,
        )
    if isinstance(exc, openai.NotFoundError):
        return (
            AIServiceUnavailable(
                "The configured AI model or endpoint does not exist.",
                retryable=False,
                retry_after=None,
                correlation_id=correlation_id,
            ),
            None,
        )
    if isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError):
        return AIInvalidRequest(correlation_id=correlation_id), None
    if isinstance(exc, openai.APIResponseValidationError):
        return AIInvalidResponse(correlation_id=correlation_id), None
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code >= 500 or exc.status_code in (408, 409):
            upstream = _retry_after(exc)
            return AIServiceUnavailable(
                retry_after=upstream, correlation_id=correlation_id
            ), upstream
        return AIInvalidRequest(correlation_id=correlation_id), None
    # Anything else the client raises (an undecodable body, a proxy answering HTML...).
    return AIInvalidResponse(correlation_id=correlation_id), None


def chat_completion(
    *, feature: str, system: str, user: str, temperature: float, max_tokens: int
) -> Completion:
    """One chat completion with the configured model, retried per the policy above.

    Raises a classified AIError when every attempt failed or the failure is not retryable.
    """
    attempts = max(1, int(settings.AI_MAX_RETRIES))
    correlation_id = str(uuid.uuid4())
    model = settings.OPENAI_MODEL
    client = _client()
    for attempt in range(attempts):
        try:
            response = client.chat.completions.create(
                model=model,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
                temperature=temperature,
                max_tokens=max_tokens,
            )
        except (openai.OpenAIError, ValueError) as exc:  # ValueError: an undecodable body
            error, upstream_wait = _classify(exc, correlation_id)
            delay = backoff_delay(attempt)
            last = attempt == attempts - 1
            too_long = upstream_wait is not None and upstream_wait > delay
            logger.warning(
                "AI %s attempt %d/%d failed (%s, correlation_id=%s): %s",
                feature,
                attempt + 1,
                attempts,
                error.code,
                correlation_id,
                exc,
            )
            transient = isinstance(error, AIRateLimit | AINetworkError | AIServiceUnavailable)
            if not (transient and error.retryable) or last or too_long:
                if transient and error.retryable:
                    # Upstream's Retry-After when it sent one, else our own next backoff delay.
                    error.set_retry_after(upstream_wait if upstream_wait is not None else delay)
                raise error from exc
            time.sleep(delay)
            continue
        return _completion_of(response, model=model, correlation_id=correlation_id)
    raise AssertionError("unreachable")  # pragma: no cover


def _completion_of(response, *, model: str, correlation_id: str) -> Completion:
    choices = getattr(response, "choices", None)
    if not choices:
        logger.warning("AI answer without choices (correlation_id=%s)", correlation_id)
        raise AIInvalidResponse(correlation_id=correlation_id)
    choice = choices[0]
    message = getattr(choice, "message", None)
    text = getattr(message, "content", None)
    if not isinstance(text, str) or not text.strip():
        logger.warning("AI answer without content (correlation_id=%s)", correlation_id)
        raise AIInvalidResponse(correlation_id=correlation_id)
    return Completion(
        text=text,
        finish_reason=getattr(choice, "finish_reason", None),
        model=getattr(response, "model", None) or model,
    )
