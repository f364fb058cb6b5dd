"""The generator keeps its promises: same seed same chat, and each scenario's truth is visible."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pushpull.model import Kind
from pushpull.synth import ENCRYPTION_NOTICE, SCENARIOS, generate
from pushpull.synth._generate import _phrases


@given(scenario=st.sampled_from(SCENARIOS), seed=st.integers(0, 10**6))
@settings(max_examples=20, deadline=None)
def test_same_seed_same_conversation(scenario: str, seed: int) -> None:
    a = generate(scenario, seed=seed, days=20)
    b = generate(scenario, seed=seed, days=20)
    assert a == b


@given(scenario=st.sampled_from(SCENARIOS), seed=st.integers(0, 10**6))
@settings(max_examples=20, deadline=None)
def test_messages_are_ordered_two_person_and_whole_seconds(scenario: str, seed: int) -> None:
    chat = generate(scenario, seed=seed, days=30)
    times = [m.sent_at for m in chat.messages]
    assert times == sorted(times)
    assert chat.messages[0].text == ENCRYPTION_NOTICE and chat.messages[0].kind is Kind.SYSTEM
    assert {m.sender for m in chat.messages[1:]} <= {chat.me, chat.partner}
    assert chat.me != chat.partner
    assert all(t.microsecond == 0 for t in times)
    assert all(m.from_me == (m.sender == chat.me) for m in chat.messages[1:])


def test_different_seeds_differ() -> None:
    assert generate("stable", seed=1, days=10) != generate("stable", seed=2, days=10)


def test_unknown_scenario_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        generate("soulmates")


def test_nights_are_quiet() -> None:
    chat = generate("stable", seed=5, days=60)
    night = [m for m in chat.messages if 2 <= m.sent_at.hour < 7]
    assert len(night) < 0.01 * len(chat.messages)


def test_every_kind_appears_in_a_long_chat() -> None:
    chat = generate("stable", seed=3, days=365)
    # (drafts come only from SMS backups: the generator writes none)
    assert set(Counter(m.kind for m in chat.messages)) == set(Kind) - {Kind.DRAFT}
    media = [m for m in chat.messages if m.kind is Kind.MEDIA]
    assert all(len(m.attachments) == 1 for m in media)
    assert any("\n" in m.text for m in chat.messages)


def test_extras_off_gives_text_only() -> None:
    chat = generate("stable", seed=3, days=60, extras=False)
    assert {m.kind for m in chat.messages[1:]} == {Kind.TEXT}


@pytest.mark.parametrize("n_cycles", [3, 4, 6])
def test_hot_cold_partner_alternates_warm_and_distant(n_cycles: int) -> None:
    chat = generate("hot_cold", seed=11, days=240, n_cycles=n_cycles)
    phases = chat.truth.phases
    assert chat.truth.n_cycles == n_cycles
    assert [p.state for p in phases] == ["warm", "distant"] * n_cycles + ["warm"]
    assert all(b.start == a.end + timedelta(days=1) for a, b in itertools.pairwise(phases))

    # The partner really does write much more in warm phases than in distant ones.
    def per_day(state: str) -> float:
        days = sum((p.end - p.start).days + 1 for p in phases if p.state == state)
        n = sum(
            1
            for m in chat.messages
            if m.sender == chat.partner
            and any(p.start <= m.sent_at.date() <= p.end and p.state == state for p in phases)
        )
        return n / days

    assert per_day("warm") > 1.5 * per_day("distant")


@pytest.mark.parametrize("pursuer", ["me", "partner"])
def test_pursuer_writes_more_and_double_texts(pursuer: str) -> None:
    chat = generate("pursue_withdraw", seed=4, days=90, pursuer=pursuer)
    name = chat.me if pursuer == "me" else chat.partner
    assert chat.truth.pursuer == name
    assert chat.truth.withdrawer == (chat.partner if pursuer == "me" else chat.me)
    counts = Counter(m.sender for m in chat.messages)
    assert counts[name] > 2 * counts[chat.truth.withdrawer]


@pytest.mark.parametrize("scenario", ["gaslighting", "abuse"])
def test_planted_messages_are_where_the_truth_says(scenario: str) -> None:
    chat = generate(scenario, seed=9, days=90)
    planted = chat.truth.gaslighting if scenario == "gaslighting" else chat.truth.abuse
    assert len(planted) == 6
    for index in planted:
        assert chat.messages[index].sender == chat.partner
    bank = set(_phrases()[scenario])
    assert {chat.messages[i].text for i in planted} <= bank
    others = [m.text for i, m in enumerate(chat.messages) if i not in set(planted)]
    assert not bank & set(others)
    assert not (chat.truth.gaslighting and chat.truth.abuse)
