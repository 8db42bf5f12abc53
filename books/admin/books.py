"""Book admin: writes through the books services (create, update, summary, collaborators,
delete)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from autoauthor.admin_mixins import ServiceAdminMixin, domain_error_as_validation_error
from autoauthor.core.errors import DomainError
from books.models import Book
from books.selectors import (
    book_collaborators,
    chapter_documents,
    toc_chapter_ids,
    toc_iter_nodes,
)
from books.services import books as book_services
from books.services import collaborators as collaborator_services
from books.services import summary as summary_services
from books.services import toc as toc_services


class BookAdminForm(forms.ModelForm):
    # Not the model field: the list is written only by the sharing service (with its ids,
    # version, audit rows and cache invalidation), from "<e-mail> <role>" lines.
    collaborators = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One '<e-mail> <role>' per line; role: viewer, editor or co-author.",
    )

    class Meta:
        model = Book
        fields = ("owner", *book_services.BOOK_EDITABLE_FIELDS, "summary")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            rows = book_collaborators(book=self.instance)[1:]  # the owner is listed first
            self.initial["collaborators"] = "\n".join(f"{r['email']} {r['role']}" for r in rows)

    def clean(self):
        cleaned = super().clean()
        if "collaborators" in self.changed_data:
            owner = self.instance.owner if self.instance.pk else cleaned.get("owner")
            try:
                wanted = collaborator_services.collaborators_text_parse(cleaned["collaborators"])
                collaborator_services.collaborators_resolve(
                    wanted=wanted, owner_id=getattr(owner, "pk", None)
                )
            except DomainError as exc:
                self.add_error("collaborators", domain_error_as_validation_error(exc))
            else:
                cleaned["collaborators"] = wanted
        return cleaned

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
            return summary_services.summary_validate(summary=summary, partial=False)
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
        ("Sharing", {"fields": ("collaborators",)}),
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
        sharing = "collaborators" in form.changed_data
        if change:
            # `obj` already carries the form's values; the service compares against the stored
            # book to write (and audit) only what changed.
            stored = Book.objects.get(pk=obj.pk)
            if sharing:
                wanted = form.cleaned_data["collaborators"]
                collaborator_services.collaborators_replace(book=stored, wanted=wanted)
            book = book_services.book_update(book=stored, data=data)
        else:
            book = book_services.book_create(owner=form.cleaned_data["owner"], data=data)
            if form.cleaned_data.get("published"):
                book = book_services.book_update(book=book, data={"published": True})
            if sharing:
                wanted = form.cleaned_data["collaborators"]
                collaborator_services.collaborators_replace(book=book, wanted=wanted)
        if "summary" in form.changed_data and form.cleaned_data.get("summary"):
            summary = form.cleaned_data["summary"]
            book = summary_services.book_summary_update(book=book, summary=summary)
        obj.__dict__.update(book.__dict__)

    def delete_model(self, request, obj):
        book_services.book_delete(book=obj)

    def delete_queryset(self, request, queryset):
        for book in queryset:
            book_services.book_delete(book=book)
