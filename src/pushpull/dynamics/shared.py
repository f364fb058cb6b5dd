"""Changes that belong to the couple, not to one person: both writing less from some date on,
and whether the most recent months are calm.

*Shared change.* The pair's volume (log of both people's daily messages, as a two-column
signal, averaged by week) is split once where its mean shifts most (ruptures' binary
segmentation, least squares, each side at least ``shared_min_days``). It is a shared change
when both people write at most ``shared_max_ratio`` as much after the split as before, by
similar factors (neither fell more than ``shared_max_gap`` times as far as the other, in ratio
terms), and neither person's share of the messages moved by more than
``shared_max_share_drop``: moving in, a new job. A slow drift that both people share is found
the same way from each person's linear trend of log volume over the whole conversation (first
to last day); the first and last thirds must show it too (each person at most 85% as much),
and the user's share of the messages must hold.

*Recent months.* The last ``recent_days`` days of a conversation at least twice that long are
calm when neither person spent more than ``min_phase_days`` of them in a distant phase.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from pushpull.dynamics.config import DynamicsConfig
from pushpull.dynamics.phases import Phase

__all__ = ["Recent", "SharedChange", "recent_stretch", "shared_change"]

#: A drift is plain when each person's last third is at most this share of their first.
_THIRDS_MAX_RATIO = 0.85


@dataclass(frozen=True, slots=True, kw_only=True)
class SharedChange:
    """Both people writing less from ``since``: messages per day before and after, per person."""

    since: date
    before: tuple[float, float]
    after: tuple[float, float]
    gradual: bool = False  # a slow drift over the whole conversation, not a step

    @property
    def ratios(self) -> tuple[float, float]:
        return (self.after[0] / self.before[0], self.after[1] / self.before[1])


@dataclass(frozen=True, slots=True, kw_only=True)
class Recent:
    """The last ``days`` days (from ``start``): calm or not, and each person's distant days."""

    start: date
    days: int
    calm: bool
    distant_days: tuple[int, int]
    last_distant_end: date | None  # when the latest distant stretch of either person ended


def _volumes(daily: pl.DataFrame) -> np.ndarray:
    cols = [
        daily.filter(pl.col("person") == p).sort("date")["messages"].to_numpy().astype(float)
        for p in (0, 1)
    ]
    return np.column_stack(cols)


def _together(
    ratios: np.ndarray, before: np.ndarray, after: np.ndarray, config: DynamicsConfig
) -> bool:
    """Both fell clearly, by similar factors, and the user's share of the messages held."""
    if np.any(before <= 0) or after.sum() <= 0:
        return False
    share_before, share_after = before[0] / before.sum(), after[0] / after.sum()
    return bool(
        np.all(ratios <= config.shared_max_ratio)
        and np.max(ratios) <= config.shared_max_gap * max(float(np.min(ratios)), 1e-9)
        and abs(share_after - share_before) <= config.shared_max_share_drop
    )


def _rounded(x: np.ndarray) -> tuple[float, float]:
    return (round(float(x[0]), 2), round(float(x[1]), 2))


def shared_change(daily: pl.DataFrame, first: date, config: DynamicsConfig) -> SharedChange | None:
    """The date from which both people write clearly less, if there is one (module doc)."""
    counts = _volumes(daily)
    n = len(counts)
    size = config.shared_min_days
    if n < 2 * size:
        return None
    signal = np.log1p(counts)
    # The split is searched on weekly means (a date to the week is all a sentence needs, and it
    # keeps the search cheap on years of messages).
    weeks = n // 7
    weekly = signal[: weeks * 7].reshape(weeks, 7, 2).mean(axis=1)
    import ruptures  # lazily: with scipy it takes most of a second to import

    algo = ruptures.Binseg(model="l2", min_size=max(2, size // 7), jump=1).fit(weekly)
    split = 7 * int(algo.predict(n_bkps=1)[0])
    before, after = counts[:split].mean(axis=0), counts[split:].mean(axis=0)
    if np.all(before > 0) and _together(after / before, before, after, config):
        return SharedChange(
            since=first + timedelta(days=split), before=_rounded(before), after=_rounded(after)
        )
    t = np.arange(n, dtype=float)
    slopes = np.polyfit(t, signal, 1)[0]
    ratios = np.exp(slopes * (n - 1))
    third = n // 3
    early, late = counts[:third].mean(axis=0), counts[-third:].mean(axis=0)
    plain = np.all(early > 0) and np.all(late / np.maximum(early, 1e-9) <= _THIRDS_MAX_RATIO)
    if _together(ratios, early, late, config) and plain:
        return SharedChange(since=first, before=_rounded(early), after=_rounded(late), gradual=True)
    return None


def recent_stretch(
    phases: dict[int, list[Phase]], first: date, last: date, config: DynamicsConfig
) -> Recent | None:
    """How the last ``recent_days`` went (module doc); None for a shorter conversation."""
    days = config.recent_days
    if (last - first).days + 1 < 2 * days:
        return None
    start = last - timedelta(days=days - 1)
    distant = [0, 0]
    ends: list[date] = []
    for person in (0, 1):
        for ph in phases.get(person, []):
            if ph.state != "distant":
                continue
            ends.append(ph.end)
            overlap = (min(ph.end, last) - max(ph.start, start)).days + 1
            distant[person] += max(0, overlap)
    calm = max(distant) <= config.min_phase_days
    return Recent(
        start=start,
        days=days,
        calm=calm,
        distant_days=(distant[0], distant[1]),
        last_distant_end=max(ends) if ends else None,
    )
