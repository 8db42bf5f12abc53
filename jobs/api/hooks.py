"""The `?async=true` hook of the AI endpoints (generate-toc, generate-draft, chapter
generate-questions). The endpoint checks ownership and validates its body exactly as without
it, then hands over here: the job is queued with the validated body as its params and the
answer is 202 with the job; a worker later makes the same service call and stores the
endpoint's 200 body as the job's `result` (jobs.ai_runners). The endpoints import this module
lazily (jobs depends on books and questions, not the other way round)."""

from rest_framework import status
from rest_framework.response import Response

from autoauthor.api.errors import ValidationFailed
from jobs.api.serializers import JobOutput
from jobs.services.lifecycle import job_enqueue

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


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


def async_job_response(request, *, kind: str, book, params: dict) -> Response | None:
    """With `?async=true`: queue a `kind` job of `book` and answer 202 with it. Else None: the
    endpoint runs inline as it always did."""
    if not async_requested(request):
        return None
    job = job_enqueue(owner=request.user, kind=kind, book=book, params=params)
    body = JobOutput(job, context={"request": request}).data
    return Response(body, status=status.HTTP_202_ACCEPTED)
