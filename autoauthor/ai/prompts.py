"""Prompts, temperatures and token limits of the reference (§3.5, §3.6), one builder per feature.

Each builder returns a `Prompt` the OpenAI provider sends as a system and a user message.
"""

from dataclasses import dataclass

from autoauthor.ai.styles import WRITING_STYLES
from questions.rules import DEFAULT_DIFFICULTY, DIFFICULTIES, QUESTION_TYPES

DRAFT_MIN_TOKENS = 500
DRAFT_MAX_TOKENS = 4000


@dataclass(frozen=True)
class Prompt:
    system: str
    user: str
    temperature: float
    max_tokens: int


def _context_lines(*, title: str, genre: str, target_audience: str) -> str:
    return (
        f"Book Title: {title or 'Untitled'}\n"
        f"Genre: {genre or 'Not specified'}\n"
        f"Target Audience: {target_audience or 'General readers'}"
    )


def _qa_lines(responses: list[dict], *, question_label: str, answer_label: str) -> str:
    return "\n\n".join(
        f"{question_label}: {item.get('question', '')}\n{answer_label}: {item.get('answer', '')}"
        for item in responses
    )


def summary_analysis(*, summary: str, title: str, genre: str, target_audience: str) -> Prompt:
    user = f"""Analyze this book summary and decide whether it is detailed enough to generate a
table of contents.

{_context_lines(title=title, genre=genre, target_audience=target_audience)}

Summary:
{summary}

Evaluate:
1. Clarity of the main topic and scope
2. Detail about the content structure
3. Identification of the target audience
4. Hints of a logical flow or progression
5. Actionable or educational content indicators

Answer in exactly this format:
READINESS: Ready | Needs Work | Not Ready
CONFIDENCE: a number from 0.0 to 1.0
ANALYSIS: a short assessment
SUGGESTIONS: specific improvements, separated by periods"""
    return Prompt(
        system=(
            "You are an expert book editor and content strategist. You judge whether a book "
            "summary is ready to be turned into a table of contents."
        ),
        user=user,
        temperature=0.3,
        max_tokens=1000,
    )


def clarifying_questions(
    *, summary: str, title: str, genre: str, target_audience: str, count: int
) -> Prompt:
    user = f"""Generate exactly {count} clarifying questions that will help structure the table of
contents of this book.

{_context_lines(title=title, genre=genre, target_audience=target_audience)}

Summary:
{summary}

The questions should clarify:
- how the content should be organised and flow
- what the target audience needs and already knows
- the key concepts that must be covered
- practical applications, examples or case studies
- how deep the coverage should go

Answer with a numbered list of {count} questions, one per line, each specific to this book and
focused on its structure."""
    return Prompt(
        system=(
            "You are an expert book editor who asks authors precise clarifying questions before "
            "designing a book's table of contents."
        ),
        user=user,
        temperature=0.4,
        max_tokens=800,
    )


def toc_generation(
    *, summary: str, responses: list[dict], title: str, genre: str, target_audience: str
) -> Prompt:
    qa = _qa_lines(responses, question_label="Q", answer_label="A")
    user = f"""Create a table of contents for this book.

{_context_lines(title=title, genre=genre, target_audience=target_audience)}

Summary:
{summary}

The author's answers to clarifying questions:
{qa}

Requirements:
- 6 to 12 main chapters
- 2 to 4 subchapters per chapter where appropriate
- clear, descriptive chapter titles and a brief description for each chapter and subchapter
- a logical progression (from foundations to advanced topics where that applies)
- practical organisation that reflects the summary and the author's answers

Answer with JSON only, in this shape:
{{"chapters": [{{"id": "ch1", "title": "...", "description": "...", "level": 1, "order": 1,
  "subchapters": [{{"id": "ch1-1", "title": "...", "description": "...", "level": 2,
  "order": 1}}]}}],
 "total_chapters": 8, "estimated_pages": 200, "structure_notes": "..."}}"""
    return Prompt(
        system=(
            "You are an expert book editor and content strategist who designs well-structured "
            "tables of contents. You answer with valid JSON only."
        ),
        user=user,
        temperature=0.4,
        max_tokens=1500,
    )


_DIFFICULTY_GUIDANCE = {
    "easy": "Keep the questions straightforward, about basic facts and ideas.",
    "medium": "Make the questions moderately challenging.",
    "hard": "Make the questions demand deep analysis and creative thinking.",
}
_FOCUS_GUIDANCE = {
    "character": "character development, motivation, relationships and arcs",
    "plot": "structure, events, conflicts and progression",
    "setting": "details, world-building and atmosphere",
    "theme": "messages, symbolism and meaning",
    "research": "research needs, accuracy and technical details",
}
CHAPTER_CONTENT_LIMIT = 5000


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
) -> Prompt:
    parts = [
        f'Generate {count} interview-style questions about the chapter "{chapter_title}" of the '
        f'book "{book_title}" that help the author develop this chapter.'
    ]
    content = (chapter_content or "").strip()
    if content:
        excerpt = content[:CHAPTER_CONTENT_LIMIT]
        if len(content) > CHAPTER_CONTENT_LIMIT:
            excerpt += "..."
        parts.append(
            "The chapter already has this content; ask questions that help expand and improve "
            f"it:\n{excerpt}"
        )
    else:
        parts.append(
            "The chapter has no content yet; ask questions that help the author write it from "
            "its title."
        )
    parts.append(f"Genre: {genre or 'Not specified'}")
    parts.append(f"Target audience: {target_audience or 'General readers'}")
    parts.append(_DIFFICULTY_GUIDANCE.get(difficulty, _DIFFICULTY_GUIDANCE[DEFAULT_DIFFICULTY]))
    if focus:
        parts.append(
            "Focus on: " + "; ".join(f"{kind} ({_FOCUS_GUIDANCE[kind]})" for kind in focus)
        )
    parts.append(
        "Answer with a JSON array only. Each item: "
        f'{{"question_text": "...", "question_type": "{"|".join(QUESTION_TYPES)}", '
        f'"difficulty": "{"|".join(DIFFICULTIES)}", "help_text": "...", "examples": ["..."]}}'
    )
    return Prompt(
        system=(
            "You are a writing coach who interviews authors with thoughtful questions that help "
            "them write their chapters."
        ),
        user="\n\n".join(parts),
        temperature=0.7,
        max_tokens=2000,
    )


def draft_max_tokens(target_length: int) -> int:
    """Tokens sized to the requested length (~1.4 tokens per English word plus headings),
    clamped to 500–4000 (the original always used 1000 and truncated long drafts)."""
    return max(DRAFT_MIN_TOKENS, min(DRAFT_MAX_TOKENS, round(target_length * 1.4) + 100))


def chapter_draft(
    *,
    book_title: str,
    genre: str,
    target_audience: str,
    chapter_title: str,
    chapter_description: str,
    question_responses: list[dict],
    writing_style: str | None,
    target_length: int,
) -> Prompt:
    qa = _qa_lines(question_responses, question_label="Question", answer_label="Author's Response")
    style_line = f"Writing Style: {writing_style}\n" if writing_style else ""
    style_sentence = writing_style or "engaging, clear, and appropriate for the target audience"
    user = f"""Write a draft of the chapter "{chapter_title}".

Chapter Description: {chapter_description or "Not provided"}

{_context_lines(title=book_title, genre=genre, target_audience=target_audience)}
{style_line}Target Length: Approximately {target_length} words

The author answered these interview questions:
{qa}

Instructions:
1. Open with an engaging hook.
2. Turn the author's answers into a natural narrative.
3. Use the concrete examples and details from the answers.
4. Preserve the author's voice and perspective.
5. Organise the text in paragraphs, with subheadings where helpful.
6. End with a clear takeaway or a transition to the next chapter.
7. Aim for about {target_length} words.

The writing style should be {style_sentence}. Return clean, ready-to-edit prose."""
    return Prompt(
        system=(
            "You are a skilled ghostwriter who turns an author's interview answers into "
            "compelling chapter prose while keeping the author's voice."
        ),
        user=user,
        temperature=0.8,
        max_tokens=draft_max_tokens(target_length),
    )


def style_transform(*, content: str, target_style: str) -> Prompt:
    label, guidance = WRITING_STYLES[target_style]
    user = f"""Rewrite the following text in a {label.lower()} style: {guidance}.

Rules:
- Preserve every fact, name, number and the meaning of the text.
- Do not add or remove information.
- Change only tone, vocabulary, phrasing and sentence structure.
- Keep a similar length and the existing structure (headings, lists, paragraphs).
- Return only the rewritten text.

Text:
{content}"""
    return Prompt(
        system=(
            "You are an expert editor who changes the style of a text while preserving all of "
            "its facts."
        ),
        user=user,
        temperature=0.7,
        max_tokens=4000,
    )
