"""Analysis benchmark: ``pushpull.analyze`` on synthetic conversations of 10k and 1M messages.

    make bench-analyze                                  # 10,000 and 1,000,000 messages
    .venv/bin/python bench/bench_analyze.py --messages 100000 [--texts repetitive]

Each size runs in a fresh Python process (so peak memory, VmHWM, is the analysis's own) on a
hot-and-cold conversation cached as Parquet in bench/.cache. The time covers the whole
analysis of an in-memory frame (text markers, warmth, dynamics, surrogate test, assessment),
after the libraries are imported. Texts: ``realistic`` (the default; rebuilt from words that
carry sentiment, so that nearly every text differs in what the sentiment scorer reads, as real
texts do), ``diverse`` (the generator's texts with everyday words appended) or ``repetitive``
(the generator's phrase bank). The table prints the distinct texts and words and, from a
third, timed run, each stage's wall time. Targets (issue 14):
1,000,000 messages over 5 years in under 10 s and 1.5 GiB; 10,000 messages in under 0.5 s
in-process and 1 s through the CLI.
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


#: The stages of an analysis: (label, module, function), timed by wrapping the function where
#: the analysis calls it. Markers are counted in Polars' threads while warmth is scored, so the
#: two overlap; surrogates are part of dynamics.
STAGES = (
    ("loading", "pushpull.analysis._run", "prepare"),
    ("markers", "pushpull.signals.markers", "_count_table"),
    ("warmth", "pushpull.signals.markers", "warmth"),
    ("teasing", "pushpull.analysis._run", "set_aside_teasing"),
    ("dynamics", "pushpull.analysis._run", "run_dynamics"),
    ("surrogates", "pushpull.dynamics", "count_cycles"),
    ("assessment", "pushpull.analysis._run", "assess"),
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


def distinct_words(texts: list[str]) -> int:
    """How many distinct words (whitespace-separated, as VADER splits them) the texts hold."""
    return len({word for text in texts if text for word in text.split()})


def stage_seconds(frame: object) -> dict[str, float]:
    """Wall seconds of each stage in one more analysis of ``frame``, and of the whole."""
    import importlib

    from pushpull.analysis import analyze

    spent = dict.fromkeys([label for label, _, _ in STAGES], 0.0)
    originals = []
    for label, module_name, name in STAGES:
        module = importlib.import_module(module_name)
        original = getattr(module, name)
        originals.append((module, name, original))

        def timed(
            *args: object, _f: object = original, _label: str = label, **kw: object
        ) -> object:
            started = time.perf_counter()
            try:
                return _f(*args, **kw)  # type: ignore[operator]
            finally:
                spent[_label] += time.perf_counter() - started

        setattr(module, name, timed)
    try:
        started = time.perf_counter()
        analyze(frame)
        spent["whole"] = time.perf_counter() - started
    finally:
        for module, name, original in originals:
            setattr(module, name, original)
    return spent


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
    shares = {f"stage {k}": v for k, v in stage_seconds(frame).items()} if stages else {}
    return {
        **shares,
        "distinct_words": distinct_words(frame["text"].to_list()),
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
        "--stages", action="store_true", help="also time the stages of the 1M runs (slower)"
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
        ("distinct words", 15),
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
            cli = cli_seconds(path)
            print(
                f"{kind:>11}{int(f['messages']):>10,}{int(f['days']):>6}"
                f"{int(f['unique_texts']):>13,}{int(f['distinct_words']):>15,}"
                f"{f['seconds']:>9.2f}{f['warm_seconds']:>8.2f}{f['peak_mib']:>10.0f}"
                f"{int(f['cycles']):>8}{cli:>8.2f}"
            )
            found = {k.removeprefix("stage "): v for k, v in f.items() if k.startswith("stage ")}
            if found:
                shares.append((kind, n, found))
            if kind != kinds[0]:  # the targets hold for the first kind of texts
                continue
            if n == 1_000_000:
                checks.append((f"1M messages under 10 s ({f['seconds']:.2f} s)", f["seconds"] < 10))
                checks.append(
                    (f"1M messages under 1.5 GiB ({f['peak_mib']:.0f} MiB)", f["peak_mib"] < 1536)
                )
            if n == 10_000:
                warm = f["warm_seconds"]
                checks.append((f"10k messages under 0.5 s in-process ({warm:.2f} s)", warm < 0.5))
                checks.append((f"10k messages under 1 s through the CLI ({cli:.2f} s)", cli < 1))
    if shares:
        print("\nseconds per stage (a third, timed run; markers and warmth run side by side):")
        for kind, n, found in shares:
            whole = found.pop("whole")
            parts = ", ".join(
                f"{label} {sec:.2f} ({sec / whole:.0%})" for label, sec in found.items()
            )
            print(f"  {kind} {n:,}: whole {whole:.2f} s; {parts}")
    return report_checks(checks)


if __name__ == "__main__":
    sys.exit(main())
