"""Red flags: the patterns that, persisting, suggest it may be time to walk away."""

from __future__ import annotations

from pushpull.assess.chance import chance_odds
from pushpull.assess.context import ME, PARTNER, Context
from pushpull.assess.detectors import detector, finding
from pushpull.assess.findings import Evidence, Finding, Level, Metric
from pushpull.dynamics import Cycles

__all__ = [
    "abuse",
    "emotional_unavailability",
    "gaslighting",
    "lack_of_effort",
    "leading_cycles",
    "repeated_cycles",
]

ABUSIVE = ("threat", "insult", "control")
LEVEL_BY_POINTS: tuple[Level, ...] = ("none", "watch", "concern", "serious")


@detector("emotional_unavailability", kind="red_flag", title="Persistent unavailability")
def emotional_unavailability(ctx: Context) -> Finding:
    pursuit = ctx.dynamics.pursuit
    mine, theirs = ctx.messages(ME), ctx.messages(PARTNER)
    msg_share = theirs / (mine + theirs) if mine + theirs else 0.5
    my_reply, their_reply = pursuit.median_reply_s
    slow = (
        (their_reply + 30) / (my_reply + 30)
        if my_reply is not None and their_reply is not None
        else 1.0
    )
    my_open = int(ctx.dynamics.series(ME)["initiations"].sum())
    their_open = int(ctx.dynamics.series(PARTNER)["initiations"].sum())
    my_unanswered = pursuit.unanswered[0] / my_open if my_open else 0.0
    their_unanswered = pursuit.unanswered[1] / their_open if their_open else 0.0
    phases = ctx.dynamics.phases[PARTNER]
    still_distant = bool(phases) and phases[-1].state == "distant" and phases[-1].days >= 21
    reasons: list[str] = []
    if ctx.distant_share >= 0.4:
        reasons.append(f"was distant {round(100 * ctx.distant_share)}% of the time")
    if msg_share <= 0.35:
        reasons.append(f"wrote only {round(100 * msg_share)}% of the messages")
    if slow >= 3:
        # the threshold uses the smoothed ratio (steady on fast repliers); the words, the
        # plain one, which the metric below shows
        plain = (their_reply or 0.0) / my_reply if my_reply else slow
        reasons.append(f"took {plain:.0f} times as long as you to answer")
    if my_unanswered >= 0.3 and my_unanswered >= 2 * their_unanswered:
        reasons.append(f"left {round(100 * my_unanswered)}% of your openings unanswered")
    if still_distant:
        reasons.append(f"has been distant for the last {phases[-1].days} days")
    level = LEVEL_BY_POINTS[min(len(reasons), 3)]
    absent = ctx.distant_share >= 0.4 or msg_share <= 0.35 or still_distant
    if not absent and level in ("concern", "serious"):
        # Slow answers from someone who writes as much as you are a habit, not absence.
        level = "watch"
    if reasons:
        summary = f"{ctx.partner} " + ", ".join(reasons[:-1])
        summary += (" and " if len(reasons) > 1 else "") + reasons[-1] + "."
    else:
        summary = f"{ctx.partner} was generally there for the conversation."
    metrics = [
        Metric(
            name="distant_share",
            label=f"Share of days {ctx.partner} was distant",
            value=round(ctx.distant_share, 3),
            unit="share",
        ),
        Metric(
            name="message_share",
            label=f"{ctx.partner}'s share of all messages",
            value=round(msg_share, 3),
            baseline=0.5,
            unit="share",
        ),
        Metric(
            name="reply_delay_s",
            label=f"{ctx.partner}'s typical time to answer (yours under “usually”)",
            value=their_reply,
            baseline=my_reply,
            unit="seconds",
        ),
        Metric(
            name="unanswered_share",
            label="Share of your openings left unanswered (theirs under “usually”)",
            value=round(my_unanswered, 3),
            baseline=round(their_unanswered, 3),
            unit="share",
        ),
    ]
    return finding(
        ctx,
        "emotional_unavailability",
        level,
        0.5 + 0.15 * len(reasons),
        summary,
        Evidence(metrics=metrics),
    )


@detector("gaslighting", kind="red_flag", title="Gaslighting and manipulation", needs_phases=False)
def gaslighting(ctx: Context) -> Finding:
    """Denials of the user's memory ("that never happened", "ur remembering it wrong") and
    dismissals of their perception ("you're too sensitive"). One is not a pattern: concern
    needs two denials on different messages, a denial with two dismissals, or four dismissals.
    """
    denial, dismissal = ctx.total(("gaslighting",)), ctx.total(("dismissal",))
    n = denial + dismissal
    level: Level = "none" if n == 0 else "watch"
    if denial >= 2 or (denial >= 1 and dismissal >= 2) or dismissal >= 4:
        level = "concern"
    if denial >= 4 or n >= 7:
        level = "serious"
    if n:
        parts = []
        if denial:
            parts.append(
                f"{denial} message{'s' if denial != 1 else ''} denying what happened or what "
                'you remember ("that never happened", "you\'re imagining things")'
            )
        if dismissal:
            parts.append(
                f"{dismissal} dismissing how you see things "
                '("you\'re too sensitive", "you\'re overreacting")'
            )
        summary = f"{ctx.partner} wrote " + " and ".join(parts) + "."
        if level == "watch":
            summary += " Once is not a pattern; it is worth noticing if it happens again."
    else:
        summary = f"No messages from {ctx.partner} that deny what happened or question your memory."
    metrics = [
        Metric(
            name="denials", label="Messages denying what happened", value=denial, unit="messages"
        ),
        Metric(
            name="dismissals",
            label="Messages dismissing your perception",
            value=dismissal,
            unit="messages",
        ),
    ]
    return finding(
        ctx,
        "gaslighting",
        level,
        0.5 + 0.1 * min(n, 5),
        summary,
        Evidence(metrics=metrics, quotes=ctx.quotes(("gaslighting", "dismissal"))),
    )


def leading_cycles(ctx: Context) -> tuple[int, Cycles]:
    """The partner's cycles, or the user's when theirs are clearly stronger."""
    c = ctx.dynamics.cycles
    if c[ME].count >= 2 and c[ME].p_value < c[PARTNER].p_value and c[PARTNER].count < 2:
        return ME, c[ME]
    return PARTNER, c[PARTNER]


@detector("repeated_cycles", kind="red_flag", title="Repeated hot-and-cold cycles")
def repeated_cycles(ctx: Context) -> Finding:
    person, cyc = leading_cycles(ctx)
    who = ctx.partner if person == PARTNER else "you"
    level: Level = "none"
    p = cyc.p_value
    if (cyc.count >= 2 and p < 0.2) or (cyc.count >= 1 and p < 0.05):
        level = "watch"
    if cyc.count >= 2 and p < 0.05:
        level = "concern"
    if cyc.count >= 4 and p < 0.01:
        level = "serious"
    if cyc.count == 0:
        summary = "No repeating swing between warm and distant stretches."
    else:
        every = f", about every {round(cyc.mean_period_days)} days" if cyc.mean_period_days else ""
        summary = (
            f"{who[0].upper() + who[1:]} swung from warm to distant and back {cyc.count} "
            f"time{'s' if cyc.count != 1 else ''}{every}; shuffled copies of these days show "
            f"as many swings {chance_odds(p)}."
        )
    metrics = [
        Metric(name="cycles", label="Hot-and-cold cycles", value=cyc.count, unit="cycles"),
        Metric(
            name="mean_period_days",
            label="Typical length of one cycle",
            value=cyc.mean_period_days,
            unit="days",
        ),
        Metric(
            name="p_value",
            label=f"Chance of a pattern this strong in {cyc.n_surrogates} shuffled versions",
            value=p,
            unit="probability",
        ),
        Metric(
            name="strength",
            label="Share of day-to-day ups and downs explained by the phases",
            value=round(cyc.strength, 3),
            unit="share",
        ),
    ]
    for s in cyc.swings:
        metrics.append(
            Metric(
                name=f"{s.to.state}_stretch",
                label=f"{'Distant' if s.to.state == 'distant' else 'Warm'} stretch of {who}",
                value=round(s.to.level, 2),
                baseline=round(s.frm.level, 2),
                unit="(0 = usual)",
                start=s.to.start,
                end=s.to.end,
            )
        )
    strength = 0.4 + 0.3 * min(1.0, cyc.count / 4) + (0.3 if p < 0.05 else 0.0)
    return finding(ctx, "repeated_cycles", level, strength, summary, Evidence(metrics=metrics[:24]))


@detector("lack_of_effort", kind="red_flag", title="One-sided effort")
def lack_of_effort(ctx: Context) -> Finding:
    overall = ctx.dynamics.effort
    shares = [s for s in (overall.initiations, overall.words, overall.questions) if s is not None]
    mine = sum(shares) / len(shares) if shares else 0.5
    theirs = 1.0 - mine
    periods = [p for p in ctx.dynamics.effort_periods if p.messages is not None]
    low = [
        p
        for p in periods
        if p.initiations is not None and p.words is not None and (p.initiations + p.words) / 2 > 0.6
    ]
    steady = len(low) / len(periods) if periods else 0.0
    level: Level = "none"
    if theirs < 0.38:
        level = "watch"
    if theirs < 0.3 and steady >= 0.6:
        level = "concern"
    if theirs < 0.2 and steady >= 0.75:
        level = "serious"
    if level == "none":
        summary = "The effort of keeping in touch was shared."
    else:
        unit = "weeks" if periods and (periods[0].end - periods[0].start).days < 8 else "months"
        parts = [
            f"{what} {round(100 * share)}% of the {noun}"
            for what, noun, share in (
                ("started", "conversations", overall.initiations),
                ("wrote", "words", overall.words),
                ("asked", "questions", overall.questions),
            )
            if share is not None
        ]
        summary = (
            "You "
            + ", ".join(parts[:-1])
            + (" and " if len(parts) > 1 else "")
            + parts[-1]
            + f"; most of the effort came from you in {len(low)} of {len(periods)} {unit}."
        )
    metrics = [
        Metric(
            name="my_initiation_share",
            label="Your share of the conversations started",
            value=overall.initiations,
            baseline=0.5,
            unit="share",
        ),
        Metric(
            name="my_word_share",
            label="Your share of the words written",
            value=overall.words,
            baseline=0.5,
            unit="share",
        ),
        Metric(
            name="my_question_share",
            label="Your share of the questions asked",
            value=overall.questions,
            baseline=0.5,
            unit="share",
        ),
    ]
    return finding(
        ctx, "lack_of_effort", level, 0.5 + 0.5 * steady, summary, Evidence(metrics=metrics)
    )


@detector("abuse", kind="red_flag", title="Disrespect or abuse", needs_phases=False)
def abuse(ctx: Context) -> Finding:
    counts = {f: ctx.total((f,)) for f in ABUSIVE}
    n = sum(counts.values())
    level: Level = "none"
    if n >= 1:
        level = "watch"
    if counts["threat"] >= 1 or n >= 2:
        level = "concern"
    if (counts["threat"] >= 1 and n >= 3) or n >= 5:
        level = "serious"
    if n == 0:
        summary = f"No threats, insults or controlling messages from {ctx.partner}."
    else:
        kinds = {"threat": "a threat", "insult": "an insult", "control": "control"}
        parts = [f"{v} with {kinds[k]}" for k, v in counts.items() if v]
        total = sum(counts.values())
        summary = (
            f"{ctx.partner} sent {total} message{'s' if total != 1 else ''} that read as "
            "threatening, insulting or controlling (" + ", ".join(parts) + ")."
        )
    metrics = [
        Metric(name=f"{k}_messages", label=f"Messages with {k}", value=v, unit="messages")
        for k, v in counts.items()
    ]
    return finding(
        ctx,
        "abuse",
        level,
        0.6 + 0.08 * min(n, 5),
        summary,
        Evidence(metrics=metrics, quotes=ctx.quotes(ABUSIVE)),
    )
