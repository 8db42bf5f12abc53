"""AI text enhancement (reference #57: clarity, grammar, tone, vocabulary) and dictation cleanup
(#56): `enhance_text` and `enhance_transcription`, preview-only features (nothing is stored).

With OPENAI_API_KEY set, one chat completion rewrites the text (temperature 0.3: a
conservative edit, not a creative rewrite); without, the offline provider's rules do
(`autoauthor.ai.offline.enhancement`). Every result says which provider answered and lists what
changed: the offline rules count their own edits; for the real provider the changed word spans
are counted against the original. An answer cut off at the token limit is a failure
(AIInvalidRequest: 400), never a shortened text, because the editor would replace the whole
selection with it."""

import difflib
import re

from autoauthor.ai.client import chat_completion
from autoauthor.ai.errors import AIInvalidRequest, AIInvalidResponse
from autoauthor.ai.offline.enhancement import enhance as offline_enhance
from autoauthor.ai.prompts import Prompt
from autoauthor.ai.service import PROVIDER, AIService
from autoauthor.ai.text import strip_html
from autoauthor.core.errors import Invalid

# value -> (label, guidance). The labels are the frontend's (ContentEnhancer's select).
ENHANCEMENT_TYPES: dict[str, tuple[str, str]] = {
    "clarity": (
        "Clarity",
        "Simplify convoluted sentences, remove redundant words and phrases, and make each idea "
        "lead to the next; prefer plain, direct wording.",
    ),
    "grammar": (
        "Grammar",
        "Correct grammar, spelling, punctuation, capitalisation and spacing; change only what "
        "is wrong and keep the author's wording and voice.",
    ),
    "tone": (
        "Tone",
        "Make the tone confident and engaging: drop hedging and filler, smooth the rhythm, and "
        "keep the author's intent and voice.",
    ),
    "vocabulary": (
        "Vocabulary",
        "Replace weak, vague or repeated words with precise, vivid ones at the same reading "
        "level; avoid jargon and obscure words.",
    ),
}
TRANSCRIPTION = "transcription"
TRANSCRIPTION_LABEL = "Dictation Cleanup"
_TRANSCRIPTION_GUIDANCE = (
    'Remove filler words and verbal tics ("um", "uh", "er", "you know", "like", "I mean") and '
    "repeated words or false starts; add punctuation and capitalisation; break the text into "
    "paragraphs where the topic shifts. Keep the speaker's own words, voice and intent: do "
    "not paraphrase, summarise or add anything that was not said."
)
_RULES = """Rules:
- Preserve every fact, name, number and the meaning of the text.
- Do not add information and do not drop any point.
- The text may be HTML from a rich-text editor: keep its tags, headings and lists, and answer
  in the same format ({paragraphs}).
- Return only the edited text, without any preamble or commentary."""
_FENCE = re.compile(r"^```[a-zA-Z]*\n(.*)\n```$", re.DOTALL)
_DIFF_MAX_WORDS = 20000  # difflib is quadratic at worst: larger texts are not itemised


def _prompt(content: str, *, label: str, guidance: str, transcription: bool) -> Prompt:
    paragraphs = (
        "new paragraphs as <p> elements in HTML, separated by blank lines otherwise"
        if transcription
        else "the same paragraphs"
    )
    task = "Clean up this voice transcription" if transcription else f"Improve this text: {label}"
    user = f"{task}.\n\n{guidance}\n\n{_RULES.format(paragraphs=paragraphs)}\n\nText:\n{content}"
    return Prompt(
        system=(
            "You are an expert editor. You improve the quality of a text while preserving all "
            "of its facts and meaning."
        ),
        user=user,
        temperature=0.3,
        max_tokens=4000,
    )


def diff_changes(original: str, enhanced: str) -> list[dict]:
    """What a rewrite changed, as counts of replaced, removed and added runs of words (of the
    visible text): [{kind, count, description}]."""
    before, after = strip_html(original).split(), strip_html(enhanced).split()
    if max(len(before), len(after)) > _DIFF_MAX_WORDS:
        return [{"kind": "rewrite", "count": 1, "description": "Rewrote the text"}]
    counts = {"replace": 0, "delete": 0, "insert": 0}
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, *_ in matcher.get_opcodes():
        if tag in counts:
            counts[tag] += 1
    names = {
        "replace": ("reworded", "Reworded passages"),
        "delete": ("removed", "Removed words or passages"),
        "insert": ("added", "Added words or passages"),
    }
    return [
        {"kind": names[tag][0], "count": count, "description": names[tag][1]}
        for tag, count in counts.items()
        if count
    ]


def _online(content: str, *, feature: str, label: str, guidance: str) -> dict:
    transcription = feature == "transcription_enhancement"
    prompt = _prompt(content, label=label, guidance=guidance, transcription=transcription)
    completion = chat_completion(
        feature=feature,
        system=prompt.system,
        user=prompt.user,
        temperature=prompt.temperature,
        max_tokens=prompt.max_tokens,
    )
    if completion.finish_reason == "length":
        raise AIInvalidRequest(
            "This transcription is too long to clean up in one pass. Try cleaning up a shorter "
            "section."
            if transcription
            else "This text is too long to enhance in one pass. Try enhancing a shorter section."
        )
    text = completion.text.strip()
    fenced = _FENCE.match(text)
    enhanced = fenced.group(1).strip() if fenced else text
    if not enhanced:  # an empty code block: nothing the editor could apply
        raise AIInvalidResponse()
    return {
        "enhanced": enhanced,
        "changes": diff_changes(content, enhanced),
        "provider": PROVIDER,
        "model": completion.model,
    }


def enhance_text(*, content: str, enhancement_type: str) -> dict:
    """`content` improved along `enhancement_type` (a key of ENHANCEMENT_TYPES), facts kept →
    {enhanced, enhancement_type, enhancement_label, changes, provider, model}."""
    if enhancement_type not in ENHANCEMENT_TYPES:
        raise Invalid(
            f"Unsupported enhancement type: '{enhancement_type}'. Valid types: "
            f"{', '.join(ENHANCEMENT_TYPES)}.",
            code="unsupported_enhancement_type",
        )
    label, guidance = ENHANCEMENT_TYPES[enhancement_type]
    if AIService.online():
        result = _online(content, feature="text_enhancement", label=label, guidance=guidance)
    else:
        result = offline_enhance(content=content, kind=enhancement_type)
    return {**result, "enhancement_type": enhancement_type, "enhancement_label": label}


def enhance_transcription(*, content: str) -> dict:
    """Raw dictation cleaned up into readable prose (fillers and false starts removed,
    punctuation, capitals, paragraphs), the speaker's words kept → the same fields as
    `enhance_text`, `enhancement_type` "transcription"."""
    if AIService.online():
        result = _online(
            content,
            feature="transcription_enhancement",
            label=TRANSCRIPTION_LABEL,
            guidance=_TRANSCRIPTION_GUIDANCE,
        )
    else:
        result = offline_enhance(content=content, kind=TRANSCRIPTION)
    return {**result, "enhancement_type": TRANSCRIPTION, "enhancement_label": TRANSCRIPTION_LABEL}


__all__ = [
    "ENHANCEMENT_TYPES",
    "TRANSCRIPTION",
    "TRANSCRIPTION_LABEL",
    "diff_changes",
    "enhance_text",
    "enhance_transcription",
]
