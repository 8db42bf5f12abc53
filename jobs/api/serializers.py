"""Inputs and outputs of the job endpoints."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import StrictBooleanField, StrictInput
from autoauthor.api.fields import ObjectIdField
from autoauthor.schema import Error
from books.api.export_serializers import PAGE_SIZES
from books.api.serializer_fields import StrictCharField
from books.export import FORMATS
from jobs.models import JobKind, JobStatus

TEMPLATES_UNAVAILABLE = "Export templates are not available yet; leave template_id empty."


class ExportJobOptionsInput(StrictInput):
    include_empty_chapters = StrictBooleanField(
        required=False,
        default=False,
        help_text="Also export chapters without content (they print '(No content yet)').",
    )
    page_size = serializers.ChoiceField(
        choices=PAGE_SIZES, required=False, help_text="PDF only: letter (default) or A4."
    )


class ExportJobInput(StrictInput):
    format = serializers.ChoiceField(choices=list(FORMATS))
    template_id = StrictCharField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Reserved for export templates (not available yet): null or absent.",
    )
    options = ExportJobOptionsInput(required=False)

    def validate_template_id(self, value):
        if value not in (None, ""):
            raise serializers.ValidationError(TEMPLATES_UNAVAILABLE, code="invalid_template")
        return None

    def validate(self, data):
        options = dict(data.get("options") or {})
        options.setdefault("include_empty_chapters", False)
        if data["format"] == "pdf":
            options.setdefault("page_size", "letter")
        elif "page_size" in options:
            raise serializers.ValidationError(
                {"options": {"page_size": ["page_size applies to pdf only."]}}
            )
        data["options"] = options
        return data


class JobProgressOutput(serializers.Serializer):
    percent = serializers.IntegerField(help_text="0-100.")
    stage = serializers.CharField(help_text='What the job is doing, e.g. "chapter 12 of 40".')


class JobOutput(serializers.Serializer):
    id = ObjectIdField(source="pk")
    kind = serializers.ChoiceField(choices=JobKind.choices)
    status = serializers.ChoiceField(choices=JobStatus.choices)
    progress = serializers.SerializerMethodField()
    book_id = ObjectIdField(allow_null=True)
    params = serializers.JSONField()
    result = serializers.JSONField(
        allow_null=True, help_text="AI jobs: the body the synchronous endpoint answers."
    )
    error = serializers.SerializerMethodField()
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="When the stored file stops being downloadable."
    )
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(JobProgressOutput)
    def get_progress(self, job) -> dict:
        return {"percent": job.progress_percent, "stage": job.stage}

    @extend_schema_field(Error(allow_null=True))
    def get_error(self, job):
        return job.error

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, job) -> str | None:
        if job.status != JobStatus.DONE or not job.file_name:
            return None
        path = reverse("job-download", kwargs={"job_id": str(job.pk)})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path
