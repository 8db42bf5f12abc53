"""The TOC checks of `validate_data` (books.services.integrity): duplicate sibling orders,
duplicate chapter ids and TOCs the TOC service refuses, and the repair of the first two; plus the
`Problem` every check reports."""

import copy
from collections import Counter
from dataclasses import dataclass, field

from autoauthor.core.errors import ValidationFailed
from books.selectors import toc_chapter_nodes
from books.services import toc as toc_services


@dataclass
class Problem:
    kind: str
    book_id: str
    detail: str
    chapter_ids: tuple[str, ...] = ()
    question_ids: tuple = field(default=(), repr=False)

    @property
    def fixable(self) -> bool:
        return self.kind != "invalid_toc"

    def __str__(self) -> str:
        return f"[{self.kind}] book {self.book_id}: {self.detail}"


def _sibling_lists(toc) -> list[tuple[str, list[dict]]]:
    nodes = toc_chapter_nodes(toc)
    lists = [("top level", nodes)]
    for node in nodes:
        subs = [sub for sub in node.get("subchapters") or [] if isinstance(sub, dict)]
        if subs:
            lists.append((f"subchapters of {node.get('id')}", subs))
    return lists


def toc_problems(book) -> list[Problem]:
    problems = []
    for where, siblings in _sibling_lists(book.toc):
        counts = Counter(node.get("order") for node in siblings)
        for order, count in sorted(counts.items(), key=lambda item: str(item[0])):
            if count > 1:
                ids = tuple(str(n.get("id")) for n in siblings if n.get("order") == order)
                problems.append(
                    Problem(
                        "duplicate_order",
                        str(book.pk),
                        f"{where}: chapters {', '.join(ids)} share order {order}",
                        ids,
                    )
                )
    ids = [node.get("id") for node in _all_nodes(book.toc)]
    for chapter_id, count in Counter(ids).items():
        if chapter_id and count > 1:
            problems.append(
                Problem(
                    "duplicate_chapter_id",
                    str(book.pk),
                    f"chapter id {chapter_id} is listed {count} times",
                    (chapter_id,),
                )
            )
    if not problems and book.toc:
        try:
            toc_services.toc_normalize(toc=copy.deepcopy(book.toc), old_toc=book.toc)
        except ValidationFailed as exc:
            error = exc.errors[0]
            problems.append(
                Problem("invalid_toc", str(book.pk), f"{error['field']}: {error['message']}")
            )
    return problems


def _all_nodes(toc) -> list[dict]:
    out = []
    for node in toc_chapter_nodes(toc):
        out.append(node)
        out.extend(sub for sub in node.get("subchapters") or [] if isinstance(sub, dict))
    return out


def toc_repaired(toc: dict) -> dict | None:
    """The TOC with duplicate ids made unique (later ones lose their id) and duplicate sibling
    orders renumbered 1..n in list order; None when there is nothing to repair."""
    toc = copy.deepcopy(toc)
    changed = False
    seen: set = set()
    for node in _all_nodes(toc):
        if node.get("id") in seen:
            node["id"] = None  # toc_replace assigns a fresh id
            changed = True
        elif node.get("id"):
            seen.add(node["id"])
    for _, siblings in _sibling_lists(toc):
        orders = [node.get("order") for node in siblings]
        if len(set(orders)) != len(orders):
            for number, node in enumerate(siblings, start=1):
                node["order"] = number
            changed = True
    return toc if changed else None
