"""The search index: one `SearchEntry` per searchable field of a book.

Storage design (why not `$text`, and why one document per field):
- `$text` is broken on the embedded server, and a scan of the stored text (`icontains`) reads
  every chapter of every book. Instead every searchable field — a book's title, description
  and summary; a chapter's title, description and content; an interview answer — has one entry
  holding its folded terms (`terms`, a multikey array) and their positions (`positions`).
- A query reads entries through the compound index (book_id, terms): only entries of the books
  the caller may read, and among them only those holding a query term (on MongoDB the index
  bounds do both; prefixes are a range on the same index). Nobody else's entries are read.
  The embedded engines do not read compound indexes: single-field indexes on `book_id` and on
  `terms` (redundant on MongoDB) let the memory engine read the smaller of the caller's books'
  entries and the entries holding the term (shim `index_narrowing`); the SQLite engine still
  passes over every entry once per query (shim `multikey_lookup` keeps it to one pass).
  Measured in bench/search_bench.py.
- One document per field keeps a write cheap: re-indexing a saved chapter replaces one document,
  where a document per (book, term) would rewrite hundreds.
- Entries are derived data, refreshed before a query answers (search.services.indexing): each
  records a hash of the text it was built from (`digest`), so only changed fields are rebuilt.
  Entries of deleted books are removed with the book (search.signals) and are never read
  anyway: a query reads only the books `readable_book_ids` lists.
"""

from django.db import models
from django_mongodb_backend.fields import ObjectIdField

from books.models import JSONTextField


class EntryKind(models.TextChoices):
    TITLE = "title"
    DESCRIPTION = "description"
    SUMMARY = "summary"
    CHAPTER_TITLE = "chapter_title"
    CHAPTER_DESCRIPTION = "chapter_description"
    CONTENT = "content"
    ANSWER = "answer"


class SearchEntry(models.Model):
    # Plain ObjectIds, not foreign keys: deleting a book or a chapter must not make Django's
    # collector read the index (the book's receiver removes its entries in one command).
    book_id = ObjectIdField(db_index=True)
    # "<book>:<kind>[:<chapter id>][:<response id>]": unique, the upsert key of a rebuild.
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=24, choices=EntryKind.choices)
    chapter_id = models.CharField(max_length=64, blank=True, default="")
    # For answers: the question. `user_id` is null: an answer is the book's and every reader of
    # the book finds it (entries written before INDEX_VERSION 2 named its author).
    question_id = ObjectIdField(null=True, blank=True)
    user_id = ObjectIdField(null=True, blank=True)
    digest = models.CharField(max_length=64)
    terms = models.JSONField(default=list)
    # {term: [word positions]} as one string: read and written whole, never queried inside.
    positions = JSONTextField(default=dict)
    length = models.IntegerField(default=0)  # words in the field, for length normalisation

    class Meta:
        db_table = "search_entries"
        indexes = [
            models.Index(fields=["book_id", "terms"], name="search_book_terms_idx"),
            models.Index(fields=["terms"], name="search_terms_idx"),
        ]

    def __str__(self) -> str:
        return self.key
