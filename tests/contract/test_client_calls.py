"""One test per call of the frontend's API client (bookClient.ts, draftClient.ts, the settings
and profile pages) at 4542f6d and HEAD: the requests the client sends, replayed by the author's
journey (tests/contract/journey.py) against a live gunicorn server, answer with the fields, types
and values the frontend reads. The `...WithErrorHandling` wrappers send the same requests as the
calls they wrap, and `draftClient` delegates to generateChapterDraft, getChapterContent and
saveChapterContent, so they are covered by those tests. HEAD's calls the API does not serve yet
(billing) are another issue's."""

import io

import docx
import pypdf
import pytest

from tests.contract.frontend import (
    FRONTEND_CHAPTER_STATUSES,
    HEAD,
    OLD,
    is_int,
    is_iso,
    is_number,
    is_str,
    ok,
    percent,
    readable,
)
from tests.contract.journey import SUMMARY, SUMMARY_REVISED

pytestmark = pytest.mark.timeout(600)


def calls(journey, name, revision=None):
    exchanges = journey.ui.calls[name]
    assert exchanges, f"the journey made no {name} call"
    if revision is not None:
        exchanges = [e for e in exchanges if e.revision in (revision, "both")]
    return exchanges


def last(journey, name):
    return calls(journey, name)[-1]


def the_book(books: list, book_id: str) -> dict:
    return next(book for book in books if book["id"] == book_id)


def assert_chapter_fields(chapter: dict) -> None:
    """What the chapter tabs, the edit-toc page and the status indicators read of a chapter."""
    assert is_str(chapter["id"]) and is_str(chapter["title"])
    assert chapter["status"] in FRONTEND_CHAPTER_STATUSES, chapter
    assert is_int(chapter["word_count"]) and is_int(chapter["estimated_reading_time"])
    assert is_int(chapter["order"]) and chapter["level"] in (1, 2)
    assert chapter["last_modified"] is None or is_iso(chapter["last_modified"])
    assert is_str(chapter.get("description", ""))


# --- books ---------------------------------------------------------------------------------


def test_get_user_books(journey):
    """GET /books/ (trailing slash). 4542f6d's dashboard cards read `chapters`, `progress`
    (0-100) and `word_count` as they are; HEAD derives them from `toc_items` (count, share of
    completed or published, sum of word counts): both must agree with the book's TOC."""
    first, *_, final = calls(journey, "getUserBooks")
    assert ok(first) == []
    books = ok(final)
    book = the_book(books, journey.facts["book_id"])
    for item in books:
        assert is_str(item["id"]) and is_str(item["title"])
        assert item["description"] is None or is_str(item["description"])
        assert is_iso(item["updated_at"]) and is_iso(item["created_at"])
        assert is_int(item["chapters"]) and is_int(item["word_count"])
        assert is_int(item["progress"]) and 0 <= item["progress"] <= 100
        items = item["toc_items"]
        assert item["chapters"] == len(items)
        done = sum(1 for toc_item in items if toc_item["status"] in ("completed", "published"))
        assert item["progress"] == percent(done, len(items))
        assert item["word_count"] == sum(toc_item["word_count"] for toc_item in items)
        for toc_item in items:
            assert toc_item["status"] in FRONTEND_CHAPTER_STATUSES
            assert is_int(toc_item["word_count"]) and is_str(toc_item["id"])
            assert toc_item["level"] in (1, 2) and is_int(toc_item["order"])

    toc = journey.facts["toc_after_delete"]
    flattened = [c["id"] for chapter in toc["chapters"] for c in [chapter, *chapter["subchapters"]]]
    assert [toc_item["id"] for toc_item in book["toc_items"]] == flattened
    assert book["chapters"] == len(flattened) > 14  # not "New": the TOC's chapters count
    assert book["progress"] > 0 and book["word_count"] > 700
    # the list right after the new book: a "New" card
    fresh = the_book(ok(calls(journey, "getUserBooks")[1]), journey.facts["book_id"])
    assert (fresh["chapters"], fresh["progress"], fresh["word_count"]) == (0, 0, 0)


def test_get_book(journey):
    """GET /books/{id}: the book page reads these fields and `progress` (a percentage)."""
    for exchange in calls(journey, "getBook"):
        book = ok(exchange)
        for name in ("title", "created_at", "updated_at", "owner_id"):
            assert is_str(book[name])
        for name in ("description", "subtitle", "genre", "target_audience", "cover_image_url"):
            assert book[name] is None or is_str(book[name])
        assert isinstance(book["published"], bool) and isinstance(book["collaborators"], list)
        assert is_int(book["progress"]) and 0 <= book["progress"] <= 100
    final = ok(last(journey, "getBook"))
    listed = the_book(ok(calls(journey, "getUserBooks")[-2]), final["id"])
    assert final["progress"] == listed["progress"] > 0


def test_create_book(journey):
    """POST /books/ with the wizard's six fields (empty strings included) and with the
    new-book page's title and description: 201 with the `id` the client redirects to."""
    wizard, page = calls(journey, "createBook")
    assert set(wizard.body) == {
        "title", "subtitle", "description", "genre", "target_audience", "cover_image_url",
    }  # fmt: skip
    for exchange in (wizard, page):
        body = ok(exchange, 201)
        assert is_str(body["id"]) and len(body["id"]) == 24
        assert body["title"] == exchange.body["title"]


def test_update_book(journey):
    """PATCH /books/{id}: 4542f6d's form sends every field, HEAD what changed; nothing read."""
    for exchange in calls(journey, "updateBook"):
        body = ok(exchange)
        for name, value in exchange.body.items():
            assert body[name] == value


def test_delete_book(journey):
    """DELETE /books/{id} with the JSON content type and no body: 204, then gone."""
    exchange = last(journey, "deleteBook")
    assert exchange.status == 204 and exchange.raw == b""
    remaining = {book["id"] for book in journey.facts["books_after_delete"]}
    assert journey.facts["doomed_book_id"] not in remaining
    assert journey.facts["book_id"] in remaining


# --- summary and the TOC wizard --------------------------------------------------------------


def test_get_book_summary(journey):
    """GET summary: `summary` (a string, "" before any) and `summary_history` entries of
    {summary, timestamp} (the summary page's revert)."""
    first, final = calls(journey, "getBookSummary")
    assert ok(first)["summary"] == ""
    body = ok(final)
    assert body["summary"] == SUMMARY_REVISED
    assert [entry["summary"] for entry in body["summary_history"]][-1:] == [SUMMARY]
    assert all(is_str(entry["timestamp"]) for entry in body["summary_history"])


def test_save_book_summary(journey):
    """PUT summary {summary}: the autosave of a short text is a 400 the page ignores (its
    detail is shown as is on submit); a long enough one answers the saved `summary`."""
    short, first, revised = calls(journey, "saveBookSummary")
    assert short.status == 400 and readable(short.data["detail"]), short
    assert ok(first)["summary"] == SUMMARY
    assert ok(revised)["summary"] == SUMMARY_REVISED


def test_check_toc_readiness(journey):
    """GET toc-readiness: the wizard moves on when `meets_minimum_requirements`; the not-ready
    message reads `confidence_score` (x 100), `word_count`, `analysis`, `suggestions.length`."""
    for exchange in calls(journey, "checkTocReadiness"):
        body = ok(exchange)
        assert isinstance(body["meets_minimum_requirements"], bool)
        assert is_number(body["confidence_score"]) and 0 <= body["confidence_score"] <= 1
        assert is_int(body["word_count"]) and is_str(body["analysis"])
        assert isinstance(body["suggestions"], list)
    assert ok(last(journey, "checkTocReadiness"))["meets_minimum_requirements"] is True


def test_analyze_summary(journey):
    """POST analyze-summary with no body (the JSON content type all the same)."""
    exchange = last(journey, "analyzeSummary")
    assert exchange.body is None
    analysis = ok(exchange)["analysis"]
    assert isinstance(analysis["is_ready_for_toc"], bool)
    assert is_number(analysis["confidence_score"]) and isinstance(analysis["suggestions"], list)


def test_generate_questions(journey):
    """POST generate-questions (book level, no body): `questions` is a list of strings."""
    questions = ok(last(journey, "generateQuestions"))["questions"]
    assert questions and all(is_str(q) and q for q in questions)


def test_get_question_responses(journey):
    """GET question-responses: `responses` of {question, answer} (HEAD matches `question` to
    the question text and prefills `answer`), `answered_at`; none saved: an empty list."""
    before, after = calls(journey, "getQuestionResponses")
    assert ok(before)["responses"] == []
    body = ok(after)
    asked = ok(last(journey, "generateQuestions"))["questions"]
    assert [item["question"] for item in body["responses"]] == asked
    assert all(is_str(item["answer"]) and item["answer"] for item in body["responses"])
    assert is_str(body["answered_at"])


def test_save_question_responses(journey):
    """PUT question-responses {responses} (HEAD's autosave), an empty list included: reads
    `answered_at`."""
    empty, full = calls(journey, "saveQuestionResponses", HEAD)
    assert empty.body == {"responses": []}
    for exchange in (empty, full):
        assert is_str(ok(exchange)["answered_at"])


def test_generate_toc(journey):
    """POST generate-toc {question_responses}: the wizard shows `toc.chapters` (id, title,
    description, status, word_count, estimated_reading_time, subchapters), `total_chapters`,
    `estimated_pages` and `has_subchapters`, and later sends the `toc` back as it is."""
    body = ok(last(journey, "generateToc"))
    toc = body["toc"]
    assert toc["chapters"] and toc["total_chapters"] == len(toc["chapters"])
    assert is_int(toc["estimated_pages"]) and isinstance(body["has_subchapters"], bool)
    for chapter in toc["chapters"]:
        assert_chapter_fields(chapter)
        assert chapter["status"] == "draft" and is_str(chapter["description"])
        for sub in chapter["subchapters"]:
            assert_chapter_fields(sub)
    assert [chapter["id"] for chapter in toc["chapters"]][:2] == ["ch1", "ch2"]


def test_get_toc(journey):
    """GET toc: every chapter and subchapter with the fields the tabs, the book page and the
    edit-toc page read, statuses among the four the status components render (in_progress
    spelled so: `in-progress` made the tab component throw)."""
    statuses = set()
    for exchange in calls(journey, "getToc"):
        toc = ok(exchange)["toc"]
        for chapter in toc["chapters"]:
            assert_chapter_fields(chapter)
            statuses.add(chapter["status"])
            for sub in chapter["subchapters"]:
                assert_chapter_fields(sub)
                statuses.add(sub["status"])
    assert {"draft", "in_progress", "completed"} <= statuses
    final = ok(calls(journey, "getToc")[-1])["toc"]["chapters"]
    by_id = {chapter["id"]: chapter for chapter in final}
    assert by_id[journey.facts["first_chapter"]]["status"] == "completed"  # autosaves
    assert by_id[journey.facts["status_chapter"]]["status"] == "completed"  # status menu
    assert {by_id[cid]["status"] for cid in journey.facts["bulk_chapters"]} == {"in_progress"}


def test_update_toc(journey):
    """PUT toc {toc}: the wizard's echo of the generated TOC, then the edit-toc page's saves
    with its own ids: ch14, ch1-3, and after deleting ch2 and ch1-1 the new chapter and
    subchapter that take ch14 and ch1-3 again. The saved chapters keep their ids and content;
    the new duplicates get fresh ids; nothing is refused."""
    wizard, first_edit, second_edit = calls(journey, "updateToc")
    ok(wizard)
    assert ok(wizard)["toc"]["chapters"][0]["id"] == "ch1"

    ok(first_edit)
    assert {"ch14", "ch1-1", "ch1-2", "ch1-3"} <= set(journey.facts["first_edit_ids"])
    assert journey.facts["first_edit_ids"][:4] == ["ch1", "ch1-1", "ch1-2", "ch1-3"]

    sent = [chapter["id"] for chapter in second_edit.body["toc"]["chapters"]]
    assert sent.count("ch14") == 2  # what the page sent: a delete-then-add duplicate
    sent_subs = [sub["id"] for sub in second_edit.body["toc"]["chapters"][0]["subchapters"]]
    assert sent_subs == ["ch1-2", "ch1-3", "ch1-3"]
    ok(second_edit)
    toc = journey.facts["second_edit_toc"]
    chapters = {chapter["id"]: chapter for chapter in toc["chapters"]}
    assert "ch2" not in chapters and chapters["ch14"]["title"] == "Epilogue"
    assert chapters["ch14"]["content"] == "<p>Written in ch14.</p>"  # stayed with its chapter
    new_chapter = toc["chapters"][-1]
    assert new_chapter["title"] == "New Chapter" and new_chapter["id"] == "ch15"
    assert new_chapter["content"] == "" and new_chapter["word_count"] == 0
    subs = toc["chapters"][0]["subchapters"]
    assert [sub["id"] for sub in subs[:2]] == ["ch1-2", "ch1-3"]
    assert subs[0]["content"] == "<p>Written in ch1-2.</p>"
    # ch1-1 is not reused: it was just deleted (its content must not come back)
    assert subs[2]["title"] == "New Subchapter" and subs[2]["id"] == "ch1-4"
    assert subs[2]["content"] == ""
    ids = [c["id"] for chapter in toc["chapters"] for c in [chapter, *chapter["subchapters"]]]
    assert len(ids) == len(set(ids))


# --- chapters, tabs, content -------------------------------------------------------------------


def test_create_chapter(journey):
    """POST chapters {title, content, order}: 201; the tabs select the top-level `id` and the
    toast names the top-level `title`."""
    exchange = last(journey, "createChapter")
    assert set(exchange.body) == {"title", "content", "order"}
    body = ok(exchange, 201)
    assert is_str(body["id"]) and body["id"] == body["chapter_id"]
    assert body["title"] == exchange.body["title"] and body["order"] == exchange.body["order"]
    assert body["content"] == "" and body["status"] == "draft"
    assert is_iso(body["created_at"]) and is_iso(body["updated_at"])


def test_delete_chapter(journey):
    """DELETE chapters/{id} with the JSON content type and no body: 200, gone from the TOC."""
    ok(last(journey, "deleteChapter"))
    created = journey.facts["created_chapter"]["id"]
    assert created not in [
        chapter["id"] for chapter in journey.facts["toc_after_delete"]["chapters"]
    ]


def test_save_chapter_content(journey):
    """PATCH content {content, auto_update_metadata} without expected_version (the editor's
    autosave): every save succeeds; the status steps up at 100 and 500 words as `in_progress`."""
    saves = calls(journey, "saveChapterContent")
    for exchange in saves:
        assert set(exchange.body) == {"content", "auto_update_metadata"}
        assert ok(exchange)["status"] in FRONTEND_CHAPTER_STATUSES
    assert [ok(e)["status"] for e in saves[-3:]] == ["draft", "in_progress", "completed"]


def test_get_chapter_content(journey):
    """GET content?include_metadata=true&track_access=true: `content` (HTML string); draftClient
    would read `metadata.word_count` and `metadata.last_modified`."""
    before, after = calls(journey, "getChapterContent")
    assert ok(before)["content"] == ""
    body = ok(after)
    assert is_str(body["content"]) and body["content"].startswith("<p>word0")
    assert body["metadata"]["word_count"] == 700 and is_iso(body["metadata"]["last_modified"])
    assert body["metadata"]["status"] in FRONTEND_CHAPTER_STATUSES


def test_get_chapters_metadata(journey):
    """GET chapters/metadata?include_content_stats=true: every chapter with id, title, status,
    word_count, last_modified, estimated_reading_time, order, level; `last_active_chapter`;
    `completion_stats` keyed draft / in_progress / completed / published."""
    for exchange in calls(journey, "getChaptersMetadata"):
        body = ok(exchange)
        for chapter in body["chapters"]:
            assert_chapter_fields(chapter)
        stats = body["completion_stats"]
        assert set(stats) == FRONTEND_CHAPTER_STATUSES
        assert sum(stats.values()) == len(body["chapters"])
        assert body["last_active_chapter"] is None or is_str(body["last_active_chapter"])
    final = ok(last(journey, "getChaptersMetadata"))
    assert final["completion_stats"]["in_progress"] >= 2
    assert final["completion_stats"]["completed"] >= 2


def test_update_chapter_status(journey):
    """PATCH chapters/bulk-status {chapter_ids: [id], status, update_timestamp: true} from the
    tab menu: `in_progress` is accepted (it was a 422), the answer is JSON; a forbidden step
    (draft to published) is a 400 whose detail a person can read."""
    to_progress, to_completed, refused = calls(journey, "updateChapterStatus")
    assert ok(to_progress)["new_status"] == "in_progress"
    assert ok(to_completed)["new_status"] == "completed"
    assert refused.status == 400, refused
    assert readable(refused.data["detail"]) and "Published" in refused.data["detail"]


def test_update_bulk_chapter_status(journey):
    """PATCH chapters/bulk-status with several ids."""
    body = ok(last(journey, "updateBulkChapterStatus"))
    assert body["updated_chapters"] == journey.facts["bulk_chapters"]
    assert body["new_status"] == "in_progress"


def test_save_tab_state(journey):
    """POST chapters/tab-state {active_chapter_id, open_tab_ids, tab_order (every chapter),
    session_id}: accepted with the new chapter's id (it was undefined before)."""
    exchange = last(journey, "saveTabState")
    assert exchange.body["active_chapter_id"] == journey.facts["created_chapter"]["id"]
    assert len(exchange.body["tab_order"]) > 20  # every chapter and subchapter of the book
    assert ok(exchange)["success"] is True


def test_get_tab_state(journey):
    """GET chapters/tab-state: the client reads `(tab_state || body)` then active_chapter_id,
    open_tab_ids, tab_order and last_updated (compared with its local copy)."""
    before, after = calls(journey, "getTabState")
    assert ok(before)["tab_state"] is None
    state = ok(after)["tab_state"]
    sent = last(journey, "saveTabState").body
    assert state["active_chapter_id"] == sent["active_chapter_id"]
    assert state["open_tab_ids"] == sent["open_tab_ids"]
    assert state["tab_order"] == sent["tab_order"]
    assert is_iso(state["last_updated"])


# --- chapter interview questions -----------------------------------------------------------------


def test_generate_chapter_questions(journey):
    """POST generate-questions {count}: `questions` replaces the list, its length is toasted."""
    exchange = last(journey, "generateChapterQuestions")
    questions = ok(exchange)["questions"]
    assert len(questions) == exchange.body["count"]


def test_get_chapter_questions(journey):
    """GET questions? (no options: page 1 of 10): each question's id, question_text,
    question_type, difficulty, metadata (suggested_response_length, help_text, examples),
    response_status; `pages` and `total` drive the client's paging."""
    body = ok(last(journey, "getChapterQuestions"))
    assert is_int(body["pages"]) and is_int(body["total"]) and body["total"] == 10
    assert len(body["questions"]) == 10
    for question in body["questions"]:
        assert is_str(question["id"]) and is_str(question["question_text"])
        assert question["question_type"] in {"character", "plot", "setting", "theme", "research"}
        assert question["difficulty"] in {"easy", "medium", "hard"}
        metadata = question["metadata"]
        assert is_str(metadata["suggested_response_length"])
        assert metadata["help_text"] is None or is_str(metadata["help_text"])
        assert metadata["examples"] is None or isinstance(metadata["examples"], list)
        assert question["response_status"] in {"not_answered", "draft", "completed"}


def test_save_question_response(journey):
    """PUT questions/{id}/response {response_text, status}: stored verbatim (the client
    compares what it reads back with what it sent)."""
    for exchange in calls(journey, "saveQuestionResponse"):
        body = ok(exchange)
        assert body["response"]["response_text"] == exchange.body["response_text"]
        assert body["response"]["status"] == exchange.body["status"]


def test_get_question_response(journey):
    """GET questions/{id}/response: `has_response`, `response.response_text`, `response.status`;
    a question without an answer says so (no 404)."""
    answered, unanswered = calls(journey, "getQuestionResponse")
    body = ok(answered)
    assert body["has_response"] is True and body["response"]["status"] == "completed"
    assert (
        body["response"]["response_text"]
        == last(journey, "saveQuestionResponse").body["response_text"]
    )
    assert ok(unanswered)["has_response"] is False


def test_save_question_responses_batch(journey):
    """POST questions/responses/batch with a top-level array of {question_id, response_text}."""
    exchange = last(journey, "saveQuestionResponsesBatch")
    assert isinstance(exchange.body, list)
    body = ok(exchange)
    assert body["success"] is True


def test_rate_question(journey):
    """POST questions/{id}/rating {rating} without question_id or user_id."""
    exchange = last(journey, "rateQuestion")
    assert exchange.body == {"rating": 4}
    ok(exchange)


def test_get_chapter_question_progress(journey):
    """GET question-progress: total, completed, in_progress (numbers), progress (a fraction the
    UI multiplies by 100) and status spelled `in-progress` (what the progress bar compares)."""
    first, final = calls(journey, "getChapterQuestionProgress")
    body = ok(first)
    assert (body["total"], body["completed"], body["in_progress"]) == (10, 1, 0)
    assert body["progress"] == 0.1 and body["status"] == "in-progress"
    body = ok(final)
    assert is_number(body["progress"]) and 0 <= body["progress"] <= 1
    assert body["status"] in {"not-started", "in-progress", "completed"}


def test_regenerate_chapter_questions(journey):
    """POST regenerate-questions?preserve_responses=true {count}: reads `total`."""
    exchange = last(journey, "regenerateChapterQuestions")
    body = ok(exchange)
    assert is_int(body["total"]) and body["total"] >= exchange.body["count"]
    assert body["preserved_count"] == 2  # the answered questions stay


def test_regenerate_single_question(journey):
    """HEAD: POST questions/{id}/regenerate {focus: the question's type}; the answer is a
    Question that replaces the old one in the list (same id and order), with
    `regeneration_count` (the Regenerated n/5 badge and the button's cap) and has_response."""
    exchange = last(journey, "regenerateSingleQuestion")
    old = journey.facts["regenerated_from"]
    assert exchange.revision == HEAD and exchange.body == {"focus": old["question_type"]}
    question = ok(exchange)
    assert (question["id"], question["order"]) == (old["id"], old["order"])
    assert question["chapter_id"] == old["chapter_id"]
    assert is_str(question["question_text"]) and question["question_text"] != old["question_text"]
    assert question["question_type"] == old["question_type"]
    assert question["difficulty"] in {"easy", "medium", "hard"}
    assert is_str(question["category"]) and is_iso(question["generated_at"])
    assert is_str(question["metadata"]["suggested_response_length"])
    assert is_int(question["regeneration_count"]) and question["regeneration_count"] == 1
    assert question["has_response"] is False and question["response_status"] == "not_answered"


def test_get_chapter_qa_responses(journey):
    """getChapterQAResponses: questions?page=1&limit=50, then each question's response; the
    answered ones become the draft's {question, answer} pairs."""
    page, *responses = calls(journey, "getChapterQAResponses")
    body = ok(page)
    assert body["pages"] == 1 and len(body["questions"]) == body["total"]
    assert len(responses) == len(body["questions"])
    assert all(isinstance(ok(exchange)["has_response"], bool) for exchange in responses)
    assert len(journey.facts["qa"]) == 2


# --- drafts and style -----------------------------------------------------------------------------


def test_generate_chapter_draft(journey):
    """POST generate-draft {question_responses, writing_style, target_length}: `draft`,
    metadata word_count, estimated_reading_time, writing_style; `suggestions` (a list)."""
    body = ok(last(journey, "generateChapterDraft"))
    assert is_str(body["draft"]) and body["draft"]
    metadata = body["metadata"]
    assert is_int(metadata["word_count"]) and is_int(metadata["estimated_reading_time"])
    assert metadata["writing_style"] == "conversational"
    assert isinstance(body["suggestions"], list)


def test_transform_chapter_style(journey):
    """POST transform-style {content, target_style}: reads `transformed`."""
    body = ok(last(journey, "transformChapterStyle"))
    assert is_str(body["transformed"]) and body["transformed"]


def assert_enhanced(body: dict, enhancement_type: str) -> None:
    """What bookClient's enhance calls declare: `enhanced` (the dialog's "After" preview and
    what "Apply to Chapter" puts in the editor) and metadata's enhancement_type and label,
    word counts, model_used, generated_at."""
    assert body["success"] is True and is_str(body["enhanced"]) and body["enhanced"]
    assert is_str(body["book_id"]) and is_str(body["chapter_id"]) and is_str(body["message"])
    metadata = body["metadata"]
    assert metadata["enhancement_type"] == enhancement_type
    assert is_str(metadata["enhancement_label"]) and is_str(metadata["model_used"])
    assert is_int(metadata["original_word_count"]) and is_int(metadata["enhanced_word_count"])
    assert is_iso(metadata["generated_at"])


def test_enhance_chapter_text(journey):
    """POST enhance-text {content, enhancement_type} (HEAD's ContentEnhancer, each of its four
    types): reads `enhanced`, sanitised as HTML, so the editor's markup comes back."""
    exchanges = calls(journey, "enhanceChapterText", HEAD)
    sent = [exchange.body["enhancement_type"] for exchange in exchanges]
    assert sent == ["clarity", "grammar", "tone", "vocabulary"]
    for exchange in exchanges:
        body = ok(exchange)
        assert_enhanced(body, exchange.body["enhancement_type"])
        assert body["enhanced"].startswith("<p>") and body["enhanced"].endswith("</p>")


def test_enhance_voice_transcription(journey):
    """POST enhance-transcription {content} (HEAD's VoiceEnhancer): reads `enhanced`; the
    dictation comes back without its fillers."""
    body = ok(last(journey, "enhanceVoiceTranscription"))
    assert_enhanced(body, "transcription")
    assert "um " not in body["enhanced"] and " uh " not in body["enhanced"]
    assert "Ada climbed the stairs" in body["enhanced"]


# --- exports ------------------------------------------------------------------------------------


def assert_file(exchange, content_type: str, magic: bytes) -> None:
    """The client turns the answer into a blob and names the file itself."""
    assert exchange.status == 200, exchange
    assert exchange.headers["Content-Type"].startswith(content_type), exchange.headers
    assert exchange.raw.startswith(magic)


def test_export_pdf(journey):
    """GET export/pdf? with no options, with include_empty_chapters and page_size, and at HEAD
    with template_id and custom_options (JSON in the query): the template's 6 x 9 in page."""
    exchanges = calls(journey, "exportPDF")
    assert len(exchanges) == 3
    for exchange in exchanges:
        assert_file(exchange, "application/pdf", b"%PDF")
    templated = pypdf.PdfReader(io.BytesIO(exchanges[-1].raw)).pages[0].mediabox
    assert (round(float(templated.width)), round(float(templated.height))) == (432, 648)


def test_export_docx(journey):
    """GET export/docx?include_empty_chapters=false, and at HEAD with the academic template
    and a font_size override: A4, Times New Roman 13 pt."""
    exchanges = calls(journey, "exportDOCX")
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    for exchange in exchanges:
        assert_file(exchange, docx_type, b"PK")
    document = docx.Document(io.BytesIO(exchanges[-1].raw))
    assert round(document.sections[0].page_width.mm) == 210
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 13


def assert_export_templates(templates: list) -> None:
    """The fields HEAD's TemplateSelector reads of each template."""
    assert [t["id"] for t in templates] == ["classic_fiction", "modern_nonfiction", "academic"]
    for template in templates:
        for name in ("id", "name", "description", "category", "best_for", "page_size"):
            assert is_str(template[name])
        for side in ("top", "bottom", "inside", "outside"):
            assert isinstance(template["margins"][side], int | float)
        assert is_str(template["font"]["pdf_font"]) and is_str(template["font"]["docx_font"])
        assert isinstance(template["font"]["size"], int | float)
        assert isinstance(template["line_height"], int | float)
        assert isinstance(template["first_line_indent"], int | float)
        assert is_str(template["header"]["left"]) and is_str(template["footer"]["center"])


def test_get_export_templates(journey):
    """GET export/templates (HEAD bookClient.getExportTemplates): reads `templates`."""
    assert_export_templates(ok(last(journey, "getExportTemplates"))["templates"])


def test_export_epub(journey):
    """GET export/epub?include_empty_chapters=false (HEAD)."""
    assert_file(last(journey, "exportEPUB"), "application/epub+zip", b"PK")


def test_export_markdown(journey):
    """GET export/markdown?include_empty_chapters=true&multi_file=false (HEAD)."""
    exchange = last(journey, "exportMarkdown")
    assert_file(exchange, "text/markdown", b"")
    assert b"Keeper of the Light" in exchange.raw


def test_get_export_formats(journey):
    """GET export/formats: formats[] (format, name, description, extension, available,
    mime_type, options) and book_stats (total_chapters, chapters_with_content,
    total_word_count, estimated_pages)."""
    body = ok(last(journey, "getExportFormats"))
    assert {item["format"] for item in body["formats"]} >= {"pdf", "docx"}
    assert_export_templates(body["templates"])  # HEAD's ExportOptionsModal
    for item in body["formats"]:
        for name in ("format", "name", "description", "extension", "mime_type"):
            assert is_str(item[name])
        assert isinstance(item["available"], bool) and isinstance(item["options"], dict)
    stats = body["book_stats"]
    for name in ("total_chapters", "chapters_with_content", "total_word_count", "estimated_pages"):
        assert is_int(stats[name])
    assert stats["chapters_with_content"] >= 3 and stats["total_word_count"] > 700


# --- profile and settings -------------------------------------------------------------------------


def test_get_profile(journey):
    """GET /users/me: the settings pages read `preferences` (theme, email_notifications and, at
    HEAD, the writing/export/notification preferences); HEAD's profile page first_name,
    last_name, display_name, bio, avatar_url, email."""
    first = ok(calls(journey, "getProfile")[0])
    assert first["preferences"]["theme"] in {"dark", "light", "system"}
    assert isinstance(first["preferences"]["email_notifications"], bool)
    assert first["preferences"]["auto_save_interval"] == 3  # HEAD's defaults when none saved
    profile = ok(last(journey, "getProfile"))
    assert (profile["first_name"], profile["last_name"]) == ("Ada", "Keeper")
    assert profile["display_name"] == "Ada K." and profile["bio"] == "Writes about the sea."
    assert is_str(profile["email"])
    # the picture uploaded on the profile page (test_upload_avatar)
    assert profile["avatar_url"] == ok(last(journey, "uploadAvatar"))["avatar_url"]


def test_update_profile(journey):
    """PATCH /users/me: 4542f6d's settings send the loaded preferences back with theme and the
    e-mail switch; HEAD's settings the whole object with its new keys (it was a 422); HEAD's
    profile page names, bio and the preferences with its two switches. HEAD reads
    `preferences` of the answer."""
    old_settings, head_settings, head_profile = calls(journey, "updateProfile")
    assert old_settings.revision == OLD
    assert ok(old_settings)["preferences"]["theme"] == "light"
    assert ok(head_settings)["preferences"] == journey.facts["head_preferences"]
    body = ok(head_profile)
    assert body["first_name"] == "Ada" and body["preferences"]["marketing_emails"] is False
    assert body["preferences"]["default_export_format"] == "docx"


def test_upload_avatar(journey):
    """HEAD's profile page: POST /users/me/avatar, multipart with the picture as `file`. A
    refused file answers a JSON body whose `detail` is a string the page shows as it is; an
    accepted one the profile, whose `avatar_url` (a string) the page shows at once."""
    refused, accepted = calls(journey, "uploadAvatar")
    assert refused.status == 400, refused
    assert refused.headers["Content-Type"].startswith("application/json")
    assert readable(refused.data["detail"]) and refused.data["code"] == "invalid_image"
    body = ok(accepted)
    assert is_str(body["avatar_url"]) and "/avatars/" in body["avatar_url"]
    assert body["avatar_url"].endswith(".jpg")
    assert body["first_name"] == "Ada" and body["plan"] == "free"


def test_delete_account(journey):
    """DELETE /users/me (HEAD's profile page), last: the account is gone."""
    exchange = journey.facts["account_deleted"]
    assert exchange.status == 200, exchange
    gone = journey.facts["after_account_deleted"]
    assert gone.status == 401, gone
