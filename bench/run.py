"""`make bench`: every operation's throughput and latency as a share of ceilings measured in the
same run, and how the operations one user feels change as other users' data grows.

Starts the API exactly as `make run` does (`manage.py runstack`: embedded MongoDB, migrations,
gunicorn with autoauthor/gunicorn_conf.py, the jobs worker, Redis from REDIS_URL) on a fresh
database in a temporary directory, with rate limiting and DEBUG off, and next to it the framework
ceiling (bench/framework: one bare Django view under the same gunicorn configuration). Seeds
fixed data through the HTTP API (bench/seeding.py: one user with 100 books, one of them with a
50-chapter TOC with content and 20 questions and shared with 4 editors; a writer with 32 books
of 50 chapters), then, `--runs` times interleaved: the ceilings (bench/ceilings.py: the bare
view, raw pymongo find_one and update_one at the same concurrency against the same embedded
server), then each operation for DURATION seconds at each concurrency with real bearer
authentication. Prints medians with the MongoDB commands per request (bench/counting.py) and the
shares of the ceilings. With `--growth 10 100` (the default), other users' data
(bench/growth_data.py) is added until the database holds 10x, then 100x the base data, and the
same measurement is repeated at each size: the growth table gives each operation's p50 as a
ratio to its base-size p50, and the peak RSS of the API processes and of the embedded server at
each size. JSON goes to var/bench/.

Then bench/search_bench.py (--search) and bench/revisions_bench.py run, each on its own server.

Usage: python bench/run.py [--duration 5] [--concurrency 32] [--runs 1] [--growth [10 100]]
       [--only get_toc ...] [--engine memory|sqlite] [--search quick|full|off]
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.ceilings import (  # noqa: E402
    database_ceilings,
    framework_ceiling,
    framework_start,
    framework_stop,
)
from bench.counting import count_commands, django_setup, django_teardown  # noqa: E402
from bench.loadgen import run  # noqa: E402
from bench.operations import operations  # noqa: E402
from bench.sampling import RssSampler  # noqa: E402
from bench.seeding import seed, tokens_refresh  # noqa: E402
from bench.stack import stack_start, stack_stop  # noqa: E402

CEILING_CONCURRENCY = 32


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[32])
    parser.add_argument("--runs", type=int, default=1, help="interleaved runs; medians printed")
    parser.add_argument(
        "--growth",
        type=int,
        nargs="*",
        default=[10, 100],
        help="also measure with the database grown to these multiples (none: --growth)",
    )
    parser.add_argument("--only", nargs="*")
    parser.add_argument(
        "--engine",
        choices=["sqlite", "memory"],
        default="memory",
        help="embedded server engine (make run serves sqlite)",
    )
    parser.add_argument(
        "--search",
        choices=["quick", "full", "off"],
        default="quick",
        help="search latency (bench/search_bench.py) after the tables",
    )
    return parser.parse_args()


def measure(base: str, make, on_response, *, name: str, concurrency: int, duration: float):
    """One operation at one concurrency: its row (printed as it is measured)."""
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
        "conflicts": result.expected_conflicts,
        "statuses": result.statuses,
    }
    print(
        f"  {name:<20} c={concurrency:<3} {row['rps']:>8} req/s  p50 {row['p50_ms']:>7} ms  "
        f"p99 {row['p99_ms']:>7} ms  errors {result.errors}  409s {result.expected_conflicts}",
        flush=True,
    )
    return row


def one_run(stack, framework_base: str, ops: dict, names: list[str], args) -> dict:
    """The ceilings, then every operation: one run of one size."""
    ceilings = database_ceilings(
        stack.mongo_uri,
        stack.env["DATABASE_NAME"],
        concurrency=CEILING_CONCURRENCY,
        duration=args.duration,
    )
    framework = framework_ceiling(
        framework_base, concurrency=CEILING_CONCURRENCY, duration=args.duration
    )
    ceilings["framework"] = framework["rps"]
    print(
        f"  ceilings: framework {framework['rps']} req/s (p50 {framework['p50_ms']} ms), "
        f"find_one {ceilings['find']}/s, update_one {ceilings['update']}/s",
        flush=True,
    )
    rows = [
        measure(stack.base, *ops[name], name=name, concurrency=c, duration=args.duration)
        for name in names
        for c in args.concurrency
    ]
    return {"ceilings": ceilings, "rows": rows}


def measure_size(stack, framework_base: str, ops: dict, names: list[str], args) -> tuple:
    """All runs at the current size: (medians, raw runs, commands per request and their
    round-trip milliseconds, peak RSS MiB)."""
    counts, db_ms = count_commands(ops, names)
    sampler = RssSampler(stack.server.pid)
    sampler.start()
    runs = []
    for number in range(args.runs):
        print(f" run {number + 1}/{args.runs}", flush=True)
        runs.append(one_run(stack, framework_base, ops, names, args))
    sampler.stop()
    peak = {kind: round(kib / 1024) for kind, kib in sampler.peak.items()}
    return report.medians(runs), runs, {"commands": counts, "db_ms": db_ms}, peak


def grow(rows: dict, *, have: int, want: int) -> None:
    """Add other users' copies of the base data until the database holds `want` times it."""
    from bench.growth_data import others_add

    started = time.monotonic()
    stored = others_add(rows=rows, copies=want - have, first=have)
    print(f"grown to {want}x: {stored:,} rows in {time.monotonic() - started:.0f} s", flush=True)


def bench(stack, framework_base: str, args) -> dict:
    print(f"API up at {stack.base} ({args.engine} engine, log {stack.log}); seeding...", flush=True)
    data = seed(stack.base)
    django_setup({**stack.env, "MONGODB_URI": stack.mongo_uri})
    from accounts.models import User
    from bench.growth_data import collection_counts, footprint

    # One set of request factories for the whole bench: the writers keep the versions they saw.
    ops = operations(data)
    names = [name for name in ops if not args.only or name in args.only]
    base_rows = footprint(list(User.objects.filter(email__in=data["users"])))
    print("warm-up (not recorded)", flush=True)
    for name in names:
        run(
            base_url=stack.base,
            make_request=ops[name][0],
            concurrency=max(args.concurrency),
            duration=min(2.0, args.duration),
            on_response=ops[name][1],
        )
    sizes, raw, counts, rss, docs = {}, {}, {}, {}, {}
    for factor in [1, *sorted(args.growth)]:
        if factor > 1:
            grow(base_rows, have=max(sizes), want=factor)
        docs[factor] = collection_counts()
        tokens_refresh(stack.base, data)
        print(f"measuring at {factor}x", flush=True)
        sizes[factor], raw[factor], counts[factor], rss[factor] = measure_size(
            stack, framework_base, ops, names, args
        )
    return {"sizes": sizes, "raw": raw, "counts": counts, "rss": rss, "docs": docs}


def after_tables(args, stack) -> None:
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


def main():
    args = parse_args()
    stack = stack_start(engine=args.engine)
    framework = None
    try:
        framework, framework_base = framework_start(stack)
        result = bench(stack, framework_base, args)
    finally:
        if "django" in sys.modules:
            django_teardown()
        if framework is not None:
            framework_stop(framework)
        stack_stop(stack)
    print(
        f"\n== {args.engine} engine, {args.duration:g} s per measurement, "
        f"{args.runs} run(s) interleaved; medians =="
    )
    report.print_main_table(result["sizes"][1], result["counts"][1], args.runs)
    if len(result["sizes"]) > 1:
        report.print_growth_table(result["sizes"], result["counts"], result["rss"], result["docs"])
    else:
        print(f"\npeak RSS (MiB): {result['rss'][1]}")
    path = report.write_json(ROOT, {"args": vars(args), **result})
    print(f"JSON written to {path.relative_to(ROOT)}")
    after_tables(args, stack)


if __name__ == "__main__":
    main()
