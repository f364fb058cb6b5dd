"""Every registered sign and red flag, across scenarios: well-formed, neutral wording, and the
evidence it quotes really is the partner's and really carries the markers it claims."""

from __future__ import annotations

import re

import pytest

from pushpull.analysis import Analysis, analyze
from pushpull.assess import DETECTORS, detector
from pushpull.assess.guidance import RED_FLAGS, SIGNS
from pushpull.synth import SCENARIOS, as_frame, generate

GENDERED = re.compile(r"\b(he|she|him|his|her|hers|boyfriend|girlfriend|husband|wife)\b", re.I)
DIAGNOSTIC = re.compile(r"narcissis|disorder|diagnos|psychopath|borderline|sociopath", re.I)


@pytest.fixture(scope="module", params=SCENARIOS)
def analysis(request: pytest.FixtureRequest) -> tuple[str, Analysis]:
    chat = generate(request.param, seed=3, days=100)
    return chat.partner, analyze(as_frame(chat), me=chat.me)


def test_the_registry_holds_the_issue_ids_in_order() -> None:
    assert [d.id for d in DETECTORS.values() if d.kind == "sign"] == list(SIGNS)
    assert [d.id for d in DETECTORS.values() if d.kind == "red_flag"] == list(RED_FLAGS)


def test_a_detector_id_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="twice"):
        detector("abuse", kind="red_flag", title="again")(lambda ctx: None)  # type: ignore[arg-type,return-value]


def test_findings_are_worded_neutrally(analysis: tuple[str, Analysis]) -> None:
    _, a = analysis
    texts = [a.headline, a.pursue_withdraw.summary, a.bids.summary]
    for f in [*a.signs, *a.red_flags]:
        texts += [f.title, f.summary, *(m.label for m in f.evidence.metrics)]
    for text in texts:
        assert not GENDERED.search(text), text
        assert not DIAGNOSTIC.search(text), text


def test_quotes_are_the_partners_with_their_marked_spans(analysis: tuple[str, Analysis]) -> None:
    partner, a = analysis
    for f in [*a.signs, *a.red_flags]:
        assert len(f.evidence.quotes) <= 5
        for q in f.evidence.quotes:
            assert q.sender == partner
            assert q.markers, f"{f.id}: a quote without the words that made it evidence"
            for span in q.markers:
                assert 0 <= span.start < span.end <= len(q.text)
        for m in f.evidence.metrics:
            if m.start and m.end:
                assert a.period.start <= m.start <= m.end <= a.period.end
