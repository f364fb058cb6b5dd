"""Gaslighting by meaning: recall and precision of the denial and dismissal markers on the
labelled paraphrases in ``tests/data/gaslighting/<lang>.tsv``, per language and split ("dev"
lines were used while writing the lexicon, "holdout" lines were not tuned on).

    python bench/bench_gaslighting.py        # target: recall >= 0.8 at precision >= 0.9
"""

from __future__ import annotations

import sys
from pathlib import Path

from pushpull.signals import find_markers

DATA = Path(__file__).parent.parent / "tests" / "data" / "gaslighting"
FAMILIES = {"gaslighting", "dismissal"}


def main() -> int:
    ok = True
    print(f"{'language':8}  {'split':7}  {'lines':>5}  {'recall':>6}  {'precision':>9}")
    for path in sorted(DATA.glob("*.tsv")):
        rows = [
            line.split("\t")
            for line in path.read_text("utf-8").splitlines()
            if line and not line.startswith("#")
        ]
        for split in ("dev", "holdout"):
            chosen = [(label == "1", text) for label, s, text in rows if s == split]
            found = [
                (y, any(h.family in FAMILIES for h in find_markers(t, path.stem)))
                for y, t in chosen
            ]
            tp = sum(y and f for y, f in found)
            recall = tp / max(1, sum(y for y, _ in found))
            precision = tp / max(1, sum(f for _, f in found))
            ok &= recall >= 0.8 and precision >= 0.9
            print(f"{path.stem:8}  {split:7}  {len(chosen):5}  {recall:6.2f}  {precision:9.2f}")
    print(
        "PASS" if ok else "FAIL", " recall >= 0.8 at precision >= 0.9 in every language and split"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
