"""Turning provider text into feature results (reference §3.5.1, §3.5.2, §3.5.3, §3.6).

Every parser either returns a usable result or raises AIInvalidResponse: an unusable answer is
never replaced by a silent placeholder.
"""

import json
import re
from typing import Any

from autoauthor.ai.errors import AIInvalidResponse
from books.rules import (
    TOC_DESCRIPTION_MAX,
    TOC_MAX_CHAPTERS,
    TOC_TITLE_MAX,
    chapter_id_usable,
    summary_meets_minimum,
    word_count,
)
from questions.rules import REQUEST_COUNT_MAX

# Bounds of a generated TOC, tighter than what the TOC service accepts (`books.rules`: ids,
# counts, lengths), so an AI answer never fails that validation.
MAX_TOC_CHAPTERS = 25
MAX_SUBCHAPTERS = 6
TITLE_LIMIT = 200
DESCRIPTION_LIMIT = 1000
assert (
    MAX_TOC_CHAPTERS * (1 + MAX_SUBCHAPTERS) <= TOC_MAX_CHAPTERS
    and TITLE_LIMIT <= TOC_TITLE_MAX
    and DESCRIPTION_LIMIT <= TOC_DESCRIPTION_MAX
)


def summary_metrics(summary: str) -> dict[str, Any]:
    return {
        "word_count": word_count(summary),
        "character_count": len(summary or ""),
        "meets_minimum_requirements": summary_meets_minimum(summary),
    }


def _labelled(text: str, label: str) -> str | None:
    match = re.search(rf"^\s*\**{label}\**\s*:\s*(.+?)\s*$", text, re.IGNORECASE | re.MULTILINE)
    return match.group(1).strip().strip("*").strip() if match else None


def parse_summary_analysis(text: str) -> dict[str, Any]:
    """The four labelled lines. READINESS is required: without it the answer is unusable."""
    readiness = _labelled(text, "READINESS")
    if readiness is None:
        raise AIInvalidResponse("The AI returned an unusable summary analysis. Please try again.")
    lowered = readiness.lower()
    is_ready = "ready" in lowered and "not ready" not in lowered
    try:
        confidence = float((_labelled(text, "CONFIDENCE") or "").split()[0].rstrip(".,;"))
    except (ValueError, IndexError):
        confidence = 0.5
    confidence = min(1.0, max(0.0, confidence))
    analysis = _labelled(text, "ANALYSIS") or "Analysis completed"
    suggestions_text = _labelled(text, "SUGGESTIONS") or ""
    suggestions = [piece.strip() for piece in suggestions_text.split(".") if piece.strip()][:3]
    return {
        "is_ready_for_toc": is_ready,
        "confidence_score": confidence,
        "analysis": analysis,
        "suggestions": suggestions,
    }


_LIST_ITEM = re.compile(r"^\s*(?:\d+\s*[.)\-:]|[-•*])\s*(.+)$")


def parse_question_list(text: str, *, count: int) -> list[str]:
    """Numbered or bulleted lines ending in "?"; else the text split on "?". None → unusable."""
    questions: list[str] = []
    for line in text.splitlines():
        match = _LIST_ITEM.match(line)
        if match:
            candidate = match.group(1).strip().strip("*").strip()
            if candidate.endswith("?") and len(candidate) > 5:
                questions.append(candidate)
    if not questions:
        questions = [
            piece.strip() + "?"
            for piece in text.split("?")[:-1]
            if len(piece.strip()) > 5 and "\n" not in piece.strip()
        ]
    seen: set[str] = set()
    unique = [q for q in questions if not (q.lower() in seen or seen.add(q.lower()))]
    if not unique:
        raise AIInvalidResponse("The AI returned no usable questions. Please try again.")
    return unique[:count]


def _clean(value: Any, limit: int) -> str:
    return str(value).strip()[:limit] if isinstance(value, str | int | float) else ""


def _toc_from_json(text: str) -> dict | None:
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if not match:
        return None
    try:
        data = json.loads(match.group(0))
    except (json.JSONDecodeError, RecursionError):
        return None
    if isinstance(data, dict) and isinstance(data.get("table_of_contents"), dict):
        data = data["table_of_contents"]
    if not isinstance(data, dict):
        return None
    chapters = data.get("chapters")
    if not isinstance(chapters, list) or not chapters:
        return None
    for chapter in chapters:
        if not isinstance(chapter, dict):
            return None
        title = chapter.get("title")
        if not isinstance(title, str) or not title.strip():
            return None
    return data


_TEXT_CHAPTER = re.compile(
    r"^\s*(?:chapter\s+(?:\d+|[ivxlc]+)\b|\d+\s*[.):])\s*[.:\-–—]?\s*(.+?)\s*$", re.IGNORECASE
)


def _toc_from_text(text: str) -> dict | None:
    """A plain list ("Chapter 1: Title" / "1. Title") when the model ignored the JSON request."""
    titles = [m.group(1) for m in map(_TEXT_CHAPTER.match, text.splitlines()) if m]
    titles = [t.strip("*# ").strip() for t in titles if t.strip("*# ").strip()]
    if not titles:
        return None
    return {
        "chapters": [{"title": title, "description": ""} for title in titles],
        "structure_notes": "Generated from a plain chapter list",
    }


def normalize_toc(data: dict) -> dict:
    """Ids `ch<n>` / `ch<n>-<m>` where missing or duplicated, levels 1 and 2 only (deeper levels
    are dropped), orders 1..n, string titles/descriptions, counts recomputed."""
    chapters: list[dict] = []
    seen: set[str] = set()

    def unique_id(value: Any, fallback: str) -> str:
        candidate = value.strip() if isinstance(value, str) else ""
        if not chapter_id_usable(candidate) or candidate in seen:
            candidate = fallback
        suffix = 2
        base = candidate
        while candidate in seen:
            candidate = f"{base}-{suffix}"
            suffix += 1
        seen.add(candidate)
        return candidate

    for index, raw in enumerate(data["chapters"][:MAX_TOC_CHAPTERS], start=1):
        title = _clean(raw.get("title"), TITLE_LIMIT)
        chapter_id = unique_id(raw.get("id"), f"ch{index}")
        subchapters = []
        raw_subs = raw.get("subchapters") if isinstance(raw.get("subchapters"), list) else []
        for sub_index, sub in enumerate(
            [s for s in raw_subs if isinstance(s, dict) and _clean(s.get("title"), TITLE_LIMIT)][
                :MAX_SUBCHAPTERS
            ],
            start=1,
        ):
            subchapters.append(
                {
                    "id": unique_id(sub.get("id"), f"{chapter_id}-{sub_index}"),
                    "title": _clean(sub.get("title"), TITLE_LIMIT),
                    "description": _clean(sub.get("description"), DESCRIPTION_LIMIT),
                    "level": 2,
                    "order": sub_index,
                }
            )
        chapters.append(
            {
                "id": chapter_id,
                "title": title,
                "description": _clean(raw.get("description"), DESCRIPTION_LIMIT),
                "level": 1,
                "order": index,
                "subchapters": subchapters,
            }
        )
    pages = data.get("estimated_pages")
    if not isinstance(pages, int) or isinstance(pages, bool) or not 0 < pages <= 5000:
        pages = 25 * len(chapters)
    return {
        "chapters": chapters,
        "total_chapters": len(chapters),
        "estimated_pages": pages,
        "structure_notes": _clean(data.get("structure_notes"), DESCRIPTION_LIMIT),
    }


def parse_toc(text: str) -> dict:
    data = _toc_from_json(text) or _toc_from_text(text)
    if data is None:
        raise AIInvalidResponse("The AI returned an unusable table of contents. Please try again.")
    return normalize_toc(data)


_SCRAPE_FIELD = re.compile(r'"(question_text|question_type|difficulty|help_text)"\s*:\s*"([^"]*)"')


def parse_chapter_questions(text: str) -> list[dict]:
    """Raw question dicts: the first JSON array of objects with `question_text`; else a scrape of
    `"question_text": "..."` pairs; else every line with a "?" longer than 10 characters. The
    questions service validates and completes them."""
    match = re.search(r"\[.*\]", text, re.DOTALL)
    if match:
        try:
            data = json.loads(match.group(0))
        except (json.JSONDecodeError, RecursionError):
            data = None
        if isinstance(data, list):
            items = [
                _question_item(item)
                for item in data
                if isinstance(item, dict) and isinstance(item.get("question_text"), str)
            ]
            if items:
                return items[:REQUEST_COUNT_MAX]
    scraped: list[dict] = []
    current: dict[str, str] = {}
    for line in text.splitlines():
        for key, value in _SCRAPE_FIELD.findall(line):
            current[key] = value
        if "}" in line and current.get("question_text"):
            scraped.append(_question_item(current))
            current = {}
    if current.get("question_text"):
        scraped.append(_question_item(current))
    if scraped:
        return scraped[:REQUEST_COUNT_MAX]
    lines = []
    for line in text.splitlines():
        stripped = re.sub(r"^\s*(?:\d+\s*[.)\-:]|[-•*])\s*", "", line).strip().strip("\"'")
        if "?" in stripped and len(stripped) > 10:
            lines.append(_question_item({"question_text": stripped}))
    if not lines:
        raise AIInvalidResponse("The AI returned no usable questions. Please try again.")
    return lines[:REQUEST_COUNT_MAX]


def _question_item(raw: dict) -> dict:
    examples = raw.get("examples")
    return {
        "question_text": str(raw.get("question_text", "")).strip(),
        "question_type": str(raw.get("question_type") or "").strip().lower() or None,
        "difficulty": str(raw.get("difficulty") or "").strip().lower() or None,
        "help_text": str(raw.get("help_text")).strip() if raw.get("help_text") else None,
        "examples": [str(e) for e in examples if isinstance(e, str)]
        if isinstance(examples, list)
        else None,
    }
