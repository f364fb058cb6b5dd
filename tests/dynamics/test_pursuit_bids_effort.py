from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from pushpull.dynamics import DynamicsConfig, Phase, run_dynamics
from pushpull.dynamics.bids import bids_and_responses, pull_back
from pushpull.dynamics.effort import effort_balance
from pushpull.synth import generate
from tests.dynamics.conftest import synth_frame

FIRST = date(2025, 1, 6)


@pytest.mark.parametrize(("seed", "pursuer"), [(1, "me"), (2, "partner"), (3, "me")])
def test_the_pursuer_is_the_one_who_chases(seed: int, pursuer: str) -> None:
    chat = generate("pursue_withdraw", seed=seed, days=90, pursuer=pursuer)
    pw = run_dynamics(synth_frame(chat)).pursuit
    chaser = 0 if pursuer == "me" else 1
    assert pw.pursuer == chaser
    assert pw.initiation_share[chaser] > 0.6
    assert pw.double_texts[chaser] > pw.double_texts[1 - chaser]
    assert (pw.score > 0) == (chaser == 0)


def test_a_stable_couple_has_no_pursuer() -> None:
    chat = generate("stable", seed=4, days=90)
    assert run_dynamics(synth_frame(chat)).pursuit.pursuer is None


def daily_of(partner: np.ndarray) -> pl.DataFrame:
    days = [FIRST + timedelta(days=i) for i in range(len(partner))]
    return pl.DataFrame(
        {
            "date": days * 2,
            "person": [0] * len(days) + [1] * len(days),
            "engagement": np.concatenate([np.zeros(len(days)), partner]),
        }
    )


def bid_messages(days: list[int]) -> pl.DataFrame:
    from datetime import datetime

    from tests.dynamics.conftest import frame_of

    rows = [
        (
            datetime.combine(FIRST + timedelta(days=d), datetime.min.time()).replace(hour=20),
            0,
            "love you",
        )
        for d in days
    ]
    return frame_of(rows).with_columns(m_affection=pl.lit(1, pl.UInt16))


def test_a_partner_who_pulls_back_after_each_bid_is_seen() -> None:
    n = 140
    bids = list(range(14, 126, 14))
    partner = np.random.default_rng(1).normal(0, 0.2, n)
    for d in bids:
        partner[d + 1 : d + 8] -= 1.5
    got = bids_and_responses(bid_messages(bids), daily_of(partner), DynamicsConfig())
    assert got.n_bid_days == len(bids)
    assert got.mean_response is not None and got.mean_response < -1.0
    assert got.share_followed_by_withdrawal == 1.0
    assert {b.on for b in got.worst} <= {FIRST + timedelta(days=d) for d in bids}


def test_bids_answered_as_usual_are_not_withdrawals() -> None:
    n = 140
    bids = list(range(14, 126, 14))
    partner = np.random.default_rng(2).normal(0, 0.2, n)
    got = bids_and_responses(bid_messages(bids), daily_of(partner), DynamicsConfig())
    assert got.share_followed_by_withdrawal == 0.0
    assert got.worst == ()


def test_the_pull_back_loop_is_seen_when_the_partner_warms_as_the_user_cools() -> None:
    n = 150
    partner = np.random.default_rng(3).normal(0, 0.2, n)
    starts = [20, 60, 100]
    phases = []
    for s in starts:
        partner[s + 1 : s + 8] += 1.5
        phases.append(
            Phase(
                person=0,
                state="distant",
                start=FIRST + timedelta(days=s),
                end=FIRST + timedelta(days=s + 9),
                level=-1.0,
            )
        )
    got = pull_back(daily_of(partner), phases, DynamicsConfig())
    assert got.n_events == 3 and got.present
    flat = pull_back(daily_of(np.random.default_rng(4).normal(0, 0.2, n)), phases, DynamicsConfig())
    assert not flat.present


def test_effort_shares_per_month_and_overall() -> None:
    days = [FIRST + timedelta(days=i) for i in range(120)]
    daily = pl.DataFrame(
        {
            "date": days * 2,
            "person": [0] * 120 + [1] * 120,
            "initiations": [3] * 120 + [1] * 120,
            "words": [30] * 120 + [10] * 120,
            "question": [1] * 120 + [1] * 120,
            "messages": [5] * 120 + [5] * 120,
        }
    )
    overall, periods = effort_balance(daily)
    assert (overall.initiations, overall.words, overall.questions) == (0.75, 0.75, 0.5)
    assert len(periods) == 5  # Jan (from the 6th) to May
    assert all(p.initiations == 0.75 for p in periods)
