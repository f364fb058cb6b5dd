"""The language of a conversation, from the share of each lexicon's stopwords in its texts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice

from pushpull.signals._lexicon import languages, stopwords
from pushpull.signals._normalise import fold
from pushpull.signals.config import DEFAULT_CONFIG

__all__ = ["detect_language"]

_WORD = re.compile(r"[a-z_]+")
_DEFAULT = "en"


def detect_language(texts: Iterable[str | None]) -> str:
    """``"en"``, ``"es"``, … : the language whose stopwords are clearly the most common.

    Reads the first ``language_sample`` texts. English when there are too few words or no
    language stands out (see :class:`pushpull.signals.config.SignalsConfig`).
    """
    config = DEFAULT_CONFIG
    words_of = {lang: stopwords(lang) for lang in languages()}
    hits = dict.fromkeys(words_of, 0)
    n_words = 0
    for text in islice(texts, config.language_sample):
        if not text:
            continue
        for word in _WORD.findall(fold(text)):
            n_words += 1
            for lang, words in words_of.items():
                if word in words:
                    hits[lang] += 1
    if n_words < config.language_min_words or not hits:
        return _DEFAULT
    ranked = sorted(hits, key=lambda lang: hits[lang], reverse=True)
    best = hits[ranked[0]] / n_words
    runner_up = hits[ranked[1]] / n_words if len(ranked) > 1 else 0.0
    if best < config.language_min_share or best < config.language_margin * runner_up:
        return _DEFAULT
    return ranked[0]
