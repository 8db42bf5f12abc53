"""Job endpoints: POST /books/{id}/exports (queue an export), GET /jobs (the caller's jobs),
GET and DELETE /jobs/{id} (status; cancel), GET /jobs/{id}/download (the stored file).

A job is its owner's only: another user's job id is 404 like an unknown one. Each action
validates its input, calls one service or selector and renders JobOutput.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from autoauthor.api.downloads import file_response
from autoauthor.api.pagination import paginated_response, skip_limit_parameters
from autoauthor.schema import ERRORS
from books.api.common import BookScopedMixin, valid_data
from books.services.export import EXPORT_BOOK_FIELDS
from jobs import selectors
from jobs.api.serializers import ExportJobInput, JobOutput
from jobs.models import JobStatus
from jobs.services import exports, lifecycle


def _job_response(request, job, code=status.HTTP_200_OK) -> Response:
    return Response(JobOutput(job, context={"request": request}).data, status=code)


def job_deferred_response(request, *, kind: str, book, params: dict) -> Response:
    """The `?async=true` answer of an AI endpoint (registered in autoauthor.api.deferral by
    JobsConfig.ready()): a `kind` job of `book` is queued with the validated body as its
    params, and the answer is 202 with the job. A worker later makes the endpoint's service
    call and stores its 200 body as the job's `result` (jobs.ai_runners)."""
    job = lifecycle.job_enqueue(owner=request.user, kind=kind, book=book, params=params)
    return _job_response(request, job, status.HTTP_202_ACCEPTED)


# Export jobs of one book (registered under the books router at `exports`). No class
# docstrings on the viewsets: drf-spectacular would publish them as operation descriptions.
class ExportJobViewSet(BookScopedMixin, GenericViewSet):
    book_verbs = {"create": "export"}
    ratelimit_scopes = {"create": "export_job_create"}

    @extend_schema(
        operation_id="books_exports_create",
        request=ExportJobInput,
        responses={
            202: OpenApiResponse(JobOutput, description="Queued (or an identical one running)"),
            200: OpenApiResponse(
                JobOutput, description="An identical export of the unchanged book is done"
            ),
            **ERRORS(401, 403, 404, 422, 429),
        },
        description=(
            "Queue an export of the book as a background job; poll GET /jobs/{id}, then "
            "download GET /jobs/{id}/download. The same request on an unchanged book returns "
            "the earlier job (200 when its file is ready) instead of rendering again."
        ),
    )
    def create(self, request, **kwargs):
        book = self.get_book(fields=(*EXPORT_BOOK_FIELDS, *exports.FINGERPRINT_BOOK_FIELDS))
        data = valid_data(ExportJobInput, request.data)
        job, _created = exports.export_job_create(
            book=book,
            user=request.user,
            fmt=data["format"],
            template_id=data["template_id"],
            options=data["options"],
        )
        done = job.status == JobStatus.DONE
        return _job_response(request, job, status.HTTP_200_OK if done else status.HTTP_202_ACCEPTED)


# The caller's jobs: list, status, cancel (destroy) and the file of a done export.
class JobViewSet(GenericViewSet):
    lookup_url_kwarg = "job_id"
    ratelimit_scopes = {
        "list": "jobs_read",
        "retrieve": "jobs_read",
        "destroy": "job_cancel",
        "download": "job_download",
    }

    def get_object(self):
        """The caller's job `job_id`; anyone else's is 404 like an unknown id."""
        return selectors.job_get_for_user(job_id=self.kwargs["job_id"], user=self.request.user)

    def perform_content_negotiation(self, request, force=False):
        # Download clients send Accept: application/pdf etc.; errors still go out as JSON.
        force = force or self.action == "download"
        return super().perform_content_negotiation(request, force=force)

    @extend_schema(
        operation_id="jobs_list",
        parameters=skip_limit_parameters(),
        responses={200: JobOutput(many=True), **ERRORS(401, 422, 429)},
        description="The caller's jobs, newest first (total in X-Total-Count).",
    )
    def list(self, request):
        return paginated_response(
            request,
            selectors.job_list(user=request.user),
            lambda rows: JobOutput(rows, many=True, context={"request": request}).data,
        )

    @extend_schema(
        operation_id="jobs_retrieve",
        responses={200: JobOutput, **ERRORS(401, 404, 429)},
        description="Status, progress, timestamps, result or error of one of the caller's jobs.",
    )
    def retrieve(self, request, **kwargs):
        return _job_response(request, lifecycle.job_reap_if_stale(job=self.get_object()))

    @extend_schema(
        operation_id="jobs_cancel",
        responses={200: JobOutput, **ERRORS(401, 404, 409, 429)},
        description=(
            "Cancel a queued or running job: it is cancelled when this answers (a running "
            "export stops within about a second). A finished job is 409 job_finished."
        ),
    )
    def destroy(self, request, **kwargs):
        return _job_response(request, lifecycle.job_cancel(job=self.get_object()))

    @extend_schema(
        operation_id="jobs_download",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The exported file (Content-Disposition names it after the book)",
            ),
            **ERRORS(401, 404, 409, 410, 429),
        },
        description=(
            "The file of a done export job. 409 job_not_ready before it is done, 410 "
            "export_expired after its retention period."
        ),
    )
    @action(detail=True, methods=["get"])
    def download(self, request, **kwargs):
        stored = selectors.job_file_open(job=self.get_object())
        return file_response(
            stored.file,
            mime_type=stored.mime_type,
            size=stored.size,
            content_disposition=stored.content_disposition,
        )
