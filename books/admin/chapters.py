"""Chapter admin: a chapter's TOC entry and content in one form, saved through the services."""

import copy

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from autoauthor.admin_mixins import ServiceAdminMixin
from autoauthor.core.errors import ValidationFailed
from books.models import Chapter, RevisionSource
from books.rules import TOC_DESCRIPTION_MAX, TOC_TITLE_MAX
from books.selectors import toc_node_find
from books.services import chapters as chapter_services
from books.services import content as content_services
from books.services import toc as toc_services


class ChapterAdminForm(forms.ModelForm):
    """A chapter's TOC entry and content in one form. The hidden versions are those of the
    moment the form was opened; `clean()` refuses the save when either moved since, and checks
    the new TOC entry with the TOC service's own validation (`toc_normalize`)."""

    title = forms.CharField(max_length=TOC_TITLE_MAX)
    description = forms.CharField(
        required=False,
        max_length=TOC_DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    order = forms.IntegerField(min_value=0)
    content = forms.CharField(
        required=False, strip=False, widget=forms.Textarea(attrs={"rows": 24, "cols": 100})
    )
    toc_version = forms.IntegerField(widget=forms.HiddenInput)
    content_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Chapter
        fields = ("content",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chapter = self.instance
        self.book = chapter.book
        found = toc_node_find(self.book.toc, chapter.chapter_id)
        self.node = copy.deepcopy(found[0]) if found else None
        self.original_content = chapter.content
        self.new_toc = None
        self.toc_changed = self.content_changed = False
        self.fields["toc_version"].initial = self.book.toc_version
        self.fields["content_version"].initial = chapter.version
        if self.node is None:
            for name in ("title", "description", "order"):
                self.fields[name].disabled = True
                self.fields[name].required = False
            self.fields["title"].help_text = (
                "This chapter is not in the book's table of contents (dangling content): "
                "`manage.py validate_data --fix` removes it."
            )
        else:
            # As in the TOC service: a subchapter's title may be blank, a chapter's may not.
            self.fields["title"].required = found[1] == 1
            self.fields["title"].initial = self.node.get("title") or ""
            self.fields["description"].initial = self.node.get("description") or ""
            self.fields["order"].initial = self.node.get("order") or 0

    def clean_content(self):
        content = self.cleaned_data.get("content") or ""
        if "\r\n" not in self.original_content:
            content = content.replace("\r\n", "\n")  # browsers post CRLF line ends
        return content

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if self.book.deleted_at is not None:
            raise ValidationError("This book is being deleted.", code="book_deleted")
        if self.node is not None:
            entry = {
                "title": cleaned.get("title") or "",
                "description": cleaned.get("description") or "",
                "order": cleaned["order"],
            }
            self.toc_changed = any(
                self.node.get(key, "" if key != "order" else 0) != value
                for key, value in entry.items()
            )
        self.content_changed = cleaned.get("content", "") != self.original_content
        if self.toc_changed:
            current = self.book.toc_version
            if cleaned["toc_version"] != current:
                raise ValidationError(
                    "The table of contents was changed by someone else since you opened this "
                    f"form (version {cleaned['toc_version']}, now {current}). Nothing was saved: "
                    "reload the page and apply your change again.",
                    code="version_conflict",
                )
            self.new_toc = self._toc_with(entry)
        if self.content_changed and cleaned["content_version"] != self.instance.version:
            raise ValidationError(
                "The chapter content was saved by someone else since you opened this form "
                f"(version {cleaned['content_version']}, now {self.instance.version}). Nothing "
                "was saved: reload the page and apply your change again.",
                code="version_conflict",
            )
        return cleaned

    def _toc_with(self, entry: dict) -> dict:
        """The book's TOC with this chapter's entry replaced, its siblings listed by `order`
        (stable), validated by the TOC service's rules (422 → form errors)."""
        toc = copy.deepcopy(self.book.toc)
        node, _, parent_id = toc_node_find(toc, self.instance.chapter_id)
        node.update(entry)
        if parent_id is None:
            toc["chapters"].sort(key=lambda n: n.get("order", 0) if isinstance(n, dict) else 0)
        else:
            parent, _, _ = toc_node_find(toc, parent_id)
            parent["subchapters"].sort(
                key=lambda n: n.get("order", 0) if isinstance(n, dict) else 0
            )
        try:
            toc_services.toc_normalize(toc=toc, old_toc=self.book.toc)
        except ValidationFailed as exc:
            error = exc.errors[0]
            field = error["field"].rsplit(".", 1)[-1]
            if field in ("title", "description", "order"):
                self.add_error(field, error["message"])
            else:
                raise ValidationError(
                    f"The book's table of contents is invalid ({error['field']}: "
                    f"{error['message']}); run `manage.py validate_data`.",
                    code="invalid_toc",
                ) from exc
        return toc


@admin.register(Chapter)
class ChapterAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = ChapterAdminForm
    list_display = (
        "chapter_title",
        "book_link",
        "owner_email",
        "level",
        "order",
        "status",
        "word_count",
        "version",
        "updated_at",
    )
    list_select_related = ("book", "book__owner")
    list_filter = ("status", ("updated_at", admin.DateFieldListFilter))
    search_fields = ("book__title", "=chapter_id", "book__owner__email")
    ordering = ("-updated_at",)
    readonly_fields = (
        "book_link",
        "chapter_id",
        "level",
        "status",
        "word_count",
        "estimated_reading_time",
        "version",
        "last_modified",
    )
    fieldsets = (
        (
            "Table of contents entry",
            {"fields": ("book_link", "chapter_id", "level", "title", "description", "order")},
        ),
        (
            "Content",
            {
                "fields": (
                    "content",
                    "status",
                    "word_count",
                    "estimated_reading_time",
                    "version",
                    "last_modified",
                    "toc_version",
                    "content_version",
                )
            },
        ),
    )

    def has_add_permission(self, request):
        return False  # chapters are created through the book's table of contents

    def _node(self, chapter):
        found = toc_node_find(chapter.book.toc, chapter.chapter_id)
        return found

    @admin.display(description="Chapter")
    def chapter_title(self, chapter):
        found = self._node(chapter)
        return found[0].get("title") if found else f"(not in TOC) {chapter.chapter_id}"

    @admin.display(description="Level")
    def level(self, chapter):
        found = self._node(chapter)
        return found[1] if found else "—"

    @admin.display(description="Order")
    def order(self, chapter):
        found = self._node(chapter)
        return found[0].get("order") if found else "—"

    @admin.display(description="Book", ordering="book__title")
    def book_link(self, chapter):
        url = reverse("admin:books_book_change", args=[chapter.book_id])
        return format_html('<a href="{}">{}</a>', url, chapter.book.title)

    @admin.display(description="Owner", ordering="book__owner__email")
    def owner_email(self, chapter):
        return chapter.book.owner.email

    def save_model(self, request, obj, form, change):
        book = obj.book
        if form.toc_changed:
            toc_services.toc_replace(
                book=book,
                toc=form.new_toc,
                expected_version=form.cleaned_data["toc_version"],
                actor=request.user,
            )
        if form.content_changed:
            saved = content_services.chapter_content_save(
                book=book,
                chapter_id=obj.chapter_id,
                content=form.cleaned_data["content"],
                expected_version=form.cleaned_data["content_version"],
                actor=request.user,
                source=RevisionSource.ADMIN,
            )
            obj.version, obj.word_count, obj.status = saved.version, saved.word_count, saved.status

    def delete_model(self, request, obj):
        if toc_node_find(obj.book.toc, obj.chapter_id) is None:
            toc_services.chapter_documents_delete(book=obj.book, chapter_ids=[obj.chapter_id])
        else:
            chapter_services.chapter_delete(
                book=obj.book, chapter_id=obj.chapter_id, expected_version=None, actor=request.user
            )

    def delete_queryset(self, request, queryset):
        for chapter in queryset:
            self.delete_model(request, chapter)
