"""Push–pull cycles: warm and distant phases that keep alternating, tested against chance.

A *swing* is a move from a warm phase to a distant one or back (neutral stretches in between are
passed over) whose levels differ by at least ``cycle_min_amplitude`` standard deviations; two
swings make one cycle (warm -> distant -> warm, or the reverse).

Significance. The statistic is the sum of squared autocorrelations of the (linearly detrended)
daily index at lags from one block (7 days) to a quarter of the series (at most 120 days): large
when the index keeps coming back to where it was weeks before, which slow alternation does and
day-to-day noise does not. Its null distribution comes from surrogates that shuffle whole weeks
of the same series: they keep every day's value, the weekly rhythm and short-range persistence,
and lose only the order of the weeks. p = (1 + surrogates at least as extreme) / (1 + surrogates).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import numpy as np

from pushpull.dynamics.config import DynamicsConfig
from pushpull.dynamics.phases import Phase

__all__ = ["Cycles", "Swing", "count_cycles", "surrogate_p_value"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Swing:
    """One move between a warm and a distant phase."""

    frm: Phase
    to: Phase

    @property
    def amplitude(self) -> float:
        return abs(self.frm.level - self.to.level)

    @property
    def on(self) -> date:
        return self.to.start


@dataclass(frozen=True, slots=True, kw_only=True)
class Cycles:
    """The cycles of one person's engagement, with their test against chance."""

    person: int
    count: int
    swings: tuple[Swing, ...]
    mean_period_days: float | None
    regularity: float | None  # 1 - coefficient of variation of the periods, in 0..1
    amplitude: float | None  # mean level difference of the swings, in standard deviations
    strength: float  # share of the daily variance explained by the phases, 0..1
    p_value: float
    n_surrogates: int


def _swings(phases: list[Phase], config: DynamicsConfig) -> list[Swing]:
    poles = [p for p in phases if p.state != "neutral"]
    merged: list[Phase] = []
    for p in poles:
        if merged and merged[-1].state == p.state:
            prev = merged.pop()
            days = prev.days + p.days
            level = (prev.level * prev.days + p.level * p.days) / days
            p = Phase(person=p.person, state=p.state, start=prev.start, end=p.end, level=level)
        merged.append(p)
    return [
        Swing(frm=a, to=b)
        for a, b in itertools.pairwise(merged)
        if abs(a.level - b.level) >= config.cycle_min_amplitude
    ]


def _periods(swings: list[Swing]) -> list[float]:
    """Days between successive starts of the same state (warm to warm, distant to distant)."""
    starts: dict[str, list[date]] = {"warm": [], "distant": []}
    for s in swings:
        starts[s.to.state].append(s.to.start)
    out: list[float] = []
    for dates in starts.values():
        out.extend(float((b - a).days) for a, b in itertools.pairwise(dates))
    return out


def _explained(series: np.ndarray, phases: list[Phase], first: date) -> float:
    total = float(np.sum((series - series.mean()) ** 2))
    if total <= 0 or not phases:
        return 0.0
    fitted = np.empty_like(series)
    for p in phases:
        a, b = (p.start - first).days, (p.end - first).days + 1
        fitted[a:b] = p.level
    return float(max(0.0, 1.0 - np.sum((series - fitted) ** 2) / total))


def _long_lag_statistic(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Sum over lags lo..hi of squared autocorrelation, for each row of ``x``."""
    x = x - x.mean(axis=-1, keepdims=True)
    n = x.shape[-1]
    size = 1 << int(np.ceil(np.log2(2 * n)))
    spectrum = np.fft.rfft(x, size, axis=-1)
    acov = np.fft.irfft(spectrum * np.conj(spectrum), size, axis=-1)[..., : hi + 1]
    var = acov[..., :1]
    acf = np.divide(acov, var, out=np.zeros_like(acov), where=var > 0)
    return np.asarray(np.sum(acf[..., lo : hi + 1] ** 2, axis=-1))


def surrogate_p_value(series: np.ndarray, config: DynamicsConfig) -> float:
    """How often week-shuffled copies of the series look at least as cyclic (see module doc)."""
    n = len(series)
    block = max(1, config.block_days)
    n_blocks = n // block
    lo, hi = block, min(n // 4, 120)
    if n_blocks < 4 or hi <= lo:
        return 1.0
    t = np.arange(n, dtype=float)
    detrended = series - np.polyval(np.polyfit(t, series, 1), t)
    observed = float(_long_lag_statistic(detrended, lo, hi))
    rng = np.random.default_rng(config.seed)
    head = detrended[: n_blocks * block].reshape(n_blocks, block)
    tail = detrended[n_blocks * block :]
    order = np.argsort(rng.random((config.n_surrogates, n_blocks)), axis=1)
    shuffled = head[order].reshape(config.n_surrogates, n_blocks * block)
    if len(tail):
        shuffled = np.concatenate([shuffled, np.broadcast_to(tail, (len(shuffled), len(tail)))], 1)
    null = _long_lag_statistic(shuffled, lo, hi)
    return float((1 + np.sum(null >= observed - 1e-12)) / (1 + len(null)))


def count_cycles(
    series: np.ndarray, phases: list[Phase], first: date, person: int, config: DynamicsConfig
) -> Cycles:
    """Cycles of one person from their standardised daily series and its phases."""
    swings = _swings(phases, config)
    periods = _periods(swings)
    mean_period = float(np.mean(periods)) if periods else None
    regularity = None
    if len(periods) >= 2 and mean_period:
        regularity = float(np.clip(1.0 - np.std(periods) / mean_period, 0.0, 1.0))
    return Cycles(
        person=person,
        count=len(swings) // 2,
        swings=tuple(swings),
        mean_period_days=mean_period,
        regularity=regularity,
        amplitude=float(np.mean([s.amplitude for s in swings])) if swings else None,
        strength=_explained(series, phases, first),
        p_value=surrogate_p_value(series, config),
        n_surrogates=config.n_surrogates,
    )
