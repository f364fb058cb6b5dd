"""Write ``tests/data/vader/sample.jsonl``: 5,000 messages on which the tests check that
:func:`pushpull.signals.vader.compound` gives vaderSentiment's own scores.

The messages are the benchmark's four groups (``bench/_common.agreement_texts``: the realistic
suite's English and Spanish texts, texts rebuilt from VADER's lexicon, Spanish texts from the
Spanish valence list, tricky cases), 1,250 of each, one JSON string per line. The tests score
them with vaderSentiment when they run; no score is stored.

    .venv/bin/python tools/vader_sample.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _common import agreement_texts  # noqa: E402


def main() -> None:
    groups = agreement_texts(5000, seed=1)
    path = ROOT / "tests" / "data" / "vader" / "sample.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(text, ensure_ascii=False) for texts in groups.values() for text in texts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} messages to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
