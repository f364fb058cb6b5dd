"""The column scorer gives vaderSentiment's own compound scores, rule by rule and in bulk."""

from __future__ import annotations

import functools
import json
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from vaderSentiment import vaderSentiment as vs

from pushpull.signals import vader
from pushpull.signals.vader import compound

SAMPLE = Path(__file__).parents[1] / "data" / "vader" / "sample.jsonl"


@functools.cache
def _analyzer() -> vs.SentimentIntensityAnalyzer:
    return vs.SentimentIntensityAnalyzer()


def _reference(texts: list[str]) -> list[float]:
    return [float(_analyzer().polarity_scores(t)["compound"]) for t in texts]


def test_the_fixed_sample_scores_as_vader_does() -> None:
    texts = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    assert len(texts) == 5000
    fast, slow = compound(texts), _reference(texts)
    apart = [(t, a, b) for t, a, b in zip(texts, fast, slow, strict=True) if abs(a - b) > 1e-6]
    assert len(apart) <= len(texts) // 1000, apart[:5]
    assert apart == [], apart[:5]  # every rule is reproduced: none differ today


@pytest.mark.parametrize(
    "text",
    [
        "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
        "At least it isn't a horrible book.",
        "The book was only kind of good.",
        "The plot was good, but the characters are uncompelling and the dialog is not great.",
        "good but good",  # "but" with equal values: VADER changes the first one twice
        "great good but bad bad",
        "no problem",
        "no no good",
        "no fun or nice",
        "never so happy",
        "I am so happy",
        "without doubt good",
        "at least good",
        "very least good",
        "least good",
        "NO good",
        "GOOD day",
        "GOOD",
        "yeah right, great",
        "that is the shit",
        "kiss of death lol",
        "a cake to die for",
        "Catch utf-8 emoji such as 💘 and 💋 and 😁",
        "😁abc😁😁",
        "🔛🔛🔛 ok",
        "so so so good???",
        "bad!!!!!!",
        "\u2003good\x1cbad\u00a0great",
        "",
        "   ",
    ],
)
def test_each_rule_scores_as_vader_does(text: str) -> None:
    assert compound([text]) == _reference([text])


_WORDS = [
    *[
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
        "BUT",
        "at",
        "least",
        "no",
        "NO",
        "nor",
        "or",
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
        ":-(",
        "isn't",
        "n't",
        "ok",
        "!",
        "?",
        "!!!",
        "??",
        "sort",
        "barely",
        "fucking",
        "kinda",
        "Kinda",
        "die",
        "for",
        "to",
        "bus",
        "stop",
    ],
    "❤",
    "😂",
    "😡",
    "\u2003",
    "\n",
]


@example(["good", "but", "good"])
@example(["no", "no", "good"])
@given(st.lists(st.sampled_from(_WORDS) | st.text(max_size=6), max_size=14))
@settings(max_examples=300, deadline=None)
def test_any_mix_of_rule_words_scores_as_vader_does(words: list[str]) -> None:
    text = " ".join(words)
    assert compound([text]) == _reference([text])


def test_texts_are_scored_independently_of_their_neighbours() -> None:
    texts = ["no", "good", "very", "bad", "not", "great", "but", "happy"]
    assert compound(texts) == _reference(texts)
    assert compound(["", None, "good"]) == [0.0, 0.0, _reference(["good"])[0]]  # type: ignore[list-item,]


@given(st.text(alphabet=st.sampled_from("ab \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003\u3000\u200b!")))
@settings(max_examples=200, deadline=None)
def test_tokens_split_where_python_splits(text: str) -> None:
    import polars as pl

    found = pl.Series([text]).str.extract_all(vader._TOKEN).to_list()[0]
    assert found == text.split()


def _but_check(values: list[float], but_at: int) -> list[float]:
    words = ["x"] * len(values)
    words[but_at] = "but"
    return list(vs.SentimentIntensityAnalyzer._but_check(words, list(values)))


@given(
    st.lists(st.sampled_from([0.0, 1.9, 0.95, -1.2, 2.85, 0.6]), min_size=1, max_size=9),
    st.data(),
)
def test_the_but_walk_is_vaders(values: list[float], data: st.DataObject) -> None:
    but_at = data.draw(st.integers(0, len(values) - 1))
    values[but_at] = 0.0
    assert vader._but_walk(list(values), but_at) == _but_check(values, but_at)


def _neumaier(values: list[float]) -> float:
    """CPython 3.12's compensated float ``sum``, written out."""
    total, carry = 0.0, 0.0
    for x in values:
        t = total + x
        carry += (total - t) + x if abs(total) >= abs(x) else (x - t) + total
        total = t
    return total + carry if carry else total


@pytest.mark.parametrize("compensated", [False, True])
def test_sums_are_pythons_sum_exactly(monkeypatch: pytest.MonkeyPatch, compensated: bool) -> None:
    rng = random.Random(3)
    lists = [
        [
            rng.choice([1.9, -0.74 * 2.1, 0.293 * 0.95, 1e16, -1e16, 3.1, 0.1])
            for _ in range(rng.randint(0, 9))
        ]
        for _ in range(2000)
    ]
    owner = np.repeat(np.arange(len(lists)), [len(v) for v in lists])
    value = np.array([x for v in lists for x in v])
    monkeypatch.setattr(vader, "_COMPENSATED", compensated)
    got = vader._sums(owner, value, len(lists)).tolist()
    expected = [_neumaier(v) if compensated else sum(v, 0.0) for v in lists]
    assert got == expected
    if compensated == vader.sys.version_info >= (3, 12):
        assert got == [float(sum(v)) for v in lists]  # the running Python's own sum


def test_rounding_is_pythons_round_even_at_halfway() -> None:
    rng = random.Random(5)
    values = [rng.uniform(-1, 1) for _ in range(20000)]
    values += [k / 1e4 + 0.00005 for k in range(-10000, 10000, 7)]  # halfway, as floats
    values += [float(np.nextafter(v, 2)) for v in values[-500:]]
    assert vader._round4(np.array(values)) == [round(v, 4) for v in values]


def test_elongated_words_are_read_short_only_when_asked() -> None:
    assert compound(["goooood"], normalise=True) == _reference(["good"])
    assert compound(["goooood"]) == _reference(["goooood"])
    assert vader.shorter_forms("sooo") == ("soo", "so")
    assert vader.shorter_forms("soo") == ()
