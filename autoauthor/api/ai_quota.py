"""The AI plan entitlement and the AI quota at the HTTP layer.

Which requests: every action a view declares with the concurrency scope "ai"
(`concurrency_scopes = {"generate_toc": "ai"}`), the one declaration every AI endpoint makes,
so an AI endpoint added later is guarded without naming it here.

In what order: DRF authenticates and checks permissions first (an anonymous request is 401 and
counts nothing), then runs the throttles of REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] in order:
`AIEntitlement` (a plan without AI is 402 `entitlement_required`), `AIQuota` (a used-up day or
month is 429 `ai_quota_exceeded` with Retry-After until it resets), then the rate limits and the
concurrency caps as before. The plan and the quota come first because their answer is the true
one: retrying in a few seconds, as a rate limit's 429 suggests, cannot help a user whose plan
has no AI or whose quota is spent. A refusal by one throttle leaves the later ones untouched
(autoauthor.api.ratelimits.ScopedThrottle).

Counting: `AIQuota` reserves one request (accounts/services/ai_quota.py) and leaves the
reservation on the Django request; `AIQuotaMiddleware` keeps it when the answer is a success
(2xx, including the 202 of `?async=true`, counted when the job is queued) and refunds it
otherwise: a request refused after the reservation (rate limit, concurrency cap, 403, 404, 409,
422) did not use the AI, and one whose AI call failed (5xx) gave the user nothing. It then sets
`X-AI-Quota-Limit`, `-Remaining`, `-Reset` (epoch seconds) and `-Period` (`day` or `month`) of
the binding window on the answer, the 429 included.
"""

import logging

from django.core.exceptions import ImproperlyConfigured

from accounts.entitlements import AI, entitlement_require
from accounts.services import ai_quota
from autoauthor.api.ratelimits import ScopedThrottle
from autoauthor.core.errors import PaymentRequired, QuotaExceeded

logger = logging.getLogger("autoauthor.ai_quota")

RESERVATION = "ai_quota_reservation"  # attributes of the Django request
USAGE = "ai_quota_usage"
HEADERS = ("X-AI-Quota-Limit", "X-AI-Quota-Remaining", "X-AI-Quota-Reset", "X-AI-Quota-Period")


def _django_request(request):
    return getattr(request, "_request", request)


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class AIEntitlement(ScopedThrottle):
    """Refuses AI requests of a plan without AI with 402 `entitlement_required`."""

    scopes_attribute = "concurrency_scopes"

    def refusal(self, request, scope: str):
        if scope != AI or not _signed_in(request):
            return None
        try:
            entitlement_require(user=request.user, feature=AI)
        except PaymentRequired as refused:
            return refused
        return None


class AIQuota(ScopedThrottle):
    """Counts AI requests against the user's quota; refuses them with 429 when it is used up."""

    scopes_attribute = "concurrency_scopes"

    def refusal(self, request, scope: str):
        if scope != AI or not _signed_in(request):
            return None
        django_request = _django_request(request)
        if not hasattr(django_request, RESERVATION):
            raise ImproperlyConfigured(
                "AI quota guards need autoauthor.api.ai_quota.AIQuotaMiddleware"
            )
        try:
            reservation = ai_quota.quota_reserve(user=request.user)
        except QuotaExceeded as refused:
            setattr(django_request, USAGE, refused.usage)
            return refused
        if reservation is not None:
            setattr(django_request, RESERVATION, reservation)
            setattr(django_request, USAGE, reservation.usage)
        return None


def quota_headers(usage) -> dict[str, str]:
    """The X-AI-Quota-* headers of `usage`'s binding window (none when no window has a limit)."""
    window = usage.binding if usage is not None else None
    if window is None:
        return {}
    values = (window.limit, window.remaining, window.reset, window.name)
    return dict(zip(HEADERS, map(str, values), strict=True))


class AIQuotaMiddleware:
    """Keeps the AI request a successful answer counted, refunds any other, and puts the quota
    headers on the answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        setattr(request, RESERVATION, None)
        response = self.get_response(request)
        reservation = getattr(request, RESERVATION, None)
        usage = getattr(request, USAGE, None)
        if reservation is not None and not 200 <= response.status_code < 300:
            setattr(request, RESERVATION, None)
            try:
                usage = ai_quota.quota_refund(reservation=reservation)
            except Exception:  # the answer stands; a lost refund only counts one too many
                logger.exception("Could not refund an AI quota reservation")
        for name, value in quota_headers(usage).items():
            response[name] = value
        return response


# --- OpenAPI ----------------------------------------------------------------------------------

_HEADER_DOCS = {
    "X-AI-Quota-Limit": ("integer", "AI requests allowed in the binding window."),
    "X-AI-Quota-Remaining": ("integer", "AI requests left in the binding window."),
    "X-AI-Quota-Reset": ("integer", "When the binding window resets (epoch seconds)."),
    "X-AI-Quota-Period": ("string", "The binding window: `day` or `month` (UTC)."),
}
_REFUSALS = {
    "402": "The plan does not include AI features (`entitlement_required`).",
    "429": "AI quota used up (`ai_quota_exceeded`, see Retry-After and X-AI-Quota-*), rate "
    "limit or concurrency cap exceeded",
}
ERROR_JSON = {"schema": {"$ref": "#/components/schemas/Error"}}


def ai_operations(generator) -> set[tuple[str, str]]:
    """(path, method) of every operation of an action with the concurrency scope "ai"."""
    found = set()
    for path, _, method, callback in generator.endpoints or ():
        action = (getattr(callback, "actions", None) or {}).get(method.lower())
        scopes = getattr(getattr(callback, "cls", None), "concurrency_scopes", None) or {}
        if action and scopes.get(action) == AI:
            view = generator.create_view(callback, method)
            found.add((generator.coerce_path(path, method, view), method.lower()))
    return found


def document_ai_quota(result, generator, request, public):
    """drf-spectacular postprocessing hook: the 402 and 429 answers of every AI operation, and
    the X-AI-Quota-* headers on its successes and its 429."""
    headers = {
        name: {"schema": {"type": kind}, "description": text}
        for name, (kind, text) in _HEADER_DOCS.items()
    }
    paths = result.get("paths", {})
    for path, method in ai_operations(generator):
        operation = paths.get(path, {}).get(method)
        if not isinstance(operation, dict):
            continue
        responses = operation.setdefault("responses", {})
        for code, description in _REFUSALS.items():
            answer = responses.setdefault(code, {"content": {"application/json": ERROR_JSON}})
            answer["description"] = description
        for code, answer in responses.items():
            if code.startswith("2") or code == "429":
                answer.setdefault("headers", {}).update(headers)
        operation["responses"] = dict(sorted(responses.items()))
    return result
