"""Runners of the AI jobs: the same service call as the synchronous endpoint, with the same
inputs (the validated body, stored as the job's params), and the endpoint's 200 body rendered
by the same output serializer as the job's `result`. AI failures raise the same domain errors,
so the job's `error` carries the codes the endpoint would answer.

A cancel is seen before the provider is called; a call in flight is not interrupted (the
provider's own timeout bounds it), and what its service stored stays stored, as when a client
gives up on the synchronous endpoint."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder

from autoauthor.core.errors import NotFound
from books.api import ai_serializers
from books.api.views import BOOK_CONTEXT
from books.selectors import BOOK_NOT_FOUND, book_find, chapter_find
from books.services import authoring
from books.services.content import chapter_not_found
from jobs.models import Job, JobKind
from jobs.reporter import JobReporter
from jobs.runners import Outcome, job_book, runner
from questions import services as question_services
from questions.api.payloads import generation_payload

CALLING = "waiting for the AI provider"


def _result(body) -> Outcome:
    """The rendered body as plain JSON values."""
    return Outcome(result=json.loads(json.dumps(body, cls=DjangoJSONEncoder)))


def _start(reporter: JobReporter) -> None:
    reporter.progress(10, CALLING, force=True)
    reporter.check()


def _book_and_chapter(job: Job, chapter_id: str) -> tuple:
    """The job's book and its merged chapter `chapter_id` with content, with the errors the
    endpoint answers: 404 `book_not_found` once the book is deleted, `chapter_not_found` once
    its TOC no longer lists the chapter."""
    book = book_find(book_id=job.book_id)
    if book is None:
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    chapter = chapter_find(book=book, chapter_id=chapter_id, include_content=True)
    if chapter is None:
        raise chapter_not_found()
    return book, chapter


@runner(JobKind.GENERATE_TOC)
def run_generate_toc(job: Job, reporter: JobReporter) -> Outcome:
    """POST /books/{id}/generate-toc."""
    book = job_book(job, (*BOOK_CONTEXT, "summary", "question_responses", "toc", "toc_version"))
    params = job.params
    _start(reporter)
    result = authoring.toc_generate(
        book=book,
        question_responses=params.get("question_responses"),
        expected_version=params.get("expected_version"),
        overwrite=bool(params.get("overwrite")),
        actor=job.owner,
    )
    return _result(ai_serializers.GenerateTocOutput(result).data)


@runner(JobKind.GENERATE_DRAFT)
def run_generate_draft(job: Job, reporter: JobReporter) -> Outcome:
    """POST /books/{id}/chapters/{chapter_id}/generate-draft."""
    book = job_book(job, (*BOOK_CONTEXT, "toc"))
    params = job.params
    _start(reporter)
    result = authoring.chapter_draft_generate(
        book=book,
        chapter_id=params["chapter_id"],
        question_responses=params.get("question_responses"),
        writing_style=params.get("writing_style"),
        target_length=params.get("target_length"),
        save=bool(params.get("save")),
        expected_version=params.get("expected_version"),
        actor=job.owner,
    )
    return _result(ai_serializers.GenerateDraftOutput(result).data)


@runner(JobKind.GENERATE_QUESTIONS)
def run_generate_questions(job: Job, reporter: JobReporter) -> Outcome:
    """POST /books/{id}/chapters/{chapter_id}/generate-questions."""
    params = dict(job.params)
    chapter_id = params.pop("chapter_id")
    book, chapter = _book_and_chapter(job, chapter_id)
    _start(reporter)
    result = question_services.questions_generate(
        book=book,
        chapter=chapter,
        user=job.owner,
        count=params.get("count"),
        difficulty=params.get("difficulty"),
        focus=params.get("focus"),
    )
    return _result(generation_payload(result, regenerated=False))
