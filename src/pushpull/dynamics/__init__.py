"""Dynamics: bouts, daily engagement, phases, cycles, pursue–withdraw, bids, effort, and the
changes both people share.

Input is a *marked analysis frame*: one row per message in time order with ``ts`` (local
datetime), ``person`` (0 = the user, 1 = the partner), ``text``, ``kind``, the signal columns
``m_<family>`` and ``warmth``. :func:`run_dynamics` computes everything the assessment needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from pushpull.dynamics.bids import Bids, PullBack, bids_and_responses, pull_back
from pushpull.dynamics.bouts import add_structure
from pushpull.dynamics.config import DEFAULT_WEIGHTS, DynamicsConfig
from pushpull.dynamics.cycles import Cycles, count_cycles
from pushpull.dynamics.daily import HOSTILE_FAMILIES, MARKER_FAMILIES, daily_table
from pushpull.dynamics.effort import EffortPeriod, effort_balance
from pushpull.dynamics.engagement import add_engagement
from pushpull.dynamics.phases import Phase, find_phases, mark_shared
from pushpull.dynamics.pursuit import Pursuit, pursue_withdraw
from pushpull.dynamics.shared import Recent, SharedChange, recent_stretch, shared_change

__all__ = [
    "DEFAULT_WEIGHTS",
    "HOSTILE_FAMILIES",
    "MARKER_FAMILIES",
    "Bids",
    "Cycles",
    "Dynamics",
    "DynamicsConfig",
    "EffortPeriod",
    "Phase",
    "PullBack",
    "Pursuit",
    "Recent",
    "SharedChange",
    "run_dynamics",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Dynamics:
    """Everything measured about one conversation's dynamics."""

    first: date
    last: date
    messages: pl.DataFrame  # the structured message frame (bouts, replies, runs added)
    daily: pl.DataFrame  # per person per day, with ``engagement`` and ``smoothed``
    phases: dict[int, list[Phase]]
    cycles: dict[int, Cycles]
    pursuit: Pursuit
    bids: Bids
    pull_back: PullBack
    effort: EffortPeriod
    effort_periods: list[EffortPeriod]
    shared: SharedChange | None  # both people writing clearly less from some date on
    recent: Recent | None  # the last months on their own (None for a short conversation)

    def series(self, person: int) -> pl.DataFrame:
        """One person's daily rows in date order."""
        return self.daily.filter(pl.col("person") == person).sort("date")


def run_dynamics(
    frame: pl.DataFrame,
    config: DynamicsConfig | None = None,
    *,
    first: date | None = None,
    last: date | None = None,
) -> Dynamics:
    """Measure the dynamics of a marked analysis frame (see module doc); it must not be empty."""
    config = config or DynamicsConfig()
    messages = add_structure(frame, config)
    first = first or messages["ts"].min().date()  # type: ignore[union-attr]
    last = last or messages["ts"].max().date()  # type: ignore[union-attr]
    daily = add_engagement(daily_table(messages, first, last), config)
    phases: dict[int, list[Phase]] = {}
    cycles: dict[int, Cycles] = {}
    series = {
        p: daily.filter(pl.col("person") == p).sort("date")["engagement"].to_numpy() for p in (0, 1)
    }
    for person in (0, 1):
        phases[person] = find_phases(series[person], first, person, config)
    phases = mark_shared(phases, daily, config)
    for person in (0, 1):
        cycles[person] = count_cycles(series[person], phases[person], first, person, config)
    effort, periods = effort_balance(daily)
    return Dynamics(
        first=first,
        last=last,
        messages=messages,
        daily=daily,
        phases=phases,
        cycles=cycles,
        pursuit=pursue_withdraw(messages, daily, phases, cycles),
        bids=bids_and_responses(messages, daily, config),
        pull_back=pull_back(daily, phases[0], config),
        effort=effort,
        effort_periods=periods,
        shared=shared_change(daily, first, config),
        recent=recent_stretch(phases, first, last, config),
    )
