"""Chapter access log admin (read-only)."""

import json

from django.contrib import admin
from django.utils.html import format_html

from autoauthor.admin_mixins import ReadOnlyAdminMixin
from books.models import ChapterAccessLog


@admin.register(ChapterAccessLog)
class ChapterAccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("timestamp", "access_type", "user", "book", "chapter_id")
    list_select_related = ("user", "book")
    list_filter = ("access_type", ("timestamp", admin.DateFieldListFilter))
    search_fields = ("=chapter_id", "user__email", "book__title")
    date_hierarchy = "timestamp"
    ordering = ("-timestamp",)
    list_per_page = 50
    fields = (
        "timestamp",
        "access_type",
        "user",
        "book",
        "chapter_id",
        "session_id",
        "tab_order",
        "metadata_json",
    )
    readonly_fields = fields

    @admin.display(description="Metadata")
    def metadata_json(self, log):
        return format_html("<pre>{}</pre>", json.dumps(log.metadata, indent=2, default=str))
