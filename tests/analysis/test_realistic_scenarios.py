"""The analysis on the independent realistic simulator (``pushpull.synth.realistic``), a few
pinned seeds per family; ``make bench`` runs the whole suite (``bench/bench_scenarios.py``)."""

from __future__ import annotations

import pytest

from pushpull.synth.realistic import CALM_FAMILIES, FAMILIES, make_case
from pushpull.testing.scenarios import RANK, Verdict, confusion_table, run_case

PINNED = [(family, seed) for family in FAMILIES for seed in (1, 2)]


@pytest.mark.parametrize(("family", "seed"), PINNED, ids=[f"{f}-{s}" for f, s in PINNED])
def test_pinned_cases_are_judged_right(family: str, seed: int) -> None:
    _, _, verdict = run_case(family, seed)
    assert verdict.right, verdict.problems


@pytest.mark.parametrize("family", CALM_FAMILIES)
def test_calm_couples_raise_nothing_above_watch(family: str) -> None:
    _, a, _ = run_case(family, 3)
    raised = {f.id: f.level for f in [*a.signs, *a.red_flags] if RANK[f.level] > RANK["watch"]}
    assert not raised
    assert a.safety is None


def test_teasing_that_both_laugh_at_is_set_aside_and_said() -> None:
    case, a, _ = run_case("teasing", 0)
    irritability = next(f for f in a.signs if f.id == "irritability")
    assert "teasing" in irritability.summary and "not counted" in irritability.summary
    assert next(f for f in a.red_flags if f.id == "abuse").level in ("none", "watch")
    assert case.planted


def test_the_same_words_answered_with_hurt_still_count() -> None:
    _, a, _ = run_case("hurtful_teasing", 0)
    irritability = next(f for f in a.signs if f.id == "irritability")
    assert RANK[irritability.level] >= RANK["concern"]
    assert "hurt" in irritability.summary
    hurt_quotes = [q for q in irritability.evidence.quotes if q.sender == a.me]
    assert hurt_quotes and all(any(m.family == "hurt" for m in q.markers) for q in hurt_quotes)


def test_reversed_roles_are_said_plainly_and_kindly() -> None:
    case, a, _ = run_case("reversed_roles", 0)
    pw = a.pursue_withdraw
    assert pw.pursuer == case.truth.partner and pw.withdrawer == case.truth.me
    assert "you who pull back" in pw.summary and "not a judgement" in pw.summary
    assert pw.measured_on == "your distant stretches" and pw.measured_days > 0
    follow = pw.double_texts[case.truth.partner] + pw.barrages[case.truth.partner]
    assert f"followed up unanswered messages {follow} times" in pw.summary


def test_a_move_in_together_is_a_shared_change_with_its_figures() -> None:
    case, a, _ = run_case("life_change", 2)
    assert case.truth.variant == "moving in"
    sc = a.shared_change
    assert sc is not None
    for person in (a.me, a.partner):
        assert sc.messages_per_day_after[person] < 0.7 * sc.messages_per_day_before[person]
    assert "change in life" in sc.summary and f"{sc.since:%B}" in sc.summary


def test_a_long_history_counts_its_cycles_and_says_the_recent_months_are_calm() -> None:
    case, a, _ = run_case("long_history", 0)
    assert abs(a.cycles.count - (case.truth.n_cycles or 0)) <= 1
    assert a.recent is not None and a.recent.calm
    assert a.recent.summary.startswith("The last 3 months have been calm")


def test_too_little_says_so_with_the_figures_and_claims_nothing() -> None:
    _, a, _ = run_case("too_little", 0)
    s = a.data_sufficiency
    assert not s.enough and f"{s.days} days, {s.messages} messages" in a.headline
    assert a.cycles.count == 0 and a.pursue_withdraw.pursuer is None
    assert a.shared_change is None and a.recent is None


def test_the_table_counts_what_it_is_given() -> None:
    verdicts = [
        Verdict(
            family="a",
            seed=0,
            variant="",
            right=True,
            false_alarm=False,
            cycle_error=1,
            roles_right=True,
            flags_right=None,
        ),
        Verdict(
            family="a",
            seed=1,
            variant="",
            right=False,
            false_alarm=True,
            cycle_error=-3,
            roles_right=False,
            flags_right=None,
        ),
    ]
    table = confusion_table(verdicts).splitlines()
    assert table[2].split()[:3] == ["a", "1/2", "1/2"]
    assert "2.00, 3" in table[2] and "1/2" in table[2].split("3")[-1]


def test_the_simulator_is_deterministic_and_varied() -> None:
    a, b = make_case("irregular_hot_cold", 4), make_case("irregular_hot_cold", 4)
    assert a.chat.messages == b.chat.messages
    c = make_case("irregular_hot_cold", 5)
    assert c.chat.messages != a.chat.messages
