"""Warmth: VADER for English, the lexicon's valence list elsewhere, always within [-1, 1]."""

from __future__ import annotations

import functools
import math

from hypothesis import example, given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from pushpull.signals import languages, warmth
from pushpull.signals._lexicon import load
from pushpull.signals.config import DEFAULT_CONFIG
from pushpull.signals.vader import shorter_forms


def test_english_warmth_orders_warm_plain_and_hostile() -> None:
    warm, plain, hostile = warmth(
        ["I love you so much ❤️", "see you at 7", "I hate you, you're worthless"]
    )
    assert warm > 0.5
    assert plain == 0.0
    assert hostile < -0.5


def test_elongated_words_read_like_the_plain_word() -> None:
    assert warmth(["this is goooood"]) == warmth(["this is good"])
    assert warmth(["I looove you"]) == warmth(["I love you"])
    assert warmth(["sooo happy"]) == warmth(["so happy"])


def test_invisible_marks_and_spacing_do_not_change_warmth() -> None:
    assert warmth(["\u200egreat   news\u202f"]) == warmth(["great news"])


def test_empty_text_is_neutral() -> None:
    assert warmth(["", "   "]) == [0.0, 0.0]
    assert warmth(["", "   "], "es") == [0.0, 0.0]


def test_spanish_warmth_reads_the_valence_list() -> None:
    warm, sad, plain = warmth(["te quiero ❤️", "estoy muy triste 😢", "el tren sale a las 8"], "es")
    assert warm > 0.3
    assert sad < -0.3
    assert plain == 0.0


def test_one_spanish_word_is_squashed_like_vader() -> None:
    value = load("es").valence["genial"]
    expected = value / math.sqrt(value * value + DEFAULT_CONFIG.warmth_alpha)
    assert warmth(["¡GENIAL!"], "es") == [expected]


def test_a_negation_turns_a_spanish_word_around() -> None:
    happy, not_happy = warmth(["estoy feliz", "no estoy feliz"], "es")
    assert happy > 0 > not_happy


@given(texts=st.lists(st.text(max_size=40), max_size=10), lang=st.sampled_from(languages()))
@settings(max_examples=40, deadline=None)
def test_warmth_is_one_number_in_range_per_text(texts: list[str], lang: str) -> None:
    values = warmth(texts, lang)
    assert len(values) == len(texts)
    assert all(-1.0 <= v <= 1.0 for v in values)


@functools.cache
def _plain_vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def _vader_compound(text: str) -> float:
    return float(_plain_vader().polarity_scores(text)["compound"])


_VADER_WORDS = [
    "love",
    "LOVE",
    "hate",
    "not",
    "never",
    "so",
    "very",
    "kind",
    "of",
    "but",
    "at",
    "least",
    "no",
    "good",
    "GREAT",
    "bad",
    "the",
    "shit",
    "yeah",
    "right",
    "without",
    "doubt",
    "this",
    "<3",
    ":)",
    "143",
    "station",
    "Dinner",
    "LATER",
    "n't",
    "isn't",
    "ok",
    "!",
    "?",
    "!!!",
    "??",
    "❤️",
    "😂",
    "😡",
    "🙄",
    "sort",
    "barely",
    "fucking",
    "kinda",
]


@example(["GREAT", "LATER"])
@example(["good", "DINNER!!", "?"])
@given(st.lists(st.sampled_from(_VADER_WORDS) | st.text(max_size=8), max_size=12))
@settings(max_examples=150, deadline=None)
def test_english_warmth_is_exactly_vaders_score(words: list[str]) -> None:
    text = " ".join(words)
    if any(shorter_forms(word) for word in text.split()):
        return  # elongated words are deliberately read as their short form
    assert warmth([text]) == [_vader_compound(text.translate({0x200E: None, 0xFEFF: None}))]
