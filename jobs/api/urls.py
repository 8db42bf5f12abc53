"""Job routes (each answers with or without a trailing slash): the export jobs of a book under
the books router, the caller's jobs at jobs/."""

from autoauthor.api.routers import NestedOptionalSlashRouter, OptionalSlashRouter
from books.api.urls import router as books_router
from jobs.api.views import ExportJobViewSet, JobViewSet

exports_router = NestedOptionalSlashRouter(books_router, "books")
exports_router.register("exports", ExportJobViewSet, basename="export-job")

router = OptionalSlashRouter()
router.register("jobs", JobViewSet, basename="job")

urlpatterns = [*exports_router.urls, *router.urls]
