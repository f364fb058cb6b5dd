"""What the benchmarks share: peak memory, running a measurement in a fresh process, the
PASS/FAIL summary, and turning a phrase bank's repeated texts into distinct ones."""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "EVERYDAY",
    "distinct_texts",
    "peak_mib",
    "report_checks",
    "run_child",
    "varied_texts",
]

#: Everyday words appended to make texts distinct, as real chats mostly are (the generator's
#: phrase banks repeat, which would let per-distinct-text work such as sentiment look cheap).
EVERYDAY = [
    "today",
    "tonight",
    "later",
    "now",
    "again",
    "also",
    "just",
    "really",
    "still",
    "there",
    "here",
    "home",
    "work",
    "lunch",
    "dinner",
    "coffee",
    "train",
    "bus",
    "rain",
    "sun",
    "weekend",
    "morning",
    "evening",
    "news",
    "game",
    "film",
    "show",
    "book",
    "music",
    "dog",
    "cat",
    "mum",
    "dad",
    "friends",
    "office",
    "gym",
    "shop",
    "market",
    "party",
    "beach",
    "walk",
    "drive",
    "call",
    "photo",
    "plan",
    "idea",
    "thing",
]


def distinct_texts(texts: Sequence[str], seed: int = 7) -> list[str]:
    """Append one to three everyday words and a number to each non-empty text."""
    rng = random.Random(seed)
    out = []
    for text in texts:
        tail = " ".join(rng.choice(EVERYDAY) for _ in range(rng.randint(1, 3)))
        out.append(f"{text} {tail} {rng.randrange(1000)}" if text else text)
    return out


#: Words that change a sentiment score, as real messages use them: VADER's boosters and
#: negations, and caps and punctuation that VADER reads.
_BOOSTERS = ("very", "so", "really", "extremely", "kinda", "totally", "barely", "super")
_NEGATIONS = ("not", "never", "don't", "isn't", "can't", "won't", "no")
_ENDINGS = ("", "", "", "!", "!!", "?", "...", " :)", " 😊", " 😢", " ❤️", " lol")


def varied_texts(texts: Sequence[str], seed: int = 7) -> list[str]:
    """Each non-empty text rebuilt from words that carry sentiment, so that almost every text
    differs in what a sentiment scorer reads (not only in words it ignores): 3 to 12 words drawn
    from VADER's own lexicon (positive and negative), everyday words, boosters and negations,
    sometimes in capitals, with the punctuation and emoji people add."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    rng = random.Random(seed)
    lexicon = SentimentIntensityAnalyzer().lexicon
    rated = sorted(w for w, v in lexicon.items() if abs(v) >= 0.8 and w.isalpha())
    out = []
    for text in texts:
        if not text:
            out.append(text)
            continue
        words = []
        for _ in range(rng.randint(3, 12)):
            roll = rng.random()
            if roll < 0.35:
                word = rng.choice(rated)
            elif roll < 0.45:
                word = rng.choice(_BOOSTERS)
            elif roll < 0.52:
                word = rng.choice(_NEGATIONS)
            else:
                word = rng.choice(EVERYDAY)
            words.append(word.upper() if rng.random() < 0.04 else word)
        out.append(" ".join(words) + rng.choice(_ENDINGS))
    return out


def peak_mib() -> float:
    """This process's peak resident memory since it started its program.

    ``ru_maxrss`` would carry over the parent's peak across fork and exec; ``VmHWM`` belongs
    to the new address space only.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(script: str, *args: str) -> dict[str, float]:
    """Run ``script --child ARGS`` in a fresh interpreter; return the JSON it prints last."""
    done = subprocess.run(
        [sys.executable, script, "--child", *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{Path(script).name} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def report_checks(checks: Sequence[tuple[str, bool]]) -> int:
    """Print each target as PASS or FAIL; the exit status is 0 when all pass."""
    print()
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0 if all(ok for _, ok in checks) else 1
