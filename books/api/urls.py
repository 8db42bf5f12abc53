"""Books API routes: `router` (books -> BookViewSet) and `chapters_router`
(books/{book_id}/chapters -> ChapterViewSet). Other apps register their own viewsets on these
two to nest under a book or a chapter. Each router lists a viewset's literal sub-paths
(`chapters/metadata`, ...) before its `{chapter_id}` routes, so those are never taken for an
id."""

from autoauthor.api.routers import NestedOptionalSlashRouter, OptionalSlashRouter
from books.api.views import BookViewSet, ChapterViewSet

router = OptionalSlashRouter()
router.register("books", BookViewSet, basename="book")

chapters_router = NestedOptionalSlashRouter(router, "books")
chapters_router.register("chapters", ChapterViewSet, basename="chapter")

urlpatterns = [*router.urls, *chapters_router.urls]
