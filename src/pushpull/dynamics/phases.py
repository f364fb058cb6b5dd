"""Warm, neutral and distant phases of one person's engagement, judged against each other.

1. The daily index is split where its mean shifts (ruptures' kernel change-point search with a
   linear kernel, i.e. least squares, and a penalty that grows with the noise and the length).
2. The stretches' levels are sorted into a high and a low group (the split that leaves the
   least spread inside the groups, each stretch weighted by its days). When the two groups'
   centres are less than ``cycle_min_amplitude`` apart there are no phases: everything is
   neutral. Otherwise a stretch near the high centre is warm, near the low one distant, and one
   in the middle band (``neutral_band`` of the distance either side of the midpoint) neutral.
   So warm and distant are relative to the person's own levels, not to their mean, which a few
   deep cold spells would drag down to where ordinary days read as neutral.
3. Neighbouring stretches with the same call are merged.

:func:`mark_shared` then re-labels a distant stretch *quiet* when the other person went just as
quiet at the same time and this one did not pull back from them (their share of the messages,
their reply speed against the other's and their warmth held): a holiday together, moving in, a
shared busy month — a change in life, not one person pulling away.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import polars as pl

from pushpull.dynamics.config import DynamicsConfig

__all__ = ["Phase", "find_phases", "mark_shared", "noise_sd"]

_MAD_TO_SD = 1.4826
#: Fewest days with replies (or with messages) for a median delay (or mean warmth) to count.
_MIN_DAYS = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class Phase:
    """A stretch of days (inclusive) in one state; ``level`` is its mean engagement.

    ``state`` is "warm", "neutral", "distant", or "quiet" (a distant stretch both people
    shared, see :func:`mark_shared`).
    """

    person: int
    state: str
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
    import ruptures  # lazily: with scipy it takes most of a second to import

    algo = ruptures.KernelCPD(kernel="linear", min_size=min_size, jump=1)
    found = algo.fit(series.reshape(-1, 1)).predict(pen=penalty)
    return [int(b) for b in found]


def _two_groups(levels: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Centres (low, high) of the weighted two-group split of ``levels`` with least spread."""
    order = np.argsort(levels)
    x, w = levels[order], weights[order]
    best: tuple[float, float, float] | None = None
    for k in range(1, len(x)):
        lo_w, hi_w = w[:k].sum(), w[k:].sum()
        lo = float(np.dot(x[:k], w[:k]) / lo_w)
        hi = float(np.dot(x[k:], w[k:]) / hi_w)
        spread = float(np.dot(w[:k], (x[:k] - lo) ** 2) + np.dot(w[k:], (x[k:] - hi) ** 2))
        if best is None or spread < best[0]:
            best = (spread, lo, hi)
    assert best is not None
    return best[1], best[2]


def _states(levels: np.ndarray, weights: np.ndarray, config: DynamicsConfig) -> list[str]:
    if len(levels) < 2:
        return ["neutral"] * len(levels)
    lo, hi = _two_groups(levels, weights)
    depth = hi - lo
    if depth < config.cycle_min_amplitude:
        return ["neutral"] * len(levels)
    mid, band = (hi + lo) / 2, config.neutral_band * depth
    return [
        "warm" if level >= mid + band else "distant" if level <= mid - band else "neutral"
        for level in levels
    ]


def find_phases(
    series: np.ndarray, first: date, person: int, config: DynamicsConfig
) -> list[Phase]:
    """Phases of a standardised daily series starting on ``first`` (one value per day)."""
    if len(series) == 0:
        return []
    bounds = [0, *_breaks(series, config)]
    spans = list(itertools.pairwise(bounds))
    levels = np.array([float(np.mean(series[a:b])) for a, b in spans])
    weights = np.array([float(b - a) for a, b in spans])
    phases: list[Phase] = []
    merged_from = 0
    for (a, b), state in zip(spans, _states(levels, weights, config), strict=True):
        start = a
        if phases and phases[-1].state == state:
            phases.pop()
            start = merged_from
        merged_from = start
        phases.append(
            Phase(
                person=person,
                state=state,
                start=first + timedelta(days=start),
                end=first + timedelta(days=b - 1),
                level=float(np.mean(series[start:b])),
            )
        )
    return phases


def _window(phase: Phase) -> pl.Expr:
    return pl.col("date").is_between(phase.start, phase.end)


def _one_sided(daily: pl.DataFrame, phase: Phase, config: DynamicsConfig) -> bool:
    """Did ``phase.person`` pull back from the other during ``phase`` (not just write less)?"""
    from scipy.stats import binomtest  # lazily: scipy.stats takes ~0.9 s to import

    me, other = phase.person, 1 - phase.person
    inside = _window(phase)

    def totals(person: int, mask: pl.Expr) -> tuple[float, float | None, float | None]:
        # Medians and means of fewer than MIN_DAYS days are noise (a week away together
        # leaves a handful of messages): they are not used.
        rows = daily.filter((pl.col("person") == person) & mask)
        messages = float(rows["messages"].sum())
        reply = rows["reply_s"].drop_nulls()
        warmth = rows["warmth"].drop_nulls()
        return (
            messages,
            float(np.median(reply.to_numpy())) if len(reply) >= _MIN_DAYS else None,
            float(warmth.mean()) if len(warmth) >= _MIN_DAYS else None,  # type: ignore[arg-type]
        )

    mine_in, reply_in, warm_in = totals(me, inside)
    mine_out, reply_out, warm_out = totals(me, ~inside)
    theirs_in, other_reply_in, other_warm_in = totals(other, inside)
    theirs_out, other_reply_out, other_warm_out = totals(other, ~inside)
    share_in = mine_in / (mine_in + theirs_in) if mine_in + theirs_in else 0.5
    share_out = mine_out / (mine_out + theirs_out) if mine_out + theirs_out else 0.5
    fell = share_out - share_in >= config.shared_max_share_drop
    n_in = int(mine_in + theirs_in)
    if fell and binomtest(int(mine_in), n_in, share_out, alternative="less").pvalue < 0.01:
        return True
    if None not in (reply_in, reply_out, other_reply_in, other_reply_out):
        mine_slower = np.log((reply_in + 60) / (reply_out + 60))  # type: ignore[operator]
        theirs_slower = np.log((other_reply_in + 60) / (other_reply_out + 60))  # type: ignore[operator]
        if mine_slower - theirs_slower >= np.log(config.shared_max_slowdown):
            return True
    if None not in (warm_in, warm_out, other_warm_in, other_warm_out):
        cooler = (warm_out - warm_in) - (other_warm_out - other_warm_in)  # type: ignore[operator]
        if cooler >= config.shared_max_cooling:
            return True
    return False


def mark_shared(
    phases: dict[int, list[Phase]], daily: pl.DataFrame, config: DynamicsConfig
) -> dict[int, list[Phase]]:
    """Re-label as "quiet" each distant phase that both people shared (see module doc)."""
    out: dict[int, list[Phase]] = {}
    for person, own in phases.items():
        other = daily.filter(pl.col("person") == 1 - person)
        marked: list[Phase] = []
        for phase in own:
            if phase.state == "distant":
                level = other.filter(_window(phase))["engagement"].mean()
                other_level = float(level) if isinstance(level, float) else 0.0
                shared = other_level <= config.shared_min_ratio * phase.level
                if shared and not _one_sided(daily, phase, config):
                    phase = replace(phase, state="quiet")
            marked.append(phase)
        out[person] = marked
    return out
