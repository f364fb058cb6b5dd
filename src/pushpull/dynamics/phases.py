"""Warm, neutral and distant phases of one person's engagement, found by change-point detection.

The daily index is split where its mean shifts (ruptures' kernel change-point search with a
linear kernel, i.e. least squares, and a penalty that grows with the noise and the length), then
each stretch is called warm or distant when its mean is clearly above or below the person's
overall mean, neutral otherwise. Neighbouring stretches with the same call are merged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import ruptures

from pushpull.dynamics.config import DynamicsConfig

__all__ = ["Phase", "find_phases", "noise_sd"]

_MAD_TO_SD = 1.4826


@dataclass(frozen=True, slots=True, kw_only=True)
class Phase:
    """A stretch of days (inclusive) in one state; ``level`` is its mean engagement."""

    person: int
    state: str  # "warm" | "neutral" | "distant"
    start: date
    end: date
    level: float

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def noise_sd(series: np.ndarray) -> float:
    """Day-to-day noise of a series, from its first differences (robust to level shifts)."""
    if len(series) < 3:
        return 1.0
    diffs = np.diff(series)
    mad = float(np.median(np.abs(diffs - np.median(diffs)))) * _MAD_TO_SD
    sd = mad / np.sqrt(2.0)
    return sd if sd > 1e-9 else max(float(np.std(series)), 1e-3)


def _breaks(series: np.ndarray, config: DynamicsConfig) -> list[int]:
    n = len(series)
    min_size = max(2, config.min_phase_days)
    if n < 2 * min_size:
        return [n]
    penalty = config.phase_penalty * noise_sd(series) ** 2 * np.log(n)
    algo = ruptures.KernelCPD(kernel="linear", min_size=min_size, jump=1)
    found = algo.fit(series.reshape(-1, 1)).predict(pen=penalty)
    return [int(b) for b in found]


def find_phases(
    series: np.ndarray, first: date, person: int, config: DynamicsConfig
) -> list[Phase]:
    """Phases of a standardised daily series starting on ``first`` (one value per day)."""
    if len(series) == 0:
        return []
    centre = float(np.mean(series))
    spread = float(np.std(series)) or 1.0
    threshold = config.phase_threshold * spread
    phases: list[Phase] = []
    start = 0
    for end in _breaks(series, config):
        level = float(np.mean(series[start:end]))
        state = "neutral"
        if level - centre >= threshold:
            state = "warm"
        elif centre - level >= threshold:
            state = "distant"
        if phases and phases[-1].state == state:
            prev = phases.pop()
            first_i = (prev.start - first).days
            level = float(np.mean(series[first_i:end]))
            start = first_i
        phases.append(
            Phase(
                person=person,
                state=state,
                start=first + timedelta(days=start),
                end=first + timedelta(days=end - 1),
                level=level,
            )
        )
        start = end
    return phases
