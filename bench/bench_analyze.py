"""Analysis benchmark: ``pushpull.analyze`` on synthetic conversations of 10k and 1M messages.

    make bench-analyze                                  # 10,000 and 1,000,000 messages
    .venv/bin/python bench/bench_analyze.py --messages 100000 [--texts repetitive]

Each size runs in a fresh Python process (so peak memory, VmHWM, is the analysis's own) on a
hot-and-cold conversation cached as Parquet in bench/.cache. The time covers the whole
analysis of an in-memory frame (text markers, warmth, dynamics, surrogate test, assessment),
after the libraries are imported. Texts: ``realistic`` (the default; rebuilt from words that
carry sentiment, so that nearly every text is a distinct key for the sentiment scorer, as real
texts are), ``diverse`` (the generator's texts with everyday words appended: few distinct
scorer keys) or ``repetitive`` (the generator's phrase bank). The table prints the distinct
scorer keys and, from a profiled second run, each stage's share of the time. Targets (issue 3):
1,000,000 messages over 5 years in under 20 s and 4 GiB; 10,000 messages in under 1 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

from _common import distinct_texts, peak_mib, report_checks, run_child, varied_texts
from bench_import import CACHE

#: (messages, days): 10k over about two months; 1M over five years.
SIZES = {10_000: 60, 1_000_000: 1825}


#: The stages of an analysis, by the function that runs each (for the profiled shares).
STAGES = (
    ("loading", "prepare"),
    ("markers and warmth", "mark_frame"),
    ("teasing", "set_aside_teasing"),
    ("dynamics", "run_dynamics"),
    ("surrogates", "count_cycles"),
    ("assessment", "assess"),
)


def make_frame(n_messages: int, days: int, kind: str) -> Path:
    """A hot-and-cold conversation of exactly ``n_messages`` messages, cached as Parquet."""
    import polars as pl

    from pushpull.synth import as_frame, generate

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
    if kind == "diverse":
        frame = frame.with_columns(text=pl.Series(distinct_texts(frame["text"].to_list(), 7)))
    elif kind == "realistic":
        frame = frame.with_columns(text=pl.Series(varied_texts(frame["text"].to_list(), 7)))
    frame.write_parquet(path)
    return path


def cli_seconds(path: Path) -> float:
    """Wall time of ``pushpull analyze --json`` on the conversation, imported into a fresh data
    folder beforehand (start-up, loading from the store and the analysis: what a user waits)."""
    import subprocess
    import tempfile

    import polars as pl

    frame = pl.read_parquet(path).filter(pl.col("kind") == "text")
    cli = str(Path(sys.executable).parent / "pushpull")
    with tempfile.TemporaryDirectory(prefix="pushpull-bench-") as tmp:
        csv = Path(tmp) / "chat.csv"
        frame.select(pl.col("ts").alias("timestamp"), "sender", "text").write_csv(csv)
        me = str(frame["sender"][0])
        home = ["--home", str(Path(tmp) / "home")]
        subprocess.run(
            [cli, *home, "import", str(csv), "--format", "generic", "--me", me],
            check=True,
            capture_output=True,
        )
        started = time.perf_counter()
        subprocess.run([cli, *home, "analyze", "1", "--json", "-"], check=True, capture_output=True)
        return time.perf_counter() - started


def scorer_keys(texts: list[str]) -> int:
    """How many distinct texts the sentiment scorer really sees (after its normalisation)."""
    from pushpull.signals.warmth import _TokenForms, _vader, _vader_key

    forms = _TokenForms(_vader())
    return len({_vader_key(t or "", forms) for t in texts})


def stage_shares(frame: object) -> dict[str, float]:
    """Each stage's share of one profiled analysis (profiling slows pure Python down more than
    compiled code, so the shares lean towards the Python stages)."""
    import cProfile
    import pstats

    from pushpull.analysis import analyze

    profile = cProfile.Profile()
    profile.enable()
    analyze(frame)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = max(sum(v[2] for v in stats.values()), 1e-9)
    whole = next((v[3] for (_, _, name), v in stats.items() if name == "analyze"), total)
    shares = {}
    for label, func in STAGES:
        spent = sum(v[3] for (_, _, name), v in stats.items() if name == func)
        shares[label] = spent / whole
    return shares


def child(path: Path, stages: bool) -> dict[str, float]:
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
    shares = {f"share {k}": v for k, v in stage_shares(frame).items()} if stages else {}
    return {
        **shares,
        "scorer_keys": scorer_keys(frame["text"].to_list()),
        "seconds": cold,
        "warm_seconds": warm,
        "peak_mib": peak_mib(),
        "messages": frame.height,
        "days": result.period.days,
        "cycles": result.cycles.count,
        "unique_texts": frame["text"].n_unique(),
    }


def measure(path: Path, stages: bool) -> dict[str, float]:
    return run_child(__file__, str(path), "1" if stages else "0")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, action="append", help="sizes to run")
    parser.add_argument(
        "--texts",
        action="append",
        choices=("realistic", "diverse", "repetitive"),
        help="which texts (default: realistic, then repetitive)",
    )
    parser.add_argument(
        "--stages", action="store_true", help="also profile the 1M runs for stage shares (slow)"
    )
    parser.add_argument("--child", nargs=2, metavar=("FILE", "STAGES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), args.child[1] == "1")))
        return 0
    sizes = args.messages or list(SIZES)
    kinds = args.texts or ["realistic", "repetitive"]
    checks: list[tuple[str, bool]] = []
    header = (
        ("texts", 11),
        ("messages", 10),
        ("days", 6),
        ("unique texts", 13),
        ("scorer keys", 12),
        ("first s", 9),
        ("warm s", 8),
        ("peak MiB", 10),
        ("cycles", 8),
        ("CLI s", 8),
    )
    print("".join(f"{name:>{width}}" for name, width in header))
    shares: list[tuple[str, int, dict[str, float]]] = []
    for kind in kinds:
        for n in sizes:
            days = SIZES.get(n, max(30, round(1825 * n / 1_000_000)))
            path = make_frame(n, days, "bank" if kind == "repetitive" else kind)
            f = measure(path, stages=n < 1_000_000 or args.stages)
            print(
                f"{kind:>11}{int(f['messages']):>10,}{int(f['days']):>6}"
                f"{int(f['unique_texts']):>13,}{int(f['scorer_keys']):>12,}"
                f"{f['seconds']:>9.2f}{f['warm_seconds']:>8.2f}{f['peak_mib']:>10.0f}"
                f"{int(f['cycles']):>8}{cli_seconds(path):>8.2f}"
            )
            found = {k.removeprefix("share "): v for k, v in f.items() if k.startswith("share ")}
            if found:
                shares.append((kind, n, found))
            if kind != kinds[0]:  # the targets hold for the first kind of texts
                continue
            if n == 1_000_000:
                checks.append((f"1M messages under 20 s ({f['seconds']:.2f} s)", f["seconds"] < 20))
                checks.append(
                    (f"1M messages under 4 GiB ({f['peak_mib']:.0f} MiB)", f["peak_mib"] < 4096)
                )
            if n == 10_000:
                warm = f["warm_seconds"]
                checks.append((f"10k messages under 1 s in a running app ({warm:.2f} s)", warm < 1))
    if shares:
        print("\nshare of the analysis time per stage (profiled run):")
        for kind, n, found in shares:
            parts = ", ".join(f"{label} {share:.0%}" for label, share in found.items())
            print(f"  {kind} {n:,}: {parts}")
    return report_checks(checks)


if __name__ == "__main__":
    sys.exit(main())
