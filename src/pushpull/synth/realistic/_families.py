"""The scenario families: what each couple does over time, and the truth that follows.

Each family is a function ``(rng, seed) -> (Script, Truth)`` registered in :data:`FAMILIES`.
Levels, lengths and habits are drawn per case so that no two seeds look alike.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from pushpull.synth.realistic._engine import Event, Mood, Script
from pushpull.synth.realistic._people import Persona, draw_persona

__all__ = ["CALM_FAMILIES", "FAMILIES", "FLAGGED_FAMILIES", "Stretch", "Truth"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Stretch:
    """A planted stretch of one person (inclusive day numbers from the first day)."""

    person: str
    state: str  # "warm" | "cold" | "busy" | "together"
    first: date
    last: date


@dataclass(frozen=True, slots=True, kw_only=True)
class Truth:
    """What a case is, and what a right analysis of it says.

    ``calm``: no sign or red flag above "watch" and no safety box. ``n_cycles``: the planted
    hot-and-cold cycles of ``cycler`` (None: not judged). ``pursuer``/``withdrawer``: set when
    the roles are clear in the data; ``roles_judged`` says whether naming them (or naming none,
    for a calm couple) is scored. ``expect_flags``: at least one of these ids must reach
    "concern". ``safety``: True must show the safety box, False must not, None not judged.
    """

    family: str
    variant: str
    seed: int
    lang: str
    me: str
    partner: str
    calm: bool
    n_cycles: int | None = None
    cycler: str | None = None
    pursuer: str | None = None
    withdrawer: str | None = None
    roles_judged: bool = False
    expect_flags: tuple[str, ...] = ()
    safety: bool | None = None
    recent_calm: bool | None = None
    shared_change: bool = False
    enough_data: bool = True
    stretches: tuple[Stretch, ...] = ()


Builder = Callable[[random.Random, int], tuple[Script, Truth]]
FAMILIES: dict[str, Builder] = {}
#: Families whose right answer is "nothing above watch, no safety box".
CALM_FAMILIES: list[str] = []
#: Families that must raise a flag (or the safety box).
FLAGGED_FAMILIES: list[str] = []

_NAMES_EN = (
    "Alex",
    "Sam",
    "Jordan",
    "Robin",
    "Casey",
    "Jamie",
    "Noor",
    "Kai",
    "Ellis",
    "Toni",
    "Priya",
    "Mateo",
    "Hana",
    "Leo",
    "Zoe",
    "Femi",
    "Ines",
    "Oskar",
)
_NAMES_ES = (
    "Lucía",
    "Mateo",
    "Sofía",
    "Diego",
    "Valentina",
    "Javier",
    "Camila",
    "Andrés",
    "Carmen",
    "Pablo",
    "Daniela",
    "Álvaro",
    "Marta",
    "Iker",
)


def family(name: str, *, calm: bool = False, flagged: bool = False) -> Callable[[Builder], Builder]:
    def wrap(fn: Builder) -> Builder:
        FAMILIES[name] = fn
        if calm:
            CALM_FAMILIES.append(name)
        if flagged:
            FLAGGED_FAMILIES.append(name)
        return fn

    return wrap


# --- moods -------------------------------------------------------------------------------------


def warm_mood(rng: random.Random) -> Mood:
    return Mood(
        initiative=rng.uniform(1.05, 1.4),
        respond=rng.uniform(0.94, 0.99),
        speed=rng.uniform(0.5, 0.9),
        warmth=rng.uniform(0.75, 0.95),
        talk=rng.uniform(1.0, 1.4),
    )


def steady_mood(rng: random.Random) -> Mood:
    return Mood(
        initiative=rng.uniform(0.85, 1.15),
        respond=rng.uniform(0.9, 0.98),
        speed=rng.uniform(0.8, 1.3),
        warmth=rng.uniform(0.5, 0.8),
        talk=rng.uniform(0.85, 1.15),
    )


def cold_mood(rng: random.Random) -> Mood:
    return Mood(
        initiative=rng.uniform(0.2, 0.45),
        respond=rng.uniform(0.55, 0.8),
        speed=rng.uniform(3.0, 8.0),
        warmth=rng.uniform(0.05, 0.2),
        talk=rng.uniform(0.4, 0.65),
        questions=rng.uniform(0.1, 0.4),
    )


def subtle_cold_mood(rng: random.Random) -> Mood:
    """Same amount of messages (within 10-20%), five times slower, flat, no warmth or questions."""
    return Mood(
        initiative=rng.uniform(0.82, 0.95),
        respond=rng.uniform(0.9, 0.96),
        speed=rng.uniform(4.5, 6.0),
        warmth=rng.uniform(0.0, 0.06),
        talk=rng.uniform(0.8, 0.92),
        questions=0.0,
    )


def jitter(mood: Mood, rng: random.Random) -> Mood:
    """The same mood on a different day."""
    f = rng.lognormvariate(0, 0.12)
    return replace(
        mood,
        initiative=mood.initiative * f,
        warmth=min(1.0, max(0.0, mood.warmth + rng.gauss(0, 0.05))),
        speed=mood.speed * rng.lognormvariate(0, 0.15),
    )


# --- building a script -------------------------------------------------------------------------


class _Case:
    """Helper that fills a :class:`Script` day by day."""

    def __init__(
        self, rng: random.Random, days: int, *, lang: str = "en", pursuer: int | None = None
    ) -> None:
        self.rng = rng
        self.days = days
        self.lang = lang
        names = _NAMES_EN if lang == "en" else _NAMES_ES
        me, partner = rng.sample(names, 2)
        self.people: tuple[Persona, Persona] = (
            draw_persona(me, lang, rng, pursuer=pursuer == 0),
            draw_persona(partner, lang, rng, pursuer=pursuer == 1),
        )
        self.start = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 600))
        base = (steady_mood(rng), steady_mood(rng))
        self.moods: tuple[list[Mood], list[Mood]] = (
            [jitter(base[0], rng) for _ in range(days)],
            [jitter(base[1], rng) for _ in range(days)],
        )
        self.volume = [1.0] * days
        self.together = [False] * days
        self.daytime_only = [False] * days
        self.events: dict[int, list[Event]] = {}
        self.call_days: set[int] = set()
        self.stretches: list[Stretch] = []
        self._shared_weeks()

    @property
    def me(self) -> str:
        return self.people[0].name

    @property
    def partner(self) -> str:
        return self.people[1].name

    def day(self, d: int) -> date:
        return self.start + timedelta(days=d)

    def _shared_weeks(self) -> None:
        """Good and bad weeks both people share, and weekends some couples spend together."""
        rng = self.rng
        weekends_together = rng.random() < 0.5
        for week in range(0, self.days, 7):
            factor = rng.lognormvariate(0, 0.22)
            bad = rng.random() < 0.1
            for d in range(week, min(self.days, week + 7)):
                self.volume[d] *= factor
                if bad:
                    for p in (0, 1):
                        m = self.moods[p][d]
                        self.moods[p][d] = replace(m, warmth=max(0.0, m.warmth - 0.12))
                if weekends_together and self.day(d).weekday() >= 5 and rng.random() < 0.7:
                    self.together[d] = True

    def set_mood(self, p: int, first: int, last: int, mood: Mood, state: str) -> None:
        for d in range(first, min(last, self.days - 1) + 1):
            self.moods[p][d] = jitter(mood, self.rng)
        self.stretches.append(
            Stretch(
                person=self.people[p].name,
                state=state,
                first=self.day(first),
                last=self.day(min(last, self.days - 1)),
            )
        )

    def add_event(self, d: int, event: Event) -> None:
        self.events.setdefault(d, []).append(event)

    def spread(self, n: int, *, first: int = 3, last: int | None = None) -> list[int]:
        """``n`` distinct days spread over the case."""
        last = self.days - 2 if last is None else last
        pool = list(range(first, max(first + 1, last)))
        return sorted(self.rng.sample(pool, min(n, len(pool))))

    def script(self) -> Script:
        return Script(
            start=self.start,
            days=self.days,
            people=self.people,
            moods=self.moods,
            volume=self.volume,
            together=self.together,
            daytime_only=self.daytime_only,
            events=self.events,
            call_days=self.call_days,
            resolution_s=60 if self.rng.random() < 0.6 else 1,
        )

    def truth(self, family_name: str, seed: int, **kw: object) -> Truth:
        return Truth(
            family=family_name,
            variant=str(kw.pop("variant", "")),
            seed=seed,
            lang=self.lang,
            me=self.me,
            partner=self.partner,
            stretches=tuple(self.stretches),
            **kw,  # type: ignore[arg-type]
        )


def _lengths(
    rng: random.Random, n_cold: int, warm: tuple[int, int], cold: tuple[int, int]
) -> list[tuple[str, int]]:
    """Warm, cold, warm, ...: ``n_cold`` cold stretches between warm ones, with their days."""
    out: list[tuple[str, int]] = []
    for _ in range(n_cold):
        out.append(("warm", rng.randint(*warm)))
        out.append(("cold", rng.randint(*cold)))
    out.append(("warm", rng.randint(*warm)))
    return out


def _alternate(
    case: _Case, p: int, lengths: list[tuple[str, int]], cold: Callable[[random.Random], Mood]
) -> None:
    """Plant ``lengths`` (from :func:`_lengths`) as person ``p``'s moods."""
    d = 0
    for state, n in lengths:
        mood = warm_mood(case.rng) if state == "warm" else cold(case.rng)
        case.set_mood(p, d, d + n - 1, mood, state)
        d += n


def _pursue_in_cold(case: _Case, chaser: int, withdrawer: int) -> None:
    """The chaser reaches out more (and warmly) while the other is cold."""
    for d in range(case.days):
        if case.moods[withdrawer][d].warmth < 0.3:
            m = case.moods[chaser][d]
            case.moods[chaser][d] = replace(m, initiative=m.initiative * 1.5)


# --- hot and cold ------------------------------------------------------------------------------


def _hot_cold(
    rng: random.Random, seed: int, name: str, *, subtle: bool, reverse: bool
) -> tuple[Script, Truth]:
    lang = "es" if rng.random() < 0.25 else "en"
    n_cold = rng.choice((5, 6)) if not subtle else rng.choice((4, 5, 6))
    warm, cold = ((7, 28), (7, 21)) if not subtle else ((10, 28), (10, 21))
    chases = rng.random() < 0.7 or reverse
    cycler = 0 if reverse else 1
    chaser = 1 - cycler
    lengths = _lengths(rng, n_cold, warm, cold)
    case = _Case(rng, sum(n for _, n in lengths), lang=lang, pursuer=chaser if chases else None)
    _alternate(case, cycler, lengths, subtle_cold_mood if subtle else cold_mood)
    if chases:
        _pursue_in_cold(case, chaser, cycler)
    names = (case.me, case.partner)
    return case.script(), case.truth(
        name,
        seed,
        calm=False,
        n_cycles=n_cold,
        cycler=names[cycler],
        pursuer=names[chaser] if chases else None,
        withdrawer=names[cycler] if chases else None,
        roles_judged=chases,
        expect_flags=("repeated_cycles",),
        safety=False,
        variant="subtle" if subtle else ("reversed" if reverse else "irregular"),
    )


@family("irregular_hot_cold", flagged=True)
def irregular_hot_cold(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """Warm 7-28 days, cold 7-21 days, 5-6 cycles; the user often chases in the cold ones."""
    return _hot_cold(rng, seed, "irregular_hot_cold", subtle=False, reverse=False)


@family("subtle_withdrawal", flagged=True)
def subtle_withdrawal(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """Cold stretches with as many messages, but five times slower, flat, no warmth."""
    return _hot_cold(rng, seed, "subtle_withdrawal", subtle=True, reverse=False)


@family("reversed_roles", flagged=True)
def reversed_roles(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """The user is the one who goes cold; the partner chases."""
    return _hot_cold(rng, seed, "reversed_roles", subtle=False, reverse=True)


@family("pursuer")
def pursuer(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """One person keeps reaching out and following up; the other answers late and little."""
    chaser = rng.randrange(2)
    lang = "es" if rng.random() < 0.25 else "en"
    case = _Case(rng, rng.randint(90, 200), lang=lang, pursuer=chaser)
    withdrawer = 1 - chaser
    lukewarm = Mood(
        initiative=rng.uniform(0.3, 0.55),
        respond=rng.uniform(0.65, 0.85),
        speed=rng.uniform(2.5, 5.0),
        warmth=rng.uniform(0.3, 0.5),
        talk=rng.uniform(0.6, 0.85),
    )
    eager = Mood(
        initiative=rng.uniform(1.4, 1.9),
        respond=0.98,
        speed=rng.uniform(0.4, 0.8),
        warmth=rng.uniform(0.65, 0.9),
        talk=1.2,
    )
    case.set_mood(withdrawer, 0, case.days - 1, lukewarm, "cold")
    case.set_mood(chaser, 0, case.days - 1, eager, "warm")
    names = (case.me, case.partner)
    return case.script(), case.truth(
        "pursuer",
        seed,
        calm=False,
        n_cycles=None,
        pursuer=names[chaser],
        withdrawer=names[withdrawer],
        roles_judged=True,
        safety=False,
        variant="user chases" if chaser == 0 else "partner chases",
    )


@family("long_history", flagged=True)
def long_history(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """Two years, six cycles with long warm stretches, then three calm months."""
    lang = "es" if rng.random() < 0.2 else "en"
    case = _Case(rng, 730, lang=lang, pursuer=0 if rng.random() < 0.5 else None)
    d = rng.randint(20, 45)
    case.set_mood(1, 0, d - 1, warm_mood(rng), "warm")
    for _ in range(6):
        n = rng.randint(10, 25)
        case.set_mood(1, d, d + n - 1, cold_mood(rng), "cold")
        d += n
        n = rng.randint(40, 75)
        case.set_mood(1, d, d + n - 1, warm_mood(rng), "warm")
        d += n
    case.set_mood(1, d, 729, steady_mood(rng), "warm")
    chaser = case.people[0].follow_up_p > 0.5
    if chaser:
        _pursue_in_cold(case, 0, 1)
    return case.script(), case.truth(
        "long_history",
        seed,
        calm=False,
        n_cycles=6,
        cycler=case.partner,
        pursuer=case.me if chaser else None,
        withdrawer=case.partner if chaser else None,
        roles_judged=chaser,
        expect_flags=("repeated_cycles",),
        safety=False,
        recent_calm=True,
    )


# --- life, not trouble -------------------------------------------------------------------------


@family("life_change", calm=True)
def life_change(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """An exam month or a work crunch (fewer, shorter, slower, still warm), or moving in."""
    variant = ("exams", "work crunch", "moving in")[seed % 3]
    lang = "es" if rng.random() < 0.25 else "en"
    case = _Case(rng, rng.randint(100, 200), lang=lang)
    if variant == "moving in":
        at = rng.randint(case.days // 3, case.days // 2)
        for d in range(at, case.days):
            case.volume[d] *= rng.uniform(0.28, 0.38)
            case.daytime_only[d] = True
            case.together[d] = case.day(d).weekday() >= 5 and rng.random() < 0.8
            for p in (0, 1):
                case.moods[p][d] = replace(case.moods[p][d], moving_in=True)
        case.stretches.append(
            Stretch(
                person="both", state="together", first=case.day(at), last=case.day(case.days - 1)
            )
        )
        shared = True
    else:
        who = rng.randrange(2)
        n = rng.randint(21, 35) if variant == "exams" else rng.randint(14, 28)
        at = rng.randint(20, case.days - n - 10)
        busy = Mood(
            initiative=rng.uniform(0.35, 0.6),
            respond=rng.uniform(0.85, 0.95),
            speed=rng.uniform(2.5, 5.0),
            warmth=rng.uniform(0.6, 0.8),
            talk=rng.uniform(0.35, 0.6),
            busy_warm=True,
        )
        case.set_mood(who, at, at + n - 1, busy, "busy")
        shared = False
    return case.script(), case.truth(
        "life_change",
        seed,
        calm=True,
        n_cycles=0,
        roles_judged=True,
        safety=False,
        shared_change=shared,
        variant=variant,
    )


def _calm(
    name: str, rng: random.Random, seed: int, **kw: object
) -> tuple[_Case, dict[str, object]]:
    lang = str(kw.pop("lang", "es" if rng.random() < 0.25 else "en"))
    days = kw.pop("days", None)
    case = _Case(rng, days if isinstance(days, int) else rng.randint(90, 240), lang=lang)
    truth: dict[str, object] = {"calm": True, "n_cycles": 0, "roles_judged": True, "safety": False}
    truth.update(kw)
    return case, truth


@family("stable", calm=True)
def stable(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """An ordinary couple: busy weeks, good weeks, weekends together or not."""
    case, truth = _calm("stable", rng, seed)
    return case.script(), case.truth("stable", seed, **truth)


@family("teasing", calm=True)
def teasing(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """Both tease with laughter ("you're crazy 😂", "estás loca jajaja"), and laugh back."""
    lang = "es" if seed % 2 else "en"
    case, truth = _calm("teasing", rng, seed, lang=lang)
    for d in case.spread(rng.randint(10, 24)):
        by = rng.randrange(2)
        case.add_event(d, Event(bank="tease", by=by, reply=rng.choice(("tease_back", "laugh"))))
    return case.script(), case.truth("teasing", seed, variant=lang, **truth)


@family("jokes_elsewhere", calm=True)
def jokes_elsewhere(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """Hostile words aimed at printers, bosses and traffic, not at the partner."""
    lang = "es" if seed % 2 else "en"
    case, truth = _calm("jokes_elsewhere", rng, seed, lang=lang)
    for d in case.spread(rng.randint(10, 20)):
        case.add_event(
            d,
            Event(
                bank="joke_elsewhere", by=rng.randrange(2), reply=rng.choice(("laugh", "ack", None))
            ),
        )
    return case.script(), case.truth("jokes_elsewhere", seed, variant=lang, **truth)


@family("holidays_together", calm=True)
def holidays_together(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """One or two holidays of 7-14 days together: hardly a message, then back to normal."""
    case, truth = _calm("holidays_together", rng, seed)
    for _ in range(rng.randint(1, 2)):
        n = rng.randint(7, 14)
        at = rng.randint(15, case.days - n - 10)
        for d in range(at, at + n):
            case.together[d] = True
        case.stretches.append(
            Stretch(person="both", state="together", first=case.day(at), last=case.day(at + n - 1))
        )
    return case.script(), case.truth("holidays_together", seed, **truth)


@family("long_distance", calm=True)
def long_distance(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """A few messages a day and a long call once a week."""
    case, truth = _calm("long_distance", rng, seed)
    factor = rng.uniform(0.35, 0.6)
    call_weekday = rng.randrange(7)
    for d in range(case.days):
        case.volume[d] *= factor
        case.together[d] = False
        if case.day(d).weekday() == call_weekday:
            case.call_days.add(d)
    return case.script(), case.truth("long_distance", seed, **truth)


@family("shared_decline", calm=True)
def shared_decline(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """Both people slowly write less over months, with no change in tone."""
    case, truth = _calm("shared_decline", rng, seed, days=rng.randint(150, 260), shared_change=True)
    end = rng.uniform(0.35, 0.55)
    for d in range(case.days):
        factor = 1.0 - (1.0 - end) * d / case.days
        case.volume[d] *= factor  # fewer conversations...
        for p in (0, 1):  # ...and shorter ones
            case.moods[p][d] = replace(case.moods[p][d], talk=case.moods[p][d].talk * factor)
    return case.script(), case.truth("shared_decline", seed, **truth)


@family("fight_repair", calm=True)
def fight_repair(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """One real argument, a cool day or two, and making up."""
    case, truth = _calm("fight_repair", rng, seed)
    at = rng.randint(20, case.days - 20)
    for k in range(rng.randint(3, 6)):
        case.add_event(
            at, Event(bank="fight", by=k % 2, reply="fight" if k % 2 == 0 else None, planted=False)
        )
    cool = rng.randint(1, 3)
    for p in (0, 1):
        for d in range(at + 1, at + 1 + cool):
            case.moods[p][d] = replace(case.moods[p][d], warmth=0.2, initiative=0.5)
    case.add_event(
        at + 1 + cool, Event(bank="repair", by=rng.randrange(2), reply="repair", planted=False)
    )
    return case.script(), case.truth("fight_repair", seed, **truth)


@family("overthinking_once", calm=True)
def overthinking_once(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """A calm couple where one says "you're overthinking it" once: not gaslighting."""
    case, truth = _calm("overthinking_once", rng, seed)
    case.add_event(case.spread(1)[0], Event(bank="overthink", by=1, lead="disclosure", reply="ack"))
    return case.script(), case.truth("overthinking_once", seed, **truth)


# --- must be flagged ---------------------------------------------------------------------------


@family("gaslighting", flagged=True)
def gaslighting(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """Repeated, varied, typo-laden denials of what the user remembers."""
    lang = "es" if seed % 2 else "en"
    case = _Case(rng, rng.randint(90, 200), lang=lang)
    for d in case.spread(rng.randint(6, 12)):
        case.add_event(d, Event(bank="gaslight", by=1, lead="recall", reply="pushback"))
    return case.script(), case.truth(
        "gaslighting", seed, calm=False, expect_flags=("gaslighting",), variant=lang
    )


@family("controlling", flagged=True)
def controlling(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """The partner checks, demands and forbids."""
    case = _Case(rng, rng.randint(90, 180), lang="es" if seed % 2 else "en")
    for d in case.spread(rng.randint(6, 12)):
        case.add_event(d, Event(bank="control", by=1, reply=rng.choice(("flat", "ack", "hurt"))))
    return case.script(), case.truth(
        "controlling", seed, calm=False, expect_flags=("abuse",), safety=True
    )


@family("abuse", flagged=True)
def abuse(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """Threats and insults from the partner."""
    case = _Case(rng, rng.randint(60, 160), lang="es" if seed % 2 else "en")
    for d in case.spread(rng.randint(5, 10)):
        case.add_event(d, Event(bank="abuse", by=1, reply=rng.choice(("hurt", "flat", None))))
    return case.script(), case.truth(
        "abuse", seed, calm=False, expect_flags=("abuse",), safety=True
    )


@family("hurtful_teasing", flagged=True)
def hurtful_teasing(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """The teasing words, one-sided, and the user hurt each time."""
    lang = "es" if seed % 2 else "en"
    case = _Case(rng, rng.randint(90, 180), lang=lang)
    for d in case.spread(rng.randint(8, 14)):
        case.add_event(d, Event(bank="tease", by=1, reply="hurt"))
    return case.script(), case.truth(
        "hurtful_teasing",
        seed,
        calm=False,
        expect_flags=("abuse", "irritability", "gaslighting"),
        variant=lang,
    )


@family("too_little")
def too_little(rng: random.Random, seed: int) -> tuple[Script, Truth]:
    """A week and a half of a new chat: too little to say anything."""
    case = _Case(rng, rng.randint(6, 13))
    for d in range(case.days):
        case.volume[d] *= 0.5
    return case.script(), case.truth(
        "too_little",
        seed,
        calm=True,
        n_cycles=0,
        roles_judged=True,
        safety=False,
        enough_data=False,
    )
