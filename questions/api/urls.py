"""Chapter interview-question routes. Every path is longer than the chapter routes of
books.api.chapter_urls (`chapters/<chapter_id>` is anchored), so those never swallow these."""

from autoauthor.api.routers import route
from questions.api import views

CHAPTER = r"books/(?P<book_id>[^/]+)/chapters/(?P<chapter_id>[^/]+)"
QUESTION = rf"{CHAPTER}/questions/(?P<question_id>[^/]+)"

urlpatterns = [
    route(
        rf"{CHAPTER}/generate-questions",
        views.GenerateQuestionsView.as_view(),
        "chapter-questions-generate",
    ),
    route(
        rf"{CHAPTER}/regenerate-questions",
        views.RegenerateQuestionsView.as_view(),
        "chapter-questions-regenerate",
    ),
    route(
        rf"{CHAPTER}/question-progress",
        views.QuestionProgressView.as_view(),
        "chapter-question-progress",
    ),
    # literal path before questions/<question_id>/...
    route(
        rf"{CHAPTER}/questions/responses/batch",
        views.ResponsesBatchView.as_view(),
        "chapter-question-responses-batch",
    ),
    route(rf"{CHAPTER}/questions", views.QuestionListView.as_view(), "chapter-questions"),
    route(
        rf"{QUESTION}/response",
        views.QuestionResponseView.as_view(),
        "chapter-question-response",
    ),
    route(rf"{QUESTION}/rating", views.QuestionRatingView.as_view(), "chapter-question-rating"),
]
