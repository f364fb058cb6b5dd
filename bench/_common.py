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


_SPANISH = [
    "hola",
    "que",
    "tal",
    "estoy",
    "bien",
    "pero",
    "cansada",
    "hoy",
    "mañana",
    "cena",
    "casa",
    "trabajo",
    "tren",
    "nos",
    "vemos",
    "luego",
    "vale",
    "claro",
    "jaja",
    "besos",
    "gracias",
    "perdona",
    "lo",
    "siento",
]
_SPANISH_NEGATIONS = ("no", "nunca", "tampoco", "ni", "sin")
#: What trips a sentiment scorer: its phrases, "but" with repeated values, "no", "least",
#: "never so", odd spacing, caps, emoji glued to words, punctuation runs.
_TRICKY = [
    "but",
    "BUT",
    "kind",
    "of",
    "sort",
    "of",
    "the",
    "shit",
    "the",
    "bomb",
    "yeah",
    "right",
    "kiss",
    "of",
    "death",
    "to",
    "die",
    "for",
    "bus",
    "stop",
    "no",
    "nor",
    "or",
    "never",
    "so",
    "this",
    "without",
    "doubt",
    "at",
    "least",
    "very",
    "least",
    "isn't",
    "n't",
    "NOT",
    "SO",
    "GOOD",
    "good",
    "great",
    "bad",
    ":)",
    ":(",
    "<3",
    ":-)",
    ";)",
    "!!!",
    "??",
    "?",
    "!",
    "...",
    "ok.",
    "Ok,",
    "LOL",
    "lol",
    "haha",
    "meh",
]
_SPACES = (" ", " ", " ", " ", "  ", "\n", "\t", "\u00a0", "\u2003", "\u202f")


def agreement_texts(n: int, seed: int = 0) -> dict[str, list[str]]:
    """About ``n`` messages in four groups for checking a VADER scorer against vaderSentiment:
    the realistic suite's own texts (English and Spanish), texts rebuilt from VADER's lexicon
    (``varied_texts``), Spanish texts rebuilt from the Spanish valence list, and tricky ones."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from pushpull.signals._lexicon import load
    from pushpull.synth.realistic import FAMILIES, make_case

    rng = random.Random(seed)
    quarter = max(1, n // 4)
    suite: list[str] = []
    case_seed = seed
    while len(suite) < quarter:
        for family in FAMILIES:
            suite += [m.text for m in make_case(family, case_seed).chat.messages if m.text]
        case_seed += 1
    suite = suite[:quarter]
    spanish_words = [*load("es").valence, *_SPANISH]
    emoji = [c for c in SentimentIntensityAnalyzer().emojis if len(c) == 1]
    spanish = []
    for _ in range(quarter):
        words = []
        for _ in range(rng.randint(2, 12)):
            roll = rng.random()
            word = rng.choice(
                spanish_words if roll < 0.8 else _SPANISH_NEGATIONS if roll < 0.9 else emoji
            )
            words.append(word.upper() if rng.random() < 0.05 else word)
        spanish.append(" ".join(words) + rng.choice(_ENDINGS))
    tricky = []
    for _ in range(quarter):
        parts = []
        for _ in range(rng.randint(0, 14)):
            roll = rng.random()
            word = rng.choice(_TRICKY if roll < 0.6 else EVERYDAY if roll < 0.85 else emoji)
            if rng.random() < 0.1:
                word = word.upper()
            if rng.random() < 0.1:
                word += rng.choice("!?.,")
            parts.append(word + rng.choice(_SPACES))
        tricky.append("".join(parts))
    return {
        "suite (en, es)": suite,
        "lexicon words (en)": varied_texts(suite, seed),
        "lexicon words (es)": spanish,
        "tricky": tricky,
    }
