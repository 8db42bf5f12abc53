"""Routers: every API route answers with or without a trailing slash, without redirects.

Each viewset names its own lookup kwarg after the entity (`lookup_url_kwarg = "book_id"`), and
the routers use that name as it is in nested routes too, so a path reads
`books/{book_id}/chapters/{chapter_id}` wherever it is declared. Ids match any path segment and
are parsed by the viewset, so a malformed id is the entity's JSON 404.
"""

from django.urls import re_path
from rest_framework.routers import SimpleRouter
from rest_framework_nested.routers import NestedSimpleRouter

ANY_SEGMENT = "[^/]+"


class _EntityLookups:
    def get_lookup_regex(self, viewset, lookup_prefix=""):
        field = getattr(viewset, "lookup_field", "pk")
        kwarg = getattr(viewset, "lookup_url_kwarg", None) or field
        value = getattr(viewset, "lookup_value_regex", ANY_SEGMENT)
        return f"(?P<{kwarg}>{value})"


class OptionalSlashRouter(_EntityLookups, SimpleRouter):
    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"  # DRF's own option only knows "/" or ""


class NestedOptionalSlashRouter(_EntityLookups, NestedSimpleRouter):
    """Routes under `parent_prefix/{parent lookup}/` of `parent_router`."""

    def __init__(self, parent_router, parent_prefix: str):
        # drf-nested-routers requires a lookup prefix; the entity lookups above do not use it.
        super().__init__(parent_router, parent_prefix, lookup="parent")


def route(pattern: str, view, name: str):
    """A plain view's route. `pattern` is a regex without anchors or trailing slash."""
    return re_path(rf"^{pattern}/?$", view, name=name)
