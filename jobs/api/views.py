"""Job endpoints: POST /books/{id}/exports (queue an export), GET /jobs (the caller's jobs),
GET and DELETE /jobs/{id} (status; cancel), GET /jobs/{id}/download (the stored file).

A job is its owner's only: another user's job id is 404 like an unknown one. Each action
validates its input, calls one service or selector and renders JobOutput.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from autoauthor.api.downloads import file_response
from autoauthor.api.pagination import paginated_response, skip_limit_parameters
from autoauthor.schema import ERRORS
from books.selectors import book_get_for_user
from books.services.export import EXPORT_BOOK_FIELDS
from jobs import selectors
from jobs.api.serializers import ExportJobInput, JobOutput
from jobs.models import JobStatus
from jobs.services import exports, lifecycle


def _job_response(request, job, code=status.HTTP_200_OK) -> Response:
    return Response(JobOutput(job, context={"request": request}).data, status=code)


class ExportJobCreateView(APIView):
    ratelimit_scopes = {"post": "export_job_create"}

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
    def post(self, request, book_id):
        book = book_get_for_user(
            book_id=book_id,
            user=request.user,
            fields=(*EXPORT_BOOK_FIELDS, *exports.FINGERPRINT_BOOK_FIELDS),
            action="export",
        )
        data = ExportJobInput(data=request.data)
        data.is_valid(raise_exception=True)
        job, _created = exports.export_job_create(
            book=book,
            user=request.user,
            fmt=data.validated_data["format"],
            template_id=data.validated_data["template_id"],
            options=data.validated_data["options"],
        )
        done = job.status == JobStatus.DONE
        return _job_response(request, job, status.HTTP_200_OK if done else status.HTTP_202_ACCEPTED)


class JobListView(APIView):
    ratelimit_scopes = {"get": "jobs_read"}

    @extend_schema(
        operation_id="jobs_list",
        parameters=skip_limit_parameters(),
        responses={200: JobOutput(many=True), **ERRORS(401, 422, 429)},
        description="The caller's jobs, newest first (total in X-Total-Count).",
    )
    def get(self, request):
        return paginated_response(
            request,
            selectors.job_list(user=request.user),
            lambda rows: JobOutput(rows, many=True, context={"request": request}).data,
        )


class JobDetailView(APIView):
    ratelimit_scopes = {"get": "jobs_read", "delete": "job_cancel"}

    @extend_schema(
        operation_id="jobs_retrieve",
        responses={200: JobOutput, **ERRORS(401, 404, 429)},
        description="Status, progress, timestamps, result or error of one of the caller's jobs.",
    )
    def get(self, request, job_id):
        job = selectors.job_get_for_user(job_id=job_id, user=request.user)
        return _job_response(request, lifecycle.job_reap_if_stale(job=job))

    @extend_schema(
        operation_id="jobs_cancel",
        responses={200: JobOutput, **ERRORS(401, 404, 409, 429)},
        description=(
            "Cancel a queued or running job: it is cancelled when this answers (a running "
            "export stops within about a second). A finished job is 409 job_finished."
        ),
    )
    def delete(self, request, job_id):
        job = selectors.job_get_for_user(job_id=job_id, user=request.user)
        return _job_response(request, lifecycle.job_cancel(job=job))


class JobDownloadView(APIView):
    ratelimit_scopes = {"get": "job_download"}

    def perform_content_negotiation(self, request, force=False):
        # Download clients send Accept: application/pdf etc.; errors still go out as JSON.
        return super().perform_content_negotiation(request, force=True)

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
    def get(self, request, job_id):
        job = selectors.job_get_for_user(job_id=job_id, user=request.user)
        stored = selectors.job_file_open(job=job)
        return file_response(
            stored.file,
            mime_type=stored.mime_type,
            size=stored.size,
            content_disposition=stored.content_disposition,
        )
