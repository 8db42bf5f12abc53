"""The answer to a question becomes the book's (one per question, shared by everyone who may
read the book): `QuestionResponse.unique_key` changes from "<question>:<user>" to "<question>",
and every stored answer's `version` rises by one, so that 0 means "no answer yet" and a first
save by one collaborator can never be silently taken for an edit of version 0 by another.

Safe on both embedded engines and on MongoDB: no schema change, one single-document update per
answer (no transaction, no `$inc`: the new values are written as the ORM writes them), and the
new keys cannot collide with the old ones (those contain a colon). Until now only a question's
author could answer it, so a question has at most one answer; should one have more (written
outside the API), the newest is kept and the others are deleted. Safe to run again after an
interruption: an answer whose key is already the question's is left as it is. Reversible."""

from django.db import migrations


def to_book_answers(apps, schema_editor):
    Response = apps.get_model("questions", "QuestionResponse")
    rows = Response.objects.order_by().values_list(
        "pk", "question_id", "updated_at", "version", "unique_key"
    )
    newest: dict = {}
    extra = []
    for pk, question_id, updated_at, version, key in rows:
        kept = newest.get(question_id)
        if kept is None or (updated_at, str(pk)) > (kept[1], str(kept[0])):
            if kept is not None:
                extra.append(kept[0])
            newest[question_id] = (pk, updated_at, version, key)
        else:
            extra.append(pk)
    if extra:
        Response.objects.filter(pk__in=extra).delete()
    for question_id, (pk, _, version, key) in newest.items():
        if key == str(question_id):
            continue  # migrated by an earlier, interrupted run
        Response.objects.filter(pk=pk).update(
            unique_key=str(question_id), version=(version or 0) + 1
        )


def to_user_answers(apps, schema_editor):
    Response = apps.get_model("questions", "QuestionResponse")
    rows = Response.objects.order_by().values_list("pk", "question_id", "user_id", "version")
    for pk, question_id, user_id, version in list(rows):
        Response.objects.filter(pk=pk).update(
            unique_key=f"{question_id}:{user_id}", version=max(0, (version or 0) - 1)
        )


class Migration(migrations.Migration):
    dependencies = [("questions", "0003_question_regeneration")]

    operations = [migrations.RunPython(to_book_answers, to_user_answers)]
