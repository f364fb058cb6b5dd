"""Warmth: the valence of a message in [-1, 1].

English uses VADER's compound score, computed for the whole column at once by
:func:`pushpull.signals.vader.compound` (the same answers as vaderSentiment, many times
faster). An elongated word VADER does not know is shortened to a form it knows ("goooood" ->
"good", "looove" -> "love"); invisible marks are dropped.

Other languages use the fallback: the lexicon's ``valence`` list (words and emoji on VADER's
-4..4 scale, elongated words read like the plain word). A message's score is the sum of the
valences of its words and emoji, each multiplied by ``negated_valence`` when it falls within
the ``window`` words after one of the language's negation cues, in the same clause ("no estoy
feliz"), squashed to (-1, 1) as VADER does: ``s / sqrt(s * s + alpha)``. A language without a
valence list gets 0.0 everywhere. Empty texts are 0.0.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from pushpull.signals._lexicon import Lexicon, load
from pushpull.signals._normalise import fold
from pushpull.signals.config import DEFAULT_CONFIG, SignalsConfig
from pushpull.signals.vader import compound, shorter_forms

__all__ = ["warmth"]

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
        if valence is None:
            for form in shorter_forms(piece):
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
        return compound(texts, normalise=True)
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
