"""Numbers, dates and levels in plain words: the filters the templates use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from pushpull.assess import Level, Quote
from pushpull.report.config import DEFAULT_CONFIG, ReportConfig

__all__ = [
    "LEVEL_WORDS",
    "chance_words",
    "day",
    "delay",
    "filters",
    "level_words",
    "metric_value",
    "moment",
    "number",
    "percent",
    "quote_pieces",
    "span",
    "sure_words",
]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

LEVEL_WORDS: dict[Level, str] = {
    "none": "Not seen",
    "watch": "Worth watching",
    "concern": "A concern",
    "serious": "Serious",
}


def day(value: date | None) -> str:
    """``6 Jan 2025``."""
    if value is None:
        return "–"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def moment(value: datetime) -> str:
    """``Sat 25 Jan 2025, 09:11``."""
    return f"{_WEEKDAYS[value.weekday()]} {day(value.date())}, {value:%H:%M}"


def span(start: date | None, end: date | None) -> str:
    """``25 Jan – 24 Jun 2025`` (or one day, or nothing)."""
    if start is None and end is None:
        return ""
    if start is None or end is None or start == end:
        return day(start or end)
    if start.year == end.year:
        return f"{start.day} {_MONTHS[start.month - 1]} – {day(end)}"
    return f"{day(start)} – {day(end)}"


def number(value: float | None, digits: int = 0) -> str:
    """``1,795``; ``–`` when missing."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def percent(value: float | None) -> str:
    """A share 0..1 as ``54%``."""
    if value is None:
        return "–"
    return f"{round(100 * value)}%"


def delay(seconds: float | None) -> str:
    """A duration in the unit a person would use: ``45 seconds``, ``4 minutes``, ``2.5 hours``."""
    if seconds is None:
        return "–"
    if seconds < 90:
        return f"{seconds:.0f} seconds"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} hours".replace(".0 ", " ")
    return f"{seconds / 86400:.1f} days".replace(".0 ", " ")


def metric_value(value: float | None, unit: str) -> str:
    """A finding's measured value in its unit."""
    if value is None:
        return "–"
    if unit == "share":
        return percent(value)
    if unit == "seconds":
        return delay(value)
    if unit == "":
        return f"{value:.2f}"
    if float(value).is_integer():
        return f"{value:,.0f} {unit}"
    return f"{value:,.2f} {unit}"


def level_words(level: Level) -> str:
    """``serious`` → ``Serious``; ``none`` → ``Not seen``."""
    return LEVEL_WORDS[level]


def sure_words(confidence: float, config: ReportConfig = DEFAULT_CONFIG) -> str:
    """How sure pushpull is, in words and as a percentage."""
    if confidence < config.unsure_below:
        words = "not very sure"
    elif confidence < config.sure_from:
        words = "fairly sure"
    else:
        words = "quite sure"
    return f"{words} ({percent(confidence)})"


def chance_words(p_value: float, n_cycles: int, config: ReportConfig = DEFAULT_CONFIG) -> str:
    """Whether the cycles could be chance, as the headline says it."""
    if n_cycles == 0:
        return "no cycle to test"
    if p_value < config.p_very_unlikely:
        return "very unlikely to be chance"
    if p_value < config.p_unlikely:
        return "unlikely to be chance"
    return "could still be chance"


def quote_pieces(quote: Quote) -> list[tuple[str, str | None]]:
    """The quote's text cut into pieces, each with the marker family it shows (or None)."""
    text = quote.text
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for marker in sorted(quote.markers, key=lambda m: (m.start, m.end)):
        start = max(marker.start, position)
        end = min(marker.end, len(text))
        if end <= start:
            continue
        if start > position:
            pieces.append((text[position:start], None))
        pieces.append((text[start:end], marker.family))
        position = end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces


def filters() -> dict[str, Callable[..., Any]]:
    """The filters above, by the name the templates use."""
    return {
        "day": day,
        "moment": moment,
        "span": span,
        "number": number,
        "percent": percent,
        "delay": delay,
        "metric_value": metric_value,
        "level_words": level_words,
        "sure_words": sure_words,
        "chance_words": chance_words,
        "quote_pieces": quote_pieces,
    }
