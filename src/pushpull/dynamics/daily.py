"""Per person per day: how much each wrote, how fast they answered, how they sounded.

Dates are the user's local dates (the export's wall clock). Every day from the first message to
the last is present for both people, so a silent day counts as a silent day.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pushpull.signals import FAMILIES

__all__ = ["HOSTILE_FAMILIES", "MARKER_FAMILIES", "daily_table"]

#: Marker families summed into each day's counts (columns ``m_<family>`` of the message frame).
MARKER_FAMILIES: tuple[str, ...] = FAMILIES
#: Families that together make a day's *hostility*.
HOSTILE_FAMILIES = (
    "criticism",
    "contempt",
    "defensiveness",
    "stonewalling",
    "control",
    "threat",
    "insult",
)


def daily_table(messages: pl.DataFrame, first: date, last: date) -> pl.DataFrame:
    """One row per (date, person) from ``first`` to ``last`` with the day's metrics.

    ``messages`` is the structured frame from :func:`pushpull.dynamics.bouts.add_structure`
    with marker columns. Columns: ``date, person, messages, words, initiations, reply_s`` (median
    waking seconds, null when the person answered nothing that day), ``replies, unanswered,
    double_texts, barrages, warmth`` (mean valence, null when silent), one count per marker
    family, ``hostility`` (and ``playful``, when the frame has it).
    """
    markers = [pl.col(f"m_{f}").sum().cast(pl.Int64).alias(f) for f in MARKER_FAMILIES]
    if "playful" in messages.columns:  # hostile words set aside as teasing (signals.teasing)
        markers.append(pl.col("playful").sum().cast(pl.Int64).alias("playful"))
    per_day = (
        messages.with_columns(date=pl.col("ts").dt.date())
        .group_by("date", "person")
        .agg(
            *markers,
            messages=pl.len().cast(pl.Int64),
            words=pl.col("text").fill_null("").str.count_matches(r"\S+").sum().cast(pl.Int64),
            initiations=pl.col("initiates").sum().cast(pl.Int64),
            reply_s=pl.col("reply_s").median(),
            replies=pl.col("reply_s").is_not_null().sum().cast(pl.Int64),
            unanswered=(pl.col("initiates") & ~pl.col("bout_answered")).sum().cast(pl.Int64),
            double_texts=pl.col("double_text").sum().cast(pl.Int64),
            barrages=pl.col("barrage_start").sum().cast(pl.Int64),
            warmth=pl.col("warmth").mean(),
        )
    )
    grid = pl.DataFrame({"date": pl.date_range(first, last, "1d", eager=True)}).join(
        pl.DataFrame({"person": [0, 1]}, schema={"person": messages.schema["person"]}),
        how="cross",
    )
    counts = [c for c in per_day.columns if c not in ("date", "person", "reply_s", "warmth")]
    table = grid.join(per_day, on=["date", "person"], how="left").with_columns(
        pl.col(counts).fill_null(0)
    )
    return table.with_columns(hostility=pl.sum_horizontal(HOSTILE_FAMILIES)).sort("person", "date")
