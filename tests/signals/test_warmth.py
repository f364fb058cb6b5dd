"""Warmth: VADER for English, the lexicon's valence list elsewhere, always within [-1, 1]."""

from __future__ import annotations

import functools
import importlib
import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from pushpull.signals import languages, warmth
from pushpull.signals._lexicon import load
from pushpull.signals.config import DEFAULT_CONFIG
from pushpull.signals.warmth import _RUN, _vader


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
    if _RUN.search(text):
        return  # elongated words are deliberately read as their short form
    assert warmth([text]) == [_vader_compound(text.translate({0x200E: None, 0xFEFF: None}))]


def test_neutral_texts_that_differ_only_in_plain_words_cost_one_vader_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vader = _vader()
    calls: list[str] = []
    original = vader.analyzer.polarity_scores

    def counting(text: str) -> dict[str, float]:
        calls.append(text)
        return dict(original(text))

    monkeypatch.setattr(vader.analyzer, "polarity_scores", counting)
    texts = ["see you at the station at 6", "see you at the cafe at 7", "SEE you at the gym at 9"]
    assert warmth(texts) == [0.0, 0.0, 0.0]
    assert len(calls) == 2  # the all-caps word makes its text a different key


def test_scores_shared_out_among_processes_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many distinct keys are scored by one process per core: the scores do not change."""
    module = importlib.import_module("pushpull.signals.warmth")  # (the name is also a function)

    words = ["good", "bad", "not", "very", "love", "hate", "okay", "SO", "sad", "great", "meh"]
    texts = [
        " ".join(words[(i * 7 + j * 3) % len(words)] for j in range(1 + i % 6)) + "!" * (i % 3)
        for i in range(600)
    ]
    alone = module._vader_scores(texts, workers=1)
    monkeypatch.setattr(module, "POOL_FROM_KEYS", 10)
    shared = module._vader_scores(texts, workers=2)
    assert shared == alone
    analyzer = SentimentIntensityAnalyzer()
    assert alone[:50] == [analyzer.polarity_scores(t)["compound"] for t in texts[:50]]
