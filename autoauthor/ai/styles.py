"""The writing styles the AI features know (reference §3.5.6): each style of the account rules
(`accounts.rules.WRITING_STYLES`, value and label) with the guidance the prompts give for it."""

from accounts.rules import WRITING_STYLES as STYLE_LABELS

_GUIDANCE = {
    "professional": (
        "a formal business tone: clear and direct, active voice, no slang and no contractions"
    ),
    "conversational": (
        "a friendly, conversational tone: contractions, speaking to the reader as 'you', "
        "short sentences"
    ),
    "academic": (
        "a scholarly, objective tone: precise terminology, qualified claims, more complex "
        "sentence structure"
    ),
    "creative": "a creative, literary voice: vivid imagery, metaphor and a pleasing rhythm",
    "technical": "a technical tone: precise, step-oriented and neutral",
}

# style -> (label, guidance)
WRITING_STYLES: dict[str, tuple[str, str]] = {
    value: (label, _GUIDANCE[value]) for value, label in STYLE_LABELS
}
