"""`make bench`: throughput, latency, memory and MongoDB command counts of the hot endpoints.

Starts the API exactly as `make run` does (`manage.py runstack`: embedded MongoDB, migrations,
gunicorn with the same worker/thread settings, Redis from REDIS_URL) on a fresh database in a
temporary directory, with rate limiting switched off and DEBUG off. The embedded server runs the
memory engine by default: the anchor's ceilings (a raw find_one at about 2,500/s) are those of
that engine on this machine class; `--engine sqlite` measures the engine `make run` keeps its
data in. Seeds fixed data through the
HTTP API (one user with 100 books; one book with a 50-chapter TOC with content; one chapter with
20 questions; 32 more books with a TOC for the one-book-per-writer case), then drives each
operation for DURATION seconds at concurrency 1 and 32 with a closed-loop keep-alive client,
using real bearer-token authentication. Prints a table, writes JSON to var/bench/, and prints
the number of MongoDB commands a first and a repeated request of each operation issue (pymongo
command monitoring in this process, through Django's test client against the same database and
Redis: the repeated request shows what the Redis caches save).

Then bench/revisions_bench.py prints the revision storage per chapter after 1,000 autosaves.

Usage: python bench/run.py [--duration 20] [--concurrency 1 32] [--only get_toc ... revisions]
       [--engine memory|sqlite]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import run  # noqa: E402
from bench.operations import operations  # noqa: E402
from bench.sampling import RssSampler  # noqa: E402
from bench.seeding import seed  # noqa: E402
from bench.stack import stack_start, stack_stop  # noqa: E402

# The replaced backend on this machine class at concurrency 32 (req/s), from
# ../shared/reference/performance-anchor.md: with its authentication bypassed, and with its real
# session authentication (the comparison with ours, which always authenticates for real).
ANCHOR = {
    "list_books": 180,
    "get_book": 511,
    "create_book": 113,
    "get_toc": 376,
    "put_toc_same_book": 131,
    "put_toc_own_book": 90,
    "chapters_metadata": 232,
    "save_response": 71,
}
ANCHOR_REAL_AUTH = {
    "list_books": 146,
    "get_book": 264,
    "create_book": 54,
    "get_toc": 303,
    "put_toc_same_book": 96,
    "put_toc_own_book": 65,
    "chapters_metadata": 161,
    "save_response": 55,
}


def count_commands(env: dict, data: dict) -> dict[str, int]:
    """MongoDB commands one request of each operation issues (in-process, same database)."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "autoauthor.settings"
    from pymongo import monitoring

    commands: list[str] = []

    class Counter(monitoring.CommandListener):
        def started(self, event):
            commands.append(event.command_name)

        def succeeded(self, event):
            pass

        def failed(self, event):
            pass

    monitoring.register(Counter())  # before Django creates its MongoClient
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, (make, on_response) in operations(data).items():
        factory = make(0)
        callback = on_response(0) if on_response else None  # writers track the TOC version
        client.get("/api/v1/", headers={})  # warm-up outside the count
        per_request = []
        for _ in range(2):  # the first may fill the Redis caches, the second may hit them
            request = factory()
            commands.clear()
            response = client.generic(
                request.method,
                request.path,
                data=request.body,
                content_type="application/json",
                HTTP_AUTHORIZATION=request.headers["Authorization"],
            )
            per_request.append(len(commands))
            if callback:
                callback(response.status_code, response.content)
        counts[name] = per_request
    return counts


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--only", nargs="*")
    parser.add_argument(
        "--engine",
        choices=["sqlite", "memory"],
        default="memory",
        help="embedded server engine (the anchor's numbers match memory; make run uses sqlite)",
    )
    parser.add_argument(
        "--search",
        choices=["quick", "full", "off"],
        default="quick",
        help="search latency (bench/search_bench.py): --quick size, the full size, or none",
    )
    return parser.parse_args()


def measure(base: str, make, on_response, *, name: str, concurrency: int, duration: float):
    """One operation at one concurrency: its row of the table (printed as it is measured)."""
    result = run(
        base_url=base,
        make_request=make,
        concurrency=concurrency,
        duration=duration,
        on_response=on_response,
    )
    row = {
        "operation": name,
        "concurrency": concurrency,
        "requests": result.completed,
        "rps": round(result.completed / result.elapsed, 1),
        "p50_ms": round(result.percentile(50) * 1000, 1),
        "p99_ms": round(result.percentile(99) * 1000, 1),
        "errors": result.errors,
        "error_rate": round(result.errors / max(1, result.completed), 4),
        "conflicts": result.expected_conflicts,
        "statuses": result.statuses,
    }
    print(
        f"{name:<18} c={concurrency:<3} {row['rps']:>8} req/s  "
        f"p50 {row['p50_ms']:>7} ms  p99 {row['p99_ms']:>7} ms  "
        f"errors {result.errors}  409s {result.expected_conflicts}",
        flush=True,
    )
    return row


def print_table(rows: list[dict], counts: dict, peak: dict) -> None:
    print()
    print("anchor: the replaced backend at c=32 with its auth bypassed / with real auth; "
          "cmds: MongoDB commands of a first / a repeated request")  # fmt: skip
    print(f"{'operation':<18} {'conc':>4} {'req/s':>8} {'anchor':>9} {'ratio':>11} "
          f"{'p50 ms':>8} {'p99 ms':>8} {'err%':>6} {'409s':>6} {'cmds':>5}")  # fmt: skip
    for row in rows:
        name = row["operation"]
        anchor = ratio = ""
        if row["concurrency"] == 32 and name in ANCHOR:
            anchor = f"{ANCHOR[name]}/{ANCHOR_REAL_AUTH[name]}"
            ratio = f"{row['rps'] / ANCHOR[name]:.2f}/{row['rps'] / ANCHOR_REAL_AUTH[name]:.2f}"
        cmds = "/".join(str(n) for n in counts.get(name, []))
        print(
            f"{name:<18} {row['concurrency']:>4} {row['rps']:>8} {anchor:>9} {ratio:>11} "
            f"{row['p50_ms']:>8} {row['p99_ms']:>8} {row['error_rate'] * 100:>6.2f} "
            f"{row['conflicts']:>6} {cmds:>5}"
        )
    print(f"\npeak RSS: API processes {peak['api']} MiB, jobs worker {peak['worker']} MiB, "
          f"embedded MongoDB {peak['mongodb']} MiB")  # fmt: skip


def write_json(args, rows: list[dict], counts: dict, peak: dict) -> None:
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({
        "duration_s": args.duration,
        "engine": args.engine,
        "rows": rows,
        "mongodb_commands_per_request": counts,
        "peak_rss_mib": peak,
        "anchor_rps_c32": {"auth_bypassed": ANCHOR, "real_auth": ANCHOR_REAL_AUTH},
    }, indent=2))  # fmt: skip
    print(f"JSON written to {path.relative_to(ROOT)}")


def main():
    args = parse_args()
    stack = stack_start(engine=args.engine)
    base = stack.base
    try:
        print(f"API up at {base}; seeding...", flush=True)
        data = seed(base)
        # One request of each operation in this process, counting its MongoDB commands (before
        # the load, so every request is the successful kind).
        counts = count_commands({**stack.env, "MONGODB_URI": stack.mongo_uri}, data)
        ops = operations(data)
        names = [n for n in ops if not args.only or n in args.only]
        sampler = RssSampler(stack.server.pid)
        sampler.start()
        rows = [
            measure(base, *ops[name], name=name, concurrency=concurrency, duration=args.duration)
            for name in names
            for concurrency in args.concurrency
        ]
        sampler.stop()
    finally:
        stack_stop(stack)

    peak = {kind: round(kib / 1024) for kind, kib in sampler.peak.items()}
    print_table(rows, counts, peak)
    write_json(args, rows, counts, peak)
    if args.search != "off" and (not args.only or "search" in args.only):
        # Search latency (its own embedded server and database; book tokens in the stack's Redis).
        search = [sys.executable, str(ROOT / "bench" / "search_bench.py"), "--engine", args.engine]
        redis_url = stack.env.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        subprocess.run(
            search + (["--quick"] if args.search == "quick" else []),
            env={**os.environ, "TEST_REDIS_URL": redis_url},
            check=False,
        )
    if not args.only or "revisions" in args.only:
        # Revision storage per chapter after 1,000 autosaves (its own process and database).
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "revisions_bench.py"), "--engine", args.engine],
            check=False,
        )


if __name__ == "__main__":
    main()
