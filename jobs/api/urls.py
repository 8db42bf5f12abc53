"""Job routes (each answers with or without a trailing slash)."""

from autoauthor.api.routers import route
from jobs.api import views

urlpatterns = [
    route(r"books/(?P<book_id>[^/]+)/exports", views.ExportJobCreateView.as_view(), "book-exports"),
    route(r"jobs", views.JobListView.as_view(), "jobs-list"),
    route(r"jobs/(?P<job_id>[^/]+)", views.JobDetailView.as_view(), "job-detail"),
    route(r"jobs/(?P<job_id>[^/]+)/download", views.JobDownloadView.as_view(), "job-download"),
]
