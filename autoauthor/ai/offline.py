"""The offline provider: used when no OPENAI_API_KEY is configured, so every AI feature works on
a fresh machine. It is deterministic and built only from the inputs (the summary, the author's
answers, the book's title, genre and audience, the chapter's title and content); it never
pretends to be a language model: every result says `"provider": "offline"`.
"""

import re

from autoauthor.ai import parsing
from autoauthor.ai.prompts import QUESTION_TYPES, WRITING_STYLES
from autoauthor.ai.text import (
    clauses,
    key_phrases,
    sentences,
    shorten,
    strip_html,
    title_case,
)

PROVIDER = "offline"
MODEL = "offline-heuristic-v1"

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


def _topic(phrases: list[str], index: int, fallback: str) -> str:
    return phrases[index % len(phrases)].lower() if phrases else fallback


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
        "t0": _topic(phrases, 0, "the main topic"),
        "t1": _topic(phrases, 1, "the key ideas"),
        "t2": _topic(phrases, 2, "the core concepts"),
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


_CHAPTER_TEMPLATES: dict[str, tuple[str, ...]] = {
    "character": (
        'Who are the key people in "{chapter}", and what does each of them want?',
        'How does the main person in "{chapter}" change by the end of the chapter?',
        "What motivates the people involved in {topic}, and how can you show it?",
        'Which conflict or tension between people drives "{chapter}"?',
        'How do the relationships around {topic} develop during "{chapter}"?',
    ),
    "plot": (
        'What is the main event or argument of "{chapter}"?',
        'How does "{chapter}" move the whole of "{book}" forward?',
        'What obstacles or objections around {topic} must "{chapter}" deal with?',
        'What is the turning point or key insight of "{chapter}"?',
        'How does "{chapter}" connect to the chapters before and after it in "{book}"?',
    ),
    "setting": (
        'Where and when does "{chapter}" take place, and how will you describe it?',
        "What atmosphere or mood should readers feel while reading about {topic}?",
        "Which sensory or concrete details would make {topic} vivid for readers?",
        'How does the context of "{chapter}" shape what happens in it?',
        'Does the setting or context change during "{chapter}", and why?',
    ),
    "theme": (
        'What is the central message of "{chapter}" for {audience}?',
        "Which image, symbol or recurring idea could represent {topic}?",
        'How does "{chapter}" contribute to the overall meaning of "{book}"?',
        'What dilemma or hard choice about {topic} does "{chapter}" raise?',
        'How might different readers interpret what "{chapter}" says about {topic}?',
    ),
    "research": (
        'What research will make "{chapter}" accurate and credible?',
        "Which facts or figures about {topic} should you verify before publishing?",
        "What historical, cultural or scientific background does {topic} need?",
        'Which specialised terms in "{chapter}" need a definition for {audience}?',
        "Which experts or sources could you consult about {topic}?",
    ),
}
_HELP_TEXT = {
    "character": "Think about traits, backstory, motivations and how people develop.",
    "plot": "Consider the sequence of events, cause and effect, conflicts and resolution.",
    "setting": "Describe time, place and atmosphere, and how they affect the chapter.",
    "theme": "Reflect on the underlying messages, symbols and meaning.",
    "research": "List the facts, terminology and technical details to verify.",
}
_EXAMPLES = {
    "character": "She had always avoided conflict, until the day the project failed.",
    "plot": "The chapter opens with the failed launch, then explains what went wrong.",
    "setting": "A cramped office at dawn, the smell of burnt coffee in the air.",
    "theme": "Resilience: small failures teach more than easy successes.",
    "research": "Check the 2023 survey numbers and cite the original study.",
}


def chapter_questions(
    *,
    book_title: str,
    genre: str,
    target_audience: str,
    chapter_title: str,
    chapter_content: str,
    count: int,
    difficulty: str,
    focus: list[str] | None,
) -> dict:
    text = strip_html(chapter_content)
    phrases = key_phrases(text or chapter_title, 5)
    kinds = [kind for kind in (focus or []) if kind in QUESTION_TYPES] or list(QUESTION_TYPES)
    values = {
        "chapter": chapter_title or "this chapter",
        "book": book_title or "your book",
        "audience": target_audience or "your readers",
    }
    questions = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        template = _CHAPTER_TEMPLATES[kind][(index // len(kinds)) % 5]
        topic = _topic(phrases, index, (chapter_title or "this topic").lower())
        questions.append(
            {
                "question_text": template.format(topic=topic, **values),
                "question_type": kind,
                "difficulty": difficulty or "medium",
                "help_text": _HELP_TEXT[kind],
                "examples": [_EXAMPLES[kind]],
            }
        )
    return {"questions": questions, "provider": PROVIDER}


def _heading_for(question: str) -> str:
    phrases = key_phrases(question, 1)
    return title_case(phrases[0]) if phrases else shorten(question.rstrip("?"), 60)


def generate_draft(
    *,
    book_title: str,
    genre: str,
    target_audience: str,
    chapter_title: str,
    chapter_description: str,
    question_responses: list[dict],
    writing_style: str | None,
    target_length: int,
) -> dict:
    """The author's own answers arranged as a chapter: an opening, one section per answer (the
    answer's words, kept verbatim to preserve the voice), and key takeaways. Nothing is invented,
    so the draft is usually shorter than `target_length`."""
    audience = target_audience or "readers"
    opening = chapter_description.strip() if chapter_description else ""
    if not opening:
        opening = f'This chapter of "{book_title}" is about {chapter_title.lower()}.'
    parts = [f"# {chapter_title}", f"{opening} Written for {audience}, it covers the following."]
    takeaways = []
    for item in question_responses:
        question = str(item.get("question", "")).strip()
        answer = str(item.get("answer", "")).strip()
        if not answer:
            continue
        parts.append(f"## {_heading_for(question)}")
        parts.extend(paragraph.strip() for paragraph in answer.split("\n\n") if paragraph.strip())
        first = sentences(answer)
        if first:
            takeaways.append(first[0])
    if takeaways:
        parts.append("## Key Takeaways")
        parts.append("\n".join(f"- {takeaway}" for takeaway in takeaways))
    draft = "\n\n".join(parts)
    if writing_style in WRITING_STYLES:
        draft = _restyle(draft, writing_style)
    return {"draft": draft, "provider": PROVIDER, "model": MODEL, "truncated": False}


_CONTRACTIONS = {
    "do not": "don't",
    "does not": "doesn't",
    "did not": "didn't",
    "is not": "isn't",
    "are not": "aren't",
    "was not": "wasn't",
    "were not": "weren't",
    "has not": "hasn't",
    "have not": "haven't",
    "had not": "hadn't",
    "cannot": "can't",
    "could not": "couldn't",
    "should not": "shouldn't",
    "would not": "wouldn't",
    "will not": "won't",
    "it is": "it's",
    "that is": "that's",
    "there is": "there's",
    "you are": "you're",
    "we are": "we're",
    "they are": "they're",
    "i am": "I'm",
    "i have": "I've",
    "we have": "we've",
    "you have": "you've",
    "i will": "I'll",
    "we will": "we'll",
    "you will": "you'll",
    "let us": "let's",
}
_EXPANSIONS = {short: re.sub(r"^i ", "I ", long) for long, short in _CONTRACTIONS.items()}


def _match_case(source: str, replacement: str) -> str:
    if source[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _replace_all(text: str, table: dict[str, str]) -> str:
    def pattern_for(phrase: str) -> str:
        return r"\b" + re.escape(phrase).replace("'", "['’]").replace(r"\ ", r"\s+") + r"\b"

    for phrase in sorted(table, key=len, reverse=True):
        text = re.sub(
            pattern_for(phrase),
            lambda m, rep=table[phrase]: (
                rep if rep.startswith("I") else _match_case(m.group(0), rep)
            ),
            text,
            flags=re.IGNORECASE,
        )
    return text


def _restyle(text: str, style: str) -> str:
    if style == "conversational":
        return _replace_all(text, _CONTRACTIONS)
    if style in ("professional", "academic", "technical"):
        return _replace_all(text, _EXPANSIONS)
    return text


def transform_style(*, content: str, target_style: str) -> dict:
    """Mechanical, fact-preserving rewrites: conversational contracts ("do not" → "don't");
    professional, academic and technical expand them ("it's" → "it is");
    creative leaves the text as written (a rule cannot add imagery without inventing)."""
    label = WRITING_STYLES[target_style][0]
    return {
        "transformed": _restyle(content, target_style),
        "style_label": label,
        "provider": PROVIDER,
        "model": MODEL,
    }
