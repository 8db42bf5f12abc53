"""Offline book planning: the summary review, clarifying questions and the table of contents,
built from the summary, the author's answers and the book's title and audience."""

import re

from autoauthor.ai import parsing
from autoauthor.ai.offline.common import PROVIDER, topic_at
from autoauthor.ai.text import clauses, key_phrases, sentences, shorten, title_case

_STRUCTURE_WORDS = re.compile(
    r"\b(first|then|next|finally|step|steps|stage|stages|part|section|chapter|begin|end|"
    r"cover|covers|covering|explore|explores|from .+ to)\b",
    re.IGNORECASE,
)
_AUDIENCE_WORDS = re.compile(
    r"\b(for|readers?|audience|beginners?|professionals?|students?|managers?|parents?|"
    r"developers?|teams?|leaders?|anyone|people who)\b",
    re.IGNORECASE,
)
_PRACTICE_WORDS = re.compile(
    r"\b(how to|example|examples|case stud(y|ies)|exercises?|practical|step-by-step|tips?|"
    r"techniques?|strategies|tools?|stories|story|lessons?)\b",
    re.IGNORECASE,
)


def analyze_summary(*, summary: str, title: str, genre: str, target_audience: str) -> dict:
    metrics = parsing.summary_metrics(summary)
    phrases = key_phrases(summary, 4, exclude=set((title or "").split()))
    sentence_count = len(sentences(summary))
    checks = {
        "length": metrics["meets_minimum_requirements"],
        "structure": bool(_STRUCTURE_WORDS.search(summary)) or sentence_count >= 4,
        "audience": bool(target_audience) or bool(_AUDIENCE_WORDS.search(summary)),
        "practice": bool(_PRACTICE_WORDS.search(summary)),
        "depth": metrics["word_count"] >= 80,
    }
    weights = {"length": 0.35, "structure": 0.2, "audience": 0.15, "practice": 0.15, "depth": 0.15}
    score = round(sum(weights[name] for name, ok in checks.items() if ok), 2)
    ready = checks["length"] and score >= 0.6
    suggestions_by_check = {
        "length": "Expand the summary to at least 30 words and 150 characters",
        "structure": "Describe how the book progresses, for example which topics come first "
        "and which build on them",
        "audience": "Say who the book is for and what they already know",
        "practice": "Mention the practical examples, stories or exercises you plan to include",
        "depth": "Add detail about the main topics so each can become a chapter",
    }
    suggestions = [suggestions_by_check[name] for name, ok in checks.items() if not ok][:3]
    topics = ", ".join(phrases) if phrases else "no distinct topics yet"
    verdict = "is ready for a table of contents" if ready else "needs more detail first"
    analysis = (
        f'Offline heuristic review of the summary of "{title or "Untitled"}": '
        f"{metrics['word_count']} words in {sentence_count} sentence(s); main topics detected: "
        f"{topics}. The summary {verdict}."
    )
    return {
        "is_ready_for_toc": ready,
        "confidence_score": score,
        "analysis": analysis,
        "suggestions": suggestions,
        **metrics,
        "provider": PROVIDER,
    }


_CLARIFYING_TEMPLATES = (
    'Who exactly is "{title}" written for, and what do {audience} already know about {t0}?',
    'What is the most important problem about {t0} that "{title}" solves for its readers?',
    'Which real examples, stories or case studies about {t1} will you use in "{title}"?',
    'In what order should "{title}" introduce {t0} and {t1}: what must readers understand first?',
    'What should readers be able to do after finishing "{title}" that they cannot do today?',
    'How deep should "{title}" go into {t2}: a short overview or step-by-step detail?',
    'Which common mistakes or misconceptions about {t1} should "{title}" correct?',
    'Are there topics close to {t2} that "{title}" should deliberately leave out?',
)


def clarifying_questions(
    *, summary: str, title: str, genre: str, target_audience: str, count: int
) -> dict:
    phrases = key_phrases(summary, 3, exclude=set((title or "").split()))
    values = {
        "title": title or "your book",
        "audience": target_audience or "your readers",
        "t0": topic_at(phrases, 0, "the main topic"),
        "t1": topic_at(phrases, 1, "the key ideas"),
        "t2": topic_at(phrases, 2, "the core concepts"),
    }
    questions = [
        _CLARIFYING_TEMPLATES[i % len(_CLARIFYING_TEMPLATES)].format(**values) for i in range(count)
    ]
    return {"questions": questions, "provider": PROVIDER}


def _chapter_from(source: str, *, exclude: set[str], used: set[str]) -> dict | None:
    phrases = [p for p in key_phrases(source, 6, exclude=exclude) if p.lower() not in used]
    if not phrases:
        return None
    used.add(phrases[0].lower())
    subchapters = [
        {
            "title": title_case(phrase),
            "description": f"{phrase[:1].upper()}{phrase[1:]} and its role in "
            f"{phrases[0].lower()}.",
        }
        for phrase in phrases[1:]
        if " " in phrase or not re.search(r"(ed|ly)$", phrase.lower())
    ][:3]
    return {
        "title": title_case(phrases[0]),
        "description": shorten(source, 300),
        "subchapters": subchapters if len(subchapters) >= 2 else [],
    }


def generate_toc(
    *, summary: str, responses: list[dict], title: str, genre: str, target_audience: str
) -> dict:
    exclude = set((title or "").split())
    used: set[str] = set()
    summary_sentences = sentences(summary)
    # A short summary is split into clauses so that each listed topic can become a chapter.
    units = summary_sentences if len(summary_sentences) >= 5 else clauses(summary)
    answers = [str(item.get("answer", "")).strip() for item in responses]
    answers = [answer for answer in answers if answer]
    first = key_phrases(units[0] if units else summary, 1, by_position=True)
    main_topic = first[0] if first else (title or "the subject")
    used.add(main_topic.lower())
    chapters: list[dict] = [
        {
            "title": f"Introduction: Understanding {title_case(main_topic)}",
            "description": shorten(summary_sentences[0] if summary_sentences else summary, 300),
            "subchapters": [],
        }
    ]
    for source in units[1:] + answers:
        if len(chapters) >= 11:
            break
        chapter = _chapter_from(source, exclude=exclude, used=used)
        if chapter:
            chapters.append(chapter)
    audience = target_audience or "the reader"
    chapters.append(
        {
            "title": "Putting It All Together",
            "description": f"A summary of the key lessons and the next steps for {audience}.",
            "subchapters": [],
        }
    )
    subchapter_count = sum(len(chapter["subchapters"]) for chapter in chapters)
    toc = parsing.normalize_toc(
        {
            "chapters": chapters,
            "estimated_pages": 12 * len(chapters) + 4 * subchapter_count,
            "structure_notes": (
                f"Offline outline built from the summary ({len(summary_sentences)} sentence(s)) "
                f"and {len(answers)} answer(s): one chapter per distinct topic, in the order the "
                "author introduced them. Review and rename the chapters as needed."
            ),
        }
    )
    return {"toc": toc, "provider": PROVIDER}
