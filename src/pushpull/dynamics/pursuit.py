"""Pursue–withdraw: who chases while the other pulls back.

Four balances, each in -1..1 with positive meaning "the user pursues": share of initiations,
double texts and barrages, unanswered openings, and reply speed (the partner answering slower).
The score is their mean. A fifth, conditional view is reported as evidence: how much the user
writes and follows up during the partner's distant phases compared with the partner's warm ones,
and the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pushpull.dynamics.phases import Phase

__all__ = ["PhaseContrast", "Pursuit", "pursue_withdraw"]

#: |score| at or above this names a pursuer: a clear lean on most measures, not a slight one
#: (one person simply liking to text more is not pursue-withdraw).
NAMING_THRESHOLD = 0.4


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseContrast:
    """What ``person`` did per day while the other was warm vs distant."""

    person: int
    messages_per_day_other_warm: float | None
    messages_per_day_other_distant: float | None
    follow_ups_per_day_other_warm: float | None
    follow_ups_per_day_other_distant: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Pursuit:
    """The balance of chasing; ``pursuer`` is 0 (user), 1 (partner) or None (balanced)."""

    score: float
    pursuer: int | None
    initiation_share: tuple[float, float]
    double_texts: tuple[int, int]
    barrages: tuple[int, int]
    unanswered: tuple[int, int]
    median_reply_s: tuple[float | None, float | None]
    components: dict[str, float]
    contrasts: tuple[PhaseContrast, PhaseContrast]


def _balance(mine: float, theirs: float) -> float:
    return (mine - theirs) / (mine + theirs + 1.0)


def _contrast(daily: pl.DataFrame, person: int, other_phases: list[Phase]) -> PhaseContrast:
    mine = daily.filter(pl.col("person") == person)
    values: dict[str, list[float]] = {}
    for state in ("warm", "distant"):
        ranges = [(p.start, p.end) for p in other_phases if p.state == state]
        if not ranges:
            values[state] = [float("nan"), float("nan")]
            continue
        mask = pl.any_horizontal([pl.col("date").is_between(a, b) for a, b in ranges])
        days = mine.filter(mask)
        follow = (days["double_texts"] + days["barrages"]).cast(pl.Float64).mean()
        volume = days["messages"].cast(pl.Float64).mean()
        values[state] = [
            float(volume) if isinstance(volume, float) else 0.0,
            float(follow) if isinstance(follow, float) else 0.0,
        ]

    def val(x: float) -> float | None:
        return None if np.isnan(x) else round(x, 3)

    return PhaseContrast(
        person=person,
        messages_per_day_other_warm=val(values["warm"][0]),
        messages_per_day_other_distant=val(values["distant"][0]),
        follow_ups_per_day_other_warm=val(values["warm"][1]),
        follow_ups_per_day_other_distant=val(values["distant"][1]),
    )


def pursue_withdraw(
    messages: pl.DataFrame, daily: pl.DataFrame, phases: dict[int, list[Phase]]
) -> Pursuit:
    """Score who pursues from the structured messages, daily table and both people's phases."""
    per = messages.group_by("person").agg(
        initiations=pl.col("initiates").sum(),
        double=pl.col("double_text").sum(),
        barrages=pl.col("barrage_start").sum(),
        unanswered=(pl.col("initiates") & ~pl.col("bout_answered")).sum(),
        reply=pl.col("reply_s").median(),
    )
    got = {row["person"]: row for row in per.iter_rows(named=True)}
    empty = {"initiations": 0, "double": 0, "barrages": 0, "unanswered": 0, "reply": None}
    me, partner = got.get(0, empty), got.get(1, empty)
    total_init = me["initiations"] + partner["initiations"]
    share_me = me["initiations"] / total_init if total_init else 0.5
    components = {
        "initiations": 2.0 * share_me - 1.0,
        "follow_ups": _balance(
            me["double"] + 2 * me["barrages"], partner["double"] + 2 * partner["barrages"]
        ),
        "unanswered": _balance(me["unanswered"], partner["unanswered"]),
    }
    if me["reply"] is not None and partner["reply"] is not None:
        # The partner answering e^1 ~ 2.7 times slower than the user is a full +0.76.
        ratio = np.log((partner["reply"] + 30.0) / (me["reply"] + 30.0))
        components["reply_speed"] = float(np.tanh(ratio))
    score = float(np.mean(list(components.values())))
    pursuer = None
    if abs(score) >= NAMING_THRESHOLD:
        pursuer = 0 if score > 0 else 1
    return Pursuit(
        score=round(score, 3),
        pursuer=pursuer,
        initiation_share=(round(share_me, 3), round(1.0 - share_me, 3)),
        double_texts=(int(me["double"]), int(partner["double"])),
        barrages=(int(me["barrages"]), int(partner["barrages"])),
        unanswered=(int(me["unanswered"]), int(partner["unanswered"])),
        median_reply_s=(me["reply"], partner["reply"]),
        components={k: round(v, 3) for k, v in components.items()},
        contrasts=(
            _contrast(daily, 0, phases.get(1, [])),
            _contrast(daily, 1, phases.get(0, [])),
        ),
    )
