"""Pursue–withdraw: who chases while the other pulls back.

Four balances, each in -1..1 with positive meaning "the user pursues": share of initiations,
follow-ups while waiting (double texts, barrages counted twice), openings left unanswered, and
reply speed. The score is their mean; a pursuer is named when it leans clearly one way, or
when the follow-ups are plainly one-sided and the rest leans the same way (on the whole
conversation, the other must also be the slower to reply: someone who simply likes to text
more, answered as fast as they write, is not chasing). Reply speed is a rank comparison, not a
ratio of medians: the chance that one of the partner's replies is slower than one of the
user's, ties (two "1 min" replies in a minute-resolution export) counting half, mapped to
-1..1.

Where it is measured matters. Chasing happens while someone pulls away, so when one person's
engagement cycles (two warm–cold–warm swings or more, unlikely to be chance), the balances are
taken on the days of that person's distant stretches: the partner who goes cold is then the
withdrawer only if the other one chases during exactly those days. Otherwise, and when those
days hold too little to judge, the whole conversation is used. A fifth, conditional view is
reported as evidence: what each person did per day during the other's warm vs distant phases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pushpull.dynamics.cycles import Cycles
from pushpull.dynamics.phases import Phase

__all__ = ["PhaseContrast", "Pursuit", "pursue_withdraw"]

#: |score| at or above this names a pursuer: a clear lean on most measures, not a slight one
#: (one person simply liking to text more is not pursue-withdraw).
NAMING_THRESHOLD = 0.4
#: Follow-ups while waiting are the plainest sign of chasing: a balance this lopsided (about
#: three follow-ups to one) over at least ``FOLLOW_UP_MIN`` of them names the pursuer when the
#: other measures lean the same way by at least ``FOLLOW_UP_MIN_SCORE``.
FOLLOW_UP_CLEAR = 0.5
FOLLOW_UP_MIN = 30
FOLLOW_UP_MIN_SCORE = 0.2
#: ...and, on the whole conversation, when the other is clearly the slower to reply (the
#: product of the follow-up and reply-speed balances at least this).
REPLY_AGREES = 0.1
#: A person's distant stretches are where roles are read when they swung warm-cold-warm at
#: least twice (one dip is an exam month) and the swings are this unlikely to be chance...
FOCUS_MIN_CYCLES = 2
FOCUS_MAX_P = 0.05
#: ...and together last this many days and hold this many follow-ups and openings.
FOCUS_MIN_DAYS = 14
FOCUS_MIN_EVENTS = 10


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
    """The balance of chasing; ``pursuer`` is 0 (user), 1 (partner) or None (no clear one).

    The counts are those of the days the roles were read on: ``focus`` is the person whose
    distant stretches they are (``focus_days`` days), or None for the whole conversation.
    """

    score: float
    pursuer: int | None
    focus: int | None
    focus_days: int
    initiation_share: tuple[float, float]
    double_texts: tuple[int, int]
    barrages: tuple[int, int]
    unanswered: tuple[int, int]
    median_reply_s: tuple[float | None, float | None]
    slower_reply_share: float | None  # chance the partner's reply is the slower one
    components: dict[str, float]
    contrasts: tuple[PhaseContrast, PhaseContrast]


def _balance(mine: float, theirs: float) -> float:
    return (mine - theirs) / (mine + theirs + 1.0)


def _slower_share(mine: np.ndarray, theirs: np.ndarray) -> float | None:
    """P(a reply of theirs is slower than one of mine), ties counting half (Mann–Whitney)."""
    from scipy.stats import mannwhitneyu  # lazily: scipy.stats takes ~0.9 s to import

    if len(mine) < 5 or len(theirs) < 5:
        return None
    u = mannwhitneyu(theirs, mine, method="asymptotic").statistic
    return float(u / (len(mine) * len(theirs)))


def _date_mask(phases: list[Phase]) -> pl.Expr:
    day = pl.col("ts").dt.date()
    return pl.any_horizontal([day.is_between(p.start, p.end) for p in phases])


@dataclass(frozen=True, slots=True)
class _Balances:
    components: dict[str, float]
    share_me: float
    double: tuple[int, int]
    barrages: tuple[int, int]
    unanswered: tuple[int, int]
    median: tuple[float | None, float | None]
    slower: float | None

    @property
    def events(self) -> int:
        return sum(self.double) + sum(self.barrages) + sum(self.unanswered)

    @property
    def score(self) -> float:
        return float(np.mean(list(self.components.values())))


def _balances(messages: pl.DataFrame) -> _Balances:
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
    replies = messages.filter(pl.col("reply_s").is_not_null())
    slower = _slower_share(
        replies.filter(pl.col("person") == 0)["reply_s"].to_numpy(),
        replies.filter(pl.col("person") == 1)["reply_s"].to_numpy(),
    )
    if slower is not None:
        components["reply_speed"] = 2.0 * slower - 1.0
    return _Balances(
        components=components,
        share_me=share_me,
        double=(int(me["double"]), int(partner["double"])),
        barrages=(int(me["barrages"]), int(partner["barrages"])),
        unanswered=(int(me["unanswered"]), int(partner["unanswered"])),
        median=(me["reply"], partner["reply"]),
        slower=slower,
    )


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


def _focus(phases: dict[int, list[Phase]], cycles: dict[int, Cycles] | None) -> int | None:
    """The person whose distant stretches the roles are read on (module doc), if any."""
    if not cycles:
        return None
    cyclers = [
        p
        for p, c in cycles.items()
        if c.count >= FOCUS_MIN_CYCLES
        and c.p_value < FOCUS_MAX_P
        and sum(ph.days for ph in phases.get(p, []) if ph.state == "distant") >= FOCUS_MIN_DAYS
    ]
    if not cyclers:
        return None
    return min(cyclers, key=lambda p: (cycles[p].p_value, -cycles[p].count))


def pursue_withdraw(
    messages: pl.DataFrame,
    daily: pl.DataFrame,
    phases: dict[int, list[Phase]],
    cycles: dict[int, Cycles] | None = None,
) -> Pursuit:
    """Score who pursues from the structured messages, daily table, phases and cycles."""
    overall = _balances(messages)
    chosen, focus, focus_days = overall, None, 0
    person = _focus(phases, cycles)
    if person is not None:
        distant = [p for p in phases[person] if p.state == "distant"]
        inside = _balances(messages.filter(_date_mask(distant)))
        if inside.events >= FOCUS_MIN_EVENTS:
            chosen, focus = inside, person
            focus_days = sum(p.days for p in distant)
    score = chosen.score
    follow = chosen.components["follow_ups"]
    n_follow = sum(chosen.double) + sum(chosen.barrages)
    pursuer = None
    clear_follow = abs(follow) >= FOLLOW_UP_CLEAR and n_follow >= FOLLOW_UP_MIN
    if focus is not None and clear_follow:
        # Inside the other's cold stretches, plainly one-sided follow-ups are the chase, as
        # long as the chaser is not clearly the one who stopped starting conversations.
        if np.sign(follow) * chosen.components["initiations"] >= -0.2:
            pursuer = 0 if follow > 0 else 1
    elif abs(score) >= NAMING_THRESHOLD or (
        clear_follow
        and abs(score) >= FOLLOW_UP_MIN_SCORE
        and (follow > 0) == (score > 0)
        and follow * chosen.components.get("reply_speed", 0) >= REPLY_AGREES
    ):
        pursuer = 0 if score > 0 else 1
    if focus is not None and pursuer == focus:
        pursuer = None  # the one going cold is not chasing during their own cold days
    return Pursuit(
        score=round(score, 3),
        pursuer=pursuer,
        focus=focus,
        focus_days=focus_days,
        initiation_share=(round(chosen.share_me, 3), round(1.0 - chosen.share_me, 3)),
        double_texts=chosen.double,
        barrages=chosen.barrages,
        unanswered=chosen.unanswered,
        median_reply_s=chosen.median,
        slower_reply_share=None if chosen.slower is None else round(chosen.slower, 3),
        components={k: round(v, 3) for k, v in chosen.components.items()},
        contrasts=(
            _contrast(daily, 0, phases.get(1, [])),
            _contrast(daily, 1, phases.get(0, [])),
        ),
    )
