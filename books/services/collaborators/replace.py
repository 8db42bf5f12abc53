"""The whole list of a book's collaborators set at once (the admin's book form), written by the
same compare-and-swap as every API change (`collaborators_write`), so `collaborator_ids`, the
list `readable_book_ids` reads, and `collaborators_version` always follow the list, the book's
cached reads are invalidated and each change has the API's audit row."""

from django.utils import timezone

from accounts.models import User
from accounts.services.users import email_normalize
from autoauthor.core.errors import Conflict, NotFound, ValidationFailed
from books.models import Book
from books.rules import COLLABORATOR_ROLES, COLLABORATORS_MAX
from books.services.collaborators.writes import collaborator_audit, collaborators_write

FIELD = "collaborators"


def collaborators_text_parse(text: str | None) -> list[tuple[str, str]]:
    """[(e-mail, role)] of a text of one "<e-mail> <role>" per line (blank lines skipped); a
    malformed line, an unknown role or an e-mail named twice is 422 on `collaborators`."""
    wanted: list[tuple[str, str]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2 or parts[1] not in COLLABORATOR_ROLES:
            raise ValidationFailed(
                FIELD,
                f"Line {number}: write '<e-mail> <role>' with a role among "
                f"{', '.join(COLLABORATOR_ROLES)}.",
            )
        if any(email.lower() == parts[0].lower() for email, _ in wanted):
            raise ValidationFailed(FIELD, f"Line {number}: {parts[0]} is listed twice.")
        wanted.append((parts[0], parts[1]))
    if len(wanted) > COLLABORATORS_MAX:
        raise ValidationFailed(FIELD, f"A book has at most {COLLABORATORS_MAX} collaborators.")
    return wanted


def collaborators_resolve(*, wanted: list[tuple[str, str]], owner_id) -> dict[str, str]:
    """{user id: role} of the listed e-mails: one query; an unknown or inactive account is
    404 `user_not_found`, the owner `owner_id` 409 `collaborator_is_owner`."""
    emails = [email_normalize(email) for email, _ in wanted]
    found = dict(User.objects.filter(email__in=emails, is_active=True).values_list("email", "pk"))
    roles = {}
    for email, role in wanted:
        pk = found.get(email_normalize(email))
        if pk is None:
            raise NotFound(f"No user with the e-mail address {email}", code="user_not_found")
        if pk == owner_id:
            raise Conflict("The owner of the book cannot be added", code="collaborator_is_owner")
        roles[str(pk)] = role
    return roles


def collaborators_replace(*, book: Book, wanted: list[tuple[str, str]]) -> dict:
    """Make the collaborators of `book` exactly `wanted` ([(e-mail, role)], as the owner would:
    any role below the owner's). Kept collaborators keep their `added_at`; every addition,
    role change and removal writes the audit row the API writes for it. Returns
    {"added": [...], "changed": [...], "removed": [...]} (user ids)."""
    roles = collaborators_resolve(wanted=wanted, owner_id=book.owner_id)
    diff: dict = {}

    def build(entries):
        now = timezone.now().isoformat()
        before = {e.get("user_id"): e.get("role") for e in entries}
        kept = [{**e, "role": roles[e["user_id"]]} for e in entries if e.get("user_id") in roles]
        added = [{"user_id": pk, "role": role, "added_at": now} for pk, role in roles.items()
                 if pk not in before]  # fmt: skip
        diff.clear()
        diff.update(
            added=[(e["user_id"], None, e["role"]) for e in added],
            changed=[
                (pk, before[pk], roles[pk])
                for pk in roles
                if pk in before and before[pk] != roles[pk]
            ],
            removed=[(pk, role, None) for pk, role in before.items() if pk not in roles],
        )
        return [*kept, *added], None

    collaborators_write(book=book, build=build)
    actions = {"added": "collaborator_add", "changed": "collaborator_role_change",
               "removed": "collaborator_remove"}  # fmt: skip
    for kind, action in actions.items():
        for user_id, old, new in diff[kind]:
            collaborator_audit(
                action=action, book=book, user_id=user_id, changes={"role": [old, new]}
            )
    return {kind: [user_id for user_id, _, _ in rows] for kind, rows in diff.items()}
