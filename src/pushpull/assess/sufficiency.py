"""Is there enough data to say anything? Too little lowers confidence and says so."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["MIN_DAYS", "MIN_MESSAGES", "MIN_PER_PERSON", "DataSufficiency", "judge_sufficiency"]

#: Under three weeks, a quiet week and a busy one cannot be told from a pattern.
MIN_DAYS = 21
#: Under about 200 messages, daily measures are mostly noise.
MIN_MESSAGES = 200
#: Each person must have written something for a comparison to mean anything.
MIN_PER_PERSON = 30
#: Confidence is full from this many days and messages on.
FULL_DAYS = 90
FULL_MESSAGES = 1000


class DataSufficiency(BaseModel):
    """How much there was to go on, and how that limits what can be said."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    days: int
    messages: int
    messages_me: int
    messages_partner: int
    enough: bool
    #: Multiplier (0..1) applied to every finding's confidence.
    factor: float
    note: str


def judge_sufficiency(days: int, messages_me: int, messages_partner: int) -> DataSufficiency:
    """Judge a conversation of ``days`` days with these message counts."""
    total = messages_me + messages_partner
    short: list[str] = []
    if days < MIN_DAYS:
        short.append(f"it covers only {days} day{'s' if days != 1 else ''} (3 weeks or more help)")
    if total < MIN_MESSAGES:
        short.append(f"it has only {total} messages (about {MIN_MESSAGES} or more help)")
    if min(messages_me, messages_partner) < MIN_PER_PERSON:
        short.append("one of you wrote very little")
    enough = not short
    factor = min(1.0, days / FULL_DAYS) ** 0.5 * min(1.0, total / FULL_MESSAGES) ** 0.5
    factor = round(max(0.1, factor if enough else min(factor, 0.3)), 2)
    if enough:
        note = f"{total:,} messages over {days:,} days: enough to look for patterns."
        if factor < 1.0:
            note += " A longer export would make the findings firmer."
    else:
        note = (
            "There is too little to go on, so pushpull does not guess: "
            + "; ".join(short)
            + ". Import a longer export to see patterns over time."
        )
    return DataSufficiency(
        days=days,
        messages=total,
        messages_me=messages_me,
        messages_partner=messages_partner,
        enough=enough,
        factor=factor,
        note=note,
    )
