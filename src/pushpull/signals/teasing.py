"""Hostile words said in play: "you're crazy 😂", "te mato como te comas mis patatas jaja".

Between people who tease, the words of insults, threats, contempt and dismissal ("you're
crazy") say little on their own; what they mean shows around them. A message's hostile hits are
*teasing* when there is laughter (the ``laughter`` family: "haha", "jaja", "lol", 😂…) in it or
in its writer's next line within ``same_turn_s``, or in the other person's answer (their next
turn, begun within ``reply_window_s``), and that answer is not hurt (the ``hurt`` family:
"that's not funny", "eso me dolió"). The same words answered with hurt keep counting, laughter
or not.

:func:`set_aside_teasing` moves those hits out of the hostile columns into ``playful`` (the
count set aside), so a report can say what it did not count and why.
"""

from __future__ import annotations

import polars as pl

__all__ = ["PLAYABLE", "set_aside_teasing"]

#: Families whose words are often said in play (control and distancing are not).
#: Denying what happened ("that never happened") is not a joke even with "lol"; calling someone
#: crazy or dramatic can be.
PLAYABLE: tuple[str, ...] = ("insult", "threat", "contempt", "criticism", "dismissal")


def set_aside_teasing(
    frame: pl.DataFrame, *, same_turn_s: float = 180.0, reply_window_s: float = 3 * 3600.0
) -> pl.DataFrame:
    """``frame`` (time order; ``ts``, ``person``, ``m_*``) with teasing set aside (module doc).

    Adds ``playful`` (UInt16: hostile hits set aside in that message) and zeroes the
    :data:`PLAYABLE` columns of those messages; other rows are unchanged.
    """
    laughs = pl.col("m_laughter") > 0
    hurt = pl.col("m_hurt") > 0
    hostile = pl.sum_horizontal([pl.col(f"m_{f}") for f in PLAYABLE])
    work = frame.with_columns(
        _turn=(pl.col("person") != pl.col("person").shift(1)).fill_null(True).cum_sum(),
        _laugh_own=laughs
        | (
            (pl.col("person").shift(-1) == pl.col("person"))
            & ((pl.col("ts").shift(-1) - pl.col("ts")).dt.total_seconds() <= same_turn_s)
            & laughs.shift(-1)
        ).fill_null(False),
    )
    turns = work.group_by("_turn").agg(
        _reply_at=pl.col("ts").min(), _reply_laughs=laughs.any(), _reply_hurt=hurt.any()
    )
    answers = turns.with_columns(pl.col("_turn") - 1)
    work = work.join(answers, on="_turn", how="left", maintain_order="left")
    answered = (pl.col("_reply_at") - pl.col("ts")).dt.total_seconds() <= reply_window_s
    reply_laughs = (answered & pl.col("_reply_laughs")).fill_null(False)
    reply_hurt = (answered & pl.col("_reply_hurt")).fill_null(False)
    playful = (hostile > 0) & (pl.col("_laugh_own") | reply_laughs) & ~reply_hurt
    work = work.with_columns(_playful=playful)
    dtype = frame.schema["m_insult"]
    zeroed = [
        pl.when(pl.col("_playful"))
        .then(pl.lit(0, dtype))
        .otherwise(pl.col(f"m_{f}"))
        .alias(f"m_{f}")
        for f in PLAYABLE
    ]
    playful_count = pl.when(pl.col("_playful")).then(hostile).otherwise(0).cast(pl.UInt16)
    return work.with_columns(*zeroed, playful_count.alias("playful")).drop(
        "_turn", "_laugh_own", "_reply_at", "_reply_laughs", "_reply_hurt", "_playful"
    )
