"""The finding card partial in each state, rendered from constructed findings."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from pushpull.assess import Evidence, Finding, Level, Metric, Quote, Span
from pushpull.report import ContextMessage, render_card
from pushpull.report._format import LEVEL_WORDS

QUOTE = Quote(
    ref=41,
    at=datetime(2025, 3, 2, 21, 5),
    sender="Sam",
    text="sorry, busy <b>tonight</b>",
    markers=[Span(family="distancing", start=7, end=11)],
)


def finding(level: Level, *, evidence: bool = True, confidence: float = 0.8) -> Finding:
    return Finding(
        id="emotional_distancing",
        kind="sign",
        title="Emotional distancing",
        level=level,
        confidence=confidence,
        summary=f"Summary at level {level}.",
        evidence=Evidence(
            metrics=[
                Metric(
                    name="warmth",
                    label="Average warmth",
                    value=0.2,
                    baseline=0.45,
                    start=date(2025, 2, 1),
                    end=date(2025, 3, 3),
                ),
                Metric(
                    name="distant_share", label="Share of days distant", value=0.47, unit="share"
                ),
            ],
            quotes=[QUOTE],
        )
        if evidence
        else Evidence(),
    )


def state_of(html: str) -> str:
    match = re.search(r'data-level="(\w+)"', html)
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize("level", ["none", "watch", "concern", "serious"])
def test_each_level_shows_its_words_class_and_evidence(level: Level) -> None:
    html = render_card(finding(level))
    assert state_of(html) == level
    assert f"card level-{level}" in html
    assert f'<span class="badge">{LEVEL_WORDS[level]}</span>' in html
    assert f"Summary at level {level}." in html
    if level == "none":  # a thing not seen has no degree of sureness
        assert 'class="sure"' not in html
        assert "How we know (2 numbers and 1 message)" in html
    else:
        assert 'title="confidence 80%; 2 numbers and 1 message">Clear in the messages<' in html
        assert "How we know (2 numbers and 1 message)</summary>" in html
        assert "pushpull's confidence 80%; 2 numbers and 1 message." in html
    assert "<td>0.20</td>" in html and "<td>0.45</td>" in html and "<td>47%</td>" in html
    assert "1 Feb – 3 Mar 2025" in html and "whole period" in html


def test_the_levels_read_differently() -> None:
    badges = {
        re.search(r'class="badge">([^<]+)<', render_card(finding(lv))).group(1)  # type: ignore[union-attr]
        for lv in ("none", "watch", "concern", "serious")
    }
    assert len(badges) == 4


def test_low_data_says_so_instead_of_a_level() -> None:
    low = finding("none", evidence=False, confidence=0.15)
    html = render_card(low, low_data=True)
    assert state_of(html) == "low"
    assert "Too little data" in html and "Not seen" not in html
    assert 'class="sure"' not in html and "15%" not in html
    assert "How we know" not in html


def test_a_finding_with_evidence_is_judged_even_with_little_data() -> None:
    html = render_card(finding("watch"), low_data=True)
    assert state_of(html) == "watch"


def test_quotes_are_escaped_and_marked() -> None:
    html = render_card(finding("concern"))
    assert "<b>" not in html and "&lt;b&gt;tonight&lt;/b&gt;" in html
    assert '<mark title="distancing">busy</mark>' in html
    assert "<bdi>Sam</bdi>, <time" in html and "Sun 2 Mar 2025, 21:05" in html


def test_the_report_shows_the_conversation_around_a_quote() -> None:
    around = tuple(
        ContextMessage(
            ref=ref,
            at=datetime(2025, 3, 2, 21, ref - 38),
            sender="Sam" if ref % 2 else "Alex",
            text=f"message {ref}",
            kind="text",
            is_quote=ref == 41,
        )
        for ref in (40, 41, 42)
    )
    html = render_card(finding("serious"), contexts={41: around}, me="Alex")
    assert "See it in the conversation" in html
    assert html.count('class="message') == 3
    assert 'class="message quoted"' in html and "message from-me" in html
    assert "hx-get" not in html


def test_the_app_loads_the_conversation_when_asked() -> None:
    html = render_card(finding("serious"), mode="app", around_base="/c/3/around/")
    assert 'hx-get="/c/3/around/41?part=1"' in html
    assert 'hx-trigger="toggle once"' in html
    assert 'href="/c/3/around/41"' in html  # works without JavaScript too


def test_a_report_without_the_messages_offers_no_empty_link() -> None:
    html = render_card(finding("serious"))
    assert "See it in the conversation" not in html
