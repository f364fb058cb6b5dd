"""The analysis against the synthetic scenarios' ground truth, 50 seeds each (issue 3's
quality targets). Each scenario's analyses are computed once per module."""

from __future__ import annotations

from datetime import date

import pytest

from pushpull.analysis import Analysis, analyze
from pushpull.synth import SynthChat, as_frame, generate

SEEDS = range(50)
RANK = {"none": 0, "watch": 1, "concern": 2, "serious": 3}


def run(scenario: str, seed: int, **kw: object) -> tuple[SynthChat, Analysis]:
    chat = generate(scenario, seed=seed, **kw)  # type: ignore[arg-type]
    return chat, analyze(as_frame(chat), me=chat.me)


def level(a: Analysis, finding_id: str) -> int:
    return next(RANK[f.level] for f in [*a.signs, *a.red_flags] if f.id == finding_id)


@pytest.fixture(scope="module")
def stable() -> list[tuple[SynthChat, Analysis]]:
    return [run("stable", s) for s in SEEDS]


@pytest.fixture(scope="module")
def hot_cold() -> list[tuple[SynthChat, Analysis]]:
    return [run("hot_cold", s, n_cycles=3 + s % 4) for s in SEEDS]


def share(flags: list[bool]) -> float:
    return sum(flags) / len(flags)


def test_a_stable_couple_is_not_flagged(stable: list[tuple[SynthChat, Analysis]]) -> None:
    assert share([level(a, "repeated_cycles") == 0 for _, a in stable]) >= 0.95
    calm = [max(RANK[f.level] for f in a.signs) <= RANK["watch"] for _, a in stable]
    assert share(calm) >= 0.90


def test_hot_and_cold_cycles_are_found(hot_cold: list[tuple[SynthChat, Analysis]]) -> None:
    assert share([level(a, "repeated_cycles") >= 2 for _, a in hot_cold]) >= 0.90
    assert share([abs(a.cycles.count - c.truth.n_cycles) <= 1 for c, a in hot_cold]) >= 0.80


def test_phase_boundaries_are_within_three_days(
    hot_cold: list[tuple[SynthChat, Analysis]],
) -> None:
    hits: list[bool] = []
    for chat, a in hot_cold:
        found = [p.start for p in a.phases if p.person == chat.partner][1:]
        for truth in chat.truth.phases[1:]:
            hits.append(any(abs((f - truth.start).days) <= 3 for f in found))
    assert share(hits) >= 0.75


def test_the_pursuer_is_named() -> None:
    right = []
    for s in SEEDS:
        who = "me" if s % 2 == 0 else "partner"
        chat = generate("pursue_withdraw", seed=s, pursuer=who)
        a = analyze(as_frame(chat), me=chat.me)
        right.append(a.pursue_withdraw.pursuer == chat.truth.pursuer)
    assert share(right) >= 0.90


@pytest.mark.parametrize("scenario", ["gaslighting", "abuse"])
def test_planted_messages_raise_the_flag_with_them_as_evidence(scenario: str) -> None:
    ok = []
    for s in SEEDS:
        chat, a = run(scenario, s)
        planted = {chat.messages[i].text for i in getattr(chat.truth, scenario)}
        flag = next(f for f in a.red_flags if f.id == scenario)
        quotes = [q.text for q in flag.evidence.quotes]
        raised = RANK[flag.level] >= (RANK["concern"] if scenario == "abuse" else RANK["watch"])
        ok.append(raised and bool(quotes) and all(q in planted for q in quotes))
        if scenario == "abuse":
            ok[-1] = ok[-1] and a.safety is not None
    assert share(ok) >= 0.95


def test_too_little_data_says_so_instead_of_guessing() -> None:
    _, a = run("hot_cold", 1, days=12)
    assert not a.data_sufficiency.enough
    assert "too little" in a.data_sufficiency.note
    assert level(a, "repeated_cycles") == 0
    assert all(f.confidence <= 0.3 for f in [*a.signs, *a.red_flags])
    assert a.period.start >= date(2025, 1, 6)
