"""Intimacy bids and what followed; and whether the partner comes back when the user backs off.

A *bid day* is a day on which the user reached out warmly: affection, "I love you",
self-disclosure or a plan for the future, at least as often as on a typical bid day of theirs
(their top half of days with any bid). For each, the partner's mean engagement over the next
days (``bid_window_days``, 1–7 by default) minus their mean over the seven days before is the
*response*; the same change measured after ordinary days of the same weekday is the baseline.
A bid answered by a drop of more than half a standard deviation below baseline is a bid
followed by withdrawal.

The pull-back loop: on the first day of each of the user's distant phases, the partner's change
in engagement is measured the same way; a rise above baseline is a pull-back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from pushpull.dynamics.config import DynamicsConfig
from pushpull.dynamics.phases import Phase

__all__ = ["BID_FAMILIES", "Bid", "Bids", "PullBack", "bids_and_responses", "pull_back"]

#: Marker families that make a message a bid for closeness.
BID_FAMILIES = ("affection", "disclosure", "future")
#: A response this many standard deviations below baseline is a withdrawal after a bid.
WITHDRAWAL_SD = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class Bid:
    """One bid day and the partner's response to it (in standard deviations)."""

    on: date
    n_bids: int
    response: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Bids:
    n_bid_days: int
    mean_response: float | None  # relative to baseline days
    baseline: float | None
    share_followed_by_withdrawal: float | None
    worst: tuple[Bid, ...]  # up to five bids followed by the largest drops


@dataclass(frozen=True, slots=True, kw_only=True)
class PullBack:
    n_events: int
    mean_response: float | None  # partner's change after the user withdrew, minus baseline
    present: bool
    events: tuple[Bid, ...]


def _changes(partner: np.ndarray, window: tuple[int, int]) -> np.ndarray:
    """For each day d: mean(partner[d+a .. d+b]) - mean(partner[d-7 .. d-1]); NaN near edges."""
    n = len(partner)
    a, b = window
    csum = np.concatenate([[0.0], np.cumsum(partner)])
    out = np.full(n, np.nan)
    for d in range(7, n - b):
        after = (csum[d + b + 1] - csum[d + a]) / (b - a + 1)
        before = (csum[d] - csum[d - 7]) / 7
        out[d] = after - before
    return out


def _baseline(changes: np.ndarray, weekdays: np.ndarray, event: np.ndarray) -> np.ndarray:
    """Per day: the mean change after non-event days of the same weekday."""
    base = np.full(len(changes), np.nan)
    for wd in range(7):
        pool = changes[(weekdays == wd) & ~event & ~np.isnan(changes)]
        if len(pool):
            base[weekdays == wd] = float(np.mean(pool))
    return base


def _series(daily: pl.DataFrame, person: int) -> tuple[np.ndarray, list[date]]:
    rows = daily.filter(pl.col("person") == person).sort("date")
    return rows["engagement"].to_numpy(), rows["date"].to_list()


def bids_and_responses(messages: pl.DataFrame, daily: pl.DataFrame, config: DynamicsConfig) -> Bids:
    """The user's bid days and the partner's engagement after each."""
    partner, dates = _series(daily, 1)
    if not dates:
        return Bids(
            n_bid_days=0,
            mean_response=None,
            baseline=None,
            share_followed_by_withdrawal=None,
            worst=(),
        )
    first = dates[0]
    bid_expr = pl.sum_horizontal([pl.col(f"m_{f}") for f in BID_FAMILIES]) > 0
    per_day = (
        messages.filter((pl.col("person") == 0) & bid_expr)
        .group_by(pl.col("ts").dt.date().alias("date"))
        .agg(n=pl.len())
    )
    counts = np.zeros(len(dates), dtype=np.int64)
    for d, n in per_day.iter_rows():
        i = (d - first).days
        if 0 <= i < len(counts):
            counts[i] = n
    positive = counts[counts > 0]
    if len(positive) == 0:
        return Bids(
            n_bid_days=0,
            mean_response=None,
            baseline=None,
            share_followed_by_withdrawal=None,
            worst=(),
        )
    is_bid = counts >= max(1.0, float(np.median(positive)))
    changes = _changes(partner, config.bid_window_days)
    weekdays = np.array([d.weekday() for d in dates])
    base = _baseline(changes, weekdays, is_bid)
    response = changes - base
    usable = is_bid & ~np.isnan(response)
    if not usable.any():
        return Bids(
            n_bid_days=int(is_bid.sum()),
            mean_response=None,
            baseline=None,
            share_followed_by_withdrawal=None,
            worst=(),
        )
    idx = np.flatnonzero(usable)
    order = idx[np.argsort(response[idx])][:5]
    worst = tuple(
        Bid(on=dates[i], n_bids=int(counts[i]), response=round(float(response[i]), 3))
        for i in order
        if response[i] < -WITHDRAWAL_SD
    )
    return Bids(
        n_bid_days=int(usable.sum()),
        mean_response=round(float(np.mean(response[idx])), 3),
        baseline=round(float(np.nanmean(base[idx])), 3),
        share_followed_by_withdrawal=round(float(np.mean(response[idx] < -WITHDRAWAL_SD)), 3),
        worst=worst,
    )


def pull_back(daily: pl.DataFrame, my_phases: list[Phase], config: DynamicsConfig) -> PullBack:
    """Does the partner warm up when the user goes distant?"""
    partner, dates = _series(daily, 1)
    if not dates:
        return PullBack(n_events=0, mean_response=None, present=False, events=())
    first = dates[0]
    event = np.zeros(len(dates), dtype=bool)
    for p in my_phases:
        if p.state == "distant" and p.start > first:
            event[(p.start - first).days] = True
    changes = _changes(partner, config.bid_window_days)
    weekdays = np.array([d.weekday() for d in dates])
    response = changes - _baseline(changes, weekdays, event)
    idx = np.flatnonzero(event & ~np.isnan(response))
    if len(idx) == 0:
        return PullBack(n_events=0, mean_response=None, present=False, events=())
    mean = float(np.mean(response[idx]))
    events = tuple(Bid(on=dates[i], n_bids=0, response=round(float(response[i]), 3)) for i in idx)
    return PullBack(
        n_events=len(idx),
        mean_response=round(mean, 3),
        present=len(idx) >= 2 and mean > WITHDRAWAL_SD,
        events=events,
    )
