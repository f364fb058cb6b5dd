"""Analysis frames for the dynamics tests: built by hand or from a synthetic chat, with the
marker columns present (zero unless a test sets them), so the dynamics can be tested alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import polars as pl

from pushpull.dynamics import MARKER_FAMILIES
from pushpull.synth import SynthChat


def frame_of(rows: Sequence[tuple[datetime, int, str]]) -> pl.DataFrame:
    """A marked analysis frame from (time, person, text) rows."""
    df = pl.DataFrame(
        {
            "ts": [r[0] for r in rows],
            "person": [r[1] for r in rows],
            "text": [r[2] for r in rows],
            "kind": ["text"] * len(rows),
            "ref": list(range(len(rows))),
        },
        schema={
            "ts": pl.Datetime("us"),
            "person": pl.Int8,
            "text": pl.String,
            "kind": pl.String,
            "ref": pl.Int64,
        },
    )
    return with_markers(df)


def with_markers(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(
        *[pl.lit(0, pl.UInt16).alias(f"m_{f}") for f in MARKER_FAMILIES],
        warmth=pl.lit(0.0),
    )


def synth_frame(chat: SynthChat) -> pl.DataFrame:
    """The conversation's messages by its two people, person 0 = ``chat.me``."""
    rows = [
        (m.sent_at, 0 if m.sender == chat.me else 1, m.text)
        for m in chat.messages
        if m.sender and m.kind not in ("system", "reaction")
    ]
    return frame_of(rows)
