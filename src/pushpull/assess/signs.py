"""The five signs of a push–pull dynamic, each measured on the partner's distant stretches
against their other days (signs are *changes*: someone who is always the same shows none)."""

from __future__ import annotations

from pushpull.assess.context import ME, PARTNER, Context
from pushpull.assess.detectors import detector, finding
from pushpull.assess.findings import Evidence, Finding, Level, Metric

__all__ = [
    "communication_breakdown",
    "emotional_distancing",
    "future_avoidance",
    "increased_solitude",
    "irritability",
]

IRRITABLE = ("criticism", "contempt", "defensiveness", "stonewalling")


def _stretches(ctx: Context) -> str:
    n = len(ctx.distant_phases)
    days = sum(p.days for p in ctx.distant_phases)
    return f"{n} distant stretch{'es' if n != 1 else ''} ({days} days)"


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


@detector("emotional_distancing", kind="sign", title="Emotional distancing")
def emotional_distancing(ctx: Context) -> Finding:
    close = ctx.per_message(("affection", "disclosure"))
    warmth = ctx.per_day("warmth")
    start, end = ctx.span_of(ctx.distant_phases)
    n = len(ctx.distant_phases)
    drop = close.drop
    warmth_fall = (
        warmth.other - warmth.distant
        if warmth.other is not None and warmth.distant is not None
        else None
    )
    level: Level = "none"
    if n and drop is not None:
        if drop >= 0.3:
            level = "watch"
        if drop >= 0.5 and ctx.distant_share >= 0.15:
            level = "concern"
        if drop >= 0.7 and (n >= 3 or ctx.distant_share >= 0.35):
            level = "serious"
    elif n and warmth_fall is not None and warmth_fall >= 0.2:
        level = "watch"
    if level == "none":
        summary = f"No stretch stands out in which {ctx.partner} grew clearly colder."
    elif drop is not None:
        summary = (
            f"During {_stretches(ctx)}, {ctx.partner}'s messages carried {_pct(drop)} less "
            "affection and openness than at other times."
        )
    else:
        summary = f"During {_stretches(ctx)}, {ctx.partner}'s messages sounded noticeably cooler."
    metrics = [
        Metric(
            name="closeness_per_message",
            label=f"Affection and openness per message from {ctx.partner} (distant vs other days)",
            value=close.distant,
            baseline=close.other,
            unit="per message",
            start=start,
            end=end,
        ),
        Metric(
            name="warmth",
            label=f"Average warmth of {ctx.partner}'s messages (-1 to 1)",
            value=warmth.distant,
            baseline=warmth.other,
            start=start,
            end=end,
        ),
    ]
    quotes = ctx.quotes(("distancing", "deflection"), within=ctx.distant_phases) if n else []
    return finding(
        ctx,
        "emotional_distancing",
        level,
        0.5 + 0.5 * min(1.0, n / 3),
        summary,
        Evidence(metrics=metrics, quotes=quotes),
    )


@detector("communication_breakdown", kind="sign", title="Communication breakdown")
def communication_breakdown(ctx: Context) -> Finding:
    volume = ctx.per_day("messages")
    depth = ctx.per_message(("words",))
    reply = ctx.median_reply()
    start, end = ctx.span_of(ctx.distant_phases)
    n = len(ctx.distant_phases)
    fewer, slower, shallower = volume.drop, reply.ratio, depth.drop
    level: Level = "none"
    if n and fewer is not None:
        slow = slower or 1.0
        if fewer >= 0.4 or slow >= 2:
            level = "watch"
        if fewer >= 0.6 and (slow >= 2 or (shallower or 0) >= 0.3) and ctx.distant_share >= 0.15:
            level = "concern"
        if fewer >= 0.75 and slow >= 3 and n >= 2:
            level = "serious"
    if level == "none":
        summary = f"{ctx.partner} kept writing about as often and as fully as usual."
    else:
        parts = [f"{ctx.partner} wrote {_pct(fewer or 0)} fewer messages a day"]
        if slower and slower >= 1.5:
            parts.append(f"took {slower:.1f} times as long to answer")
        if shallower and shallower >= 0.2:
            parts.append(f"used {_pct(shallower)} fewer words per message")
        summary = f"During {_stretches(ctx)}, " + ", ".join(parts[:-1])
        summary += (" and " if len(parts) > 1 else "") + parts[-1] + "."
        if len(parts) == 1:
            summary = f"During {_stretches(ctx)}, {parts[0]}."
    metrics = [
        Metric(
            name="messages_per_day",
            label=f"Messages a day from {ctx.partner} (distant vs other days)",
            value=volume.distant,
            baseline=volume.other,
            unit="per day",
            start=start,
            end=end,
        ),
        Metric(
            name="reply_delay_s",
            label=f"{ctx.partner}'s typical time to answer (waking hours)",
            value=reply.distant,
            baseline=reply.other,
            unit="seconds",
            start=start,
            end=end,
        ),
        Metric(
            name="words_per_message",
            label=f"Words per message from {ctx.partner}",
            value=depth.distant,
            baseline=depth.other,
            unit="words",
            start=start,
            end=end,
        ),
    ]
    return finding(
        ctx,
        "communication_breakdown",
        level,
        0.5 + 0.5 * min(1.0, n / 3),
        summary,
        Evidence(metrics=metrics),
    )


@detector("increased_solitude", kind="sign", title="More need for space")
def increased_solitude(ctx: Context) -> Finding:
    space = ctx.per_message(("distancing",))
    within = ctx.distant_phases
    n = len(within)
    hits_distant = ctx.total_distant(("distancing",))
    ratio = space.ratio if space.other else (float("inf") if (space.distant or 0) > 0 else None)
    level: Level = "none"
    if n and ratio is not None:
        if ratio >= 2 and hits_distant >= 3:
            level = "watch"
        if ratio >= 3 and hits_distant >= 5 and n >= 2:
            level = "concern"
        if ratio >= 4 and hits_distant >= 10 and n >= 3:
            level = "serious"
    if level == "none":
        summary = f"{ctx.partner} did not ask for space or time alone more than usual."
    else:
        summary = (
            f"{ctx.partner} spoke of being busy, needing space or not being able to talk "
            f"{hits_distant} times during {_stretches(ctx)}"
            + (f", {ratio:.1f} times as often as at other times." if ratio != float("inf") else ".")
        )
    start, end = ctx.span_of(within)
    metrics = [
        Metric(
            name="space_per_100_messages",
            label=f"Requests for space per 100 messages from {ctx.partner}",
            value=None if space.distant is None else 100 * space.distant,
            baseline=None if space.other is None else 100 * space.other,
            unit="per 100 messages",
            start=start,
            end=end,
        )
    ]
    return finding(
        ctx,
        "increased_solitude",
        level,
        0.5 + 0.5 * min(1.0, hits_distant / 10),
        summary,
        Evidence(metrics=metrics, quotes=ctx.quotes(("distancing",), within=within) if n else []),
    )


@detector(
    "irritability", kind="sign", title="Irritability and subtle aggression", needs_phases=False
)
def irritability(ctx: Context) -> Finding:
    n = ctx.total(IRRITABLE)
    rate, mine = ctx.rate(IRRITABLE), ctx.rate(IRRITABLE, ME)
    p_more, p_distant = ctx.more_than_me(IRRITABLE), ctx.more_when_distant(IRRITABLE)
    # Words that land badly, whatever the lexicon makes of them: how often you answered the
    # partner with hurt ("that's not funny", "that really hurt"), against the other way round.
    hurt_me, hurt_them = ctx.hurt_replies(ME), ctx.hurt_replies(PARTNER)
    hurt_one_sided = hurt_me >= 3 * max(hurt_them, 1)
    level: Level = "none"
    if n >= 3 and min(p_more, p_distant) < 0.1:
        level = "watch"
    if hurt_me >= 2 and hurt_one_sided:
        level = "watch"
    if n >= 5 and rate >= 0.5 and min(p_more, p_distant) < 0.01:
        level = "concern"
    if hurt_me >= 4 and hurt_one_sided:
        level = "concern"
    if n >= 10 and rate >= 1.5 and p_more < 0.001:
        level = "serious"
    parts: list[str] = []
    if n:
        parts.append(
            f"{ctx.partner} sent {n} critical, contemptuous, defensive or shutting-down "
            f"messages ({rate:.1f} per 100 messages; yours: {mine:.1f})"
        )
    if hurt_me >= 2:
        parts.append(
            f"{hurt_me} times you answered {ctx.partner} by saying it hurt or was not funny "
            f"({ctx.partner} said so to you {hurt_them} time{'s' if hurt_them != 1 else ''})"
        )
    if level == "none":
        summary = f"Little criticism, contempt or defensiveness from {ctx.partner}."
    else:
        summary = "; ".join(parts) + "."
    playful = ctx.total(("playful",)) if "playful" in ctx.dynamics.daily.columns else 0
    if playful:
        summary += (
            f" {playful} teasing remark{'s' if playful != 1 else ''} that came with laughter "
            "and no hurt reply were not counted."
        )
    metrics = [
        Metric(
            name="irritable_per_100_messages",
            label=f"Critical, contemptuous, defensive or stonewalling messages from {ctx.partner}",
            value=rate,
            baseline=mine,
            unit="per 100 messages",
        )
    ]
    return finding(
        ctx,
        "irritability",
        level,
        0.4 + 0.06 * min(n, 10),
        summary,
        Evidence(
            metrics=[
                *metrics,
                Metric(
                    name="hurt_replies",
                    label=f"Times you answered {ctx.partner} with hurt (theirs under “usually”)",
                    value=hurt_me,
                    baseline=hurt_them,
                    unit="messages",
                ),
            ],
            quotes=(
                [*ctx.hurt_quotes(limit=2), *ctx.quotes(IRRITABLE)]
                if hurt_me >= 2
                else ctx.quotes(IRRITABLE)
            )[:5],
        ),
    )


@detector("future_avoidance", kind="sign", title="Avoiding future plans", needs_phases=False)
def future_avoidance(ctx: Context) -> Finding:
    n = ctx.total(("deflection",))
    rate, mine = ctx.rate(("deflection",)), ctx.rate(("deflection",), ME)
    theirs_future, my_future = ctx.total(("future",)), ctx.total(("future",), ME)
    share = theirs_future / (theirs_future + my_future) if theirs_future + my_future else None
    p_more = ctx.more_than_me(("deflection",))
    p_distant = ctx.more_when_distant(("deflection",))
    few_plans = share is None or share <= 0.4
    # Hedging ("maybe", "not sure yet") from someone who never grows distant is a way of
    # talking; it becomes avoidance when it comes with the distant stretches.
    distant = bool(ctx.distant_phases)
    level: Level = "none"
    if n >= 3 and min(p_more, p_distant) < 0.1:
        level = "watch"
    if distant and n >= 5 and ((p_more < 0.01 and few_plans) or p_distant < 0.01):
        level = "concern"
    if distant and n >= 10 and p_more < 0.001 and share is not None and share <= 0.3:
        level = "serious"
    if level == "none":
        summary = f"{ctx.partner} did not noticeably dodge talk of plans or the future."
    else:
        summary = (
            f'{ctx.partner} deflected talk of the future {n} times ("we\'ll see", '
            f'"not sure what this is")'
            + (
                f", and made {_pct(share)} of the plans you two talked about."
                if share is not None
                else "."
            )
        )
    metrics = [
        Metric(
            name="deflections_per_100_messages",
            label=f"Deflections per 100 messages from {ctx.partner} (yours under “usually”)",
            value=rate,
            baseline=mine,
            unit="per 100 messages",
        ),
        Metric(
            name="future_share",
            label=f"{ctx.partner}'s share of the plans and future talk",
            value=share,
            baseline=0.5,
            unit="share",
        ),
    ]
    return finding(
        ctx,
        "future_avoidance",
        level,
        0.4 + 0.06 * min(n, 10),
        summary,
        Evidence(metrics=metrics, quotes=ctx.quotes(("deflection",))),
    )
