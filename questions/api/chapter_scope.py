"""The chapter of a question endpoint's path: the mixin of the viewsets under
/books/{book_id}/chapters/{chapter_id}/ (the book from `get_book()`, then the chapter its TOC
must list: 404 `chapter_not_found`)."""

from books.api.common import BookScopedMixin
from books.selectors import chapter_find, toc_node_find
from books.services.content import chapter_not_found


# The chapter `chapter_id` of the caller's book, for viewsets under a chapter's path.
class ChapterScopedMixin(BookScopedMixin):
    def get_chapter(self, *, include_content: bool = False) -> dict:
        """The merged chapter (404 `chapter_not_found` when the book's TOC does not list it)."""
        chapter = chapter_find(
            book=self.get_book(),
            chapter_id=self.kwargs["chapter_id"],
            include_content=include_content,
        )
        if chapter is None:
            raise chapter_not_found()
        return chapter

    def check_chapter_listed(self) -> None:
        """404 `chapter_not_found` unless the book's TOC lists the chapter (no database
        command: the TOC is part of the book already loaded)."""
        if toc_node_find(self.get_book().toc, self.kwargs["chapter_id"]) is None:
            raise chapter_not_found()
