"""The simulation: two people, each on their own clock, starting and answering conversations.

A :class:`Script` says, for every day, how each person is (their :class:`Mood`: how much they
reach out, whether and how fast they answer, how warm they sound, how long they keep talking),
what the couple shares (good and bad weeks, days spent together, texting only in working
hours) and which scripted moments happen (a joke, a denial, a fight). :func:`simulate` turns it
into messages.

What it models, each from how people and phones behave:

- every person has a wake and a sleep time (later at weekends, jittered daily); nobody writes
  while asleep, and an answer that would fall in the night is sent after waking;
- conversations start at that person's own busy hours (after waking, at lunch, in the evening,
  fewer during working hours) and absorb whatever the other was about to start;
- reply delays are lognormal around a personal median, slower at work and when withdrawn, with
  a distracted heavy tail (an answer hours later);
- a person left waiting may follow up after their own patience runs out, once or several times;
  an unanswered message may get a "sorry, just saw this" hours later;
- texts come from phrase banks by what the person means (affection, a question, a plan, small
  talk, a flat "ok") in their own style (typos, lowercase, emoji, their laugh);
- timestamps are cut to the export's resolution (minutes for most apps).
"""

from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pushpull.model import Kind, Message
from pushpull.synth.realistic._people import Persona, phrases, style

__all__ = ["Event", "Mood", "Script", "Simulated", "simulate"]

_DAY = 86_400.0


@dataclass(slots=True)
class Mood:
    """How one person is on one day (1.0 = their ordinary self)."""

    initiative: float = 1.0  # multiplier on the conversations they start
    respond: float = 0.95  # chance of answering a message at all
    speed: float = 1.0  # multiplier on reply delays (5.0 = five times slower)
    warmth: float = 0.65  # 0..1: affection, questions and plans versus flat answers
    talk: float = 1.0  # multiplier on how long a conversation goes on
    questions: float = 1.0  # multiplier on asking about the other
    busy_warm: bool = False  # a busy stretch with reasons and warmth ("exams, sorry ❤️")
    moving_in: bool = False  # household logistics


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """A scripted moment on one day: ``by`` (0 me, 1 partner) says a line from ``bank``; the
    other answers from ``reply`` (None: no answer). ``lead`` is a line from the other first."""

    bank: str
    by: int
    reply: str | None = None
    lead: str | None = None
    planted: bool = True


@dataclass(slots=True, kw_only=True)
class Script:
    """Everything :func:`simulate` needs; lists have one entry per day."""

    start: date
    days: int
    people: tuple[Persona, Persona]  # (me, partner)
    moods: tuple[list[Mood], list[Mood]]
    volume: list[float]  # shared multiplier on how much both write
    together: list[bool]  # spent the day together: a few logistics only
    daytime_only: list[bool]  # living together: texting mostly in working hours
    events: dict[int, list[Event]] = field(default_factory=dict)
    call_days: set[int] = field(default_factory=set)  # a long call on these days
    resolution_s: int = 60
    media_p: float = 0.02


@dataclass(frozen=True, slots=True, kw_only=True)
class Simulated:
    messages: tuple[Message, ...]
    planted: tuple[int, ...]  # indices of the scripted event lines (not their answers)


class _Clock:
    """Per person per day: when they wake and sleep (seconds from the script's first midnight)."""

    def __init__(self, script: Script, rng: random.Random) -> None:
        self.wake: list[list[float]] = []
        self.sleep: list[list[float]] = []
        self.work: list[tuple[float, float] | None] = []
        for person in script.people:
            wakes, sleeps = [], []
            for d in range(script.days):
                weekend = (script.start + timedelta(days=d)).weekday() >= 5
                shift = person.weekend_shift_h if weekend else 0.0
                w = person.wake_h + shift + rng.gauss(0, 0.4)
                s = person.sleep_h + 0.6 * shift + rng.gauss(0, 0.45)
                wakes.append(d * _DAY + w * 3600)
                sleeps.append(d * _DAY + max(w + 12, s) * 3600)
            self.wake.append(wakes)
            self.sleep.append(sleeps)
            self.work.append(person.work)
        self.start = script.start

    def day_of(self, t: float) -> int:
        return int(t // _DAY)

    def waking_day(self, p: int, t: float) -> int | None:
        """The day whose waking hours hold ``t`` for ``p`` (after midnight: the day before)."""
        d = self.day_of(t)
        for k in (d, d - 1):
            if 0 <= k < len(self.wake[p]) and self.wake[p][k] <= t < self.sleep[p][k]:
                return k
        return None

    def awake(self, p: int, t: float) -> bool:
        return self.waking_day(p, t) is not None

    def next_awake(self, p: int, t: float) -> float:
        """``t`` if ``p`` is awake then, else their next waking time."""
        if self.awake(p, t):
            return t
        d = max(0, self.day_of(t))
        for k in range(d, len(self.wake[p])):
            if self.wake[p][k] > t:
                return self.wake[p][k]
        return math.inf

    def at_work(self, p: int, t: float) -> bool:
        hours = self.work[p]
        if hours is None:
            return False
        d = self.day_of(t)
        if (self.start + timedelta(days=d)).weekday() >= 5:
            return False
        h = (t - d * _DAY) / 3600
        return hours[0] <= h < hours[1]


class _Writer:
    """Chooses and styles texts; collects messages."""

    def __init__(self, script: Script, rng: random.Random) -> None:
        self.script = script
        self.rng = rng
        self.out: list[tuple[float, int, str, Kind, tuple[str, ...], bool]] = []

    def bank(self, p: int, name: str) -> str:
        person = self.script.people[p]
        data = phrases(person.lang)
        lines = data[name]
        assert isinstance(lines, list)
        text: str = self.rng.choice(lines)
        fill = data["fill"]
        assert isinstance(fill, dict)
        if "{pet}" in text:
            text = text.replace("{pet}", person.pet) if person.pet else text.replace(" {pet}", "")
        while "{" in text:
            a = text.index("{")
            b = text.index("}", a)
            text = text[:a] + self.rng.choice(fill[text[a + 1 : b]]) + text[b + 1 :]
        return text

    def add(
        self,
        t: float,
        p: int,
        text: str,
        kind: Kind = Kind.TEXT,
        *,
        warm: bool = False,
        attachments: tuple[str, ...] = (),
        planted: bool = False,
        raw: bool = False,
    ) -> int:
        person = self.script.people[p]
        if kind is Kind.TEXT and not raw:
            text = style(text, person, self.rng, warm=warm)
        self.out.append((t, p, text, kind, attachments, planted))
        return len(self.out) - 1

    def say(self, t: float, p: int, role: str, mood: Mood, clock: _Clock) -> None:
        """One message of ``p`` in ``role``: open, reply, more, follow, late."""
        rng = self.rng
        if role == "follow":
            self.add(t, p, self.bank(p, "follow_up"))
            return
        if role == "late":
            self.add(t, p, self.bank(p, "late_sorry"), warm=mood.warmth > 0.5)
            return
        if rng.random() < self.script.media_p:
            stamp = (self.script.start + timedelta(seconds=t)).strftime("%Y%m%d")
            name = f"IMG-{stamp}-WA{len(self.out) % 10000:04d}.jpg"
            caption = self.bank(p, "captions") if rng.random() < 0.5 else ""
            self.add(t, p, caption, Kind.MEDIA, attachments=(name,), raw=True)
            return
        w = mood.warmth
        person = self.script.people[p]
        k = clock.waking_day(p, t)
        if role == "open" and k is not None:
            if t - clock.wake[p][k] < 5400 and rng.random() < 0.2 + 0.5 * w:
                self.add(t, p, self.bank(p, "morning"), warm=w > 0.6)
                return
            if clock.sleep[p][k] - t < 3600 and rng.random() < 0.1 + 0.5 * w:
                self.add(t, p, self.bank(p, "night"), warm=w > 0.6)
                return
        weights = {
            "affection": 0.2 * w**1.5,
            "question": (0.04 + 0.2 * w) * mood.questions,
            "plan": 0.07 * w,
            "disclosure": 0.03 * w,
            "smalltalk": 0.24,
            "logistics": 0.09,
            "ack": 0.22 if role == "reply" else 0.03,
            "laugh": (0.08 if role != "open" else 0.01) * (0.3 + w),
            "flat": (0.5 if role == "reply" else 0.12) * (1 - w) ** 2,
            "cold": 0.12 * (1 - w) ** 2,
            "busy_warm": 0.4 if mood.busy_warm else 0.0,
            "moving_in": 0.35 if mood.moving_in else 0.0,
        }
        name = rng.choices(list(weights), weights=list(weights.values()))[0]
        if name == "laugh":
            self.add(t, p, rng.choice(person.laugh), raw=True)
            return
        warm = name in ("affection", "busy_warm") or (w > 0.75 and rng.random() < 0.3)
        self.add(t, p, self.bank(p, name), warm=warm)


def _geometric(rng: random.Random, mean: float) -> int:
    """A geometric count (0, 1, 2, ...) with the given mean."""
    if mean <= 0:
        return 0
    q = mean / (1 + mean)
    n = 0
    while rng.random() < q and n < 60:
        n += 1
    return n


class _Sim:
    def __init__(self, script: Script, rng: random.Random) -> None:
        self.s = script
        self.rng = rng
        self.clock = _Clock(script, rng)
        self.w = _Writer(script, rng)
        self.starts: list[tuple[float, int, str]] = []

    def mood(self, p: int, t: float) -> Mood:
        d = min(self.s.days - 1, max(0, self.clock.day_of(t)))
        return self.s.moods[p][d]

    def burst(self, t: float, p: int, role: str) -> float:
        """``p`` writes one turn starting at ``t``; returns the time of its last message."""
        mood = self.mood(p, t)
        self.w.say(t, p, role, mood, self.clock)
        extra = min(4, _geometric(self.rng, self.s.people[p].burst * (0.4 + mood.warmth)))
        for _ in range(extra):
            t += self.rng.uniform(4, 70)
            self.w.say(t, p, "more", mood, self.clock)
        return t

    def reply_at(self, p: int, t: float) -> float:
        """When ``p`` answers a message that arrived at ``t``."""
        person, mood = self.s.people[p], self.mood(p, t)
        base = person.reply_median_s * mood.speed
        if self.clock.at_work(p, t):
            base *= 4.0
        delay = self.rng.lognormvariate(math.log(base), 1.0)
        if self.rng.random() < person.distract_p:
            delay *= math.exp(self.rng.uniform(1.5, 4.5))
        at = t + delay
        if not self.clock.awake(p, at):
            at = self.clock.next_awake(p, at) + self.rng.lognormvariate(math.log(600), 0.8)
        return at

    def follow_ups(self, p: int, t: float, until: float) -> float:
        """``p`` waits from ``t`` for an answer that comes at ``until``; may follow up."""
        person = self.s.people[p]
        other_cold = self.mood(1 - p, t).warmth < 0.4
        chance = min(0.95, person.follow_up_p * (1.3 if other_cold else 1.0))
        limit = 4 if person.follow_up_p > 0.5 else 1
        wait = t + person.patience_s * self.rng.lognormvariate(0, 0.5)
        sent = 0
        last = t
        while wait < until and sent < limit and self.clock.awake(p, wait):
            if self.rng.random() >= chance:
                break
            self.w.say(wait, p, "follow", self.mood(p, wait), self.clock)
            last = wait
            sent += 1
            wait += person.patience_s * self.rng.lognormvariate(0.3, 0.5)
        return last

    def conversation(self, t: float, a: int, role: str = "open") -> float:
        """A conversation ``a`` starts at ``t``; returns when it ended."""
        rng = self.rng
        b = 1 - a
        t = self.burst(t, a, role)
        ma, mb = self.mood(a, t), self.mood(b, t)
        talk = min(ma.talk, mb.talk) * (0.5 + min(ma.warmth, mb.warmth))
        turns = 1 + _geometric(rng, 1.5 + 5.0 * talk)
        for _ in range(turns):
            mood_b = self.mood(b, t)
            answer = mood_b.respond * (0.85 if self.clock.at_work(b, t) else 1.0)
            at = self.reply_at(b, t) if rng.random() < answer else math.inf
            if at - t > 16 * 3600:
                self.follow_ups(a, t, t + 16 * 3600)
                if rng.random() < 0.55:
                    late = self.clock.next_awake(b, t + rng.uniform(2, 12) * 3600)
                    if late < self.s.days * _DAY:
                        heapq.heappush(self.starts, (late, b, "late"))
                return t
            self.follow_ups(a, t, at)
            t = self.burst(at, b, "reply")
            a, b = b, a
        return t

    def plan_day(self, d: int) -> None:
        s, rng, clock = self.s, self.rng, self.clock
        weekday = (s.start + timedelta(days=d)).weekday()
        for p in (0, 1):
            mood = s.moods[p][d]
            person = s.people[p]
            rate = person.starts_per_day * mood.initiative * s.volume[d]
            rate *= 0.2 if s.together[d] else (1.1 if weekday >= 5 else 1.0)
            n = _poisson(rng, rate)
            wake, sleep = clock.wake[p][d], clock.sleep[p][d]
            for _ in range(n):
                t = self._start_time(p, d, wake, sleep, weekday)
                heapq.heappush(self.starts, (t, p, "open"))
        if d in s.call_days:
            t = d * _DAY + rng.uniform(19.5, 21.5) * 3600
            heapq.heappush(self.starts, (t, rng.randrange(2), "call"))
        for event in s.events.get(d, []):
            t = d * _DAY + rng.uniform(12, 21.5) * 3600
            self._event(event, t)

    def _start_time(self, p: int, d: int, wake: float, sleep: float, weekday: int) -> float:
        rng, s = self.rng, self.s
        work = s.people[p].work
        for _ in range(8):
            if s.daytime_only[d] and work is not None and weekday < 5:
                t = d * _DAY + rng.uniform(work[0], work[1]) * 3600
            else:
                r = rng.random()
                if r < 0.2:
                    t = wake + rng.uniform(0, 1.5) * 3600
                elif r < 0.4:
                    t = d * _DAY + rng.gauss(12.8, 0.8) * 3600
                elif r < 0.85:
                    t = sleep - rng.uniform(0.3, 5.0) * 3600
                else:
                    t = rng.uniform(wake, sleep)
                if self.clock.at_work(p, t) and rng.random() < 0.6:
                    continue
            if wake <= t < sleep:
                return t
        return rng.uniform(wake, sleep)

    def _event(self, event: Event, t: float) -> None:
        """A scripted moment, written straight away (it is rare, so overlaps do not matter)."""
        rng, w = self.rng, self.w
        by, other = event.by, 1 - event.by
        if event.lead is not None:
            w.add(t, other, w.bank(other, event.lead))
            t += rng.lognormvariate(math.log(90), 0.8)
        w.add(t, by, w.bank(by, event.bank), planted=event.planted, raw=event.bank == "laugh")
        if event.reply is not None:
            t += rng.lognormvariate(math.log(60), 0.9)
            if event.reply == "laugh":
                w.add(t, other, rng.choice(self.s.people[other].laugh), raw=True)
            else:
                w.add(t, other, w.bank(other, event.reply))

    def run(self) -> list[tuple[float, int, str, Kind, tuple[str, ...], bool]]:
        end_of = 0.0
        for d in range(self.s.days):
            self.plan_day(d)
            horizon = (d + 1) * _DAY
            while self.starts and self.starts[0][0] < horizon:
                t, p, role = heapq.heappop(self.starts)
                if t < end_of or not self.clock.awake(p, t):
                    continue
                if role == "call":
                    kind_text = self.rng.choice(["Voice call", "Video call"])
                    self.w.add(t, p, kind_text, Kind.CALL, raw=True)
                    end_of = t + self.rng.uniform(20, 90) * 60
                    continue
                end_of = self.conversation(t, p, role)
        return self.w.out


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-min(lam, 60.0)), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def simulate(script: Script, rng: random.Random, *, utc_offset_s: int = 0) -> Simulated:
    """The messages of ``script`` (time-ordered) and which of them were planted."""
    raw = _Sim(script, rng).run()
    horizon = script.days * _DAY
    kept = [r for r in raw if 0 <= r[0] < horizon]
    order = sorted(range(len(kept)), key=lambda i: kept[i][0])
    midnight = datetime.combine(script.start, datetime.min.time())
    res = max(1, script.resolution_s)
    messages: list[Message] = []
    planted: list[int] = []
    for i in order:
        t, p, text, kind, attachments, is_planted = kept[i]
        at = midnight + timedelta(seconds=int(t // res) * res)
        person = script.people[p]
        if is_planted:
            planted.append(len(messages))
        messages.append(
            Message(
                sent_at=at,
                sender=person.name,
                text=text,
                kind=kind,
                from_me=p == 0,
                record_id=f"r{len(messages)}",
                utc_offset_s=utc_offset_s,
                attachments=attachments,
            )
        )
    return Simulated(messages=tuple(messages), planted=tuple(planted))
