"""What every offline feature shares: its provider name, its model name and topic picking."""

PROVIDER = "offline"
MODEL = "offline-heuristic-v1"


def topic_at(phrases: list[str], index: int, fallback: str) -> str:
    """The `index`-th key phrase (cycling, lower-cased), `fallback` when there is none."""
    return phrases[index % len(phrases)].lower() if phrases else fallback
