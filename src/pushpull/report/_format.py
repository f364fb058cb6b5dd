"""Numbers, dates and levels in plain words: the filters the templates use."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

from pushpull.assess import Finding, Level, Quote
from pushpull.assess.chance import chance_odds
from pushpull.report.config import DEFAULT_CONFIG, ReportConfig

__all__ = [
    "FACT_WORDS",
    "LEVEL_WORDS",
    "SURE_PHRASES",
    "because_words",
    "chance_words",
    "day",
    "delay",
    "evidence_count",
    "filters",
    "isolate",
    "level_words",
    "metric_value",
    "moment",
    "number",
    "percent",
    "quote_pieces",
    "sms_href",
    "span",
    "sure_figures",
    "sure_words",
    "tel_href",
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


#: The three ways the page says how clear a finding is; one meaning each.
SURE_PHRASES = ("Not enough to say", "Some signs", "Clear in the messages")


def sure_words(finding: Finding, config: ReportConfig = DEFAULT_CONFIG) -> str:
    """How clear a finding is, as one of :data:`SURE_PHRASES` ("" for one not seen: a thing
    not seen has no degree of sureness to report)."""
    if finding.level == "none":
        return ""
    if finding.confidence < config.unsure_below:
        return SURE_PHRASES[0]
    if finding.confidence < config.sure_from:
        return SURE_PHRASES[1]
    return SURE_PHRASES[2]


def evidence_count(finding: Finding) -> str:
    """What a finding rests on: ``2 numbers and 5 messages``."""
    n_metrics, n_quotes = len(finding.evidence.metrics), len(finding.evidence.quotes)
    return (
        f"{n_metrics} number{'s' if n_metrics != 1 else ''} and "
        f"{n_quotes} message{'s' if n_quotes != 1 else ''}"
    )


def sure_figures(finding: Finding) -> str:
    """The figures behind :func:`sure_words`, for its tooltip and the "how we know" toggle:
    ``confidence 82%; 3 numbers and 2 messages`` (no confidence for a finding not seen)."""
    if finding.level == "none":
        return evidence_count(finding)
    return f"confidence {percent(finding.confidence)}; {evidence_count(finding)}"


def chance_words(p_value: float, n_cycles: int, config: ReportConfig = DEFAULT_CONFIG) -> str:
    """Whether the cycles could be chance, in the headline's words and with the odds."""
    if n_cycles == 0:
        return "no cycle to test"
    odds = f"shuffled copies of these days show as many cycles {chance_odds(p_value)}"
    if p_value < config.p_very_unlikely:
        return f"very unlikely to be chance: {odds}"
    if p_value < config.p_unlikely:
        return f"unlikely to be chance: {odds}"
    return f"could still be chance: {odds}"


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


def tel_href(phone: str) -> str:
    """A ``tel:`` link for a number as people write it (``0808 2000 247``, ``*765``)."""
    return "tel:" + quote(re.sub(r"[^0-9+*#]", "", phone), safe="+*")


def sms_href(helpline: Any) -> str:
    """An ``sms:`` link to a helpline's text number, with the word it asks for (RFC 5724)."""
    href = "sms:" + str(helpline.sms)
    if helpline.sms_body:
        href += "?" + urlencode({"body": helpline.sms_body})
    return href


#: The facts guidance can rest on besides findings, in words.
FACT_WORDS = {
    "me_pursues": "you doing most of the reaching out",
    "pull_back": "closeness coming back when you held back",
    "low_data": "how little there is to go on",
}


def because_words(because: Sequence[str], analysis: Any) -> str:
    """What a piece of guidance rests on: the findings' titles (with their level) and facts."""
    findings = {f.id: f for f in [*analysis.signs, *analysis.red_flags]}
    words = []
    for key in because:
        if key in findings:
            f = findings[key]
            words.append(f"{f.title.lower()} ({LEVEL_WORDS[f.level].lower()})")
        else:
            words.append(FACT_WORDS.get(key, key))
    return "; ".join(words)


def isolate(text: str, *names: str) -> Markup:
    """``text`` escaped, with each of ``names`` in it wrapped in ``<bdi>``: a name in a
    right-to-left script then keeps the numbers and dates next to it in their order."""
    html = str(escape(text))
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        safe = str(escape(name))
        html = re.sub(rf"(?<![\w>]){re.escape(safe)}(?![\w<])", f"<bdi>{safe}</bdi>", html)
    return Markup(html)


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
        "sure_figures": sure_figures,
        "evidence_count": evidence_count,
        "chance_words": chance_words,
        "quote_pieces": quote_pieces,
        "tel_href": tel_href,
        "because_words": because_words,
        "isolate": isolate,
        "sms_href": sms_href,
    }
