"""Push–pull cycles: warm and distant phases that keep alternating, tested against chance.

A *swing* is a move from a warm phase to a distant one or back (neutral and shared quiet
stretches in between are passed over) whose levels differ by at least ``cycle_min_amplitude``
standard deviations; two swings make one cycle (warm -> distant -> warm, or the reverse).

Significance. The question is whether the highs and lows last longer than chance makes them
last, whatever their rhythm: irregular alternation (a warm fortnight, a cold week, a warm month)
must count as much as a regular one. The statistic is the share of the (linearly detrended)
daily index's variance that survives averaging over 7, 14, 21 and 28 days (the largest of the
four): long warm and cold stretches keep their level under a moving average, day-to-day noise
and one-off bad days average away, and the weekly rhythm (weekends) averages out exactly at
these multiples of seven. Its null distribution comes from surrogates that shuffle short
blocks (``block_days``, three days) of the same series: they keep every day's value (the
marginal distribution) and the short-range persistence of a bad weekend, and lose only the
order of the blocks. p = (1 + surrogates at least as extreme) / (1 + surrogates).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import numpy as np

from pushpull.dynamics.config import DynamicsConfig
from pushpull.dynamics.phases import Phase

__all__ = ["Cycles", "Swing", "count_cycles", "persistence", "surrogate_p_value"]


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
    poles = [p for p in phases if p.state in ("warm", "distant")]
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


def persistence(x: np.ndarray, scales: tuple[int, ...]) -> np.ndarray:
    """Largest share of variance kept by a moving average over ``scales`` days, per row."""
    x = x - x.mean(axis=-1, keepdims=True)
    n = x.shape[-1]
    var = np.mean(x**2, axis=-1)
    csum = np.concatenate([np.zeros((*x.shape[:-1], 1)), np.cumsum(x, axis=-1)], axis=-1)
    best = np.zeros(x.shape[:-1])
    for w in scales:
        if w >= n:
            continue
        means = (csum[..., w:] - csum[..., :-w]) / w
        kept = np.mean(means**2, axis=-1)
        best = np.maximum(best, np.divide(kept, var, out=np.zeros_like(kept), where=var > 0))
    return np.asarray(best)


def surrogate_p_value(series: np.ndarray, config: DynamicsConfig) -> float:
    """How often block-shuffled copies of the series look at least as persistent (module doc)."""
    n = len(series)
    block = max(1, config.block_days)
    n_blocks = n // block
    scales = tuple(w for w in config.persistence_days if w < n // 2)
    if n_blocks < 4 or not scales:
        return 1.0
    t = np.arange(n, dtype=float)
    detrended = series - np.polyval(np.polyfit(t, series, 1), t)
    observed = float(persistence(detrended, scales))
    rng = np.random.default_rng(config.seed)
    head = detrended[: n_blocks * block].reshape(n_blocks, block)
    tail = detrended[n_blocks * block :]
    order = np.argsort(rng.random((config.n_surrogates, n_blocks)), axis=1)
    shuffled = head[order].reshape(config.n_surrogates, n_blocks * block)
    if len(tail):
        shuffled = np.concatenate([shuffled, np.broadcast_to(tail, (len(shuffled), len(tail)))], 1)
    null = persistence(shuffled, scales)
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
