"""The book summary's revisions under books/{book_id}/summary/revisions, in the shape of the
chapter revisions: the list (newest first, the current summary first; at most the 20 kept
history entries and the current one), one revision's text, the diff of two revisions and a
restore (through the summary write service and its version guard). Numbers: see
`books.selectors.revisions`."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from autoauthor.schema import ERRORS
from books.api import revision_serializers as s
from books.api.common import BOOK_ID, valid_data
from books.api.views.chapter_revisions import OTHER, REVISION, diff_body, revision_number
from books.selectors.revisions import summary_revisions
from books.services.revisions import restore as restore_services

TAGS = ["revisions"]
SUMMARY_REVISION_FIELDS = ("summary", "summary_history", "summary_version", "updated_at")


def _listed(revision: dict) -> dict:
    return {**revision, "length": len(revision["summary"])}


# Comments, not docstrings, on the mixin: drf-spectacular would take a class docstring as the
# description of every operation of the book viewset.
class BookSummaryRevisionsMixin:
    ratelimit_scopes = {"summary_revision_restore": "summary_save"}
    book_verbs = {"summary_revision_restore": "update"}

    def _summary_revision(self, segment: str) -> dict:
        book = self.get_book(SUMMARY_REVISION_FIELDS)
        return restore_services.summary_revision_find(book=book, number=revision_number(segment))

    @extend_schema(
        operation_id="books_summary_revisions_list",
        tags=TAGS,
        parameters=[BOOK_ID],
        responses={200: s.SummaryRevisionOutput(many=True), **ERRORS(401, 403, 404)},
        description="The summary's revisions, newest first (the current summary first).",
    )
    @action(detail=True, methods=["get"], url_path="summary/revisions")
    def summary_revisions(self, request, book_id):
        book = self.get_book(SUMMARY_REVISION_FIELDS)
        rows = [_listed(r) for r in summary_revisions(book=book)]
        return Response(s.SummaryRevisionOutput(rows, many=True).data)

    @extend_schema(
        operation_id="books_summary_revisions_retrieve",
        tags=TAGS,
        parameters=[BOOK_ID, REVISION],
        responses={200: s.SummaryRevisionDetailOutput, **ERRORS(401, 403, 404)},
        description="One summary revision with its text.",
    )
    @action(detail=True, methods=["get"], url_path=r"summary/revisions/(?P<revision>[^/]+)")
    def summary_revision(self, request, book_id, revision):
        found = self._summary_revision(revision)
        return Response(s.SummaryRevisionDetailOutput(_listed(found)).data)

    @extend_schema(
        operation_id="books_summary_revisions_diff",
        tags=TAGS,
        parameters=[BOOK_ID, REVISION, OTHER],
        responses={200: s.RevisionDiffOutput, **ERRORS(401, 403, 404)},
        description="What changed from summary revision `revision` to `other`.",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"summary/revisions/(?P<revision>[^/]+)/diff/(?P<other>[^/]+)",
    )
    def summary_revision_diff(self, request, book_id, revision, other):
        old, new = self._summary_revision(revision), self._summary_revision(other)
        body = diff_body(old=old["summary"], new=new["summary"], a=old["number"], b=new["number"])
        body["book_id"] = str(self.get_book().pk)
        return Response(s.RevisionDiffOutput(body).data)

    @extend_schema(
        operation_id="books_summary_revisions_restore",
        tags=TAGS,
        parameters=[BOOK_ID, REVISION],
        request=s.SummaryRevisionRestoreInput,
        responses={
            200: s.SummaryRevisionRestoreOutput,
            **ERRORS(400, 401, 403, 404, 409, 422, 429),
        },
        description="Make the revision's text the summary again (the replaced summary goes to "
        "the history, as with any save), audited.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"summary/revisions/(?P<revision>[^/]+)/restore",
    )
    def summary_revision_restore(self, request, book_id, revision):
        book = self.get_book(SUMMARY_REVISION_FIELDS)
        data = valid_data(s.SummaryRevisionRestoreInput, request.data)
        number = revision_number(revision)
        book = restore_services.summary_revision_restore(
            book=book, number=number, expected_version=data["expected_version"], actor=request.user
        )
        body = {
            "book_id": str(book.pk),
            "restored_revision": number,
            "summary": book.summary,
            "version": book.summary_version,
            "success": True,
        }
        return Response(s.SummaryRevisionRestoreOutput(body).data)
