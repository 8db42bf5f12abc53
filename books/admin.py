"""Admin for books, their chapters (TOC entry + content) and chapter access logs.

Writes go through the books services, so the admin keeps the API's rules:
- Book: `book_create` / `book_update` (only changed fields, one single-document update),
  `book_summary_update` (validated by `summary_validate`, history kept), `book_delete` (cascade).
- Chapter: the change form shows the chapter's TOC entry (title, description, order) and its
  content. Saving a changed entry replaces the TOC through `toc_replace` with the book's
  `toc_version` *as the form was opened* as `expected_version`; saving changed content goes
  through `chapter_content_save` with the chapter's content version as the form was opened. A
  concurrent edit (API or another editor) therefore gives a form error, never an overwrite.
  Versions, word counts, status steps, access logs and audit rows (actor = the editor) are the
  services' own. Chapters are created through the TOC (no "add"); a delete goes through
  `chapter_delete`.
"""

import copy
import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from autoauthor.admin_mixins import (
    ReadOnlyAdminMixin,
    ServiceAdminMixin,
    domain_error_as_validation_error,
)
from autoauthor.api.errors import DomainError, ValidationFailed
from books.models import Book, Chapter, ChapterAccessLog
from books.selectors import chapter_documents, toc_chapter_ids, toc_iter_nodes, toc_node_find
from books.services import books as book_services
from books.services import chapters as chapter_services
from books.services import toc as toc_services

# --- Books ---------------------------------------------------------------------------------------


class BookAdminForm(forms.ModelForm):
    class Meta:
        model = Book
        fields = ("owner", *book_services.BOOK_EDITABLE_FIELDS, "summary")

    def clean_metadata(self):
        metadata = self.cleaned_data.get("metadata")
        if metadata is None:
            return {}
        if not isinstance(metadata, dict):
            raise ValidationError("Metadata must be a JSON object.", code="invalid")
        return metadata

    def clean_summary(self):
        summary = self.cleaned_data.get("summary")
        if (summary or "") == (self.initial.get("summary") or ""):
            return summary
        try:
            return book_services.summary_validate(summary=summary, partial=False)
        except DomainError as exc:
            raise domain_error_as_validation_error(exc) from exc


@admin.register(Book)
class BookAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = BookAdminForm
    list_display = (
        "title",
        "owner_email",
        "genre",
        "published",
        "chapter_count",
        "toc_version",
        "created_at",
        "updated_at",
        "deleted_at",
    )
    list_select_related = ("owner",)
    list_filter = (
        "genre",
        "published",
        ("created_at", admin.DateFieldListFilter),
        ("updated_at", admin.DateFieldListFilter),
        ("deleted_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("title", "owner__email")
    ordering = ("-updated_at",)
    raw_id_fields = ("owner",)
    readonly_fields = (
        "toc_version",
        "summary_version",
        "chapters",
        "created_at",
        "updated_at",
        "deleted_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "owner",
                    "title",
                    "subtitle",
                    "description",
                    "genre",
                    "target_audience",
                    "published",
                    "cover_image_url",
                    "metadata",
                )
            },
        ),
        ("Summary", {"fields": ("summary", "summary_version")}),
        ("Table of contents", {"fields": ("toc_version", "chapters")}),
        ("Dates", {"fields": ("created_at", "updated_at", "deleted_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # The owner is chosen when a book is added and never moves to another account.
        return (*self.readonly_fields, "owner") if obj is not None else self.readonly_fields

    @admin.display(description="Owner", ordering="owner__email")
    def owner_email(self, book):
        return book.owner.email

    @admin.display(description="Chapters")
    def chapter_count(self, book):
        return sum(1 for _ in toc_iter_nodes(book.toc))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A chapter gets its document with its first write, and editors open chapters from
        # this page: on viewing it, every chapter the TOC lists gets its (empty) document, so
        # each one links to its change form.
        book = self.get_object(request, object_id) if request.method == "GET" else None
        if book is not None and book.deleted_at is None:
            toc_services.chapter_documents_create_missing(
                book=book, chapter_ids=toc_chapter_ids(book.toc)
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Chapters (TOC order)")
    def chapters(self, book):
        if book.pk is None or not book.toc:
            return "No table of contents yet."
        docs = chapter_documents(book=book, include_content=False)
        rows = []
        for node, level, _ in toc_iter_nodes(book.toc):
            doc = docs.get(node.get("id"))
            title = f"{'— ' if level == 2 else ''}{node.get('title') or '(untitled)'}"
            if doc is not None:
                url = reverse("admin:books_chapter_change", args=[doc.pk])
                rows.append((url, title, node.get("order"), doc.status, doc.word_count))
            else:
                rows.append(("#", title, node.get("order"), "no document", 0))
        return format_html(
            "<table><tr><th>Title</th><th>Order</th><th>Status</th><th>Words</th></tr>{}</table>",
            format_html_join(
                "",
                '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
                rows,
            ),
        )

    def save_model(self, request, obj, form, change):
        # An emptied optional text field arrives as None, which book_update reads as "leave
        # unchanged"; "" is how its callers clear a field.
        data = {
            name: "" if form.cleaned_data[name] is None else form.cleaned_data[name]
            for name in book_services.BOOK_EDITABLE_FIELDS
            if name in form.changed_data
        }
        if change:
            # `obj` already carries the form's values; the service compares against the stored
            # book to write (and audit) only what changed.
            stored = Book.objects.get(pk=obj.pk)
            book = book_services.book_update(book=stored, data=data)
        else:
            book = book_services.book_create(owner=form.cleaned_data["owner"], data=data)
            if form.cleaned_data.get("published"):
                book = book_services.book_update(book=book, data={"published": True})
        if "summary" in form.changed_data and form.cleaned_data.get("summary"):
            summary = form.cleaned_data["summary"]
            book = book_services.book_summary_update(book=book, summary=summary)
        obj.__dict__.update(book.__dict__)

    def delete_model(self, request, obj):
        book_services.book_delete(book=obj)

    def delete_queryset(self, request, queryset):
        for book in queryset:
            book_services.book_delete(book=book)


# --- Chapters ------------------------------------------------------------------------------------


class ChapterAdminForm(forms.ModelForm):
    """A chapter's TOC entry and content in one form. The hidden versions are those of the
    moment the form was opened; `clean()` refuses the save when either moved since, and checks
    the new TOC entry with the TOC service's own validation (`toc_normalize`)."""

    title = forms.CharField(max_length=toc_services.MAX_TITLE_LENGTH)
    description = forms.CharField(
        required=False,
        max_length=toc_services.MAX_DESCRIPTION_LENGTH,
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
            saved = chapter_services.chapter_content_save(
                book=book,
                chapter_id=obj.chapter_id,
                content=form.cleaned_data["content"],
                expected_version=form.cleaned_data["content_version"],
                actor=request.user,
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


# --- Access logs ---------------------------------------------------------------------------------


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
