"""Every threshold and weight the dynamics use, in one place, each with its reason."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Weights of the engagement index (components are standardised per person first). Volume and
#: responsiveness carry the most: they change first and most clearly when someone pulls away.
DEFAULT_WEIGHTS: dict[str, float] = {
    "messages": 1.0,  # log(1 + messages sent that day)
    "words": 0.5,  # log(1 + words written)
    "initiations": 0.5,  # conversations this person started
    "reply_speed": 1.0,  # minus log of the median reply delay (waking time only)
    "affection": 0.5,  # affectionate words, pet names, emoji per day
    "warmth": 0.5,  # mean valence of the day's messages
    "questions": 0.25,  # interest in the other person
    "future": 0.25,  # plans and commitments
    "distancing": -0.5,  # "busy", "need space", cancellations
    "hostility": -0.5,  # criticism, contempt, defensiveness, stonewalling, insults, threats
}


@dataclass(frozen=True, slots=True, kw_only=True)
class DynamicsConfig:
    """Parameters of bouts, daily metrics, phases, cycles, pursuit and bids (all picklable)."""

    #: A bout ends after a silence of this many times the median gap between messages...
    bout_gap_factor: float = 8.0
    #: ...but never shorter than half an hour (a pause to cook is not a new conversation)...
    bout_gap_min_s: float = 1800.0
    #: ...nor longer than six hours (a morning and an evening chat are two conversations).
    bout_gap_max_s: float = 6 * 3600.0
    #: Hours a person is assumed asleep: the quietest window of this length in their own clock.
    sleep_hours: int = 7
    #: An answer later than this (waking time) is a new start, not a slow reply.
    max_reply_s: float = 24 * 3600.0
    #: A follow-up sent this long after one's own unanswered message is a double text.
    double_text_gap_s: float = 20 * 60.0
    #: A barrage: at least this many messages in a row without an answer...
    barrage_min_messages: int = 5
    #: ...spread over at least this long (five quick lines in a minute are one thought).
    barrage_min_span_s: float = 3600.0
    #: Engagement weights, see ``DEFAULT_WEIGHTS``.
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    #: Days in the centred moving average shown as the smoothed engagement.
    smooth_days: int = 7
    #: Shortest phase, in days (a bad Tuesday is not a phase).
    min_phase_days: int = 5
    #: Change-point penalty, in units of the series' noise variance times log(days).
    phase_penalty: float = 3.0
    #: Phases exist when the person's high and low stretches sit this many standard deviations
    #: apart, and a warm and a distant phase must differ by as much to count as a swing.
    cycle_min_amplitude: float = 1.0
    #: A stretch within this share of the high-low distance of the midpoint is neutral.
    neutral_band: float = 0.2
    #: A distant stretch is shared ("quiet") when the other person's level over the same days
    #: is at least this share of its (negative) level...
    shared_min_ratio: float = 0.5
    #: ...unless this person's share of the messages fell by this much (0.08 = 8 points)...
    shared_max_share_drop: float = 0.08
    #: ...or their replies slowed this many times more than the other's...
    shared_max_slowdown: float = 2.0
    #: ...or their warmth fell by this much more than the other's (valence, -1..1).
    shared_max_cooling: float = 0.12
    #: A change both people share (see ``shared``): each side of the split at least this long...
    shared_min_days: int = 28
    #: ...both writing at most this share of what they wrote before...
    shared_max_ratio: float = 0.7
    #: ...by factors within this multiple of each other.
    shared_max_gap: float = 1.6
    #: The most recent stretch reported on its own (about three months).
    recent_days: int = 90
    #: Surrogates in the significance test (block-shuffled series).
    n_surrogates: int = 1000
    #: Length of the shuffled blocks, in days: keeps the short-range persistence (a bad weekend).
    block_days: int = 3
    #: Time scales (days) at which the test looks for persistent highs and lows: much longer
    #: than a block, and whole weeks so that the weekday rhythm averages out.
    persistence_days: tuple[int, ...] = (7, 14, 21, 28)
    #: Seed of the surrogate test (same data, same p-value).
    seed: int = 20261125
    #: Days after an intimacy bid in which the partner's response is measured.
    bid_window_days: tuple[int, int] = (1, 7)
