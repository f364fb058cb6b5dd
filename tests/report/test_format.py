from __future__ import annotations

from datetime import date, datetime

import pytest

from pushpull.assess import Quote, Span
from pushpull.report._format import (
    chance_words,
    day,
    delay,
    metric_value,
    moment,
    percent,
    quote_pieces,
    span,
    sure_words,
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


def test_confidence_and_chance_in_words() -> None:
    assert sure_words(0.15) == "not very sure (15%)"
    assert sure_words(0.6) == "fairly sure (60%)"
    assert sure_words(0.95) == "quite sure (95%)"
    assert chance_words(0.001, 4) == "very unlikely to be chance"
    assert chance_words(0.03, 2) == "unlikely to be chance"
    assert chance_words(0.3, 1) == "could still be chance"
    assert chance_words(0.001, 0) == "no cycle to test"


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
