"""Every threshold the text signals use, in one place, each with its reason."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_CONFIG", "SignalsConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalsConfig:
    """Parameters of language detection and of the warmth fallback (picklable)."""

    #: Texts read to detect a conversation's language (the first ones: more costs time only).
    language_sample: int = 2000
    #: With fewer words than this the language is not judged and English is assumed.
    language_min_words: int = 20
    #: The winner's stopwords must make up at least this share of all words...
    language_min_share: float = 0.12
    #: ...and this many times the runner-up's share (English and Spanish share "no", "me").
    language_margin: float = 1.5
    #: VADER's normalisation constant, so fallback warmth and VADER's compound score compare.
    warmth_alpha: float = 15.0
    #: Factor on a valence word inside a negation's scope (VADER's own for "not good").
    negated_valence: float = -0.74


#: The configuration the public functions use.
DEFAULT_CONFIG = SignalsConfig()
