"""Text signals: what each message says, as counts of marker families and a warmth score.

    hits = find_markers("sooo busyyy, talk tmrw", "en")   # [Hit(family="distancing", ...), ...]
    marked = mark_frame(frame, detect_language(frame["text"].head(5000)))

Markers come from one lexicon file per language (``pushpull/data/lexicons/<lang>.json``, its
format in :mod:`pushpull.signals._lexicon`): affection, questions, self-disclosure, plans,
deflection, distancing, Gottman's four horsemen, repair, gaslighting and dismissal, control,
threats and insults, laughter and hurt. Negated cues ("I'm not busy"), quotations and reported
speech ("he said we'll see") do not count for the writer. Every hit keeps its span in the
original text, so a report can show exactly which words it read. Warmth is VADER for English
and the lexicon's valence list elsewhere (:mod:`pushpull.signals.warmth`). Hostile words said in
play, with laughter and no hurt in reply, are set aside by :func:`set_aside_teasing`
(:mod:`pushpull.signals.teasing`).
"""

from __future__ import annotations

from pushpull.signals._lexicon import FAMILIES, languages
from pushpull.signals.language import detect_language
from pushpull.signals.markers import Hit, find_markers, mark_frame
from pushpull.signals.quality import evaluate
from pushpull.signals.teasing import set_aside_teasing
from pushpull.signals.warmth import warmth

__all__ = [
    "FAMILIES",
    "Hit",
    "detect_language",
    "evaluate",
    "find_markers",
    "languages",
    "mark_frame",
    "set_aside_teasing",
    "warmth",
]
