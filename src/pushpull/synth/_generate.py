"""Make a realistic two-person conversation whose dynamics are known.

The model, in short. Each person has a daily *engagement* in 0..1 set by the scenario (with
AR(1) day-to-day noise). Each day holds a Poisson number of *bouts* (conversations), more on
evenings and weekends and none in sleeping hours. A bout's initiator is drawn in proportion to
engagement (a pursuer initiates more). Inside a bout people take turns sending bursts of 1..n
messages; the other's reply delay grows as their engagement falls, and a low-engagement person
may not answer at all, which is when a pursuer double-texts or sends a barrage. Message texts
come from phrase banks by mood (``data/synth/phrases.json``), with emoji, multi-line messages,
media, stickers, calls, deletions, edits, reactions, polls and locations mixed in.

Canonical texts of the non-text kinds (each export renderer maps these to its own markers):
MEDIA: the caption ("" if none) with one attachment name; STICKER: "" with the sticker file;
DELETED: ""; EDITED: the new text; CALL: "Voice call", "Missed voice call" or "Missed video
call"; REACTION: the emoji, ``reply_to`` the target's record id; POLL: the question; LOCATION:
a maps URL; SYSTEM: sender "" and the notice text.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources

from pushpull.model import Kind, Message
from pushpull.synth._chat import GroundTruth, Phase, SynthChat

SCENARIOS = ("stable", "hot_cold", "pursue_withdraw", "gaslighting", "abuse")

ENCRYPTION_NOTICE = "Messages and calls are end-to-end encrypted."


@dataclass(frozen=True, slots=True, kw_only=True)
class Rhythm:
    """Tunable shape of the daily rhythm; the defaults look like a couple who text a lot."""

    #: Engagement of a warm, neutral and distant person.
    warm: float = 0.9
    neutral: float = 0.6
    distant: float = 0.15
    #: Day-to-day noise (AR(1) standard deviation and persistence).
    noise_sd: float = 0.06
    noise_ar: float = 0.6
    #: Share of messages that are one of the non-text kinds (when extras are on).
    media: float = 0.03
    sticker: float = 0.01
    deleted: float = 0.005
    edited: float = 0.01
    call: float = 0.005
    reaction: float = 0.01
    poll: float = 0.002
    location: float = 0.002
    multiline: float = 0.02
    spanish: float = 0.02
    #: Planted messages per gaslighting / abuse scenario.
    n_planted: int = 6


@cache
def _phrases() -> dict[str, list[str]]:
    text = resources.files("pushpull").joinpath("data/synth/phrases.json").read_text("utf-8")
    data: dict[str, list[str]] = json.loads(text)
    return data


@cache
def _names() -> list[str]:
    text = resources.files("pushpull").joinpath("data/synth/names.txt").read_text("utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _state(e: float, rhythm: Rhythm) -> str:
    if e >= (rhythm.warm + rhythm.neutral) / 2:
        return "warm"
    if e <= (rhythm.distant + rhythm.neutral) / 2:
        return "distant"
    return "neutral"


def _phase_plan(
    scenario: str, days: int, n_cycles: int, rng: random.Random
) -> list[tuple[int, int, str]]:
    """The partner's phases as (first day, last day, state), day numbers from 0."""
    if scenario != "hot_cold":
        return [(0, days - 1, "neutral")]
    n_cycles = max(1, n_cycles)
    # n cycles = n warm phases each followed by a distant one, then a final warm phase.
    n_phases = 2 * n_cycles + 1
    weights = [rng.uniform(0.7, 1.3) for _ in range(n_phases)]
    weights[-1] *= 0.6
    total = sum(weights)
    bounds: list[tuple[int, int, str]] = []
    start = 0
    for i, w in enumerate(weights):
        end = days - 1 if i == n_phases - 1 else start + max(3, round(days * w / total)) - 1
        bounds.append((start, min(end, days - 1), "warm" if i % 2 == 0 else "distant"))
        start = end + 1
        if start >= days:
            break
    return bounds


def generate(
    scenario: str = "stable",
    *,
    seed: int = 0,
    days: int = 120,
    start: date = date(2025, 1, 6),
    n_cycles: int = 4,
    messages_per_day: float = 30.0,
    me: str | None = None,
    partner: str | None = None,
    pursuer: str = "me",
    extras: bool = True,
    utc_offset_s: int | None = None,
    rhythm: Rhythm = Rhythm(),
) -> SynthChat:
    """A conversation for ``scenario`` (one of ``SCENARIOS``); same arguments, same result."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; choose from {', '.join(SCENARIOS)}")
    rng = random.Random(f"{scenario}:{seed}")
    names = _names()
    me = me or rng.choice(names)
    partner = partner or rng.choice([n for n in names if n != me])
    if utc_offset_s is None:
        utc_offset_s = int(rng.choice([-5, -3, 0, 1, 2, 3, 5.5, 8, 9]) * 3600)
    offset: int = utc_offset_s
    phrases = _phrases()

    plan = _phase_plan(scenario, days, n_cycles, rng)
    partner_level = [rhythm.neutral] * days
    for first, last, state in plan:
        level = getattr(rhythm, state)
        for d in range(first, last + 1):
            partner_level[d] = level
    me_level = [rhythm.neutral + 0.1] * days
    pursuing = scenario == "pursue_withdraw"
    pursuer_name = (me if pursuer == "me" else partner) if pursuing else None
    withdrawer_name = (partner if pursuer_name == me else me) if pursuing else None
    if pursuing:
        hi, lo = rhythm.warm - 0.05, rhythm.distant + 0.15
        me_level = [hi if pursuer_name == me else lo] * days
        partner_level = [lo if pursuer_name == me else hi] * days

    def noisy(levels: list[float]) -> list[float]:
        out, z = [], 0.0
        for level in levels:
            z = rhythm.noise_ar * z + rng.gauss(0, rhythm.noise_sd)
            out.append(min(1.0, max(0.02, level + z)))
        return out

    eng = {me: noisy(me_level), partner: noisy(partner_level)}

    messages: list[Message] = []
    planted: dict[str, list[Message]] = {"gaslighting": [], "abuse": []}
    plant_days: set[int] = set()
    if scenario in ("gaslighting", "abuse"):
        plant_days = set(rng.sample(range(2, days), min(rhythm.n_planted, days - 2)))

    def add(msg: Message) -> None:
        messages.append(msg)

    def pick_text(speaker: str, day: int, pursuit: bool) -> str:
        if pursuit:
            return rng.choice(phrases["pursue"])
        r = rng.random()
        if r < rhythm.multiline:
            return rng.choice(phrases["multiline"])
        if r < rhythm.multiline + rhythm.spanish:
            return rng.choice(phrases["spanish"])
        state = _state(eng[speaker][day], rhythm)
        mood = {"warm": (0.55, 0.0), "neutral": (0.12, 0.04), "distant": (0.0, 0.55)}[state]
        r = rng.random()
        if r < mood[0]:
            return rng.choice(phrases["warm"])
        if r < mood[0] + mood[1]:
            return rng.choice(phrases["distant"])
        return rng.choice(phrases["neutral"])

    def make(at: datetime, speaker: str, day: int, pursuit: bool) -> Message:
        idx = len(messages)

        def msg(
            text: str,
            kind: Kind = Kind.TEXT,
            attachments: tuple[str, ...] = (),
            reply_to: str | None = None,
        ) -> Message:
            return Message(
                sent_at=at,
                sender=speaker,
                text=text,
                kind=kind,
                from_me=speaker == me,
                record_id=f"m{idx}",
                utc_offset_s=offset,
                attachments=attachments,
                reply_to=reply_to,
            )

        stamp = at.strftime("%Y%m%d")
        if extras:
            r = rng.random()
            edge = 0.0
            for kind_name in (
                "media",
                "sticker",
                "deleted",
                "edited",
                "call",
                "reaction",
                "poll",
                "location",
            ):
                edge += getattr(rhythm, kind_name)
                if r < edge:
                    break
            else:
                kind_name = "text"
            if kind_name == "media":
                ext, prefix = rng.choice([("jpg", "IMG"), ("mp4", "VID"), ("opus", "PTT")])
                caption = rng.choice(phrases["captions"]) if prefix != "PTT" else ""
                attachment = f"{prefix}-{stamp}-WA{idx % 10000:04d}.{ext}"
                return msg(caption, kind=Kind.MEDIA, attachments=(attachment,))
            if kind_name == "sticker":
                sticker = f"STK-{stamp}-WA{idx % 10000:04d}.webp"
                return msg("", kind=Kind.STICKER, attachments=(sticker,))
            if kind_name == "deleted":
                return msg("", kind=Kind.DELETED)
            if kind_name == "edited":
                return msg(pick_text(speaker, day, pursuit), kind=Kind.EDITED)
            if kind_name == "call":
                text = rng.choice(["Voice call", "Missed voice call", "Missed video call"])
                return msg(text, kind=Kind.CALL)
            if kind_name == "reaction" and messages and messages[-1].record_id:
                return msg(
                    rng.choice(phrases["reaction"]),
                    kind=Kind.REACTION,
                    reply_to=messages[-1].record_id,
                )
            if kind_name == "poll":
                return msg(rng.choice(phrases["poll"]), kind=Kind.POLL)
            if kind_name == "location":
                lat, lon = rng.uniform(-60, 60), rng.uniform(-170, 170)
                url = f"https://maps.google.com/?q={lat:.6f},{lon:.6f}"
                return msg(url, kind=Kind.LOCATION)
        return msg(pick_text(speaker, day, pursuit))

    # Heavy texters (hundreds of messages a day) hold longer, faster conversations.
    pace = max(1.0, messages_per_day / 120)
    per_bout = 6.0 * pace
    for day in range(days):
        the_day = start + timedelta(days=day)
        weekend = the_day.weekday() >= 5
        mean_e = (eng[me][day] + eng[partner][day]) / 2
        lam = messages_per_day / per_bout * (0.4 + mean_e) * (1.15 if weekend else 1.0)
        n_bouts = _poisson(rng, lam)
        starts = sorted(_waking_time(rng) for _ in range(n_bouts))
        cursor = datetime.combine(the_day, datetime.min.time())
        for start_min in starts:
            at = max(
                cursor,
                datetime.combine(the_day, datetime.min.time())
                + timedelta(minutes=start_min, seconds=rng.randrange(60)),
            )
            if at.date() != the_day:
                break
            cursor = _bout(at, day, me, partner, eng, rng, make, add, pursuer_name, pace)
        if day in plant_days:
            at = max(
                cursor,
                datetime.combine(the_day, datetime.min.time())
                + timedelta(hours=21, minutes=rng.randrange(50)),
            )
            add(make(at, me, day, False))
            kinds = ["gaslighting"] if scenario == "gaslighting" else ["abuse"]
            for kind_name in kinds:
                at += timedelta(minutes=rng.randrange(1, 6), seconds=rng.randrange(60))
                bad = Message(
                    sent_at=at,
                    sender=partner,
                    text=rng.choice(phrases[kind_name]),
                    from_me=False,
                    record_id=f"m{len(messages)}",
                    utc_offset_s=offset,
                )
                planted[kind_name].append(bad)
                add(bad)
            cursor = at + timedelta(minutes=1)

    messages.sort(key=lambda m: m.sent_at)  # a late barrage may run into the next bout
    first_at = messages[0].sent_at if messages else datetime.combine(start, datetime.min.time())
    messages.insert(
        0, Message(sent_at=first_at, sender="", text=ENCRYPTION_NOTICE, kind=Kind.SYSTEM)
    )
    phases = tuple(
        Phase(
            person=partner,
            state=state,
            start=start + timedelta(days=first),
            end=start + timedelta(days=last),
        )
        for first, last, state in plan
    )
    position = {id(m): i for i, m in enumerate(messages)}
    n_cycles_true = n_cycles if scenario == "hot_cold" else 0
    truth = GroundTruth(
        scenario=scenario,
        seed=seed,
        phases=phases,
        n_cycles=n_cycles_true,
        pursuer=pursuer_name,
        withdrawer=withdrawer_name,
        gaslighting=tuple(sorted(position[id(m)] for m in planted["gaslighting"])),
        abuse=tuple(sorted(position[id(m)] for m in planted["abuse"])),
    )
    return SynthChat(
        title=partner,
        me=me,
        partner=partner,
        messages=tuple(messages),
        truth=truth,
        utc_offset_s=offset,
    )


def _poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, a rounded normal for large ones)."""
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _waking_time(rng: random.Random) -> int:
    """Minute of the day a bout starts: mornings, lunch, and mostly evenings; none at night."""
    centre = rng.choices([8.5 * 60, 13 * 60, 20.5 * 60], weights=[2, 2, 5])[0]
    return int(min(23 * 60 + 50, max(7 * 60 + 30, rng.gauss(centre, 75))))


def _reply_delay_s(rng: random.Random, engagement: float) -> float:
    median = 30.0 * math.exp(6.0 * (1.0 - engagement))
    return max(5.0, rng.lognormvariate(math.log(median), 0.8))


def _bout(
    at: datetime,
    day: int,
    me: str,
    partner: str,
    eng: dict[str, list[float]],
    rng: random.Random,
    make: Callable[[datetime, str, int, bool], Message],
    add: Callable[[Message], None],
    pursuer: str | None,
    pace: float,
) -> datetime:
    """Write one bout starting at ``at``; return when it ended."""
    e_me, e_partner = eng[me][day], eng[partner][day]
    weight_me = e_me * (1.8 if pursuer == me else 1.0)
    weight_partner = e_partner * (1.8 if pursuer == partner else 1.0)
    speaker = me if rng.random() < weight_me / (weight_me + weight_partner) else partner
    other = partner if speaker == me else me
    n_turns = 1 + int(rng.expovariate(1 / ((1 + 7 * min(e_me, e_partner)) * pace)))
    for turn in range(n_turns):
        burst = 1 + int(rng.expovariate(1 / 0.9))
        for _ in range(burst):
            add(make(at, speaker, day, False))
            at += timedelta(seconds=rng.randrange(4, 40) // round(pace) + 1)
        if turn == n_turns - 1:
            break
        if rng.random() < (0.75 - 0.75 * eng[other][day]) / pace:
            # No answer: a pursuer follows up, sometimes into a barrage.
            if speaker == pursuer or (pursuer is None and rng.random() < 0.3):
                follow_ups = 1 + (int(rng.expovariate(1 / 3)) if speaker == pursuer else 0)
                for _ in range(follow_ups):
                    at += timedelta(minutes=rng.randrange(15, 80), seconds=rng.randrange(60))
                    if at.hour >= 23 or at.date() != (at - timedelta(minutes=1)).date():
                        break
                    add(make(at, speaker, day, True))
            break
        at += timedelta(seconds=round(_reply_delay_s(rng, eng[other][day]) / pace))
        speaker, other = other, speaker
    return at + timedelta(minutes=1)
