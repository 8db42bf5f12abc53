"""Question routes: the chapter-level question actions under the books router
(books/{book_id}/chapters/{chapter_id}/generate-questions, ...) and the questions under the
chapters router (books/{book_id}/chapters/{chapter_id}/questions/...)."""

from autoauthor.api.routers import NestedOptionalSlashRouter
from books.api.urls import chapters_router, router
from questions.api.views import ChapterQuestionsViewSet, QuestionViewSet

chapter_actions_router = NestedOptionalSlashRouter(router, "books")
chapter_actions_router.register("chapters", ChapterQuestionsViewSet, basename="chapter")

questions_router = NestedOptionalSlashRouter(chapters_router, "chapters")
questions_router.register("questions", QuestionViewSet, basename="question")

urlpatterns = [*chapter_actions_router.urls, *questions_router.urls]
