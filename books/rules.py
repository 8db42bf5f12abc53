"""The books rules, each written once: field limits, the chapter-id pattern, word count, reading
time and the shape of a table of contents. Serializers, services, the admin, the AI parser and
the models import them from here; nothing else restates a number or a pattern.

Constants and small pure functions only: no Django, no DRF, so any layer may import it.
"""

import re

# --- Book fields (the reference's BookCreate/BookUpdate limits) -------------------------------

BOOK_TITLE_MAX = 100
BOOK_SUBTITLE_MAX = 255
BOOK_DESCRIPTION_MAX = 5000
BOOK_GENRE_MAX = 100
BOOK_AUDIENCE_MAX = 100
URL_MAX = 2083  # the longest URL browsers accept
SUMMARY_MIN_CHARS = 30  # what a summary save accepts
SUMMARY_MAX_CHARS = 2000
SUMMARY_HISTORY_LIMIT = 20
# The least a summary needs before a TOC can be generated from it.
SUMMARY_READY_MIN_WORDS = 30
SUMMARY_READY_MIN_CHARS = 150

# --- Chapter ids --------------------------------------------------------------------------------

CHAPTER_ID_MAX_LENGTH = 64
CHAPTER_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
# Ids that would be shadowed by literal routes (`chapters/metadata`, ...) or that access logs use.
RESERVED_CHAPTER_IDS = frozenset(
    {"metadata", "tab-state", "bulk-status", "batch-content", "batch_request"}
)


def chapter_id_well_formed(value) -> bool:
    """Whether `value` is 1-64 of `A-Za-z0-9_.:-` (reserved route words included)."""
    return isinstance(value, str) and CHAPTER_ID_RE.match(value) is not None


def chapter_id_usable(value) -> bool:
    """Whether `value` is a well-formed chapter id that no literal route or log shadows."""
    return chapter_id_well_formed(value) and value not in RESERVED_CHAPTER_IDS


# --- TOC shape ----------------------------------------------------------------------------------

TOC_MAX_DEPTH = 2  # chapters and their subchapters; a subchapter has none
TOC_MAX_CHAPTERS = 200  # chapters and subchapters together
# The reference has no bound and the frontend's editor none either: generous, yet the TOC (one
# JSON string) stays bounded (200 x 500 characters of titles).
TOC_TITLE_MAX = 500
TOC_DESCRIPTION_MAX = 5000
TOC_NOTES_MAX = 5000
# Orders and page counts are stored inside the TOC's JSON text, where any integer would fit:
# bounded to what MongoDB's 64-bit integers hold, as when the TOC was a nested document.
TOC_INT_MAX = 2**63 - 1


def toc_title_required(level: int) -> bool:
    """Only top-level chapters need a title (the reference's rule; the editor lets an author
    clear a subchapter's title and save)."""
    return level == 1


# --- Chapter content and tabs -------------------------------------------------------------------

CONTENT_MAX_LENGTH = 2_000_000  # characters; the request body limit applies first
TAB_MAX_COUNT = 20
BATCH_CONTENT_MAX_CHAPTERS = 20

# --- Words and reading time ---------------------------------------------------------------------

WORDS_PER_MINUTE = 200


def word_count(text: str | None) -> int:
    """Words of `text` split on whitespace (the reference counts the editor's HTML as is)."""
    return len((text or "").split())


def saved_reading_time(words: int) -> int:
    """Reading time a content save (and a draft) reports (§3.4): whole minutes, at least 1."""
    return max(1, words // WORDS_PER_MINUTE)


def reading_time(words: int) -> int:
    """Minutes to read `words` words as read endpoints show it: 0 for none, else at least 1
    (rounded, where a save truncates: the two formulas are the reference's own)."""
    return 0 if words <= 0 else max(1, round(words / WORDS_PER_MINUTE))


def summary_meets_minimum(summary: str | None) -> bool:
    """Whether a summary is long enough for TOC generation (SUMMARY_READY_MIN_WORDS words and
    SUMMARY_READY_MIN_CHARS characters)."""
    words, chars = word_count(summary), len(summary or "")
    return words >= SUMMARY_READY_MIN_WORDS and chars >= SUMMARY_READY_MIN_CHARS


# --- Answers used by the AI features (book question responses, draft responses) -----------------

RESPONSES_MAX_ITEMS = 50
RESPONSE_QUESTION_MAX_CHARS = 1000
RESPONSE_ANSWER_MAX_CHARS = 10000
TRANSFORM_MAX_CHARS = 30000


# --- Book roles (shared books) ------------------------------------------------------------------

# The roles a book's users hold, lowest first: a viewer reads everything and exports; an editor
# also edits the TOC, chapters, content, questions and answers; a co-author also manages the
# collaborators (except the owner); only the owner deletes the book or transfers ownership.
ROLE_VIEWER = "viewer"
ROLE_EDITOR = "editor"
ROLE_CO_AUTHOR = "co-author"
ROLE_OWNER = "owner"
ROLE_RANKS = {ROLE_VIEWER: 1, ROLE_EDITOR: 2, ROLE_CO_AUTHOR: 3, ROLE_OWNER: 4}
# What a collaborator can be made (the owner is no collaborator's role: ownership is transferred).
COLLABORATOR_ROLES = (ROLE_VIEWER, ROLE_EDITOR, ROLE_CO_AUTHOR)
BOOK_ROLES = (ROLE_OWNER, *COLLABORATOR_ROLES)  # what the caller's `role` on a book can be
COLLABORATORS_MAX = 100  # bounded: the list lives in the book's document


def role_at_least(role: str | None, required: str) -> bool:
    """Whether `role` (None: no role on the book) ranks at or above `required`."""
    return role is not None and ROLE_RANKS.get(role, 0) >= ROLE_RANKS[required]
