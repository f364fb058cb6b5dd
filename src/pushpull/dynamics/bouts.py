"""Per-message structure: who answers whom, bouts and initiations, runs, double texts, barrages.

Input is an *analysis frame*: one row per message in time order with at least ``ts`` (local
wall-clock datetime), ``person`` (0 = the user, 1 = the partner), ``kind``. The functions here
add columns; nothing is dropped.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pushpull.dynamics.config import DynamicsConfig

__all__ = ["add_structure", "bout_gap_s", "sleep_windows", "waking_seconds"]

_DAY_S = 86_400


def bout_gap_s(seconds: np.ndarray, config: DynamicsConfig) -> float:
    """The silence that separates two bouts, adapted to how fast this couple usually writes."""
    if len(seconds) < 2:
        return config.bout_gap_min_s
    gaps = np.diff(seconds)
    gaps = gaps[gaps > 0]
    median = float(np.median(gaps)) if len(gaps) else 0.0
    return float(
        np.clip(config.bout_gap_factor * median, config.bout_gap_min_s, config.bout_gap_max_s)
    )


def sleep_windows(seconds: np.ndarray, person: np.ndarray, config: DynamicsConfig) -> list[int]:
    """For each person, the hour their quietest ``sleep_hours`` window starts (local clock)."""
    starts = []
    hours = (seconds // 3600) % 24
    for p in (0, 1):
        counts = np.bincount(hours[person == p].astype(np.int64), minlength=24).astype(float)
        doubled = np.concatenate([counts, counts])
        window = np.array([doubled[h : h + config.sleep_hours].sum() for h in range(24)])
        # Among equally quiet windows prefer the one nearest to midnight-to-7.
        order = np.lexsort((np.abs(((np.arange(24) + 12) % 24) - 12), window))
        starts.append(int(order[0]))
    return starts


def waking_seconds(
    t0: np.ndarray, t1: np.ndarray, sleep_start_h: np.ndarray, sleep_h: int
) -> np.ndarray:
    """Seconds between ``t0`` and ``t1`` minus the part that fell in the daily sleep window."""
    shift = sleep_start_h * 3600
    length = sleep_h * 3600

    def asleep_until(t: np.ndarray) -> np.ndarray:
        u = t - shift
        return np.asarray((u // _DAY_S) * length + np.minimum(u % _DAY_S, length))

    return np.asarray((t1 - t0) - (asleep_until(t1) - asleep_until(t0)))


def add_structure(frame: pl.DataFrame, config: DynamicsConfig) -> pl.DataFrame:
    """Add bout, initiation, reply-delay, run, double-text and barrage columns.

    Added columns: ``bout`` (number), ``initiates`` (first message of a bout), ``reply_s``
    (waking seconds this message took to answer the other person, null if not an answer),
    ``run`` (number of the stretch of messages by one person without an answer), ``run_len``,
    ``double_text`` (a follow-up after one's own unanswered message), ``barrage_start`` (first
    message of a run that is a barrage), ``bout_answered`` (both people wrote in the bout).
    """
    if frame.height == 0:
        return frame.with_columns(
            bout=pl.lit(0, pl.Int64),
            initiates=pl.lit(False),
            reply_s=pl.lit(None, pl.Float64),
            run=pl.lit(0, pl.Int64),
            run_len=pl.lit(0, pl.Int64),
            double_text=pl.lit(False),
            barrage_start=pl.lit(False),
            bout_answered=pl.lit(False),
        )
    seconds = frame["ts"].dt.epoch("s").to_numpy()
    person = frame["person"].to_numpy()
    gap_limit = bout_gap_s(seconds, config)
    sleep_start = np.array(sleep_windows(seconds, person, config))

    prev_s = np.concatenate([[seconds[0]], seconds[:-1]])
    prev_p = np.concatenate([[-1], person[:-1]])
    gap = seconds - prev_s
    new_bout = np.concatenate([[True], gap[1:] > gap_limit])
    bout = np.cumsum(new_bout)
    changed = person != prev_p
    waking = waking_seconds(prev_s, seconds, sleep_start[person], config.sleep_hours).astype(float)
    is_reply = changed & (np.arange(len(person)) > 0) & (waking <= config.max_reply_s)
    reply_s = np.where(is_reply, waking, np.nan)
    run = np.cumsum(changed)
    double = ~changed & (gap >= config.double_text_gap_s)

    out = frame.with_columns(
        bout=pl.Series(bout),
        initiates=pl.Series(new_bout),
        reply_s=pl.Series(reply_s, nan_to_null=True),
        run=pl.Series(run),
        double_text=pl.Series(double),
    )
    out = out.with_columns(
        run_len=pl.len().over("run"),
        run_span_s=(pl.col("ts").max() - pl.col("ts").min()).over("run").dt.total_seconds(),
        bout_answered=pl.col("person").n_unique().over("bout") > 1,
    )
    first_of_run = pl.col("run") != pl.col("run").shift(1, fill_value=-1)
    barrage = (
        first_of_run
        & (pl.col("run_len") >= config.barrage_min_messages)
        & (pl.col("run_span_s") >= config.barrage_min_span_s)
    )
    return out.with_columns(barrage_start=barrage).drop("run_span_s")
