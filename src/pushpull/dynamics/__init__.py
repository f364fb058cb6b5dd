"""Dynamics: bouts, daily engagement, phases, cycles, pursue–withdraw, bids and effort.

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
from pushpull.dynamics.phases import Phase, find_phases
from pushpull.dynamics.pursuit import Pursuit, pursue_withdraw

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
    for person in (0, 1):
        series = daily.filter(pl.col("person") == person).sort("date")["engagement"].to_numpy()
        phases[person] = find_phases(series, first, person, config)
        cycles[person] = count_cycles(series, phases[person], first, person, config)
    effort, periods = effort_balance(daily)
    return Dynamics(
        first=first,
        last=last,
        messages=messages,
        daily=daily,
        phases=phases,
        cycles=cycles,
        pursuit=pursue_withdraw(messages, daily, phases),
        bids=bids_and_responses(messages, daily, config),
        pull_back=pull_back(daily, phases[0], config),
        effort=effort,
        effort_periods=periods,
    )
