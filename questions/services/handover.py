"""What a deleted account leaves in the books shared with it: the questions it generated and
the answers it saved last are the book's, so they stay with the book (their `user` becomes the
book's owner; the audit rows keep naming who wrote them). Its own ratings go with the account
(they cascade from the user). Called by `accounts.services.users.user_delete` through the
account-deletion registry, before the user row (and its cascades) go."""

from collections import defaultdict

from books.models import Book
from questions.models import Question, QuestionResponse


def _hand_over(model, rows: list[tuple]) -> int:
    """Give each row of `rows` ([(pk, book owner id)]) to its book's owner: one update per
    owner. Returns the number of rows changed."""
    by_owner = defaultdict(list)
    for pk, owner_id in rows:
        by_owner[owner_id].append(pk)
    return sum(
        model.objects.filter(pk__in=pks).update(user_id=owner_id)
        for owner_id, pks in by_owner.items()
    )


def book_work_hand_over(*, user) -> int:
    """Hand the questions `user` generated and the answers they saved last in books they do
    not own over to those books' owners. Returns the number of rows handed over. A constant
    number of reads (questions, answers, their questions' books), then one update per owner."""
    generated = list(Question.objects.filter(user=user).values_list("pk", "book_id"))
    answered = list(QuestionResponse.objects.filter(user=user).values_list("pk", "question_id"))
    answer_books = dict(
        Question.objects.filter(pk__in=[q for _, q in answered]).values_list("pk", "book_id")
    ) if answered else {}  # fmt: skip
    book_ids = {book_id for _, book_id in generated} | set(answer_books.values())
    owners = dict(
        Book.objects.filter(pk__in=list(book_ids)).values_list("pk", "owner_id")
    ) if book_ids else {}  # fmt: skip
    questions = [(pk, owners[b]) for pk, b in generated if owners.get(b, user.pk) != user.pk]
    answers = [
        (pk, owners[answer_books[q]])
        for pk, q in answered
        if owners.get(answer_books.get(q), user.pk) != user.pk
    ]
    return _hand_over(Question, questions) + _hand_over(QuestionResponse, answers)
