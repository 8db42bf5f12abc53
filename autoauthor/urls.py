"""URL configuration. Every API route lives under /api/v1 and answers with or without a
trailing slash."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from autoauthor import views
from autoauthor.api.routers import route

api_v1 = [
    route("health", views.HealthView.as_view(), "health"),
    route("openapi.json", SpectacularJSONAPIView.as_view(), "openapi"),  # JSON, as named
    path("", include("accounts.api.urls")),
    path("", include("books.api.urls")),
    path("", include("questions.api.urls")),
    path("", include("search.api.urls")),
    path("", include("jobs.api.urls")),
]

urlpatterns = [
    re_path(r"^$", views.RootView.as_view(), name="root"),
    re_path(r"^api/v1/?$", views.WelcomeView.as_view(), name="api-root"),
    path("api/v1/", include(api_v1)),
    re_path(r"^docs/?$", SpectacularSwaggerView.as_view(url_name="openapi"), name="docs"),
    re_path(r"^redoc/?$", SpectacularRedocView.as_view(url_name="openapi"), name="redoc"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )

# Last: an unknown path is a JSON 404 even with DEBUG on, where Django would otherwise answer
# its HTML page listing every URL pattern.
urlpatterns.append(re_path(r"", views.not_found, name="not-found"))

handler400 = "autoauthor.api.exceptions.handler400"
handler403 = "autoauthor.api.exceptions.handler403"
handler404 = "autoauthor.api.exceptions.handler404"
handler500 = "autoauthor.api.exceptions.handler500"
