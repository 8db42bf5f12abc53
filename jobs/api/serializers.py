"""Inputs and outputs of the job endpoints."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import StrictBooleanField, StrictInput
from autoauthor.api.fields import ObjectIdField
from autoauthor.schema import Error
from books.api.export_serializers import CUSTOM_OPTIONS_HELP, PAGE_SIZES, TemplateIdField
from books.export import FORMATS
from books.export.layout import ExportOptionsInvalid
from books.export.options import LAYOUT_FORMATS, export_options
from jobs.models import JobKind, JobStatus

TEMPLATES_NOT_APPLICABLE = "Export templates apply to pdf, docx and epub only."


class ExportJobOptionsInput(StrictInput):
    include_empty_chapters = StrictBooleanField(
        required=False,
        default=False,
        help_text="Also export chapters without content (they print '(No content yet)').",
    )
    page_size = serializers.ChoiceField(
        choices=PAGE_SIZES,
        required=False,
        help_text="PDF only: letter or A4 (default: the template's page size, else letter).",
    )
    custom_options = serializers.DictField(
        required=False,
        help_text="PDF, DOCX and EPUB: an object of layout overrides. " + CUSTOM_OPTIONS_HELP,
    )


# The export layout (template and custom options) is checked when the job is queued, by the
# rules the synchronous export applies, so a queued job never fails on its input; an error is a
# 422 naming the field, as every other error of this input.
class ExportJobInput(StrictInput):
    format = serializers.ChoiceField(choices=list(FORMATS))
    template_id = TemplateIdField(
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="PDF, DOCX and EPUB: an export template (GET .../export/templates); null, "
        "empty or absent: the default formatting.",
    )
    options = ExportJobOptionsInput(required=False)

    def validate_template_id(self, value):
        return value or None

    def validate(self, data):
        fmt = data["format"]
        options = dict(data.get("options") or {})
        include_empty = options.pop("include_empty_chapters", False)
        if "page_size" in options and fmt != "pdf":
            raise serializers.ValidationError(
                {"options": {"page_size": ["page_size applies to pdf only."]}}
            )
        if fmt not in LAYOUT_FORMATS and (data["template_id"] or "custom_options" in options):
            field = "template_id" if data["template_id"] else "options.custom_options"
            raise serializers.ValidationError({field: [TEMPLATES_NOT_APPLICABLE]})
        try:
            _, layout_options = export_options(
                fmt=fmt, options={**options, "template_id": data["template_id"]}
            )
        except ExportOptionsInvalid as exc:
            error = exc.errors[0]
            field = (
                "options." + error["field"] if error["field"] != "template_id" else "template_id"
            )
            raise serializers.ValidationError(
                {field: [serializers.ErrorDetail(error["message"], code=error["code"])]}
            ) from None
        data["options"] = {"include_empty_chapters": include_empty, **layout_options}
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
