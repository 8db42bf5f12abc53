"""Registries of named parts that the apps contribute to project-wide work: the demo data of
`seed_demo` and the data integrity checks of `validate_data`.

The apps are layered (accounts <- books <- questions <- jobs: an app imports only the apps to
its left), yet seeding a demo book or checking a book's documents needs every app's share. So
each app registers its part from its `AppConfig.ready()`, and whoever runs the work takes
`parts()`, in the order of INSTALLED_APPS, without importing the apps above it.

    demo_parts.register("questions", DemoPart(book=demo_questions_add), app="questions")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps


class Registry:
    """Parts by name, each registered by an app; `parts()` lists them in app order (the order
    of INSTALLED_APPS), then in the order they were registered."""

    def __init__(self, purpose: str):
        self.purpose = purpose
        self._parts: dict[str, tuple[str, Any]] = {}

    def register(self, name: str, part: Any, *, app: str) -> None:
        """Register `part` as `name` for the app labelled `app`; registering a name again
        replaces its part (a second `ready()` must not run a part twice)."""
        self._parts.pop(name, None)
        self._parts[name] = (app, part)

    def parts(self) -> list[Any]:
        order = {config.label: index for index, config in enumerate(apps.get_app_configs())}
        # sorted() is stable: parts of one app keep their registration order.
        entries = sorted(self._parts.values(), key=lambda entry: order.get(entry[0], len(order)))
        return [part for _, part in entries]

    def __repr__(self) -> str:
        return f"<Registry {self.purpose}: {', '.join(self._parts)}>"


# --- demo seeding --------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPart:
    """One app's share of the demo data. `seed(run)` runs once per `seed_demo`, in app order;
    `book(run, book, template)` runs for every demo book created, after the book's own content
    (the books part calls `run.book_created`), with the template the book was made from."""

    seed: Callable[[DemoRun], None] | None = None
    book: Callable[[DemoRun, Any, dict], None] | None = None


@dataclass
class DemoRun:
    """The state one `seed_demo` run passes from part to part: the options (`books`: the
    --books count, None for the default idempotent run), the demo accounts as (user, password,
    created) triples, the demo user who owns the books, and the books created."""

    books: int | None = None
    progress: Callable[[Any, int, int], None] | None = None
    parts: list[DemoPart] = field(default_factory=list)
    accounts: list[tuple[Any, str, bool]] = field(default_factory=list)
    owner: Any = None
    created: list = field(default_factory=list)

    def book_created(self, book, template: dict, done: int, total: int) -> None:
        """Give `book` every part's share, then report it as the `done`th of `total`."""
        for part in self.parts:
            if part.book is not None:
                part.book(self, book, template)
        self.created.append(book)
        if self.progress is not None:
            self.progress(book, done, total)


def demo_seed(*, books: int | None, progress: Callable | None = None) -> DemoRun:
    """Run every registered demo part in app order; returns what they did."""
    run = DemoRun(books=books, progress=progress, parts=demo_parts.parts())
    for part in run.parts:
        if part.seed is not None:
            part.seed(run)
    return run


demo_parts = Registry("demo seeding")
# Data integrity parts: see books.services.integrity (IntegrityPart), which runs them.
integrity_parts = Registry("data integrity")
# What an app removes when an account is deleted, beyond the rows that cascade from the user
# (the books app: the deleted user's entries in books shared with them). Each part is called
# as `part(user=user)` by accounts.services.users.user_delete, before the user row goes.
account_deletion_parts = Registry("account deletion")
