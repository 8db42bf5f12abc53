"""Question reads. The questions and answers of a chapter belong to its book: every read is
scoped to (book, chapter), so everyone who may read the book (its owner and collaborators, as
`books.permissions` decides) sees the same questions and the same answer to each. The caller
passes a book it may use and a chapter its TOC lists (the viewsets decide access), and a
question must belong to that chapter. Ratings stay each user's own."""

import math

from autoauthor.core.errors import NotFound
from autoauthor.core.ids import parse_object_id
from autoauthor.queries import one_or_none
from questions.models import Question, QuestionRating, QuestionResponse

NOT_ANSWERED = "not_answered"
LIST_STATUSES = [NOT_ANSWERED, "draft", "completed"]
PROGRESS_STATUSES = ["not-started", "in-progress", "completed"]


def question_get(*, book, chapter_id: str, question_id) -> Question:
    """The question `question_id` of this chapter of `book` (whoever generated it); a
    malformed, unknown or foreign id (another chapter or book) is 404 `question_not_found`."""
    oid = parse_object_id(question_id)
    question = (
        one_or_none(Question.objects.filter(pk=oid, book=book, chapter_id=chapter_id))
        if oid is not None
        else None
    )
    if question is None:
        raise NotFound("Question not found", code="question_not_found")
    return question


def response_statuses(*, question_ids: list) -> dict:
    """{question id: status of the book's answer} for the questions that have one. One query
    (none for an empty list)."""
    if not question_ids:
        return {}
    return dict(
        QuestionResponse.objects.filter(question_id__in=list(question_ids)).values_list(
            "question_id", "status"
        )
    )


def question_list(
    *,
    book,
    chapter_id: str,
    status: str | None = None,
    category: str | None = None,
    question_type: str | None = None,
    page: int = 1,
    limit: int = 10,
) -> dict:
    """One page of the chapter's questions in `order`, with the status of each one's answer.

    Every filter — `status` (draft, completed or not_answered) included — applies before
    pagination, so `total` and `pages` count every matching question. Three MongoDB queries
    whatever the number of questions: the matching ids, their response statuses, the page."""
    queryset = Question.objects.filter(book=book, chapter_id=chapter_id)
    if category is not None:
        queryset = queryset.filter(category=category)
    if question_type is not None:
        queryset = queryset.filter(question_type=question_type)
    ids = list(queryset.order_by("order", "created_at", "id").values_list("id", flat=True))
    statuses = response_statuses(question_ids=ids)
    if status is not None:
        ids = [pk for pk in ids if statuses.get(pk, NOT_ANSWERED) == status]
    total = len(ids)
    pages = math.ceil(total / limit) if total else 0
    page_ids = ids[(page - 1) * limit : page * limit]
    found = Question.objects.in_bulk(page_ids) if page_ids else {}
    return {
        "questions": [found[pk] for pk in page_ids if pk in found],
        "statuses": statuses,
        "total": total,
        "page": page,
        "pages": pages,
        "has_more": page < pages,
    }


def question_progress(*, book, chapter_id: str) -> dict:
    """How far the chapter's questions are answered: `completed` counts answers
    marked completed, `in_progress` any other response; `progress` = completed / total (0.0
    without questions); `status` is completed (all completed), in-progress (any response) or
    not-started. Two MongoDB queries."""
    ids = list(
        Question.objects.filter(book=book, chapter_id=chapter_id).values_list("id", flat=True)
    )
    statuses = response_statuses(question_ids=ids)
    total = len(ids)
    completed = sum(1 for value in statuses.values() if value == "completed")
    in_progress = len(statuses) - completed
    if total and completed == total:
        overall = "completed"
    elif completed or in_progress:
        overall = "in-progress"
    else:
        overall = "not-started"
    return {
        "total": total,
        "completed": completed,
        "in_progress": in_progress,
        "progress": completed / total if total else 0.0,
        "status": overall,
    }


def response_get(*, question: Question) -> QuestionResponse | None:
    """The book's answer to `question` (one per question, whoever saved it), None when there
    is none."""
    return one_or_none(QuestionResponse.objects.filter(question=question))


def rating_get(*, question: Question, user) -> QuestionRating | None:
    """`user`'s rating of `question`, None when there is none."""
    return one_or_none(QuestionRating.objects.filter(question=question, user=user))
