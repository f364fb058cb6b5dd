"""Sentiment benchmark: pushpull's column scorer against vaderSentiment on the same messages.

Prints, per group of messages (the realistic suite's English and Spanish texts, texts rebuilt
from VADER's lexicon, Spanish texts from the Spanish valence list, tricky cases), the share
whose compound scores agree within 1e-6 and the time of each scorer.

    python bench/bench_vader.py [--messages 120000]
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import agreement_texts, report_checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=120_000, help="messages in all")
    args = parser.parse_args()

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from pushpull.signals.vader import compound

    analyzer = SentimentIntensityAnalyzer()
    groups = agreement_texts(args.messages)
    print(f"{'messages':>22} {'n':>8} {'agree':>9} {'max diff':>9} {'column s':>9} {'vader s':>8}")
    agree_all = total = 0
    speedups = []
    for name, texts in groups.items():
        start = time.perf_counter()
        fast = compound(texts)
        fast_s = time.perf_counter() - start
        start = time.perf_counter()
        slow = [analyzer.polarity_scores(t)["compound"] for t in texts]
        slow_s = time.perf_counter() - start
        diffs = [abs(a - b) for a, b in zip(fast, slow, strict=True)]
        agree = sum(d <= 1e-6 for d in diffs)
        agree_all += agree
        total += len(texts)
        speedups.append(slow_s / fast_s)
        print(
            f"{name:>22} {len(texts):>8,} {agree / len(texts):>9.4%} {max(diffs):>9.2g}"
            f" {fast_s:>9.2f} {slow_s:>8.2f}"
        )
    share = agree_all / total
    print(f"{'all':>22} {total:>8,} {share:>9.4%}")
    print(f"speed-up over vaderSentiment: {min(speedups):.0f}x to {max(speedups):.0f}x")
    return report_checks([(f"{share:.4%} of {total:,} messages agree (>= 99.9%)", share >= 0.999)])


if __name__ == "__main__":
    sys.exit(main())
