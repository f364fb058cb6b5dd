"""Analysis benchmark: ``pushpull.analyze`` on synthetic conversations of 10k and 1M messages.

    make bench-analyze                                  # 10,000 and 1,000,000 messages
    .venv/bin/python bench/bench_analyze.py --messages 100000

Each size runs in a fresh Python process (so peak memory, VmHWM, is the analysis's own) on a
hot-and-cold conversation cached as Parquet in bench/.cache. The time covers the whole
analysis of an in-memory frame (text markers, warmth, dynamics, surrogate test, assessment),
after the libraries are imported. Targets (issue 3): 1,000,000 messages over 5 years in under
20 s and 4 GiB; 10,000 messages in under 1 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from _common import distinct_texts, peak_mib, report_checks, run_child
from bench_import import CACHE

#: (messages, days): 10k over about two months; 1M over five years.
SIZES = {10_000: 60, 1_000_000: 1825}


def make_frame(n_messages: int, days: int, diverse: bool) -> Path:
    """A hot-and-cold conversation of exactly ``n_messages`` messages, cached as Parquet."""
    import polars as pl

    from pushpull.synth import as_frame, generate

    kind = "diverse" if diverse else "bank"
    path = CACHE / f"analyze-hot_cold-{kind}-{n_messages}.parquet"
    if path.exists():
        return path
    per_day = n_messages / days * 1.2
    n_cycles = max(2, days // 60)
    while True:
        chat = generate("hot_cold", seed=7, days=days, n_cycles=n_cycles, messages_per_day=per_day)
        if len(chat.messages) >= n_messages:
            break
        per_day *= 1.25
    chat = dataclasses.replace(chat, messages=chat.messages[:n_messages])
    CACHE.mkdir(parents=True, exist_ok=True)
    frame = as_frame(chat)
    if diverse:
        frame = frame.with_columns(text=pl.Series(distinct_texts(frame["text"].to_list(), 7)))
    frame.write_parquet(path)
    return path


def child(path: Path) -> dict[str, float]:
    import polars as pl

    from pushpull.analysis import analyze
    from pushpull.synth import as_frame, generate

    frame = pl.read_parquet(path)
    started = time.perf_counter()
    result = analyze(frame)
    cold = time.perf_counter() - started
    # A running app has its word lists compiled and VADER loaded already: warm those up on a
    # different, small conversation (so nothing of this one is cached), then time again.
    del result
    analyze(as_frame(generate("stable", seed=99, days=30)))
    started = time.perf_counter()
    result = analyze(frame)
    warm = time.perf_counter() - started
    return {
        "seconds": cold,
        "warm_seconds": warm,
        "peak_mib": peak_mib(),
        "messages": frame.height,
        "days": result.period.days,
        "cycles": result.cycles.count,
        "unique_texts": frame["text"].n_unique(),
    }


def measure(path: Path) -> dict[str, float]:
    return run_child(__file__, str(path))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, action="append", help="sizes to run")
    parser.add_argument(
        "--phrase-bank",
        action="store_true",
        help="keep the generator's repeated texts instead of making them unique",
    )
    parser.add_argument("--child", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child))))
        return 0
    sizes = args.messages or list(SIZES)
    checks: list[tuple[str, bool]] = []
    header = ("messages", 10), ("days", 7), ("unique texts", 14), ("first s", 9), ("warm s", 8)
    print("".join(f"{name:>{width}}" for name, width in header) + f"{'peak MiB':>10}{'cycles':>8}")
    for n in sizes:
        days = SIZES.get(n, max(30, round(1825 * n / 1_000_000)))
        f = measure(make_frame(n, days, diverse=not args.phrase_bank))
        print(
            f"{int(f['messages']):>10,}{int(f['days']):>7}{int(f['unique_texts']):>14,}"
            f"{f['seconds']:>9.2f}{f['warm_seconds']:>8.2f}{f['peak_mib']:>10.0f}{int(f['cycles']):>8}"
        )
        if n == 1_000_000:
            checks.append((f"1M messages under 20 s ({f['seconds']:.2f} s)", f["seconds"] < 20))
            checks.append(
                (f"1M messages under 4 GiB ({f['peak_mib']:.0f} MiB)", f["peak_mib"] < 4096)
            )
        if n == 10_000:
            checks.append(
                (
                    f"10k messages under 1 s in a running app ({f['warm_seconds']:.2f} s)",
                    f["warm_seconds"] < 1,
                )
            )
    return report_checks(checks)


if __name__ == "__main__":
    sys.exit(main())
