from __future__ import annotations

from datetime import date, datetime

import pytest

from pushpull.assess import Evidence, Finding, Level, Quote, Span
from pushpull.assess.chance import chance_odds
from pushpull.report._format import (
    SURE_PHRASES,
    chance_words,
    day,
    delay,
    metric_value,
    moment,
    percent,
    quote_pieces,
    span,
    sure_figures,
    sure_words,
    tel_href,
)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (None, "–"),
        (45, "45 seconds"),
        (240, "4 minutes"),
        (2 * 3600, "2 hours"),
        (9000, "2.5 hours"),
        (3 * 86400, "3 days"),
    ],
)
def test_delays_read_in_the_unit_a_person_would_use(seconds: float | None, words: str) -> None:
    assert delay(seconds) == words


def test_dates_and_spans() -> None:
    assert day(date(2025, 1, 6)) == "6 Jan 2025"
    assert moment(datetime(2025, 1, 25, 9, 11)) == "Sat 25 Jan 2025, 09:11"
    assert span(date(2025, 1, 25), date(2025, 6, 24)) == "25 Jan – 24 Jun 2025"
    assert span(date(2024, 12, 30), date(2025, 1, 2)) == "30 Dec 2024 – 2 Jan 2025"
    assert span(date(2025, 1, 2), date(2025, 1, 2)) == "2 Jan 2025"
    assert span(None, None) == ""


def test_metric_values_follow_their_unit() -> None:
    assert metric_value(0.473, "share") == "47%"
    assert metric_value(120.0, "seconds") == "2 minutes"
    assert metric_value(0.0137, "") == "0.01"
    assert metric_value(62.0, "times") == "62 times"
    assert metric_value(1.25, "per day") == "1.25 per day"
    assert metric_value(None, "share") == "–"
    assert percent(0.5) == "50%"


def _finding(level: Level, confidence: float) -> Finding:
    return Finding(
        id="gaslighting",
        kind="red_flag",
        title="Gaslighting",
        level=level,
        confidence=confidence,
        summary="",
        evidence=Evidence(),
    )


def test_confidence_in_three_fixed_phrases() -> None:
    assert sure_words(_finding("watch", 0.15)) == SURE_PHRASES[0] == "Not enough to say"
    assert sure_words(_finding("concern", 0.6)) == SURE_PHRASES[1] == "Some signs"
    assert sure_words(_finding("serious", 0.95)) == SURE_PHRASES[2] == "Clear in the messages"
    assert sure_words(_finding("none", 0.95)) == ""  # not seen: nothing to be sure of
    assert sure_figures(_finding("watch", 0.15)) == "confidence 15%; 0 numbers and 0 messages"
    assert "%" not in sure_figures(_finding("none", 0.5))


def test_chance_in_words_with_the_odds() -> None:
    assert chance_words(0.0005, 4).startswith("very unlikely to be chance: ")
    assert chance_words(0.0005, 4).endswith("less than 1 time in 1,000")
    assert chance_words(0.045, 2).startswith("unlikely to be chance: ")
    assert chance_words(0.045, 2).endswith("about 1 time in 20")
    assert chance_words(0.3, 1).startswith("could still be chance: ")
    assert chance_words(0.001, 0) == "no cycle to test"


@pytest.mark.parametrize(
    ("p_value", "words"),
    [
        (0.05, "about 1 time in 20"),
        (0.01, "about 1 time in 100"),
        (0.012, "about 1 time in 100"),
        (0.2, "about 1 time in 5"),
        (0.6, "about every other time, or more often"),
        (0.0001, "less than 1 time in 1,000"),
    ],
)
def test_chance_odds_are_round_numbers(p_value: float, words: str) -> None:
    assert chance_odds(p_value) == words


def test_phones_become_tappable_links() -> None:
    assert tel_href("0808 2000 247") == "tel:08082000247"
    assert tel_href("1-800-799-7233") == "tel:18007997233"
    assert tel_href("*765") == "tel:*765"
    assert tel_href("+44 808 2000 247") == "tel:+448082000247"


def test_quote_pieces_cover_the_text_once() -> None:
    quote = Quote(
        ref=1,
        at=datetime(2025, 1, 1),
        sender="Sam",
        text="busy, need space",
        markers=[
            Span(family="distancing", start=11, end=16),
            Span(family="distancing", start=0, end=4),
            Span(family="hedge", start=2, end=5),  # overlaps the first: clipped
        ],
    )
    pieces = quote_pieces(quote)
    assert "".join(p for p, _ in pieces) == quote.text
    assert pieces == [
        ("busy", "distancing"),
        (",", "hedge"),
        (" need ", None),
        ("space", "distancing"),
    ]
