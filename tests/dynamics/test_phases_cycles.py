from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from pushpull.dynamics.config import DynamicsConfig
from pushpull.dynamics.cycles import count_cycles, surrogate_p_value
from pushpull.dynamics.phases import find_phases

FIRST = date(2025, 1, 6)
CONFIG = DynamicsConfig()


def square_wave(
    lengths: list[int], high: float, low: float, seed: int, sd: float = 1.0
) -> np.ndarray:
    rng = np.random.default_rng(seed)
    parts = [np.full(n, high if i % 2 == 0 else low) for i, n in enumerate(lengths)]
    x = np.concatenate(parts) + rng.normal(0, sd, sum(lengths))
    return (x - x.mean()) / x.std()


@pytest.mark.parametrize("seed", range(5))
def test_phases_of_a_square_wave_start_within_three_days_of_the_truth(seed: int) -> None:
    lengths = [20, 15, 18, 16, 22, 14, 20]
    x = square_wave(lengths, 2.0, -2.0, seed)
    phases = find_phases(x, FIRST, 1, CONFIG)
    assert [p.state for p in phases] == ["warm", "distant"] * 3 + ["warm"]
    truth = np.cumsum([0, *lengths[:-1]])
    for p, start in zip(phases, truth, strict=True):
        assert abs((p.start - FIRST).days - start) <= 3
    assert phases[-1].end == FIRST + timedelta(days=sum(lengths) - 1)


def test_noise_alone_is_one_neutral_phase() -> None:
    x = np.random.default_rng(3).normal(0, 1, 180)
    phases = find_phases((x - x.mean()) / x.std(), FIRST, 1, CONFIG)
    assert all(p.state == "neutral" for p in phases)


def test_cycles_of_a_square_wave_are_counted_and_significant() -> None:
    lengths = [20, 15, 18, 16, 22, 14, 20, 15, 16]
    x = square_wave(lengths, 1.5, -1.5, 1)
    phases = find_phases(x, FIRST, 1, CONFIG)
    cycles = count_cycles(x, phases, FIRST, 1, CONFIG)
    assert cycles.count == 4
    assert cycles.p_value < 0.01
    assert cycles.mean_period_days is not None and 30 <= cycles.mean_period_days <= 40
    assert cycles.strength > 0.5
    assert cycles.regularity is not None and cycles.regularity > 0.7


def test_white_noise_is_rarely_significant() -> None:
    ps = [surrogate_p_value(np.random.default_rng(s).normal(0, 1, 150), CONFIG) for s in range(60)]
    assert sum(p < 0.05 for p in ps) <= 8  # about 3 expected under the null
    assert np.median(ps) > 0.25


def test_a_weekly_rhythm_alone_is_not_a_cycle() -> None:
    days = np.arange(182)
    weekend = np.where(days % 7 >= 5, 1.5, 0.0)
    ps = [
        surrogate_p_value(weekend + np.random.default_rng(s).normal(0, 1, len(days)), CONFIG)
        for s in range(40)
    ]
    assert sum(p < 0.05 for p in ps) <= 6  # about 2 expected: the rhythm survives shuffling
    assert np.median(ps) > 0.25


def test_a_single_drift_is_not_counted_as_cycles() -> None:
    x = square_wave([60, 60], 1.0, -1.0, 4)
    phases = find_phases(x, FIRST, 1, CONFIG)
    assert count_cycles(x, phases, FIRST, 1, CONFIG).count == 0


def test_same_data_same_p_value() -> None:
    x = square_wave([15, 15, 15, 15, 15, 15], 1.0, -1.0, 2)
    assert surrogate_p_value(x, CONFIG) == surrogate_p_value(x.copy(), CONFIG)


def test_the_p_value_is_at_least_one_over_the_number_of_surrogates() -> None:
    x = square_wave([15] * 9, 3.0, -3.0, 5, sd=0.2)
    assert surrogate_p_value(x, CONFIG) == pytest.approx(1 / (CONFIG.n_surrogates + 1))
