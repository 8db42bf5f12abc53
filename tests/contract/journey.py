"""An author's journey through the frontend, as the requests it makes: the dashboard, the book
wizard (summary with revisions, analysis, clarifying questions, TOC generation), the edit-toc
page, the chapter tabs and editor (autosaves, tab state, status changes), chapter interview
questions, drafts, exports, settings and profile. Both revisions of the frontend are replayed
where their requests differ (4542f6d, the era the API follows, and HEAD).

Each step is the request one client call sends; `tests/contract/test_client_calls.py` asserts
on the answers. A step's answer feeds the next ones as it feeds the frontend (ids, the TOC)."""

import io
import urllib.error
import urllib.request
import uuid

from PIL import Image

from tests.contract.frontend import API, HEAD, OLD, Exchange, Frontend, ok

SUMMARY_DRAFT = "A keeper and a lamp."  # an autosave while the author types: below 30 chars
SUMMARY = (
    "A lighthouse keeper on a remote island must save a stranded fishing crew during the worst "
    "storm in a century, while her lamp is failing and the radio is dead."
)
SUMMARY_REVISED = (
    SUMMARY + " The book follows her through one long night of courage, doubt and ingenuity, "
    "and the village that learns to see her anew."
)
CHAPTER_HTML = "<p>The lamp flickered. Ada climbed the stairs, counting each one.</p>"


def words_html(count: int) -> str:
    return "<p>" + " ".join(f"word{n}" for n in range(count)) + "</p>"


def edit_toc_model(toc: dict) -> list[dict]:
    """The edit-toc page's own model of a loaded TOC: chapters with their children."""
    return [
        {
            "id": chapter["id"],
            "title": chapter["title"],
            "description": chapter.get("description") or "",
            "children": [
                {
                    "id": sub["id"],
                    "title": sub["title"],
                    "description": sub.get("description") or "",
                }
                for sub in chapter.get("subchapters") or []
            ],
        }
        for chapter in toc["chapters"]
    ]


def edit_toc_add_chapter(model: list[dict]) -> str:
    """ "Add chapter": id `ch<number of chapters + 1>`, default title and description."""
    new_id = f"ch{len(model) + 1}"
    model.append(
        {
            "id": new_id,
            "title": "New Chapter",
            "description": "Description of the new chapter",
            "children": [],
        }
    )
    return new_id


def edit_toc_add_subchapter(model: list[dict], parent_id: str) -> str:
    """ "Add subchapter": id `<parent id>-<number of its subchapters + 1>`, no description."""
    parent = next(chapter for chapter in model if chapter["id"] == parent_id)
    new_id = f"{parent_id}-{len(parent['children']) + 1}"
    parent["children"].append({"id": new_id, "title": "New Subchapter", "description": ""})
    return new_id


def edit_toc_delete(model: list[dict], chapter_id: str) -> None:
    """ "Delete": every chapter or subchapter with that id leaves the model."""
    model[:] = [chapter for chapter in model if chapter["id"] != chapter_id]
    for chapter in model:
        chapter["children"] = [sub for sub in chapter["children"] if sub["id"] != chapter_id]


def edit_toc_payload(model: list[dict]) -> dict:
    """The body of "Save": the model converted to the API's TOC (orders from positions)."""
    chapters = [
        {
            "id": chapter["id"],
            "title": chapter["title"],
            "description": chapter["description"] or "",
            "level": 1,
            "order": index + 1,
            "subchapters": [
                {
                    "id": sub["id"],
                    "title": sub["title"],
                    "description": sub["description"] or "",
                    "level": 2,
                    "order": sub_index + 1,
                }
                for sub_index, sub in enumerate(chapter["children"])
            ],
        }
        for index, chapter in enumerate(model)
    ]
    return {
        "toc": {
            "chapters": chapters,
            "total_chapters": len(chapters),
            "estimated_pages": len(chapters) * 15,
            "structure_notes": "Updated via TOC editor",
        }
    }


def png_bytes(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def send_file(ui: Frontend, call: str, path: str, name: str, content: bytes, content_type: str):
    """A multipart upload as HEAD's ProfilePictureUpload sends it (raw `fetch` with a FormData
    holding the picture as `file`: the browser sets the multipart boundary, no JSON header),
    recorded like `Frontend.send`'s exchanges."""
    boundary = uuid.uuid4().hex
    data = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Accept": "*/*",
        "Authorization": f"Bearer {ui.token}",
    }
    request = urllib.request.Request(
        f"{ui.base}{API}{path}", data=data, method="POST", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=ui.timeout) as response:
            status, raw, response_headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, raw, response_headers = error.code, error.read(), error.headers
    exchange = Exchange(
        call=call,
        revision=HEAD,
        method="POST",
        path=path,
        body={"file": name},
        status=status,
        headers=dict(response_headers.items()),
        raw=raw,
    )
    ui.calls[call].append(exchange)
    return exchange


def flattened_ids(toc: dict) -> list[str]:
    out = []
    for chapter in toc["chapters"]:
        out.append(chapter["id"])
        out.extend(sub["id"] for sub in chapter.get("subchapters") or [])
    return out


class AuthorJourney:
    """Runs the journey once; `facts` keeps what the steps learned for the assertions."""

    def __init__(self, frontend: Frontend):
        self.ui = frontend
        self.facts: dict = {}

    def run(self) -> "AuthorJourney":
        self.settings_load()
        self.dashboard_and_new_book()
        self.summary_and_wizard()
        self.edit_toc()
        self.chapter_tabs_and_editor()
        self.chapter_questions()
        self.drafts()
        self.enhancements()
        self.exports()
        self.dashboard_again()
        self.cleanup_and_profile()
        return self

    # --- settings (both revisions load the profile first) -----------------------------------

    def settings_load(self):
        self.facts["preferences_loaded"] = ok(self.ui.send("getProfile", "GET", "/users/me"))[
            "preferences"
        ]

    # --- dashboard, book wizard ---------------------------------------------------------------

    def dashboard_and_new_book(self):
        ui = self.ui
        ok(ui.send("getUserBooks", "GET", "/books/"))
        wizard = {
            "title": "Keeper of the Light",
            "subtitle": "",
            "description": "",
            "genre": "fiction",
            "target_audience": "adult",
            "cover_image_url": "",
        }
        book = ok(ui.send("createBook", "POST", "/books/", wizard), 201)
        self.book = f"/books/{book['id']}"
        self.facts["book_id"] = book["id"]
        # the "new book" page sends only a title and a description
        doomed = ok(
            ui.send("createBook", "POST", "/books/", {"title": "Doomed", "description": "x"}), 201
        )
        self.facts["doomed_book_id"] = doomed["id"]
        ok(ui.send("getUserBooks", "GET", "/books/"))
        ok(ui.send("getBook", "GET", self.book))
        # the book page at 4542f6d patches the form's values on load, placeholder included
        fields = {
            "title": "Keeper of the Light",
            "subtitle": "A novel",
            "description": "No description available",
            "genre": "fiction",
            "target_audience": "adult",
            "cover_image_url": "",
        }
        ok(ui.send("updateBook", "PATCH", self.book, fields, revision=OLD))
        ok(ui.send("updateBook", "PATCH", self.book, {"description": "A storm."}, revision=HEAD))

    def summary_and_wizard(self):
        ui, book = self.ui, self.book
        ok(ui.send("getBookSummary", "GET", f"{book}/summary"))
        # autosave while typing (too short: the page ignores the 400), then two revisions
        ui.send("saveBookSummary", "PUT", f"{book}/summary", {"summary": SUMMARY_DRAFT})
        ok(ui.send("saveBookSummary", "PUT", f"{book}/summary", {"summary": SUMMARY}))
        ok(ui.send("saveBookSummary", "PUT", f"{book}/summary", {"summary": SUMMARY_REVISED}))
        ok(ui.send("getBookSummary", "GET", f"{book}/summary"))

        ok(ui.send("checkTocReadiness", "GET", f"{book}/toc-readiness"))
        ok(ui.send("analyzeSummary", "POST", f"{book}/analyze-summary"))
        ok(ui.send("checkTocReadiness", "GET", f"{book}/toc-readiness"))
        questions = ok(ui.send("generateQuestions", "POST", f"{book}/generate-questions"))
        questions = questions["questions"]
        ok(ui.send("getQuestionResponses", "GET", f"{book}/question-responses"))
        # HEAD autosaves the answers (nothing answered yet, then all of them)
        ok(
            ui.send(
                "saveQuestionResponses",
                "PUT",
                f"{book}/question-responses",
                {"responses": []},
                revision=HEAD,
            )
        )
        answers = [
            {"question": question, "answer": f"Answer {n}: the keeper, the storm, the crew."}
            for n, question in enumerate(questions, start=1)
        ]
        ok(
            ui.send(
                "saveQuestionResponses",
                "PUT",
                f"{book}/question-responses",
                {"responses": answers},
                revision=HEAD,
            )
        )
        ok(ui.send("getQuestionResponses", "GET", f"{book}/question-responses"))
        generated = ok(
            ui.send("generateToc", "POST", f"{book}/generate-toc", {"question_responses": answers})
        )
        # the wizard saves the generated TOC as it received it
        ok(ui.send("updateToc", "PUT", f"{book}/toc", {"toc": generated["toc"]}))
        self.facts["generated_ids"] = flattened_ids(generated["toc"])

    # --- the edit-toc page ---------------------------------------------------------------------

    def edit_toc(self):
        ui, book = self.ui, self.book
        model = edit_toc_model(ok(ui.send("getToc", "GET", f"{book}/toc"))["toc"])
        # first visit: chapters up to ch14, three subchapters of ch1 (ch1-1 .. ch1-3)
        while len(model) < 14:
            edit_toc_add_chapter(model)
        for _ in range(3):
            edit_toc_add_subchapter(model, "ch1")
        next(chapter for chapter in model if chapter["id"] == "ch14")["title"] = "Epilogue"
        saved = ok(ui.send("updateToc", "PUT", f"{book}/toc", edit_toc_payload(model)))
        self.facts["first_edit_ids"] = flattened_ids(saved["toc"])

        # the author writes in ch14 and ch1-2 (autosave) before editing the TOC again
        for chapter_id in ("ch14", "ch1-2"):
            ok(
                ui.send(
                    "saveChapterContent",
                    "PATCH",
                    f"{book}/chapters/{chapter_id}/content",
                    {"content": f"<p>Written in {chapter_id}.</p>", "auto_update_metadata": True},
                )
            )
        # second visit: delete ch2 and ch1-1, add a chapter (ch14 again) and a subchapter of
        # ch1 (ch1-3 again): the delete-then-add duplicates
        model = edit_toc_model(ok(ui.send("getToc", "GET", f"{book}/toc"))["toc"])
        edit_toc_delete(model, "ch2")
        edit_toc_delete(model, "ch1-1")
        self.facts["duplicate_chapter_id"] = edit_toc_add_chapter(model)
        self.facts["duplicate_subchapter_id"] = edit_toc_add_subchapter(model, "ch1")
        ok(ui.send("updateToc", "PUT", f"{book}/toc", edit_toc_payload(model)))
        toc = ok(ui.send("getToc", "GET", f"{book}/toc"))["toc"]
        self.facts["second_edit_toc"] = toc
        self.chapter_ids = flattened_ids(toc)

    # --- chapter tabs and the editor -----------------------------------------------------------

    def chapter_tabs_and_editor(self):
        ui, book = self.ui, self.book
        # the book page: TOC, tab state (none yet), metadata
        toc = ok(ui.send("getToc", "GET", f"{book}/toc"))["toc"]
        ok(ui.send("getTabState", "GET", f"{book}/chapters/tab-state"))
        metadata = ok(
            ui.send(
                "getChaptersMetadata",
                "GET",
                f"{book}/chapters/metadata?include_content_stats=true",
            )
        )
        first = toc["chapters"][0]["id"]
        self.facts["first_chapter"] = first
        # the new-chapter button: order = highest order + 1, title "Chapter <order>"
        next_order = max(chapter["order"] for chapter in metadata["chapters"]) + 1
        created = ok(
            ui.send(
                "createChapter",
                "POST",
                f"{book}/chapters",
                {"title": f"Chapter {next_order}", "content": "", "order": next_order},
            ),
            201,
        )
        self.facts["created_chapter"] = created
        new_id = created.get("id")
        all_ids = [chapter["id"] for chapter in metadata["chapters"]] + [new_id]
        ok(
            ui.send(
                "saveTabState",
                "POST",
                f"{book}/chapters/tab-state",
                {
                    "active_chapter_id": new_id,
                    "open_tab_ids": [first, new_id],
                    "tab_order": all_ids,
                    "session_id": "session_1767225600000_k3j9x0a1b",
                },
            )
        )
        ok(ui.send("getTabState", "GET", f"{book}/chapters/tab-state"))
        ok(
            ui.send(
                "getChapterContent",
                "GET",
                f"{book}/chapters/{first}/content?include_metadata=true&track_access=true",
            )
        )
        # autosaves (no expected_version), 3 s after each pause: 40, 150, then 700 words
        for count in (40, 150, 700):
            ok(
                ui.send(
                    "saveChapterContent",
                    "PATCH",
                    f"{book}/chapters/{first}/content",
                    {"content": words_html(count), "auto_update_metadata": True},
                )
            )
        ok(
            ui.send(
                "getChapterContent",
                "GET",
                f"{book}/chapters/{first}/content?include_metadata=true&track_access=true",
            )
        )
        ok(
            ui.send(
                "getChaptersMetadata",
                "GET",
                f"{book}/chapters/metadata?include_content_stats=true",
            )
        )
        # the tab's context menu: mark in progress, then completed; published from draft is
        # refused; the bulk variant
        status_body = lambda cid, status: {  # noqa: E731
            "chapter_ids": [cid],
            "status": status,
            "update_timestamp": True,
        }
        second = toc["chapters"][1]["id"]
        self.facts["status_chapter"] = second
        bulk = f"{book}/chapters/bulk-status"
        ok(ui.send("updateChapterStatus", "PATCH", bulk, status_body(second, "in_progress")))
        ok(ui.send("updateChapterStatus", "PATCH", bulk, status_body(second, "completed")))
        refused = ui.send("updateChapterStatus", "PATCH", bulk, status_body(new_id, "published"))
        self.facts["refused_status"] = refused
        third, fourth = toc["chapters"][2]["id"], toc["chapters"][3]["id"]
        self.facts["bulk_chapters"] = [third, fourth]
        ok(
            ui.send(
                "updateBulkChapterStatus",
                "PATCH",
                bulk,
                {"chapter_ids": [third, fourth], "status": "in_progress", "update_timestamp": True},
            )
        )
        ok(ui.send("getToc", "GET", f"{book}/toc"))
        ok(
            ui.send(
                "getChaptersMetadata",
                "GET",
                f"{book}/chapters/metadata?include_content_stats=true",
            )
        )

    # --- chapter interview questions -----------------------------------------------------------

    def chapter_questions(self):
        ui = self.ui
        chapter = f"{self.book}/chapters/{self.facts['first_chapter']}"
        ok(ui.send("generateChapterQuestions", "POST", f"{chapter}/generate-questions",
                   {"count": 10}))  # fmt: skip
        listed = ok(ui.send("getChapterQuestions", "GET", f"{chapter}/questions?"))
        questions = listed["questions"]
        first, second = questions[0]["id"], questions[1]["id"]
        answer = "She was born on the island and knows every rock of its coast."
        for status in ("draft", "completed"):
            ok(
                ui.send(
                    "saveQuestionResponse",
                    "PUT",
                    f"{chapter}/questions/{first}/response",
                    {"response_text": answer, "status": status},
                )
            )
        ok(ui.send("getQuestionResponse", "GET", f"{chapter}/questions/{first}/response"))
        ok(ui.send("getQuestionResponse", "GET", f"{chapter}/questions/{second}/response"))
        ok(ui.send("rateQuestion", "POST", f"{chapter}/questions/{first}/rating", {"rating": 4}))
        ok(ui.send("getChapterQuestionProgress", "GET", f"{chapter}/question-progress"))
        ok(
            ui.send(
                "saveQuestionResponsesBatch",
                "POST",
                f"{chapter}/questions/responses/batch",
                [{"question_id": second, "response_text": "The crew of the Saint Brendan."}],
            )
        )
        regenerated = ok(
            ui.send(
                "regenerateChapterQuestions",
                "POST",
                f"{chapter}/regenerate-questions?preserve_responses=true",
                {"count": len(questions) or 10},
            )
        )
        # HEAD's regenerate button on one (unanswered) question: focus = its own type, and the
        # answer replaces that question in the list.
        self.facts["regenerated_from"] = fresh = regenerated["questions"][0]
        ui.send(
            "regenerateSingleQuestion",
            "POST",
            f"{chapter}/questions/{fresh['id']}/regenerate",
            {"focus": fresh["question_type"]},
            revision=HEAD,
        )
        # the draft dialog collects the answers: pages of 50, then each question's response
        page = ok(ui.send("getChapterQAResponses", "GET", f"{chapter}/questions?page=1&limit=50"))
        qa = []
        for question in page["questions"]:
            got = ok(
                ui.send(
                    "getChapterQAResponses",
                    "GET",
                    f"{chapter}/questions/{question['id']}/response",
                )
            )
            if got["has_response"] and got["response"]["status"] in ("completed", "draft"):
                qa.append(
                    {
                        "question": question["question_text"],
                        "answer": got["response"]["response_text"],
                    }
                )
        self.facts["qa"] = qa
        ok(ui.send("getChapterQuestionProgress", "GET", f"{chapter}/question-progress"))

    # --- drafts and style ------------------------------------------------------------------------

    def drafts(self):
        ui = self.ui
        chapter = f"{self.book}/chapters/{self.facts['first_chapter']}"
        ok(
            ui.send(
                "generateChapterDraft",
                "POST",
                f"{chapter}/generate-draft",
                {
                    "question_responses": self.facts["qa"],
                    "writing_style": "conversational",
                    "target_length": 2000,
                },
            )
        )
        ok(
            ui.send(
                "transformChapterStyle",
                "POST",
                f"{chapter}/transform-style",
                {"content": CHAPTER_HTML, "target_style": "professional"},
            )
        )

    # --- enhancement and dictation cleanup (HEAD: ContentEnhancer, VoiceEnhancer) ---------------

    def enhancements(self):
        """The editor's "Enhance" dialog sends the chapter's HTML with each type the author
        tries; "Clean up dictation" sends the dictated HTML alone."""
        ui = self.ui
        chapter = f"{self.book}/chapters/{self.facts['first_chapter']}"
        for enhancement_type in ("clarity", "grammar", "tone", "vocabulary"):
            ok(
                ui.send(
                    "enhanceChapterText",
                    "POST",
                    f"{chapter}/enhance-text",
                    {"content": CHAPTER_HTML, "enhancement_type": enhancement_type},
                    revision=HEAD,
                )
            )
        dictated = "<p>um so the lamp uh failed and and Ada climbed the stairs you know</p>"
        ok(
            ui.send(
                "enhanceVoiceTranscription",
                "POST",
                f"{chapter}/enhance-transcription",
                {"content": dictated},
                revision=HEAD,
            )
        )

    # --- exports ----------------------------------------------------------------------------------

    def exports(self):
        ui, export = self.ui, f"{self.book}/export"
        ok(ui.send("getExportFormats", "GET", f"{export}/formats"))
        ui.send("exportPDF", "GET", f"{export}/pdf?", revision=OLD)
        ui.send("exportPDF", "GET", f"{export}/pdf?include_empty_chapters=false&page_size=letter")
        # HEAD's export dialog: the template cards come from /export/formats `templates`
        # (bookClient.getExportTemplates reads the same list from /export/templates); with a
        # template chosen it sends its id, no page_size, and the customization panel's
        # overrides as URLSearchParams encodes JSON.stringify({font_size, margins: {inside}}).
        ok(ui.send("getExportTemplates", "GET", f"{export}/templates", revision=HEAD))
        options = "%7B%22font_size%22%3A12%2C%22margins%22%3A%7B%22inside%22%3A0.8%7D%7D"
        ui.send(
            "exportPDF",
            "GET",
            f"{export}/pdf?include_empty_chapters=true&template_id=classic_fiction"
            f"&custom_options={options}",
            revision=HEAD,
        )
        ui.send("exportDOCX", "GET", f"{export}/docx?include_empty_chapters=false")
        ui.send(
            "exportDOCX",
            "GET",
            f"{export}/docx?include_empty_chapters=false&template_id=academic"
            "&custom_options=%7B%22font_size%22%3A13%7D",
            revision=HEAD,
        )
        ui.send("exportEPUB", "GET", f"{export}/epub?include_empty_chapters=false", revision=HEAD)
        ui.send(
            "exportMarkdown",
            "GET",
            f"{export}/markdown?include_empty_chapters=true&multi_file=false",
            revision=HEAD,
        )

    # --- back on the dashboard ------------------------------------------------------------------

    def dashboard_again(self):
        ui = self.ui
        ok(ui.send("getUserBooks", "GET", "/books/"))
        ok(ui.send("getBook", "GET", self.book))

    # --- deletes, settings and profile --------------------------------------------------------

    def cleanup_and_profile(self):
        ui, book = self.ui, self.book
        created = self.facts["created_chapter"]["id"]
        ok(ui.send("deleteChapter", "DELETE", f"{book}/chapters/{created}"))
        self.facts["toc_after_delete"] = ok(ui.send("getToc", "GET", f"{book}/toc"))["toc"]
        deleted = ui.send("deleteBook", "DELETE", f"/books/{self.facts['doomed_book_id']}")
        assert deleted.status == 204, deleted
        self.facts["books_after_delete"] = ok(ui.send("getUserBooks", "GET", "/books/"))

        loaded = ok(ui.send("getProfile", "GET", "/users/me"))["preferences"]
        # 4542f6d settings: the loaded preferences with theme and e-mail switch changed
        ok(
            ui.send(
                "updateProfile",
                "PATCH",
                "/users/me",
                {"preferences": {**loaded, "theme": "light", "email_notifications": False}},
                revision=OLD,
            )
        )
        # HEAD settings: the whole preferences object of the settings page
        head_preferences = {
            **loaded,
            "theme": "system",
            "default_writing_style": "technical",
            "auto_save_interval": 10,
            "default_export_format": "docx",
            "default_page_size": "A4",
            "include_empty_chapters": True,
            "writing_reminders": True,
            "progress_updates": False,
            "backup_notifications": True,
        }
        self.facts["head_preferences"] = head_preferences
        ok(
            ui.send(
                "updateProfile",
                "PATCH",
                "/users/me",
                {"preferences": head_preferences},
                revision=HEAD,
            )
        )
        ok(ui.send("getProfile", "GET", "/users/me", revision=HEAD))
        # HEAD profile page: names and bio, preferences merged with its two switches
        ok(
            ui.send(
                "updateProfile",
                "PATCH",
                "/users/me",
                {
                    "first_name": "Ada",
                    "last_name": "Keeper",
                    "display_name": "Ada K.",
                    "bio": "Writes about the sea.",
                    "preferences": {
                        **head_preferences,
                        "email_notifications": True,
                        "marketing_emails": False,
                    },
                },
                revision=HEAD,
            )
        )
        # HEAD profile page: "Change photo" (a broken file first: the page shows `detail`)
        send_file(ui, "uploadAvatar", "/users/me/avatar", "broken.png", b"not a png", "image/png")
        photo = png_bytes((900, 600))
        send_file(ui, "uploadAvatar", "/users/me/avatar", "me.png", photo, "image/png")
        ok(ui.send("getProfile", "GET", "/users/me", revision=HEAD))
        # HEAD profile page: delete the account, last; its token is refused from then on
        self.facts["account_deleted"] = ui.send(
            "deleteAccount", "DELETE", "/users/me", revision=HEAD
        )
        self.facts["after_account_deleted"] = ui.send("afterDeleteAccount", "GET", "/users/me")
