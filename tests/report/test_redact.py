from __future__ import annotations

import json

import polars as pl
import pytest

from pushpull.analysis import Analysis
from pushpull.report.redact import (
    MASKS,
    PARTNER,
    SHARED_NAME,
    YOU,
    Redactor,
    analysis_redactor,
    redact_analysis,
)


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor({"Alex Smith": YOU, "Sam Taylor": PARTNER})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me on +44 7700 900123 ok", f"call me on {MASKS['phone']} ok"),
        ("or +1 (555) 123-4567", f"or {MASKS['phone']}"),
        ("mail sam.t@example.com now", f"mail {MASKS['email']} now"),
        ("see https://x.org/a?b=1. ok", f"see {MASKS['url']}. ok"),
        ("visit example.co.uk/path, or www.foo.net!", f"visit {MASKS['url']}, or {MASKS['url']}!"),
        ("meet at 12 Baker Street tonight", f"meet at {MASKS['address']} tonight"),
        ("221B Baker St. london", f"{MASKS['address']} london"),
        ("Calle Mayor 5, Madrid", f"{MASKS['address']}, Madrid"),
        ("vivo en 12 rue de la Paix", f"vivo en {MASKS['address']}"),
    ],
)
def test_contact_details_are_masked(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "see you in 5 min on the way",
        "on 2025-01-06 at 10:30 I sent 3 messages",
        "e.g. this, i.e. that",
        "sent it via post 2 days ago",
        "123456",  # too short for a phone number
    ],
)
def test_ordinary_text_is_left_alone(redactor: Redactor, text: str) -> None:
    assert redactor.text(text) == text


def test_names_are_replaced_whole_and_case_blind(redactor: Redactor) -> None:
    text = "alex said SAM is fine, Taylor too; Samantha and Alexandra are other people"
    assert redactor.text(text) == (
        "You said Partner is fine, Partner too; Samantha and Alexandra are other people"
    )
    assert redactor.name("Sam Taylor") == PARTNER
    assert redactor.name("Alex Smith") == YOU


def test_a_surname_both_share_hides_as_a_name() -> None:
    shared = Redactor({"Alex Kim": YOU, "Sam Kim": PARTNER})
    assert shared.text("the Kim family") == f"the {SHARED_NAME} family"


def test_marker_spans_move_with_the_text(redactor: Redactor) -> None:
    text = "sorry Sam, can't make it, call 0612 345 678"
    new, spans = redactor.text_and_spans(text, [(0, 5), (11, 24), (7, 9)])
    assert new == f"sorry Partner, can't make it, call {MASKS['phone']}"
    assert new[spans[0][0] : spans[0][1]] == "sorry"
    assert new[spans[1][0] : spans[1][1]] == "can't make it"
    # a span inside a replaced name grows to the whole replacement
    assert new[spans[2][0] : spans[2][1]] == PARTNER


def _words(analysis: Analysis) -> str:
    return json.dumps(analysis.model_dump(mode="json"), ensure_ascii=False)


def test_a_redacted_analysis_names_nobody(sam: tuple[pl.DataFrame, Analysis]) -> None:
    _, analysis = sam
    assert "Sam" in _words(analysis)
    shared = redact_analysis(analysis, analysis_redactor(analysis))
    words = _words(shared)
    for name in ("Alex", "Sam", "Taylor"):
        assert name.casefold() not in words.casefold()
    assert shared.me == YOU and shared.partner == PARTNER
    assert set(shared.pursue_withdraw.initiation_share) == {YOU, PARTNER}
    assert {p.name for p in shared.people} == {YOU, PARTNER}
    # identifiers and numbers are untouched
    assert [f.id for f in shared.signs] == [f.id for f in analysis.signs]
    assert shared.cycles.count == analysis.cycles.count
    assert shared.timeline[0].engagement == analysis.timeline[0].engagement


def test_quotes_keep_their_marked_words(sam: tuple[pl.DataFrame, Analysis]) -> None:
    _, analysis = sam
    shared = redact_analysis(analysis)
    before = [q for f in analysis.signs for q in f.evidence.quotes]
    after = [q for f in shared.signs for q in f.evidence.quotes]
    assert before and len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        assert new.sender in (YOU, PARTNER)
        for m_old, m_new in zip(old.markers, new.markers, strict=True):
            assert new.text[m_new.start : m_new.end] == old.text[m_old.start : m_old.end]
