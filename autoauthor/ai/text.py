"""Small text helpers shared by the offline provider and the parsers."""

import html
import re
from collections import Counter

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each every few for
    from further had has have having he her here hers herself him himself his how i if in into
    is it its itself just let like make many me might more most much must my myself need no nor
    not now of off often on once one only or other our ours ourselves out over own really same
    she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up upon us use used using very via want was way we
    well were what when where which while who whom why will with within without would you your
    yours yourself yourselves book books chapter chapters reader readers write writes written
    help helps learn learning guide explore explores show shows get gets new first thing things
    people everything something anything year years one two three four five six seven
    eight nine ten part parts across along among
    around behind beyond despite toward towards whether yet least even still already almost
    either neither per since though although unless explain explains explained cover covers
    covered include includes including describe describes teach teaches discuss discusses walk
    walks take takes give gives provide provides offer offers become becomes keep keeps go goes
    struggle struggles find finds know knows understand understands start starts try tries
    turn turns see sees look looks feel feels think thinks come comes bring brings lead leads
    leading stay stays work works matter matters tell tells ask asks""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*")
_TAG = re.compile(r"<[^>]+>")


def strip_html(text: str) -> str:
    """Visible text of editor HTML (tags removed, entities decoded, whitespace collapsed)."""
    text = _TAG.sub(" ", text or "")
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", (text or "").strip())
    return [part.strip() for part in parts if len(part.strip()) > 3]


def clauses(text: str) -> list[str]:
    """Sentences, further split at colons, semicolons, dashes and commas."""
    out = []
    for sentence in sentences(text):
        for part in re.split(r"\s*[:;,]\s+|\s+[-–—]\s+", sentence):
            part = re.sub(r"^(and|or|but)\s+", "", part.strip(), flags=re.IGNORECASE)
            if len(part.split()) >= 2:
                out.append(part)
    return out


def key_phrases(
    text: str, limit: int = 5, exclude: set[str] | None = None, *, by_position: bool = False
) -> list[str]:
    """Runs of up to three content words (RAKE-like), best first: a phrase scores the summed
    frequency of its words; ties keep the order of first appearance. `by_position` orders them
    by first appearance instead."""
    exclude = {word.lower() for word in (exclude or set())}
    tokens = re.findall(r"[A-Za-z][A-Za-z0-9'’\-]*|[^\sA-Za-z]", text or "")
    runs: list[list[str]] = [[]]
    for token in tokens:
        lowered = token.lower().strip("'’-")
        content = (
            _WORD.fullmatch(token) is not None
            and len(lowered) > 2
            and lowered not in STOPWORDS
            and lowered not in exclude
        )
        if content and len(runs[-1]) < 3:
            runs[-1].append(token.strip("'’-"))
        else:
            runs.append([token.strip("'’-")] if content else [])
    for run in runs:  # "teams aligned" -> "teams": trailing participles/adverbs are not topics
        while len(run) > 1 and re.search(r"(ed|ly)$", run[-1].lower()):
            run.pop()
    freq = Counter(word.lower() for run in runs for word in run)
    scored: dict[str, tuple[float, int]] = {}
    for position, run in enumerate(runs):
        if not run:
            continue
        phrase = " ".join(run)
        key = phrase.lower()
        if key not in scored:
            score = sum(freq[word.lower()] for word in run) + 0.5 * (len(run) - 1)
            scored[key] = (score, position)
    ordered = sorted(
        scored.items(),
        key=lambda item: item[1][1] if by_position else (-item[1][0], item[1][1]),
    )
    phrases: list[str] = []
    for key, _ in ordered:
        if any(key in chosen.lower() or chosen.lower() in key for chosen in phrases):
            continue
        phrases.append(next(" ".join(run) for run in runs if " ".join(run).lower() == key))
        if len(phrases) >= limit:
            break
    return phrases


_SMALL = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to"}


def title_case(text: str) -> str:
    words = text.split()
    out = []
    for index, word in enumerate(words):
        if word.isupper() and len(word) > 1:
            out.append(word)  # acronyms stay as written
        elif index and word.lower() in _SMALL:
            out.append(word.lower())
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def shorten(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
