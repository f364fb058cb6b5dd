"""The analysis result: one pydantic model, written as JSON and published as a JSON Schema
(``data/schema/analysis.schema.json``; a test keeps the two in step)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from pushpull.assess import DataSufficiency, Finding

__all__ = [
    "SCHEMA_VERSION",
    "Advice",
    "Analysis",
    "BidDay",
    "Bids",
    "Cycles",
    "DayPoint",
    "Effort",
    "EffortShares",
    "Period",
    "PersonSummary",
    "PhaseOut",
    "PullBack",
    "PursueWithdraw",
    "Recent",
    "Resource",
    "Safety",
    "SharedChange",
]

SCHEMA_VERSION = 3


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Period(_Model):
    start: date
    end: date
    days: int


class PhaseOut(_Model):
    person: str
    state: str = Field(description="warm, neutral or distant")
    start: date
    end: date
    days: int
    level: float = Field(description="Mean engagement in standard deviations of that person")


class Swing(_Model):
    to_state: str
    start: date
    end: date
    amplitude: float


class Cycles(_Model):
    person: str = Field(
        description="Whose engagement cycles (the partner unless the user's are clearly stronger)"
    )
    count: int
    mean_period_days: float | None
    p_value: float
    strength: float = Field(description="Share of daily variance explained by the phases, 0..1")
    regularity: float | None
    amplitude: float | None
    n_surrogates: int
    swings: list[Swing]
    by_person: dict[str, CyclesBrief]


class CyclesBrief(_Model):
    count: int
    mean_period_days: float | None
    p_value: float
    strength: float


class PersonSummary(_Model):
    name: str
    is_me: bool
    messages: int
    words: int
    initiations: int
    median_reply_s: float | None
    double_texts: int
    barrages: int
    unanswered_openings: int
    days_warm: int
    days_neutral: int
    days_distant: int
    days_quiet: int = Field(0, description="Days in distant stretches both people shared")


class PhaseContrast(_Model):
    person: str
    messages_per_day_other_warm: float | None
    messages_per_day_other_distant: float | None
    follow_ups_per_day_other_warm: float | None
    follow_ups_per_day_other_distant: float | None


class PursueWithdraw(_Model):
    pursuer: str | None
    withdrawer: str | None
    score: float = Field(description="-1..1; positive: the user pursues, negative: the partner")
    summary: str
    initiation_share: dict[str, float]
    double_texts: dict[str, int]
    barrages: dict[str, int]
    unanswered_openings: dict[str, int]
    median_reply_s: dict[str, float | None]
    slower_reply_share: float | None = Field(
        None, description="Chance that one of the partner's replies is slower than one of yours"
    )
    measured_on: str = Field(
        "the whole conversation",
        description="The days the counts above come from: the whole conversation, or the "
        "distant stretches of the person whose engagement cycles",
    )
    measured_days: int = Field(0, description="Days in those distant stretches (0: all days)")
    components: dict[str, float]
    during_other_phases: list[PhaseContrast]


class SharedChange(_Model):
    """Both people writing clearly less from ``since`` on: a change in life, not a withdrawal."""

    since: date
    messages_per_day_before: dict[str, float]
    messages_per_day_after: dict[str, float]
    summary: str


class Recent(_Model):
    """The last months on their own."""

    start: date
    days: int
    calm: bool
    distant_days: dict[str, int]
    summary: str


class BidDay(_Model):
    date: date
    n_bids: int
    response: float = Field(description="Partner's change in engagement after, minus baseline (SD)")


class PullBack(_Model):
    n_events: int
    mean_response: float | None
    present: bool
    events: list[BidDay]


class Bids(_Model):
    n_bid_days: int
    mean_response: float | None
    share_followed_by_withdrawal: float | None
    summary: str
    worst: list[BidDay]
    pull_back: PullBack


class EffortShares(_Model):
    start: date
    end: date
    initiations: float | None
    words: float | None
    questions: float | None
    messages: float | None


class Effort(_Model):
    description: str = "The user's share (0..1) of each kind of effort; 0.5 is even."
    overall: EffortShares
    periods: list[EffortShares]


class Advice(_Model):
    id: str
    title: str
    text: str
    because: list[str]


class Resource(_Model):
    country: str
    region: str | None
    name: str
    phone: str | None
    text: str | None
    sms: str | None
    sms_body: str | None
    url: str | None
    hours: str | None


class Safety(_Model):
    headline: str
    note: str
    resources: list[Resource]


class DayPoint(_Model):
    date: date
    person: str
    messages: int
    engagement: float
    smoothed: float


class Analysis(_Model):
    """Everything pushpull found in one conversation."""

    schema_version: int = SCHEMA_VERSION
    safety: Safety | None = Field(
        description="Present, and to be shown first, when abuse is at concern or above"
    )
    conversation: str | None
    me: str
    partner: str
    period: Period
    language: str
    headline: str
    data_sufficiency: DataSufficiency
    people: list[PersonSummary]
    phases: list[PhaseOut]
    cycles: Cycles
    pursue_withdraw: PursueWithdraw
    bids: Bids
    effort: Effort
    shared_change: SharedChange | None = Field(
        None, description="Present when both people write clearly less from some date on"
    )
    recent: Recent | None = Field(
        None, description="The most recent months (absent for conversations under six months)"
    )
    signs: list[Finding]
    red_flags: list[Finding]
    guidance: list[Advice]
    explanations: list[Advice]
    timeline: list[DayPoint]


Cycles.model_rebuild()
