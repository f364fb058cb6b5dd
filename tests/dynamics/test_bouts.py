from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from pushpull.dynamics.bouts import add_structure, waking_seconds
from pushpull.dynamics.config import DynamicsConfig
from tests.dynamics.conftest import frame_of

T0 = datetime(2025, 3, 3, 9, 0)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_long_silence_starts_a_new_bout_whose_first_sender_initiates() -> None:
    rows = [
        (at(0), 0, "hi"),
        (at(1), 1, "hey"),
        (at(2), 0, "how are you"),
        (at(600), 1, "evening!"),
        (at(601), 0, "hi again"),
    ]
    out = add_structure(frame_of(rows), DynamicsConfig())
    assert out["bout"].to_list() == [1, 1, 1, 2, 2]
    assert out["initiates"].to_list() == [True, False, False, True, False]
    assert out["bout_answered"].to_list() == [True] * 5


def test_reply_delay_is_the_time_to_answer_the_other_person() -> None:
    rows = [(at(0), 0, "hi"), (at(5), 1, "hey"), (at(6), 1, "what's up"), (at(9), 0, "not much")]
    out = add_structure(frame_of(rows), DynamicsConfig())
    assert out["reply_s"].to_list() == [None, 300.0, None, 180.0]


def test_sleeping_hours_do_not_count_as_a_slow_reply() -> None:
    # Many evenings of chat make 23:00-06:00 the quiet window; a 23:30 -> 07:30 answer then
    # took one hour of waking time, not eight.
    rows = []
    for day in range(20):
        base = datetime(2025, 3, 1, 19, 0) + timedelta(days=day)
        rows += [(base, 0, "hey"), (base + timedelta(minutes=2), 1, "hi")]
    late = datetime(2025, 3, 25, 23, 30)
    rows += [(late, 0, "good night"), (late + timedelta(hours=8), 1, "morning")]
    out = add_structure(frame_of(rows), DynamicsConfig(sleep_hours=7))
    assert out["reply_s"][-1] == 3600.0


def test_waking_seconds_subtracts_the_overlap_with_each_nights_window() -> None:
    day = 86_400
    t0 = np.array([0, 22 * 3600, 0])
    t1 = np.array([3600, 22 * 3600 + 2 * day, 10 * 3600])
    start = np.array([23, 23, 23])  # asleep 23:00-06:00
    got = waking_seconds(t0, t1, start, 7)
    assert got.tolist() == [0, 2 * day - 2 * 7 * 3600, 10 * 3600 - 6 * 3600]


def test_double_texts_and_a_barrage_need_no_answer_in_between() -> None:
    rows = [
        (at(0), 0, "hey"),
        (at(30), 0, "hello?"),
        (at(60), 0, "are you there"),
        (at(61), 0, "??"),
        (at(90), 0, "ok"),
        (at(100), 1, "sorry, busy"),
    ]
    out = add_structure(frame_of(rows), DynamicsConfig())
    assert out["double_text"].to_list() == [False, True, True, False, True, False]
    assert out["barrage_start"].to_list() == [True, False, False, False, False, False]
    assert out["run_len"].to_list() == [5, 5, 5, 5, 5, 1]


def test_five_quick_lines_are_not_a_barrage() -> None:
    rows = [(at(i * 0.2), 0, "line") for i in range(6)] + [(at(3), 1, "ha")]
    out = add_structure(frame_of(rows), DynamicsConfig())
    assert not out["barrage_start"].any()
    assert not out["double_text"].any()


def test_a_bout_nobody_answered_is_marked() -> None:
    rows = [(at(0), 0, "hi"), (at(2), 1, "hey"), (at(900), 0, "you there?")]
    out = add_structure(frame_of(rows), DynamicsConfig())
    assert out["bout_answered"].to_list() == [True, True, False]
