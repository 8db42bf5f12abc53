"""Chapter revisions under books/{book_id}/chapters/{chapter_id}/revisions: the list (newest
first, paginated), one revision's text, the diff of two revisions and a restore (a new save on
top, guarded by `expected_version`). Revisions are addressed by their number (an integer; any
other segment is 404 `revision_not_found`). The book is loaded first (404/403), then the
chapter its TOC must list (404 `chapter_not_found`)."""

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from autoauthor.api.pagination import paginated_response, skip_limit_parameters
from autoauthor.schema import ERRORS
from books import selectors
from books.api import revision_serializers as s
from books.api.common import BOOK_ID, CHAPTER_ID, BookScopedMixin, DeclaredListSchema, valid_data
from books.models import chapter_status_normalize
from books.selectors.revisions import chapter_revision_list
from books.services import content as content_services
from books.services.revisions import restore as restore_services
from books.services.revisions import text_diff

TAGS = ["revisions"]
REVISION = OpenApiParameter(
    "revision", OpenApiTypes.INT, OpenApiParameter.PATH, description="A revision number."
)
OTHER = OpenApiParameter(
    "other", OpenApiTypes.INT, OpenApiParameter.PATH, description="The revision to compare to."
)
_NUMBER = re.compile(r"-?\d{1,12}")


def revision_number(segment: str) -> int:
    """A revision number from a path segment; anything but an integer is 404 (there is no
    such revision)."""
    if not _NUMBER.fullmatch(segment):
        raise restore_services.revision_not_found()
    return int(segment)


def diff_body(*, old: str, new: str, a: int, b: int) -> dict:
    return {
        "from_revision": a,
        "to_revision": b,
        **text_diff(old, new, old_label=f"revision {a}", new_label=f"revision {b}"),
    }


# Comments, not docstrings, on the viewset: drf-spectacular would take a class docstring as the
# description of every operation.
class ChapterRevisionViewSet(BookScopedMixin, GenericViewSet):
    lookup_url_kwarg = "revision"
    schema = DeclaredListSchema()
    ratelimit_scopes = {"restore": "content_save"}
    book_verbs = {"restore": "modify"}

    def _revision(self, segment: str):
        return restore_services.chapter_revision_find(
            book=self.get_book(),
            chapter_id=self.kwargs["chapter_id"],
            number=revision_number(segment),
        )

    @extend_schema(
        operation_id="chapter_revisions_list",
        tags=TAGS,
        parameters=[BOOK_ID, CHAPTER_ID, *skip_limit_parameters()],
        responses={200: s.ChapterRevisionOutput(many=True), **ERRORS(401, 403, 404, 422)},
        description="The chapter's revisions, newest first, without their text (`skip`/"
        "`limit`, total in X-Total-Count).",
    )
    def list(self, request, book_id, chapter_id):
        book = self.get_book()
        if selectors.toc_node_find(book.toc, chapter_id) is None:
            raise content_services.chapter_not_found()
        rows = chapter_revision_list(book=book, chapter_id=chapter_id)
        return paginated_response(
            request, rows, lambda page: s.ChapterRevisionOutput(page, many=True).data
        )

    @extend_schema(
        operation_id="chapter_revisions_retrieve",
        tags=TAGS,
        parameters=[BOOK_ID, CHAPTER_ID, REVISION],
        responses={200: s.ChapterRevisionDetailOutput, **ERRORS(401, 403, 404)},
        description="One revision with its text.",
    )
    def retrieve(self, request, book_id, chapter_id, revision):
        found = self._revision(revision)
        body = {**s.ChapterRevisionOutput(found).data, "content": found.content}
        return Response(
            s.ChapterRevisionDetailOutput(
                {**body, "book_id": str(self.get_book().pk), "chapter_id": chapter_id}
            ).data
        )

    @extend_schema(
        operation_id="chapter_revisions_diff",
        tags=TAGS,
        parameters=[BOOK_ID, CHAPTER_ID, REVISION, OTHER],
        responses={200: s.RevisionDiffOutput, **ERRORS(401, 403, 404)},
        description="What changed from revision `revision` to revision `other`: line and "
        "word ops (difflib opcodes) and a unified diff.",
    )
    @action(detail=True, methods=["get"], url_path=r"diff/(?P<other>[^/]+)")
    def diff(self, request, book_id, chapter_id, revision, other):
        old, new = self._revision(revision), self._revision(other)
        body = diff_body(old=old.content, new=new.content, a=old.number, b=new.number)
        body.update(book_id=str(self.get_book().pk), chapter_id=chapter_id)
        return Response(s.RevisionDiffOutput(body).data)

    @extend_schema(
        operation_id="chapter_revisions_restore",
        tags=TAGS,
        parameters=[BOOK_ID, CHAPTER_ID, REVISION],
        request=s.ChapterRevisionRestoreInput,
        responses={200: s.ChapterRevisionRestoreOutput, **ERRORS(401, 403, 404, 409, 422, 429)},
        description="Make the revision's text the chapter's content again: a new content save "
        "on top (a new revision; nothing is lost), audited.",
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, book_id, chapter_id, revision):
        book = self.get_book()
        data = valid_data(s.ChapterRevisionRestoreInput, request.data)
        chapter, restored = restore_services.chapter_revision_restore(
            book=book,
            chapter_id=chapter_id,
            number=revision_number(revision),
            expected_version=data["expected_version"],
            actor=request.user,
        )
        body = {
            "book_id": str(book.pk),
            "chapter_id": chapter_id,
            "restored_revision": restored,
            "version": chapter.version,
            "word_count": chapter.word_count,
            "status": chapter_status_normalize(chapter.status),
            "success": True,
            "message": f"Revision {restored} restored",
        }
        return Response(s.ChapterRevisionRestoreOutput(body).data)
