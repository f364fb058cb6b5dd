"""People as they text: their own clock, pace, patience and writing habits.

A :class:`Persona` is drawn once per person and case. It holds the things that differ between
real people and stay put over months: when they wake and sleep (and how much later at weekends),
whether they work set hours, how fast they usually answer and how often they get distracted,
how long they wait before following up, and how they write (typos, lowercase, dropped
apostrophes, abbreviations, emoji and laughter habits). :func:`style` applies the habits to a
phrase.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Persona", "draw_persona", "phrases", "style"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Persona:
    """One person's stable habits (hours are local clock hours; 25.0 is 1 a.m.)."""

    name: str
    lang: str
    wake_h: float
    sleep_h: float
    weekend_shift_h: float
    #: Weekday working hours (slow, sparse texting), or None for irregular schedules.
    work: tuple[float, float] | None
    #: Conversations this person starts on an ordinary day.
    starts_per_day: float
    #: Mean extra messages in one turn (people who split a thought into several lines).
    burst: float
    #: Typical reply delay in seconds when free and engaged.
    reply_median_s: float
    #: Chance that a reply is delayed by a distraction (the heavy tail), and its typical factor.
    distract_p: float
    #: Seconds this person waits for an answer before following up...
    patience_s: float
    #: ...and the chance that they do follow up when left waiting (pursuers: high).
    follow_up_p: float
    typo_rate: float
    lowercase: bool
    drops_apostrophes: bool
    abbreviates: bool
    emoji_rate: float
    emoji: tuple[str, ...]
    laugh: tuple[str, ...]
    pet: str | None


@cache
def phrases(lang: str) -> dict[str, object]:
    """The phrase banks of ``lang`` (``data/synth/realistic/<lang>.json``)."""
    path = resources.files("pushpull").joinpath(f"data/synth/realistic/{lang}.json")
    data: dict[str, object] = json.loads(path.read_text("utf-8"))
    return data


_WARM_EMOJI = ("❤️", "😘", "🥰", "😊", "💕", "😍", "🤗", "😚", "♥️", "💖")
_OTHER_EMOJI = ("😅", "🙈", "👍", "😬", "🙃", "😴", "🤔", "😩", "✨", "🙌", "😎", "🤷")
_LAUGH = {
    "en": (("haha", "hahaha"), ("lol", "lmao"), ("😂", "🤣"), ("hehe", "haha"), ("ahahah", "😂")),
    "es": (
        ("jaja", "jajaja"),
        ("jajsjs", "jajaja"),
        ("😂", "🤣"),
        ("jeje", "jaja"),
        ("xD", "jajaja"),
    ),
}


def draw_persona(name: str, lang: str, rng: random.Random, *, pursuer: bool = False) -> Persona:
    """A random but plausible person; ``pursuer`` makes them quick to follow up when ignored."""
    night_owl = rng.random() < 0.3
    wake = rng.uniform(8.0, 10.0) if night_owl else rng.uniform(5.8, 8.3)
    sleep = rng.uniform(24.3, 26.0) if night_owl else rng.uniform(22.2, 24.3)
    worker = rng.random() < 0.75
    work = (rng.uniform(8.0, 9.7), rng.uniform(16.5, 18.5)) if worker else None
    folded = {"en": "en", "es": "es"}[lang]
    pet_names = phrases(folded)["fill"]
    assert isinstance(pet_names, dict)
    return Persona(
        name=name,
        lang=lang,
        wake_h=wake,
        sleep_h=sleep,
        weekend_shift_h=rng.uniform(0.0, 2.0),
        work=work,
        starts_per_day=rng.lognormvariate(1.25, 0.35),
        burst=rng.uniform(0.2, 1.6),
        reply_median_s=rng.lognormvariate(4.3, 0.6),
        distract_p=rng.uniform(0.03, 0.14),
        patience_s=rng.uniform(8, 25) * 60 if pursuer else rng.uniform(40, 240) * 60,
        follow_up_p=rng.uniform(0.65, 0.9) if pursuer else rng.uniform(0.05, 0.3),
        typo_rate=rng.choice([0.0, 0.02, 0.05, 0.1, 0.18]),
        lowercase=rng.random() < 0.45,
        drops_apostrophes=rng.random() < 0.4,
        abbreviates=rng.random() < 0.35,
        emoji_rate=rng.choice([0.02, 0.08, 0.15, 0.3]),
        emoji=tuple(rng.sample(_WARM_EMOJI, 3)) + tuple(rng.sample(_OTHER_EMOJI, 2)),
        laugh=rng.choice(_LAUGH[folded]),
        pet=rng.choice(pet_names["pet"]) if rng.random() < 0.6 else None,
    )


_ABBREVIATIONS_EN = (
    (r"\byou're\b", "ur"),
    (r"\byour\b", "ur"),
    (r"\byou\b", "u"),
    (r"\bare\b", "r"),
    (r"\btomorrow\b", "tmrw"),
    (r"\bbecause\b", "bc"),
    (r"\bright now\b", "rn"),
    (r"\bplease\b", "pls"),
    (r"\bthanks\b", "thx"),
    (r"\bokay\b", "ok"),
    (r"\bwhat\b", "wat"),
    (r"\bto be honest\b", "tbh"),
)
_ABBREVIATIONS_ES = (
    (r"\bque\b", "q"),
    (r"\bqué\b", "q"),
    (r"\bporque\b", "pq"),
    (r"\bpor qué\b", "xq"),
    (r"\btambién\b", "tb"),
    (r"\bestás\b", "stas"),
    (r"\bpor favor\b", "porfa"),
    (r"\bmuy\b", "mu"),
)
_KEYS = "qwertyuiopasdfghjklzxcvbnm"


def _typo(text: str, rng: random.Random) -> str:
    """One realistic slip: a swapped, dropped, doubled or neighbouring key, or a lost accent."""
    words = [i for i, w in enumerate(text.split(" ")) if len(w) >= 4 and w.isalpha()]
    if not words:
        return text
    parts = text.split(" ")
    i = rng.choice(words)
    w = parts[i]
    j = rng.randrange(1, len(w) - 1)
    kind = rng.randrange(5)
    if kind == 0:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif kind == 1:
        w = w[:j] + w[j + 1 :]
    elif kind == 2:
        w = w[:j] + w[j] + w[j:]
    elif kind == 3:
        k = _KEYS.find(w[j].lower())
        if k >= 0:
            w = w[:j] + _KEYS[max(0, min(len(_KEYS) - 1, k + rng.choice((-1, 1))))] + w[j + 1 :]
    else:
        w = w.translate(str.maketrans("áéíóúñ", "aeioun"))
    parts[i] = w
    return " ".join(parts)


def style(text: str, who: Persona, rng: random.Random, *, warm: bool) -> str:
    """``text`` as ``who`` would type it."""
    if who.abbreviates and rng.random() < 0.7:
        table = _ABBREVIATIONS_EN if who.lang == "en" else _ABBREVIATIONS_ES
        for pattern, short in table:
            if rng.random() < 0.8:
                text = re.sub(pattern, short, text, flags=re.IGNORECASE)
    if who.drops_apostrophes:
        text = text.replace("'", "")
    if who.lowercase:
        text = text.lower()
    elif text and rng.random() < 0.5:
        text = text[0].upper() + text[1:]
    if rng.random() < who.typo_rate:
        text = _typo(text, rng)
    ends_in_emoji = bool(text) and not text[-1].isascii()
    if not ends_in_emoji and rng.random() < who.emoji_rate * (1.6 if warm else 0.5):
        pool = who.emoji[:3] if warm else who.emoji[3:]
        text = f"{text} {rng.choice(pool)}"
    if text.endswith(("?", "!")) and rng.random() < 0.15:
        text += text[-1] * rng.randrange(1, 3)
    return text
