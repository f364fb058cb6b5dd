"""The realistic simulator behaves like people: sleep, irregular delays, typos, follow-ups, and
its chats survive every export format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pushpull.synth import FORMATS, as_frame
from pushpull.synth.realistic import FAMILIES, make_case
from pushpull.testing import check_round_trip


def test_people_sleep_and_answer_irregularly() -> None:
    case = make_case("stable", 4)
    frame = as_frame(case.chat).sort("ts")
    hours = frame["ts"].dt.hour().to_numpy()
    counts = np.bincount(hours, minlength=24)
    assert counts.min() < 0.02 * counts.sum()  # a quiet night
    gaps = np.diff(frame["ts"].dt.epoch("s").to_numpy())
    gaps = gaps[(gaps > 0) & (gaps < 6 * 3600)]
    assert np.percentile(gaps, 99) > 20 * np.median(gaps)  # a heavy tail of distraction


def test_typos_and_language_vary_between_cases() -> None:
    texts = " ".join(m.text or "" for m in make_case("teasing", 1).chat.messages)
    assert "jaja" in texts  # seed 1 is Spanish
    assert make_case("teasing", 0).truth.lang == "en"


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_family_has_its_truth(family: str) -> None:
    case = make_case(family, 0)
    t = case.truth
    assert t.family == family and t.me == case.chat.me and t.partner == case.chat.partner
    assert case.chat.messages
    if t.n_cycles:
        assert t.cycler in (t.me, t.partner)
        assert sum(s.state == "cold" for s in t.stretches) >= t.n_cycles


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_realistic_chat_survives_every_format(fmt: str, tmp_path: Path) -> None:
    case = make_case("teasing", 2)
    check_round_trip(case.chat, fmt, None, tmp_path)
