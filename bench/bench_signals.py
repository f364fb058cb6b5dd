"""Time ``mark_frame`` on 1,000,000 chat messages and print the lexicons' quality tables.

    .venv/bin/python bench/bench_signals.py             # the two frames below
    .venv/bin/python bench/bench_signals.py --quality   # precision and recall per family

*bank*: the texts of a synthetic hot-and-cold chat (``pushpull.synth``) cycled to a million
rows; its phrase bank repeats, as short chat messages do, and ``mark_frame`` marks each distinct
text once. *distinct*: the same texts, each with one to three everyday words and a number
appended, so that nearly every text is new: the worst case for the marker regexes. (VADER still
runs once per distinct *key*, the text with the words it ignores blanked, see
``pushpull.signals.warmth``.) *distinct, Spanish*: the Spanish labelled messages, made distinct
the same way, marked with the Spanish lexicon and the valence-list warmth.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import polars as pl

from _common import distinct_texts
from pushpull.signals import evaluate, find_markers, mark_frame
from pushpull.synth import generate

N_MESSAGES = 1_000_000
LABELLED = Path(__file__).resolve().parents[1] / "tests" / "data" / "lexicon"


def bank_texts(n: int) -> list[str]:
    chat = generate("hot_cold", seed=1, days=1800, messages_per_day=560)
    texts = [m.text for m in chat.messages if m.sender]
    return [texts[i % len(texts)] for i in range(n)]


def spanish_texts(n: int) -> list[str]:
    lines = (LABELLED / "es.jsonl").read_text("utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    return [texts[i % len(texts)] for i in range(n)]


def time_marking(label: str, texts: list[str], lang: str = "en") -> None:
    frame = pl.DataFrame({"text": texts}, schema={"text": pl.String})
    distinct = frame["text"].n_unique()
    wall, cpu = time.perf_counter(), time.process_time()
    marked = mark_frame(frame, lang)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    hits = int(marked.select(pl.sum_horizontal(pl.col("^m_.*$").cast(pl.Int64)).sum()).item())
    print(
        f"{label}: {frame.height:,} messages, {distinct:,} distinct "
        f"({distinct / frame.height:.1%}): mark_frame {wall:.2f} s ({cpu:.2f} s CPU), "
        f"{hits:,} hits"
    )


def time_find_markers(texts: list[str], lang: str = "en") -> None:
    sample = texts[:2000]
    start = time.perf_counter()
    for text in sample:
        find_markers(text, lang)
    per_text = (time.perf_counter() - start) / len(sample)
    print(f"find_markers: {per_text * 1e6:.0f} µs a message")


def print_quality() -> None:
    for path in sorted(LABELLED.rglob("*.jsonl")):
        n_lines = sum(1 for _ in path.open(encoding="utf-8"))
        print(f"\n{path.relative_to(LABELLED)} ({n_lines} messages)")
        print(f"{'family':15s} {'precision':>9s} {'recall':>7s} {'n':>4s}")
        for family, (precision, recall, n) in evaluate(path, path.stem).items():
            print(f"{family:15s} {precision:9.2f} {recall:7.2f} {n:4d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quality", action="store_true", help="print the quality tables only")
    args = parser.parse_args()
    if args.quality:
        print_quality()
        return
    texts = bank_texts(N_MESSAGES)
    time_marking("bank", texts)
    time_marking("distinct", distinct_texts(texts))
    spanish = spanish_texts(N_MESSAGES)
    time_marking("distinct, Spanish", distinct_texts(spanish), "es")
    time_find_markers(texts)


if __name__ == "__main__":
    main()
