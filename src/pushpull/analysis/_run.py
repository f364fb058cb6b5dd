"""The whole analysis: prepare, mark, measure, assess, and write the result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import polars as pl

from pushpull.analysis._input import prepare
from pushpull.analysis._result import (
    Advice,
    Analysis,
    BidDay,
    Bids,
    Cycles,
    CyclesBrief,
    DayPoint,
    Effort,
    EffortShares,
    Period,
    PersonSummary,
    PhaseContrast,
    PhaseOut,
    PullBack,
    PursueWithdraw,
    Recent,
    Resource,
    Safety,
    SharedChange,
    Swing,
)
from pushpull.assess import Assessment, Context, assess, judge_sufficiency
from pushpull.assess.flags import leading_cycles
from pushpull.assess.guidance import choose_explanations, choose_guidance
from pushpull.assess.safety import (
    safety_first,
    safety_headline,
    safety_note,
    safety_resources,
)
from pushpull.dynamics import Dynamics, DynamicsConfig, EffortPeriod, Pursuit, run_dynamics
from pushpull.signals import detect_language, mark_frame, set_aside_teasing

__all__ = ["analyze"]


#: What the analysis tells a progress display as each step starts: (step, of, what it does).
Progress = Callable[[int, int, str], None]
#: The steps, in order (``{n}``: the number of messages).
STEPS = (
    "Reading the messages",
    "Reading the words of {n:,} messages",
    "Finding warm and distant phases, cycles and who pursues",
    "Weighing the signs and choosing what to suggest",
)


def analyze(
    messages: Any,
    *,
    me: str | None = None,
    partner: str | None = None,
    since: date | None = None,
    until: date | None = None,
    lang: str | None = None,
    conversation: str | None = None,
    config: DynamicsConfig | None = None,
    progress: Progress | None = None,
) -> Analysis:
    """Analyse a two-person conversation.

    ``messages``: a Polars or pandas frame with columns ``ts`` (datetime), ``sender``, ``text``
    and optionally ``kind`` (system notices and reactions are set aside) and ``from_me``.
    ``me`` is the user (default: the ``from_me`` sender, else whoever wrote first); ``partner``
    the other person (needed only when more than two people wrote). ``since``/``until`` limit
    the dates (inclusive). ``lang`` overrides the detected language. ``progress`` is told each
    step as it starts (see :data:`STEPS`).
    """

    def step(index: int, **names: object) -> None:
        if progress is not None:
            progress(index + 1, len(STEPS), STEPS[index].format(**names))

    step(0)
    prepared = prepare(messages, me=me, partner=partner, since=since, until=until)
    frame = prepared.frame
    sample = frame["text"].head(5000).to_list()
    language = lang or detect_language(sample)
    step(1, n=frame.height)
    marked = set_aside_teasing(mark_frame(frame, language))
    step(2)
    dyn = run_dynamics(marked, config, first=prepared.first, last=prepared.last)
    step(3)
    days = (dyn.last - dyn.first).days + 1
    counts = frame.group_by("person").len()
    n_by = dict(counts.iter_rows())
    sufficiency = judge_sufficiency(days, n_by.get(0, 0), n_by.get(1, 0))
    ctx = Context(
        dynamics=dyn,
        me=prepared.me,
        partner=prepared.partner,
        sufficiency=sufficiency,
        lang=language,
    )
    found = assess(ctx)
    levels = found.levels
    names = (prepared.me, prepared.partner)
    # With too little to go on nobody is named as chasing, here and in the guidance alike.
    pursuit = dyn.pursuit if sufficiency.enough else replace(dyn.pursuit, pursuer=None)
    me_pursues = None if pursuit.pursuer is None else pursuit.pursuer == 0
    pull = dyn.pull_back.present
    low = not sufficiency.enough
    # With hot-and-cold cycles found, "you both text less" would explain away a withdrawal.
    cycling = levels.get("repeated_cycles", "none") in ("concern", "serious")
    safety = None
    if safety_first(levels):
        safety = Safety(
            headline=safety_headline(language),
            note=safety_note(language),
            resources=[Resource(**vars_of(r)) for r in safety_resources(language)],
        )
    return Analysis(
        safety=safety,
        conversation=conversation,
        me=prepared.me,
        partner=prepared.partner,
        period=Period(start=dyn.first, end=dyn.last, days=days),
        language=language,
        headline=_headline(ctx, found),
        data_sufficiency=sufficiency,
        people=[_person(dyn, p, names) for p in (0, 1)],
        phases=[
            PhaseOut(
                person=names[ph.person],
                state=ph.state,
                start=ph.start,
                end=ph.end,
                days=ph.days,
                level=round(ph.level, 3) + 0.0,  # + 0.0: never -0.0 from rounding noise
            )
            for p in (0, 1)
            for ph in dyn.phases[p]
        ],
        cycles=_cycles(ctx, names),
        pursue_withdraw=_pursuit(pursuit, names, enough=sufficiency.enough),
        bids=_bids(dyn, names),
        effort=Effort(
            overall=_shares(dyn.effort), periods=[_shares(p) for p in dyn.effort_periods]
        ),
        shared_change=_shared(dyn, names) if sufficiency.enough and not cycling else None,
        recent=_recent(ctx, names) if sufficiency.enough else None,
        signs=found.signs,
        red_flags=found.red_flags,
        guidance=[
            Advice(id=a.id, title=a.title, text=a.text, because=list(a.because))
            for a in choose_guidance(
                levels, me_pursues=me_pursues, pull_back=pull, low_data=low, lang=language
            )
        ],
        explanations=[
            Advice(id=a.id, title=a.title, text=a.text, because=list(a.because))
            for a in choose_explanations(
                levels, me_pursues=me_pursues, pull_back=pull, lang=language
            )
        ],
        timeline=_timeline(dyn, names),
    )


def vars_of(obj: Any) -> dict[str, Any]:
    """The fields of a slotted dataclass as a dict."""
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}


def _months(days: int) -> str:
    if days < 60:
        weeks = max(1, round(days / 7))
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    months = round(days / 30.4)
    if months < 24:
        return f"{months} months"
    return f"{days / 365.25:.1f} years".replace(".0 ", " ")


def _headline(ctx: Context, found: Assessment) -> str:
    dyn = ctx.dynamics
    span = _months((dyn.last - dyn.first).days + 1)
    if not ctx.sufficiency.enough:
        suf = ctx.sufficiency
        return (
            f"Over {span} ({suf.days} days, {suf.messages:,} messages) there is too little to go "
            "on yet to see a pattern."
        )
    if safety_first(found.levels):
        return (
            f"Over {span}, some of {ctx.partner}'s messages look like threats, insults or "
            "control. Your safety comes first."
        )
    person, cyc = leading_cycles(ctx)
    who = "" if person == 1 else " (in your own messages)"
    flag = next(f for f in found.red_flags if f.id == "repeated_cycles")
    if cyc.count >= 1 and flag.level != "none":
        every = ""
        if cyc.mean_period_days:
            weeks = cyc.mean_period_days / 7
            every = (
                f", about every {round(weeks)} weeks"
                if weeks >= 2
                else f", about every {round(cyc.mean_period_days)} days"
            )
        chance = (
            "this is very unlikely to be chance"
            if cyc.p_value < 0.01
            else "this is unlikely to be chance"
            if cyc.p_value < 0.05
            else "this could still be chance"
        )
        plural = "s" if cyc.count != 1 else ""
        return f"Over {span} we found {cyc.count} hot-and-cold cycle{plural}{who}{every}; {chance}."
    worst = max(
        (f for f in [*found.red_flags, *found.signs] if f.level in ("concern", "serious")),
        key=lambda f: ("none", "watch", "concern", "serious").index(f.level),
        default=None,
    )
    if worst is not None:
        return (
            f"Over {span} we found no hot-and-cold cycle, but one thing needs attention: "
            f"{worst.title.lower()}."
        )
    return f"Over {span} we found no hot-and-cold pattern; things look steady."


def _person(dyn: Dynamics, p: int, names: tuple[str, str]) -> PersonSummary:
    rows = dyn.series(p)
    mine = dyn.messages.filter(pl.col("person") == p)
    days = {"warm": 0, "neutral": 0, "distant": 0, "quiet": 0}
    for ph in dyn.phases[p]:
        days[ph.state] += ph.days
    reply = mine["reply_s"].median()
    return PersonSummary(
        name=names[p],
        is_me=p == 0,
        messages=int(rows["messages"].sum()),
        words=int(rows["words"].sum()),
        initiations=int(rows["initiations"].sum()),
        median_reply_s=float(reply) if isinstance(reply, (int, float)) else None,
        double_texts=int(rows["double_texts"].sum()),
        barrages=int(rows["barrages"].sum()),
        unanswered_openings=int(rows["unanswered"].sum()),
        days_warm=days["warm"],
        days_neutral=days["neutral"],
        days_distant=days["distant"],
        days_quiet=days["quiet"],
    )


def _cycles(ctx: Context, names: tuple[str, str]) -> Cycles:
    person, cyc = leading_cycles(ctx)
    return Cycles(
        person=names[person],
        count=cyc.count,
        mean_period_days=None if cyc.mean_period_days is None else round(cyc.mean_period_days, 1),
        p_value=round(cyc.p_value, 4),
        strength=round(cyc.strength, 3),
        regularity=None if cyc.regularity is None else round(cyc.regularity, 3),
        amplitude=None if cyc.amplitude is None else round(cyc.amplitude, 3),
        n_surrogates=cyc.n_surrogates,
        swings=[
            Swing(
                to_state=s.to.state, start=s.to.start, end=s.to.end, amplitude=round(s.amplitude, 3)
            )
            for s in cyc.swings
        ],
        by_person={
            names[p]: CyclesBrief(
                count=c.count,
                mean_period_days=None
                if c.mean_period_days is None
                else round(c.mean_period_days, 1),
                p_value=round(c.p_value, 4),
                strength=round(c.strength, 3),
            )
            for p, c in ctx.dynamics.cycles.items()
        },
    )


def _pursuit_summary(pw: Pursuit, partner: str) -> str:
    """Who chases, with the figures; said plainly and kindly when it is the user who pulls back."""
    follow = [pw.double_texts[p] + pw.barrages[p] for p in (0, 1)]
    where = ""
    if pw.focus == 1:
        where = f"While {partner} was distant ({pw.focus_days} days), "
    elif pw.focus == 0:
        where = f"In the stretches when you went quiet ({pw.focus_days} days), "
    if pw.pursuer == 0:
        text = (
            f"{where}you followed up unanswered messages {follow[0]} times and {partner} "
            f"{follow[1]} times; you started {round(100 * pw.initiation_share[0])}% of the "
            f"conversations. You are the one pursuing, and {partner} the one pulling back."
        )
    else:
        text = (
            f"{where}{partner} followed up unanswered messages {follow[1]} times and you "
            f"{follow[0]} times; {partner} started {round(100 * pw.initiation_share[1])}% of the "
            f"conversations. Here it is {partner} who pursues and you who pull back. That is "
            "not a judgement: people step back for many reasons. It may help to tell "
            f"{partner} what the quiet spells are about."
        )
    return text[0].upper() + text[1:]


def _pursuit(pw: Pursuit, names: tuple[str, str], *, enough: bool) -> PursueWithdraw:
    me, partner = names
    if not enough:
        summary = "There is too little yet to say whether one of you chases the other."
    elif pw.pursuer is None:
        summary = (
            "Neither of you clearly chases the other: starting conversations and following up "
            "are shared."
        )
    else:
        summary = _pursuit_summary(pw, partner)
    return PursueWithdraw(
        pursuer=None if pw.pursuer is None else names[pw.pursuer],
        withdrawer=None if pw.pursuer is None else names[1 - pw.pursuer],
        score=pw.score,
        summary=summary,
        initiation_share={me: pw.initiation_share[0], partner: pw.initiation_share[1]},
        double_texts={me: pw.double_texts[0], partner: pw.double_texts[1]},
        barrages={me: pw.barrages[0], partner: pw.barrages[1]},
        unanswered_openings={me: pw.unanswered[0], partner: pw.unanswered[1]},
        median_reply_s={me: pw.median_reply_s[0], partner: pw.median_reply_s[1]},
        slower_reply_share=pw.slower_reply_share,
        measured_on="the whole conversation"
        if pw.focus is None
        else ("your" if pw.focus == 0 else f"{partner}'s") + " distant stretches",
        measured_days=pw.focus_days,
        components=pw.components,
        during_other_phases=[
            PhaseContrast(
                person=names[c.person],
                messages_per_day_other_warm=c.messages_per_day_other_warm,
                messages_per_day_other_distant=c.messages_per_day_other_distant,
                follow_ups_per_day_other_warm=c.follow_ups_per_day_other_warm,
                follow_ups_per_day_other_distant=c.follow_ups_per_day_other_distant,
            )
            for c in pw.contrasts
        ],
    )


def _month(d: date) -> str:
    return f"{d:%B} {d.year}"


def _shared(dyn: Dynamics, names: tuple[str, str]) -> SharedChange | None:
    sc = dyn.shared
    if sc is None:
        return None
    fall = round(100 * (1.0 - sum(sc.after) / sum(sc.before)))
    if sc.gradual:
        said = (
            f"You have both been texting gradually less since {_month(sc.since)} (about {fall}% "
            "fewer messages a day in the last third than in the first, each of you by a "
            "similar amount)."
        )
    else:
        said = (
            f"You both text less since {_month(sc.since)} (about {fall}% fewer messages a day, "
            "each of you by a similar amount)."
        )
    summary = (
        f"{said} When both people drop together it is often a change in life, such as moving "
        "in or a new job, not someone pulling away."
    )
    return SharedChange(
        since=sc.since,
        messages_per_day_before={names[p]: sc.before[p] for p in (0, 1)},
        messages_per_day_after={names[p]: sc.after[p] for p in (0, 1)},
        summary=summary,
    )


def _recent(ctx: Context, names: tuple[str, str]) -> Recent | None:
    r = ctx.dynamics.recent
    if r is None:
        return None
    span = _months(r.days)
    cycled = ctx.dynamics.cycles[1].count + ctx.dynamics.cycles[0].count > 0
    if r.calm:
        summary = f"The last {span} have been calm: no distant stretch from either of you"
        if cycled and r.last_distant_end is not None:
            summary += f" since {r.last_distant_end:%-d %B %Y}"
        summary += "."
    else:
        parts = [
            f"{'you' if p == 0 else names[1]} {r.distant_days[p]} days distant"
            for p in (0, 1)
            if r.distant_days[p]
        ]
        summary = f"The last {span} were not calm: " + " and ".join(parts) + "."
    return Recent(
        start=r.start,
        days=r.days,
        calm=r.calm,
        distant_days={names[p]: r.distant_days[p] for p in (0, 1)},
        summary=summary,
    )


def _bids(dyn: Dynamics, names: tuple[str, str]) -> Bids:
    b, pb = dyn.bids, dyn.pull_back
    partner = names[1]
    if not b.n_bid_days or b.mean_response is None:
        summary = "There were too few warm reach-outs from you to see how they were answered."
    elif (b.share_followed_by_withdrawal or 0) >= 0.3:
        summary = (
            f"After {round(100 * (b.share_followed_by_withdrawal or 0))}% of the days you reached "
            f"out warmly, {partner} pulled back over the following week."
        )
    else:
        summary = f"{partner} usually stayed as engaged after you reached out warmly."
    if pb.present:
        summary += f" When you held back, {partner} tended to come closer again."
    return Bids(
        n_bid_days=b.n_bid_days,
        mean_response=b.mean_response,
        share_followed_by_withdrawal=b.share_followed_by_withdrawal,
        summary=summary,
        worst=[BidDay(date=x.on, n_bids=x.n_bids, response=x.response) for x in b.worst],
        pull_back=PullBack(
            n_events=pb.n_events,
            mean_response=pb.mean_response,
            present=pb.present,
            events=[BidDay(date=x.on, n_bids=x.n_bids, response=x.response) for x in pb.events],
        ),
    )


def _shares(e: EffortPeriod) -> EffortShares:
    return EffortShares(
        start=e.start,
        end=e.end,
        initiations=e.initiations,
        words=e.words,
        questions=e.questions,
        messages=e.messages,
    )


def _timeline(dyn: Dynamics, names: tuple[str, str]) -> list[DayPoint]:
    rows = dyn.daily.select("date", "person", "messages", "engagement", "smoothed")
    return [
        DayPoint(
            date=d,
            person=names[p],
            messages=int(m),
            engagement=round(float(e), 3),
            smoothed=round(float(s), 3),
        )
        for d, p, m, e, s in rows.iter_rows()
    ]
