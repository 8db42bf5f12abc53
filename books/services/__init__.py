"""Book writes, split by topic: `books.services.books` (books, summary, question responses,
cover image, cascade delete), `books.services.access_logs` (access-log retention),
`books.services.toc` and `books.services.chapters` (table of contents and chapters). Import the
submodule you need; nothing is re-exported here so importing one never loads the others."""
