"""Request plumbing: request id, actor context, security and rate-limit headers, and JSON
errors for whatever goes wrong outside DRF views, whatever DEBUG says."""

import re
import uuid

from django.core.exceptions import DisallowedHost

from autoauthor.api.exceptions import json_error_response
from autoauthor.core import context

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def client_ip(request) -> str | None:
    """The client address as the WSGI server saw it (proxies are configured via BEHIND_PROXY)."""
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Echo or generate `X-Request-ID`, publish the actor context, add security headers and the
    rate-limit headers of limited endpoints to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        try:
            request.get_host()
        except DisallowedHost as exc:
            # Checked first: with DEBUG on, Django answers this (raised in a later middleware)
            # with its technical page, settings included.
            return self._finish(request, json_error_response(exc))
        token = context.set_current(
            context.ActorContext(
                actor_id=None,
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", "")[:512],
                request_id=request_id,
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        return self._finish(request, response)

    @staticmethod
    def _finish(request, response):
        response["X-Request-ID"] = request.request_id
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("X-Frame-Options", "DENY")
        response.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        usage = getattr(request, "ratelimit", None)
        if usage is not None:
            response["X-RateLimit-Limit"] = str(usage.limit)
            response["X-RateLimit-Remaining"] = str(usage.remaining)
            response["X-RateLimit-Reset"] = str(usage.reset)
        return response


class JsonErrorMiddleware:
    """Outside DRF (admin, docs, media, plain views) an error is the API's JSON error too: an
    unreachable MongoDB is 503, a suspicious path 400, a 404 a JSON 404. With DEBUG on, Django
    would answer its technical page instead: the traceback, file paths and the settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return json_error_response(exception)
