"""Demo books for a fresh development install (`manage.py seed_demo`).

Everything is written through the same services as the API: `book_create`,
`book_summary_update`, `toc_replace` and `chapter_content_save`; so the demo data obeys every
rule, carries versions and audit rows, and looks like data the frontend made. The apps above
add their share to each book through their demo parts (autoauthor.core.registry; questions and
answers: questions.demo).
"""

from collections.abc import Callable

from autoauthor.core.registry import DemoPart, DemoRun
from books.models import Book
from books.services import books as book_services
from books.services import content as content_services
from books.services import summary as summary_services
from books.services import toc as toc_services

DEFAULT_DEMO_BOOKS = 3


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


DEMO_BOOKS = [
    {
        "book": {
            "title": "The Lighthouse at Grey Point",
            "subtitle": "A coastal mystery",
            "description": (
                "When the keeper of an automated lighthouse vanishes during a winter storm, a "
                "retired harbour pilot returns to the village she left thirty years ago."
            ),
            "genre": "Mystery",
            "target_audience": "Adult readers of atmospheric crime fiction",
        },
        "summary": (
            "Maren Holt, a retired harbour pilot, comes back to the fishing village of Grey "
            "Point after the lighthouse keeper disappears in a storm. The light is automated, "
            "the keeper had no reason to be there, and the logbook has three pages torn out. "
            "As Maren reads tide tables, old radio logs and the silences of her former "
            "neighbours, she finds that the disappearance is tied to a shipwreck the village "
            "agreed to forget."
        ),
        "chapters": [
            {
                "title": "The Light Goes Dark",
                "description": "The storm, the failed beacon and the empty keeper's cottage.",
                "content": _p(
                    "The beacon at Grey Point had not missed a night in forty years, so when it "
                    "went dark at ten past two on a February morning the whole village woke as "
                    "if someone had called their names.",
                    "Maren Holt heard about it on the radio in a rented flat two hundred miles "
                    "inland. The announcer said the keeper, Tobias Wren, was missing, and that "
                    "the coastguard had suspended the search until the wind dropped. She turned "
                    "the radio off, sat for a long time with her coat on, and then packed the "
                    "small bag she had kept by the door since she retired.",
                    "By the time her bus came down the hill into Grey Point the sea had "
                    "flattened into a grey sheet, and the tower stood on its rock looking "
                    "innocent, the way a dog looks innocent beside a broken vase. The cottage "
                    "door was unlocked. The kettle was cold. On the desk lay the station "
                    "logbook, open, with three pages cut out so cleanly that only the stubs "
                    "remained along the spine.",
                ),
                "subchapters": [
                    {
                        "title": "Radio Silence",
                        "description": "What the coastguard heard, and what it did not.",
                        "content": _p(
                            "The coastguard log showed a single call from the lighthouse at "
                            "01:52: a carrier tone, no voice, eleven seconds long.",
                        ),
                    }
                ],
            },
            {
                "title": "Tide Tables",
                "description": "Maren reads the sea the way she used to read it for ships.",
                "content": _p(
                    "Low water had been at 01:40. Anyone who wanted to cross to the rock on "
                    "foot had twenty minutes either side, and Tobias Wren had known that better "
                    "than anyone alive."
                ),
            },
            {
                "title": "The Wreck of the Saint Brendan",
                "description": "The village's oldest silence.",
                "content": "",
            },
        ],
    },
    {
        "book": {
            "title": "Bread by Hand",
            "subtitle": "A home baker's guide to slow, simple loaves",
            "description": (
                "A practical guide to baking everyday bread without machines: flour, water, "
                "salt, time and a few good habits."
            ),
            "genre": "Cooking",
            "target_audience": "Beginner and intermediate home bakers",
        },
        "summary": (
            "Bread by Hand teaches home bakers to make reliable everyday loaves with nothing "
            "but their hands, a bowl and an oven. It starts with what flour, water, salt and "
            "yeast actually do, moves through kneading, folding and shaping, and ends with a "
            "sourdough starter and a weekly baking rhythm. Each chapter closes with one recipe "
            "that practises the chapter's skill."
        ),
        "chapters": [
            {
                "title": "Four Ingredients",
                "description": "Flour, water, salt and yeast, and what each one does.",
                "content": _p(
                    "Most bread needs only four ingredients, and each of them has a job. Flour "
                    "gives structure: when it meets water, two of its proteins link into "
                    "gluten, an elastic web that traps the gas the yeast makes. Water wakes "
                    "everything up, and the amount you use decides whether the crumb will be "
                    "tight and even or open and irregular.",
                    "Salt is not only for taste. It tightens the gluten, slows the yeast a "
                    "little and helps the crust brown. Yeast, finally, eats the sugars in the "
                    "flour and breathes out carbon dioxide and a little alcohol, which is where "
                    "most of bread's flavour comes from if you give it time.",
                ),
                "subchapters": [],
            },
            {
                "title": "Kneading and Folding",
                "description": "Two ways to build gluten, and how to tell when you are done.",
                "content": _p(
                    "Stretch a small piece of dough between your fingers: if it thins into a "
                    "translucent window before it tears, the gluten is ready."
                ),
                "subchapters": [
                    {
                        "title": "The Windowpane Test",
                        "description": "A simple check for gluten development.",
                        "content": "",
                    }
                ],
            },
            {
                "title": "Your First Sourdough Starter",
                "description": "Seven days from flour and water to a living culture.",
                "content": "",
            },
        ],
    },
    {
        "book": {
            "title": "Small Habits, Steady Teams",
            "subtitle": "Practical routines for first-time managers",
            "description": (
                "How new managers build trust and momentum through small, repeatable habits "
                "instead of grand plans."
            ),
            "genre": "Business",
            "target_audience": "New and aspiring team leads",
        },
        "summary": (
            "Small Habits, Steady Teams is a handbook for people who have just become "
            "managers. Instead of frameworks, it offers a handful of weekly routines: one-to-one "
            "meetings that people look forward to, written decisions, a predictable planning "
            "rhythm and honest feedback given early. Each chapter explains one habit, why it "
            "works, and how to start it on Monday."
        ),
        "chapters": [
            {
                "title": "The First Ninety Days",
                "description": "Listening before changing anything.",
                "content": _p(
                    "Your first job as a new manager is to learn how the team already works. "
                    "Book a one-to-one with every person in your first two weeks and ask the "
                    "same three questions: what should we keep, what should we stop, and what "
                    "do you wish someone would ask you about?"
                ),
                "subchapters": [],
            },
            {
                "title": "One-to-Ones That Matter",
                "description": "A weekly half hour that belongs to the other person.",
                "content": "",
            },
            {
                "title": "Writing Decisions Down",
                "description": "Short decision records that stop old arguments returning.",
                "content": "",
            },
        ],
    },
]


def _toc_for(template: dict) -> dict:
    chapters = []
    for order, chapter in enumerate(template["chapters"], start=1):
        chapters.append(
            {
                "title": chapter["title"],
                "description": chapter["description"],
                "order": order,
                "subchapters": [
                    {"title": sub["title"], "description": sub["description"], "order": number}
                    for number, sub in enumerate(chapter.get("subchapters") or [], start=1)
                ],
            }
        )
    return {
        "chapters": chapters,
        "estimated_pages": 40 * len(chapters),
        "structure_notes": "Demo table of contents created by seed_demo.",
    }


def _contents(template: dict) -> list[str]:
    """Chapter contents in TOC pre-order (each chapter, then its subchapters)."""
    out = []
    for chapter in template["chapters"]:
        out.append(chapter.get("content") or "")
        out.extend(sub.get("content") or "" for sub in chapter.get("subchapters") or [])
    return out


def demo_book_create(*, owner, template: dict, title_suffix: str = "") -> Book:
    """Create one demo book for `owner` from `template`: book, summary, TOC and chapter
    content."""
    data = dict(template["book"])
    data["title"] = f"{data['title']}{title_suffix}"[:100]
    book = book_services.book_create(owner=owner, data=data)
    book = summary_services.book_summary_update(book=book, summary=template["summary"])
    toc = toc_services.toc_replace(
        book=book, toc=_toc_for(template), expected_version=book.toc_version, actor=None
    )
    ids = []
    for node in toc["chapters"]:
        ids.append(node["id"])
        ids.extend(sub["id"] for sub in node.get("subchapters") or [])
    for chapter_id, content in zip(ids, _contents(template), strict=True):
        if content:
            # The author wrote it: content saves are the owner's (they also log the owner's
            # access), while the rest of the seed is recorded as the system actor's.
            content_services.chapter_content_save(
                book=book, chapter_id=chapter_id, content=content, expected_version=0, actor=owner
            )
    return book


def demo_books_ensure(
    *,
    owner,
    count: int | None = None,
    created: Callable[[Book, dict, int, int], None] | None = None,
) -> list[Book]:
    """Give `owner` demo books. With `count` None (the default run of `make run`) this is
    idempotent: an owner who already has books gets none, otherwise DEFAULT_DEMO_BOOKS. An
    explicit `count` always adds that many (titles numbered past the templates). Returns the
    books created; `created(book, template, created_so_far, count)` is called after each."""
    if count is None:
        if Book.objects.filter(owner=owner, deleted_at=None).exists():
            return []
        count = DEFAULT_DEMO_BOOKS
    existing = Book.objects.filter(owner=owner).count()
    books = []
    for index in range(count):
        number = existing + index
        template = DEMO_BOOKS[number % len(DEMO_BOOKS)]
        rounds = number // len(DEMO_BOOKS)
        suffix = f" (Volume {rounds + 1})" if rounds else ""
        book = demo_book_create(owner=owner, template=template, title_suffix=suffix)
        books.append(book)
        if created is not None:
            created(book, template, len(books), count)
    return books


def demo_books_seed(run: DemoRun) -> None:
    """The books part of `seed_demo`: the demo user's books (see `demo_books_ensure`), each
    handed to the later apps' parts as it is made."""
    demo_books_ensure(owner=run.owner, count=run.books, created=run.book_created)


DEMO_PART = DemoPart(seed=demo_books_seed)
