"""The question rules, each written once: the question vocabulary (types, difficulties, response
statuses), what a generation produces, the limits of a question, a response and a rating, and
what counts as a savable answer (its word count is `books.rules.word_count`). Serializers,
services, the models and the AI layer import them from here; nothing else restates a number.

Constants and small pure functions only: no Django, no DRF, so any layer may import it.
"""

# --- Vocabulary -----------------------------------------------------------------------------------

QUESTION_TYPES = ("character", "plot", "setting", "theme", "research")
DIFFICULTIES = ("easy", "medium", "hard")
DEFAULT_DIFFICULTY = "medium"
RESPONSE_STATUSES = ("draft", "completed")
DEFAULT_RESPONSE_STATUS = "draft"
DEFAULT_CATEGORY = "development"

# The answer length a question suggests, by its difficulty.
SUGGESTED_RESPONSE_LENGTH = {
    "easy": "100-200 words",
    "medium": "200-300 words",
    "hard": "300-500 words",
}
DEFAULT_SUGGESTED_RESPONSE_LENGTH = SUGGESTED_RESPONSE_LENGTH[DEFAULT_DIFFICULTY]

# --- Generation -----------------------------------------------------------------------------------

REQUEST_COUNT_MAX = 50  # the most questions a request (and one AI call) may ask for
FOCUS_MAX = 20  # focus types a request may list (repeats included)
GENERATED_MIN, GENERATED_MAX, GENERATED_DEFAULT = 3, 20, 10


def effective_count(count: int | None) -> int:
    """The number of questions one generation produces: `count` (default 10) clamped to 3–20."""
    return max(GENERATED_MIN, min(count or GENERATED_DEFAULT, GENERATED_MAX))


# --- A question -----------------------------------------------------------------------------------

QUESTION_TEXT_MIN, QUESTION_TEXT_MAX = 10, 1000
HELP_TEXT_MAX = 1000
EXAMPLES_MAX, EXAMPLE_MAX = 10, 500
LIST_LIMIT_MAX = 50  # questions per page of the list


def question_text_usable(text: str) -> bool:
    """Whether a (whitespace-normalised) question text has 10–1000 characters."""
    return QUESTION_TEXT_MIN <= len(text) <= QUESTION_TEXT_MAX


# --- Responses and ratings ------------------------------------------------------------------------

RESPONSE_TEXT_MAX = 100_000
EDIT_HISTORY_LIMIT = 50  # newest edit-history entries a response keeps
BATCH_MAX = 100  # responses one batch save may carry
RATING_MIN, RATING_MAX = 1, 5
FEEDBACK_MAX = 2000

RESPONSE_TEXT_EMPTY = "Response text cannot be empty"


def is_answer(text) -> bool:
    """Whether `text` is an answer: a string with something besides whitespace."""
    return isinstance(text, str) and bool(text.strip())


def response_text_problem(response_text) -> str | None:
    """Why `response_text` cannot be saved as a response, None when it can."""
    if not is_answer(response_text):
        return RESPONSE_TEXT_EMPTY
    if len(response_text) > RESPONSE_TEXT_MAX:
        return f"Response text must be at most {RESPONSE_TEXT_MAX} characters"
    return None
