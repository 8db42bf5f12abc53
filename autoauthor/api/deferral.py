"""`?async=true` on the slow AI endpoints (generate-toc, generate-draft, a chapter's
generate-questions): the endpoint checks access and validates its body exactly as without it,
then hands over here, and the answer is 202 with a queued background job instead of the call.

The apps that own those endpoints sit below the jobs app (jobs depend on books and questions),
so they do not import it: the jobs app registers the function that queues a job
(`register_deferrer`, from its AppConfig.ready()), and the endpoints call `deferred_response`.
"""

from collections.abc import Callable

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from autoauthor.core.errors import ValidationFailed

# (request, kind, book, params) -> the 202 response with the queued job
Deferrer = Callable[..., object]
_deferrer: Deferrer | None = None

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}

ASYNC_PARAMETER = OpenApiParameter(
    "async",
    OpenApiTypes.BOOL,
    description="true: validate, then run as a background job and answer 202 with the job "
    "(poll GET /jobs/{id}; its `result` is this endpoint's 200 body, its `error` the error).",
    default=False,
)
JOB_ACCEPTED = OpenApiResponse(
    {"$ref": "#/components/schemas/JobOutput"}, description="Queued as a job (?async=true)"
)


def register_deferrer(deferrer: Deferrer) -> None:
    global _deferrer
    _deferrer = deferrer


def async_requested(request) -> bool:
    """The `async` query parameter: true/false (1/0, yes/no); anything else is 422."""
    value = request.query_params.get("async")
    if value is None:
        return False
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationFailed("async", "Must be true or false.", code="invalid")


def deferred_response(request, *, kind: str, book, params: dict):
    """With `?async=true`: the 202 response of a queued `kind` job of `book` with `params` (the
    validated body). Else None: the endpoint runs inline as it always did."""
    if not async_requested(request):
        return None
    if _deferrer is None:
        raise RuntimeError("no deferrer registered: is the jobs app installed?")
    return _deferrer(request, kind=kind, book=book, params=params)
