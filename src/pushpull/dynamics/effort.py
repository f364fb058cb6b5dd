"""Effort balance over time: the user's share of initiations, words and questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

__all__ = ["EffortPeriod", "effort_balance"]


@dataclass(frozen=True, slots=True, kw_only=True)
class EffortPeriod:
    """The user's shares (0..1; None when neither wrote any) over one period."""

    start: date
    end: date
    initiations: float | None
    words: float | None
    questions: float | None
    messages: float | None


def _share(mine: float, theirs: float) -> float | None:
    total = mine + theirs
    return round(mine / total, 3) if total > 0 else None


def effort_balance(daily: pl.DataFrame) -> tuple[EffortPeriod, list[EffortPeriod]]:
    """Overall shares and shares per calendar month (per week when under three months)."""
    if daily.height == 0:
        empty = EffortPeriod(
            start=date.min,
            end=date.min,
            initiations=None,
            words=None,
            questions=None,
            messages=None,
        )
        return empty, []
    dates: list[date] = daily["date"].to_list()
    first, last = min(dates), max(dates)
    span = (last - first).days
    every = "1w" if span < 90 else "1mo"
    per = (
        daily.sort("date")
        .group_by_dynamic("date", every=every, group_by="person")
        .agg(
            pl.col("date").min().alias("start"),
            pl.col("date").max().alias("end"),
            pl.col("initiations").sum(),
            pl.col("words").sum(),
            pl.col("question").sum(),
            pl.col("messages").sum(),
        )
    )
    keys = ("initiations", "words", "question", "messages")
    periods: list[EffortPeriod] = []
    mine = per.filter(pl.col("person") == 0).sort("date")
    theirs = per.filter(pl.col("person") == 1).sort("date")
    for a, b in zip(mine.iter_rows(named=True), theirs.iter_rows(named=True), strict=False):
        periods.append(
            EffortPeriod(
                start=a["start"],
                end=a["end"],
                **{("questions" if k == "question" else k): _share(a[k], b[k]) for k in keys},
            )
        )
    totals = daily.group_by("person").agg(pl.col(list(keys)).sum())
    t = {row["person"]: row for row in totals.iter_rows(named=True)}
    zero = dict.fromkeys(keys, 0)
    me, partner = t.get(0, zero), t.get(1, zero)
    overall = EffortPeriod(
        start=first,
        end=last,
        **{("questions" if k == "question" else k): _share(me[k], partner[k]) for k in keys},
    )
    return overall, periods
