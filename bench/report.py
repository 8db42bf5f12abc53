"""`make bench`'s tables: medians over the interleaved runs, ratios to the same run's ceilings,
the growth table, and the JSON written to var/bench/."""

import json
import statistics
import time
from pathlib import Path

from bench.operations import WRITES

# The replaced backend at concurrency 32 (req/s), from ../shared/reference/performance-anchor.md:
# with its authentication bypassed / with its real session authentication. Another run, another
# day, another load: context only, never a ratio.
ANCHOR = {
    "list_books": (180, 146),
    "get_book": (511, 264),
    "create_book": (113, 54),
    "get_toc": (376, 303),
    "put_toc_shared_book": (131, 96),
    "put_toc_own_book": (90, 65),
    "chapters_metadata": (232, 161),
    "save_response": (71, 55),
}
GROWTH_LIMIT = 1.3


def medians(runs: list[dict]) -> dict:
    """One size's runs -> {"ceilings": medians, "rows": {(op, c): medians}}."""
    ceilings = {
        kind: statistics.median(run["ceilings"][kind] for run in runs)
        for kind in runs[0]["ceilings"]
    }
    grouped: dict = {}
    for run in runs:
        for row in run["rows"]:
            grouped.setdefault((row["operation"], row["concurrency"]), []).append(row)
    rows = {}
    for key, group in grouped.items():
        rows[key] = {
            name: statistics.median(row[name] for row in group)
            for name in ("rps", "p50_ms", "p99_ms")
        } | {name: sum(row[name] for row in group) for name in ("errors", "conflicts")}
        rows[key]["runs"] = [row["rps"] for row in group]
    return {"ceilings": ceilings, "rows": rows}


def _percent(value: float, ceiling: float) -> str:
    return f"{100 * value / ceiling:.0f}%" if ceiling else "-"


READ_COMMANDS = {"find", "aggregate", "count", "getMore", "distinct"}


def _numbers(commands: list[list[str]]) -> str:
    return "/".join(str(len(names)) for names in commands)


def _db_share(name: str, rps: float, ceilings: dict, commands: list[list[str]]) -> str:
    """req/s ÷ (ceiling ÷ commands per request), with the repeated request's count."""
    per_request = len(commands[-1]) if commands else 0
    if not per_request:
        return "no cmd"
    ceiling = ceilings["update" if name in WRITES else "find"]
    return _percent(rps, ceiling / per_request)


def _db_mix_share(rps: float, ceilings: dict, commands: list[list[str]]) -> str:
    """req/s × the database time of the repeated request's commands, each priced by its kind
    (a read at the find ceiling, any other command at the update ceiling)."""
    names = commands[-1] if commands else []
    if not names:
        return "no cmd"
    seconds = sum(
        1 / ceilings["find" if command in READ_COMMANDS else "update"] for command in names
    )
    return f"{100 * rps * seconds:.0f}%"


def print_main_table(size: dict, counted: dict, runs: int) -> None:
    """`counted`: {"commands": {op: [first, repeated]}, "db_ms": {op: ms}} (bench/counting.py)."""
    c = size["ceilings"]
    counts, db_ms = counted["commands"], counted["db_ms"]
    print(
        f"\nceilings, same run ({'median of ' + str(runs) if runs > 1 else '1 run'}, c=32): "
        f"framework (bare Django view, same gunicorn) {c['framework']:.0f} req/s; "
        f"database, one command: find_one {c['find']:.0f}/s, update_one {c['update']:.0f}/s"
    )
    print(
        "cmds: MongoDB commands of a first / a repeated request; % DB = req/s ÷ (ceiling ÷ "
        "repeated cmds), update ceiling for writes, find for reads; mix: each command priced by its"
        " kind (reads at find, others at update); % fw = req/s ÷ framework; req/s counts 409s;"
        " db ms: round trips of the repeated request's commands, one client alone (the ceilings'"
        f" one command: find {1000 / c['find']:.2f} ms, update {1000 / c['update']:.2f} ms of"
        " server time at c=32)"
    )
    print(
        f"{'operation':<20} {'c':>3} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'err':>5} "
        f"{'409s':>6} {'cmds':>5} {'db ms':>6} {'% DB':>7} {'mix':>7} {'% fw':>6}  runs (req/s)"
    )
    for (name, conc), row in size["rows"].items():
        cmds = counts.get(name, [])
        db = _db_share(name, row["rps"], c, cmds) if conc == 32 else ""
        mix = _db_mix_share(row["rps"], c, cmds) if conc == 32 else ""
        fw = _percent(row["rps"], c["framework"]) if conc == 32 else ""
        spread = ", ".join(f"{rps:.0f}" for rps in row["runs"])
        print(
            f"{name:<20} {conc:>3} {row['rps']:>8.1f} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} "
            f"{row['errors']:>5} {row['conflicts']:>6} {_numbers(cmds):>5} "
            f"{db_ms.get(name, 0):>6.1f} {db:>7} {mix:>7} {fw:>6}  {spread}"
        )
    print(
        "\ncontext only, another run, another day (../shared/reference/performance-anchor.md):"
        " the replaced backend at c=32, req/s with its auth bypassed / real"
    )
    print("  " + "; ".join(f"{name} {a}/{b}" for name, (a, b) in ANCHOR.items()))


def print_growth_table(sizes: dict, counts: dict, rss: dict, docs: dict) -> None:
    """Per operation at c=32: p50 at each size and its ratio to the base size's p50."""
    factors = sorted(sizes)
    print(
        f"\ngrowth: other users' data at {', '.join(f'{f}x' for f in factors)} the base data "
        f"(ratio = p50 at that size ÷ p50 at 1x; acceptance ≤ {GROWTH_LIMIT}x, '!' above)"
    )
    for factor in factors:
        print(
            f"  {factor}x: {sum(docs[factor].values()):,} documents "
            + ", ".join(f"{k} {v:,}" for k, v in docs[factor].items())
        )
    print(
        f"{'operation':<20} " + " ".join(f"{f'{f}x p50 (ratio) req/s cmds':>34}" for f in factors)
    )
    base = sizes[factors[0]]["rows"]
    for (name, conc), row in base.items():
        if conc != 32:
            continue
        cells = []
        for factor in factors:
            now = sizes[factor]["rows"].get((name, conc))
            ratio = now["p50_ms"] / row["p50_ms"] if row["p50_ms"] else 0
            flag = "!" if ratio > GROWTH_LIMIT else " "
            cmds = _numbers(counts[factor]["commands"].get(name, []))
            errors = f" {now['errors']} ERRORS" if now["errors"] else ""
            cells.append(
                f"{now['p50_ms']:>8.1f} ({ratio:4.2f}x{flag}) {now['rps']:>8.1f} {cmds:>5}{errors}"
            )
        print(f"{name:<20} " + " ".join(f"{cell:>34}" for cell in cells))
    print(
        "peak RSS (MiB): "
        + "; ".join(
            f"{f}x: API {rss[f]['api']}, embedded server {rss[f]['mongodb']}, jobs worker "
            f"{rss[f]['worker']}"
            for f in factors
        )
    )


def write_json(root: Path, payload: dict) -> Path:
    out = root / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"

    def encode(value):
        if isinstance(value, dict):
            return {
                "/".join(map(str, k)) if isinstance(k, tuple) else k: encode(v)
                for k, v in value.items()
            }
        return value

    path.write_text(json.dumps(encode(payload), indent=2))
    return path
