"""Book writes, split by topic: `books.services.books` (create, update, cascade delete; it also
re-exports the summary and cover services), `books.services.summary` (summary and book-level
question responses), `books.services.cover` (cover image), `books.services.access_logs`
(access-log retention), `books.services.toc` and `books.services.chapters` (table of contents and
chapters), `books.services.content` (chapter content autosave, tab state, access logs),
`books.services.authoring` and `books.services.drafting` (AI-assisted authoring). Import the
submodule you need; nothing is re-exported here."""
