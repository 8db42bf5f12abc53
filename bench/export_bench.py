"""Export benchmark: a 50-chapter, 100,000-word book rendered in every format.

The book is built purely in memory from the neutral export model (`document_from_memory`), so
the numbers measure the HTML -> blocks conversion and the renderers, not the database. Each
format runs in a fresh child process (ru_maxrss is a per-process high-water mark), writing to a
SpooledTemporaryFile as the export service does. Reported per format: wall time of an untraced
render, ru_maxrss growth during it, the tracemalloc peak of a second (traced) render (Python
allocations made while rendering; the source book is allocated before tracing starts), and the
output size.

Usage: .venv/bin/python bench/export_bench.py [--chapters 50] [--words 100000] [--repeat 1]
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

FORMATS = ["pdf", "docx", "epub", "markdown"]
WORDS = (
    "the quick brown fox jumps over lazy dog author chapter story river mountain light shadow "
    "morning evening voice silence memory promise journey letter garden window stranger city "
    "harbor winter summer secret answer question friend enemy village forest ocean bridge"
).split()


def chapter_html(rng: random.Random, words: int) -> str:
    parts = ["<h1>Opening</h1>"]
    written = 0
    paragraph = 0
    while written < words:
        n = min(rng.randint(60, 140), words - written)
        text = [rng.choice(WORDS) for _ in range(n)]
        if n >= 4:
            text[1] = f"<strong>{text[1]}</strong>"
            text[-2] = f"<em>{text[-2]}</em>"
        parts.append("<p>" + " ".join(text) + ".</p>")
        written += n
        paragraph += 1
        if paragraph % 6 == 0:
            parts.append(f"<h2>Part {paragraph // 6}</h2>")
            parts.append("<ul><li>first point</li><li>second point</li></ul>")
    return "".join(parts)


def build_chapters(chapters: int, words: int) -> list[dict]:
    rng = random.Random(42)
    per_chapter = words // chapters
    return [
        {
            "id": f"c{n}",
            "level": 1,
            "title": f"Chapter title {n}",
            "description": f"What happens in chapter {n}.",
            "content": chapter_html(rng, per_chapter),
        }
        for n in range(1, chapters + 1)
    ]


def child(fmt: str, chapters: int, words: int) -> dict:
    import django

    django.setup()
    from books.export import FORMATS as REGISTRY
    from books.export import document_from_memory

    source = build_chapters(chapters, words)
    # warm imports and fonts so the timing is the render itself
    warm = document_from_memory(title="warm", chapters=source[:1])
    REGISTRY[fmt].render(warm, tempfile.SpooledTemporaryFile())

    def render_once():
        doc = document_from_memory(
            title="Benchmark Book",
            subtitle="One hundred thousand words",
            author_name="Bench Author",
            genre="Fiction",
            target_audience="Adults",
            description="A generated book.",
            chapters=source,
        )
        out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        REGISTRY[fmt].render(doc, out)  # the default layout: letter, as the API's default
        return out

    # 1) timing and RSS growth without tracing (tracemalloc slows allocation-heavy code 2-3x)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    out = render_once()
    elapsed = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.close()
    # 2) peak of Python allocations during a second, traced render
    tracemalloc.start()
    out = render_once()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = out.tell()
    source_bytes = sum(len(ch["content"]) for ch in source)
    return {
        "format": fmt,
        "seconds": round(elapsed, 2),
        "tracemalloc_peak_mb": round(peak / 2**20, 1),
        "maxrss_delta_mb": round((rss_after - rss_before) / 1024, 1),
        "output_mb": round(size / 2**20, 2),
        "source_html_mb": round(source_bytes / 2**20, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chapters", type=int, default=50)
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", choices=FORMATS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.chapters, args.words)))
        return
    print(f"{args.chapters} chapters, {args.words} words, in-memory neutral document")
    print(f"{'format':<9} {'time s':>7} {'py peak MB':>11} {'rss +MB':>8} {'out MB':>7}")
    for fmt in FORMATS:
        for _ in range(args.repeat):
            result = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    fmt,
                    "--chapters",
                    str(args.chapters),
                    "--words",
                    str(args.words),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            row = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"{row['format']:<9} {row['seconds']:>7} {row['tracemalloc_peak_mb']:>11} "
                f"{row['maxrss_delta_mb']:>8} {row['output_mb']:>7}"
                f"   (source HTML {row['source_html_mb']} MB)"
            )


if __name__ == "__main__":
    main()
