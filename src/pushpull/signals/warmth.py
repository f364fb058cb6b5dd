"""Warmth: the valence of a message in [-1, 1].

English uses VADER's compound score, computed once per distinct *key*. The key is the message as
VADER sees it (its emoji replaced by their names, split on whitespace) with every word VADER
ignores replaced by a placeholder of the same case (``xx`` or ``XX``, keeping the word's ``!``
and ``?``): VADER's rules only ever look a word up in its lists, check its case and count
``!`` and ``?``, so the key scores exactly like the message, and chats full of different but
equally neutral words ("see you at the station at 6") share a handful of keys. An elongated
word VADER does not know is shortened to a form it knows ("goooood" -> "good", "looove" ->
"love"); invisible marks are dropped.

Other languages use the fallback: the lexicon's ``valence`` list (words and emoji on VADER's
-4..4 scale, elongated words read like the plain word). A message's score is the sum of the
valences of its words and emoji, each multiplied by ``negated_valence`` when it falls within
the ``window`` words after one of the language's negation cues, in the same clause ("no estoy
feliz"), squashed to (-1, 1) as VADER does: ``s / sqrt(s * s + alpha)``. A language without a
valence list gets 0.0 everywhere. Empty texts are 0.0.
"""

from __future__ import annotations

import functools
import math
import multiprocessing
import os
import re
import string
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from pushpull.signals._lexicon import Lexicon, load
from pushpull.signals._normalise import fold
from pushpull.signals.config import DEFAULT_CONFIG, SignalsConfig

__all__ = ["warmth"]

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200e\u200f\u2060\ufeff"))
_RUN = re.compile(r"(\w)\1{2,}")
#: Words VADER's rules compare by name besides its lexicon, boosters and negations.
_RULE_WORDS = "kind of no or nor never so this without doubt least at very but"


@dataclass(frozen=True, slots=True)
class _Vader:
    analyzer: Any
    emojis: dict[str, str]
    known: frozenset[str]


@functools.cache
def _vader() -> _Vader:
    """VADER's analyser and every word its rules look at (loaded once, on first use)."""
    from vaderSentiment import vaderSentiment as vader

    analyzer = vader.SentimentIntensityAnalyzer()
    phrases = [*vader.SPECIAL_CASES, *vader.BOOSTER_DICT, _RULE_WORDS]
    known = (
        set(analyzer.lexicon)
        | set(vader.BOOSTER_DICT)
        | set(vader.NEGATE)
        | {word for phrase in phrases for word in phrase.split()}
    )
    return _Vader(analyzer=analyzer, emojis=dict(analyzer.emojis), known=frozenset(known))


def _without_emoji(text: str, emojis: dict[str, str]) -> str:
    """VADER's own first step: each emoji replaced by its name."""
    out: list[str] = []
    after_space = True
    for char in text:
        name = emojis.get(char)
        if name is None:
            out.append(char)
            after_space = char == " "
        else:
            out.append(name if after_space else " " + name)
            after_space = False
    return "".join(out)


def _strip(token: str) -> str:
    """VADER's ``_strip_punc_if_word``."""
    stripped = token.strip(string.punctuation)
    return token if len(stripped) <= 2 else stripped


def _token_form(token: str, vader: _Vader) -> str:
    """One whitespace-separated token as it appears in the key."""
    word = _strip(token)
    lowered = word.lower()
    if lowered in vader.known or "n't" in lowered:
        return token
    if _RUN.search(word):
        for form in (_RUN.sub(r"\1\1", word), _RUN.sub(r"\1", word)):
            if form.lower() in vader.known:
                return token.replace(word, form, 1)
    marks = "".join(c for c in token if c in "!?")
    return ("XX" if word.isupper() else "xx") + marks


class _TokenForms(dict[str, str]):
    """Token -> key form, computed on first use (chats reuse a small vocabulary)."""

    def __init__(self, vader: _Vader) -> None:
        super().__init__()
        self.vader = vader

    def __missing__(self, token: str) -> str:
        form = self[token] = _token_form(token, self.vader)
        return form


def _vader_key(text: str, forms: _TokenForms) -> str:
    """``text`` reduced to what VADER's score depends on (see the module docstring)."""
    if not text.isascii():
        text = _without_emoji(text.translate(_INVISIBLE), forms.vader.emojis)
    return " ".join(map(forms.__getitem__, text.split()))


#: From this many distinct keys on, they are scored by one process per core: VADER is pure
#: Python (about 0.1 ms a key), and starting the workers costs about half a second.
POOL_FROM_KEYS = 40_000


def _score_keys(keys: Sequence[str]) -> list[float]:
    """VADER's compound score of each key (0.0 for an empty one)."""
    analyzer = _vader().analyzer
    return [float(analyzer.polarity_scores(k)["compound"]) if k else 0.0 for k in keys]


def _vader_scores(texts: Sequence[str], *, workers: int | None = None) -> list[float]:
    """The score of each text, through its key; many distinct keys are shared out among
    ``workers`` processes (default: one per core), which gives the same scores."""
    forms = _TokenForms(_vader())
    keys = [_vader_key(text or "", forms) for text in texts]
    distinct = list(dict.fromkeys(keys))
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n > 1 and len(distinct) >= POOL_FROM_KEYS:
        size = -(-len(distinct) // n)
        chunks = [distinct[i : i + size] for i in range(0, len(distinct), size)]
        # "spawn": a forked child of a process running Polars' threads could hang
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=n, mp_context=context) as pool:
            found = [score for part in pool.map(_score_keys, chunks) for score in part]
    else:
        found = _score_keys(distinct)
    scores = dict(zip(distinct, found, strict=True))
    return [scores[key] for key in keys]


_WORD = re.compile(r"[a-z0-9_]+")
#: Words, clause breaks and single non-ASCII symbols (emoji) of folded text.
_PIECE = re.compile(r"[a-z0-9_]+|[.!?,;:\n]|[^\x00-\x7f\s]")


class _ValenceReader:
    """The fallback warmth of one language, with what it learnt about each word cached."""

    def __init__(self, lexicon: Lexicon, config: SignalsConfig) -> None:
        self.lexicon = lexicon
        self.config = config
        self.pieces: dict[str, tuple[float, bool]] = {}  # piece -> (valence, is a negation cue)

    def _learn(self, piece: str) -> tuple[float, bool]:
        valence = self.lexicon.valence.get(piece)
        if valence is None and _RUN.search(piece):
            for form in (_RUN.sub(r"\1\1", piece), _RUN.sub(r"\1", piece)):
                if form in self.lexicon.valence:
                    valence = self.lexicon.valence[form]
                    break
        cue = self.lexicon.negation_cue
        is_cue = bool(cue is not None and _WORD.fullmatch(piece) and cue.fullmatch(piece))
        found = (valence or 0.0, is_cue)
        self.pieces[piece] = found
        return found

    def score(self, text: str) -> float:
        total = 0.0
        cancelled_words = 0  # words still cancelled by the last negation cue
        for piece in _PIECE.findall(fold(text)):
            if len(piece) == 1 and piece in ".!?,;:\n":
                cancelled_words = 0
                continue
            valence, is_cue = self.pieces.get(piece) or self._learn(piece)
            if valence:
                total += valence * (self.config.negated_valence if cancelled_words else 1.0)
            if is_cue:
                cancelled_words = self.lexicon.negation_window
            elif cancelled_words and piece[0].isascii():
                cancelled_words -= 1
        if not total:
            return 0.0
        return total / math.sqrt(total * total + self.config.warmth_alpha)


def warmth(texts: Sequence[str], lang: str = "en") -> list[float]:
    """The warmth of each text in [-1, 1], in order (see the module docstring for how)."""
    if lang == "en":
        return _vader_scores(texts)
    reader = _ValenceReader(load(lang), DEFAULT_CONFIG)
    scores: dict[str, float] = {}
    out: list[float] = []
    for text in texts:
        key = text or ""
        score = scores.get(key)
        if score is None:
            score = scores[key] = reader.score(key)
        out.append(score)
    return out
