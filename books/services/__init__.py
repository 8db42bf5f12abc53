"""Book writes, split by topic: `books.services.books` (create, update, cascade delete; it still
re-exports the summary and cover services for the admin, demo seeding and the book views),
`books.services.summary` (summary and book-level question responses), `books.services.cover`
(cover image), `books.services.access_logs` (access-log retention), `books.services.toc` and
`books.services.chapters` (table of contents and chapters), `books.services.content` (chapter
content autosave, tab state, access logs), `books.services.authoring` (AI-assisted authoring,
drafts included). The rules they check are written once in `books.rules`. Import the submodule
you need; nothing is re-exported here."""
