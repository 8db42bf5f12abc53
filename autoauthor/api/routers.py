"""URL helpers: every API route answers with or without a trailing slash, without redirects."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter


class OptionalSlashRouter(SimpleRouter):
    def __init__(self):
        super().__init__(trailing_slash="/?")


def route(pattern: str, view, name: str):
    """`pattern` is a regex without anchors or trailing slash, e.g. r"books/(?P<book_id>[^/]+)"."""
    return re_path(rf"^{pattern}/?$", view, name=name)
