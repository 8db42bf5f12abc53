"""Books API routes: `router` (books -> BookViewSet) and `chapters_router`
(books/{book_id}/chapters -> ChapterViewSet). Other apps register their own viewsets on these
two to nest under a book or a chapter. Each router lists a viewset's literal sub-paths
(`chapters/metadata`, ...) before its `{chapter_id}` routes, so those are never taken for an
id."""

from autoauthor.api.routers import NestedOptionalSlashRouter, OptionalSlashRouter
from books.api.views import BookViewSet, ChapterViewSet
from books.api.views.book_collaborators import BookCollaboratorViewSet
from books.api.views.chapter_revisions import ChapterRevisionViewSet

router = OptionalSlashRouter()
router.register("books", BookViewSet, basename="book")

chapters_router = NestedOptionalSlashRouter(router, "books")
chapters_router.register("chapters", ChapterViewSet, basename="chapter")

# books/{book_id}/chapters/{chapter_id}/revisions[/{revision}[/diff/{other}|/restore]]
revisions_router = NestedOptionalSlashRouter(chapters_router, "chapters")
revisions_router.register("revisions", ChapterRevisionViewSet, basename="chapter-revision")

collaborators_router = NestedOptionalSlashRouter(router, "books")
collaborators_router.register(
    "collaborators", BookCollaboratorViewSet, basename="book-collaborator"
)

urlpatterns = [
    *router.urls,
    *chapters_router.urls,
    *revisions_router.urls,
    *collaborators_router.urls,
]
