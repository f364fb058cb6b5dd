"""The analysis tells a progress display each step as it starts, in order."""

from __future__ import annotations

import re

from pushpull.analysis import STEPS, analyze
from pushpull.synth import as_frame, generate


def test_each_step_is_told_once_in_order() -> None:
    told: list[tuple[int, int, str]] = []
    frame = as_frame(generate("stable", seed=3, days=40))
    analyze(frame, progress=lambda step, of, what: told.append((step, of, what)))
    assert [step for step, _, _ in told] == list(range(1, len(STEPS) + 1))
    assert {of for _, of, _ in told} == {len(STEPS)}
    assert re.fullmatch(r"Reading the words of [\d,]+ messages", told[1][2])


def test_no_progress_is_the_same_analysis() -> None:
    frame = as_frame(generate("hot_cold", seed=4, days=90))
    quiet = analyze(frame)
    told = analyze(frame, progress=lambda *_: None)
    assert quiet.model_dump_json() == told.model_dump_json()
