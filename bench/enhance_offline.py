"""Offline enhancement benchmark: how long the offline provider takes to enhance a chapter of
editor HTML, per type (clarity, grammar, tone, vocabulary, transcription), from a paragraph to
the chapter content limit (2,000,000 characters). No server, no database: the rules alone,
which is what an `enhance-text` request without OPENAI_API_KEY spends its time on.

Usage: PYTHONPATH=. .venv/bin/python bench/enhance_offline.py [--sizes 1000,100000,2000000]
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PARAGRAPH = (
    "<p>um so the the lamp flickered , and i think that it's very good in order to see. "
    "ada climbed the stairs , counting each one, you know, and she was very tired!!</p>"
)
KINDS = ("clarity", "grammar", "tone", "vocabulary", "transcription")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,2000000", help="characters, comma list")
    args = parser.parse_args()
    from autoauthor.ai.offline.enhancement import enhance

    print(f"{'kind':<14}{'characters':>12}{'seconds':>10}{'MB/s':>8}{'edits':>8}")
    for size in (int(value) for value in args.sizes.split(",")):
        content = PARAGRAPH * max(1, size // len(PARAGRAPH))
        for kind in KINDS:
            start = time.perf_counter()
            result = enhance(content=content, kind=kind)
            seconds = time.perf_counter() - start
            edits = sum(change["count"] for change in result["changes"])
            rate = len(content) / seconds / 1e6
            print(f"{kind:<14}{len(content):>12,}{seconds:>10.3f}{rate:>8.2f}{edits:>8,}")


if __name__ == "__main__":
    main()
