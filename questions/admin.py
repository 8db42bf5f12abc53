"""Admin for chapter questions, the authors' responses and their ratings.

- Questions: editors fix the wording, type, difficulty, category and order. A Question is an
  audited model with no version of its own, so the admin saves only the changed fields
  (`save(update_fields=...)`, validated by the model's validators through the form) and the
  generic audit receiver records the change with the editor as actor. Deleting a question
  cascades to its responses and ratings (Django's collector).
- Responses and ratings belong to the authors: changes go through `response_save` /
  `rating_save` (word count, edit history and version kept by the service); nobody adds them
  here.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from autoauthor.admin_mixins import ServiceAdminMixin
from questions.models import Question, QuestionRating, QuestionResponse
from questions.services import rating_save, response_save


def _book_link(book):
    url = reverse("admin:books_book_change", args=[book.pk])
    return format_html('<a href="{}">{}</a>', url, book.title)


@admin.register(Question)
class QuestionAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = (
        "short_text",
        "book_title",
        "chapter_id",
        "user",
        "question_type",
        "difficulty",
        "order",
        "is_fallback",
        "generated_at",
    )
    list_select_related = ("book", "user")
    list_filter = (
        "question_type",
        "difficulty",
        "is_fallback",
        ("generated_at", admin.DateFieldListFilter),
    )
    search_fields = ("question_text", "book__title", "=chapter_id", "user__email")
    ordering = ("-created_at",)
    fields = (
        "book_link",
        "chapter_id",
        "user",
        "question_text",
        "question_type",
        "difficulty",
        "category",
        "order",
        "metadata",
        "is_fallback",
        "generation_id",
        "generated_at",
        "created_at",
        "updated_at",
    )
    readonly_fields = (
        "book_link",
        "chapter_id",
        "user",
        "is_fallback",
        "generation_id",
        "generated_at",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False  # questions are generated for a chapter through the API

    @admin.display(description="Question")
    def short_text(self, question):
        text = question.question_text
        return text if len(text) <= 80 else f"{text[:77]}..."

    @admin.display(description="Book", ordering="book__title")
    def book_title(self, question):
        return question.book.title

    @admin.display(description="Book")
    def book_link(self, question):
        return _book_link(question.book)

    def save_model(self, request, obj, form, change):
        changed = [name for name in form.changed_data if name in form.fields]
        if changed:
            obj.updated_at = timezone.now()
            obj.save(update_fields=[*changed, "updated_at"])


class _AuthorContentAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_select_related = ("question", "question__book", "user")

    def has_add_permission(self, request):
        return False

    @admin.display(description="Question")
    def question_text(self, row):
        text = row.question.question_text
        return text if len(text) <= 60 else f"{text[:57]}..."

    @admin.display(description="Book", ordering="question__book__title")
    def book_title(self, row):
        return row.question.book.title


@admin.register(QuestionResponse)
class QuestionResponseAdmin(_AuthorContentAdmin):
    list_display = (
        "question_text",
        "book_title",
        "user",
        "status",
        "word_count",
        "version",
        "last_edited_at",
    )
    list_filter = ("status", ("last_edited_at", admin.DateFieldListFilter))
    search_fields = ("response_text", "user__email", "question__book__title")
    ordering = ("-last_edited_at",)
    fields = (
        "question",
        "user",
        "response_text",
        "status",
        "word_count",
        "version",
        "edit_history",
        "created_at",
        "last_edited_at",
    )
    readonly_fields = (
        "question",
        "user",
        "word_count",
        "version",
        "edit_history",
        "created_at",
        "last_edited_at",
    )

    def save_model(self, request, obj, form, change):
        saved, _ = response_save(
            question=obj.question,
            user=obj.user,
            response_text=form.cleaned_data["response_text"],
            status=form.cleaned_data["status"],
        )
        obj.__dict__.update(saved.__dict__)


@admin.register(QuestionRating)
class QuestionRatingAdmin(_AuthorContentAdmin):
    list_display = ("question_text", "book_title", "user", "rating", "updated_at")
    list_filter = ("rating", ("updated_at", admin.DateFieldListFilter))
    search_fields = ("feedback", "user__email", "question__book__title")
    ordering = ("-updated_at",)
    fields = ("question", "user", "rating", "feedback", "created_at", "updated_at")
    readonly_fields = ("question", "user", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        saved, _ = rating_save(
            question=obj.question,
            user=obj.user,
            rating=form.cleaned_data["rating"],
            feedback=form.cleaned_data.get("feedback") or None,
        )
        obj.__dict__.update(saved.__dict__)
