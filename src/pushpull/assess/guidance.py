"""Practical guidance and possible explanations, chosen from the findings; never a diagnosis.

The texts and the rules that pick them live in ``data/guidance/<lang>.json``: a ``guidance`` list
(ordered most important first) and an ``explanations`` list. Each item has an ``id``, a
``title``, a ``text`` and a ``when`` condition; a guidance item marked ``"joint": true`` asks the
user to work on things with the partner, and is left out once safety comes first (abuse at or
above ``GuidanceConfig.safety_level``), as are all explanations, which could read as excuses then.

A ``when`` condition is one of::

    {"findings": [ids], "at_least": level, "min_count": n}  n of them (default 1) at or above level
    {"findings": [ids], "at_most": level}                   every one of them at or below level
    {"fact": "me_pursues" | "pull_back" | "low_data", "is": true | false | null}
    {"all": [conditions]}   {"any": [conditions]}   {"not": condition}

where an id is a sign, a red flag, ``"@signs"`` or ``"@red_flags"`` (the whole group). A finding
missing from the mapping handed in counts as ``"none"``. ``because`` lists the findings that met an
``at_least`` and the facts that are true, in the order of ``SIGNS + RED_FLAGS + FACTS``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from pushpull.assess.findings import LEVELS, Level
from pushpull.errors import UsageError

__all__ = [
    "FACTS",
    "FINDING_IDS",
    "GUIDANCE_CONFIG",
    "LEVELS",
    "RED_FLAGS",
    "SIGNS",
    "Advice",
    "GuidanceConfig",
    "Level",
    "choose_explanations",
    "choose_guidance",
    "level_reached",
]

#: Early signs of a partner pulling away.
SIGNS: tuple[str, ...] = (
    "emotional_distancing",
    "communication_breakdown",
    "increased_solitude",
    "irritability",
    "future_avoidance",
)
#: Red flags: reasons to consider walking away.
RED_FLAGS: tuple[str, ...] = (
    "emotional_unavailability",
    "gaslighting",
    "repeated_cycles",
    "lack_of_effort",
    "abuse",
)
FINDING_IDS: tuple[str, ...] = SIGNS + RED_FLAGS
#: Facts about the conversation besides the findings.
FACTS: tuple[str, ...] = ("me_pursues", "pull_back", "low_data")

GUIDANCE_FOLDER = "data/guidance"
_GROUPS: dict[str, tuple[str, ...]] = {"@signs": SIGNS, "@red_flags": RED_FLAGS}
_ORDER: dict[str, int] = {name: i for i, name in enumerate(FINDING_IDS + FACTS)}
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_KNOWN_HINT = f"Known findings: {', '.join(FINDING_IDS)}; levels: {', '.join(LEVELS)}."


@dataclass(frozen=True, slots=True, kw_only=True)
class GuidanceConfig:
    """Thresholds of the guidance, each with its reason."""

    #: From this abuse level on, advice to work things out together can put the user at risk.
    safety_level: Level = "concern"
    #: The language every text is written in first; used where a language has no file yet.
    fallback_language: str = "en"


GUIDANCE_CONFIG = GuidanceConfig()


@dataclass(frozen=True, slots=True, kw_only=True)
class Advice:
    """One piece of guidance or one possible explanation, and what brought it up."""

    id: str
    title: str
    text: str
    #: Ids of the findings and facts that triggered it (empty for the all-clear).
    because: tuple[str, ...]


def level_reached(findings: Mapping[str, Level], finding_id: str, level: Level) -> bool:
    """Whether ``finding_id`` is at ``level`` or above in ``findings`` (missing means none)."""
    ranks = _ranks(findings)
    if finding_id not in ranks:
        raise UsageError(f"Unknown finding {finding_id!r}.", hint=_KNOWN_HINT)
    return ranks[finding_id] >= _rank(level)


def choose_guidance(
    findings: Mapping[str, Level],
    *,
    me_pursues: bool | None,
    pull_back: bool,
    low_data: bool,
    lang: str = "en",
) -> list[Advice]:
    """The guidance that fits, most important first (see the module docstring for the rules)."""
    situation = _Situation(
        ranks=_ranks(findings),
        facts={"me_pursues": me_pursues, "pull_back": pull_back, "low_data": low_data},
    )
    unsafe = situation.safety_first()
    rules = (rule for rule in _book(_language(lang)).guidance if not (unsafe and rule.joint))
    return _advise(rules, situation)


def choose_explanations(
    findings: Mapping[str, Level],
    *,
    me_pursues: bool | None,
    pull_back: bool,
    lang: str = "en",
) -> list[Advice]:
    """Possible reasons for the pattern that are not about the user (none if safety comes first)."""
    situation = _Situation(
        ranks=_ranks(findings),
        facts={"me_pursues": me_pursues, "pull_back": pull_back, "low_data": False},
    )
    if situation.safety_first():
        return []
    return _advise(_book(_language(lang)).explanations, situation)


# --------------------------------------------------------------------------- evaluation


def _rank(level: str) -> int:
    if level not in LEVELS:
        raise UsageError(f"Unknown level {level!r}.", hint=_KNOWN_HINT)
    return LEVELS.index(level)


def _ranks(findings: Mapping[str, Level]) -> dict[str, int]:
    unknown = sorted(set(findings) - set(FINDING_IDS))
    if unknown:
        raise UsageError(f"Unknown findings: {', '.join(unknown)}.", hint=_KNOWN_HINT)
    return {name: _rank(findings.get(name, "none")) for name in FINDING_IDS}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Situation:
    ranks: Mapping[str, int]
    facts: Mapping[str, bool | None]

    def safety_first(self) -> bool:
        return self.ranks["abuse"] >= _rank(GUIDANCE_CONFIG.safety_level)


# A condition's check returns None when it does not hold, else the ids that made it hold.
_Triggers = tuple[str, ...] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class _AtLeast:
    ids: tuple[str, ...]
    rank: int
    min_count: int

    def check(self, situation: _Situation) -> _Triggers:
        met = tuple(i for i in self.ids if situation.ranks[i] >= self.rank)
        return met if len(met) >= self.min_count else None


@dataclass(frozen=True, slots=True, kw_only=True)
class _AtMost:
    ids: tuple[str, ...]
    rank: int

    def check(self, situation: _Situation) -> _Triggers:
        return () if all(situation.ranks[i] <= self.rank for i in self.ids) else None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Fact:
    name: str
    value: bool | None

    def check(self, situation: _Situation) -> _Triggers:
        if situation.facts[self.name] != self.value:
            return None
        return (self.name,) if self.value else ()


@dataclass(frozen=True, slots=True, kw_only=True)
class _All:
    parts: tuple[_Condition, ...]

    def check(self, situation: _Situation) -> _Triggers:
        found: list[str] = []
        for part in self.parts:
            triggers = part.check(situation)
            if triggers is None:
                return None
            found.extend(triggers)
        return tuple(found)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Any:
    parts: tuple[_Condition, ...]

    def check(self, situation: _Situation) -> _Triggers:
        held = [t for t in (part.check(situation) for part in self.parts) if t is not None]
        return tuple(i for t in held for i in t) if held else None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Not:
    part: _Condition

    def check(self, situation: _Situation) -> _Triggers:
        return () if self.part.check(situation) is None else None


_Condition = _AtLeast | _AtMost | _Fact | _All | _Any | _Not


@dataclass(frozen=True, slots=True, kw_only=True)
class _Rule:
    id: str
    title: str
    text: str
    when: _Condition
    joint: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class _Book:
    guidance: tuple[_Rule, ...]
    explanations: tuple[_Rule, ...]


def _advise(rules: Iterable[_Rule], situation: _Situation) -> list[Advice]:
    chosen = []
    for rule in rules:
        triggers = rule.when.check(situation)
        if triggers is not None:
            because = tuple(sorted(set(triggers), key=_ORDER.__getitem__))
            chosen.append(Advice(id=rule.id, title=rule.title, text=rule.text, because=because))
    return chosen


# --------------------------------------------------------------------------- loading


def _language(lang: str) -> str:
    """``lang`` where a guidance file exists for it, else the fallback language."""
    if _LANGUAGE.fullmatch(lang) and _guidance_file(lang).is_file():
        return lang
    return GUIDANCE_CONFIG.fallback_language


def _guidance_file(lang: str) -> Traversable:
    return resources.files("pushpull").joinpath(f"{GUIDANCE_FOLDER}/{lang}.json")


@cache
def _book(lang: str) -> _Book:
    source = f"{GUIDANCE_FOLDER}/{lang}.json"
    return _read_book(json.loads(_guidance_file(lang).read_text("utf-8")), source)


def _read_book(raw: object, source: str) -> _Book:
    """Validate a guidance file's contents; a ``ValueError`` names the first problem."""
    if not isinstance(raw, dict) or set(raw) != {"guidance", "explanations"}:
        raise ValueError(f"{source}: expected an object with 'guidance' and 'explanations'")
    guidance = _read_rules(raw["guidance"], f"{source} guidance", joint_allowed=True)
    explanations = _read_rules(raw["explanations"], f"{source} explanations", joint_allowed=False)
    ids = [rule.id for rule in guidance + explanations]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"{source}: repeated ids {repeated}")
    return _Book(guidance=guidance, explanations=explanations)


def _read_rules(raw: object, where: str, *, joint_allowed: bool) -> tuple[_Rule, ...]:
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{where}: expected a non-empty list")
    allowed = {"id", "title", "text", "when"} | ({"joint"} if joint_allowed else set())
    rules = []
    for n, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ValueError(f"{where}[{n}]: expected an object")
        here = f"{where}[{n}] {item.get('id', '?')!s}"
        if missing := {"id", "title", "text", "when"} - set(item):
            raise ValueError(f"{here}: missing {sorted(missing)}")
        if extra := set(item) - allowed:
            raise ValueError(f"{here}: unexpected {sorted(extra)}")
        texts = [item["id"], item["title"], item["text"]]
        if not all(isinstance(t, str) and t.strip() for t in texts):
            raise ValueError(f"{here}: id, title and text must be non-empty strings")
        joint = item.get("joint", False)
        if not isinstance(joint, bool):
            raise ValueError(f"{here}: joint must be true or false")
        when = _read_condition(item["when"], here)
        rules.append(
            _Rule(id=item["id"], title=item["title"], text=item["text"], when=when, joint=joint)
        )
    return tuple(rules)


def _read_condition(raw: object, where: str) -> _Condition:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: a condition must be an object")
    keys = set(raw)
    if keys in ({"all"}, {"any"}):
        parts = raw["all" if "all" in keys else "any"]
        if not isinstance(parts, list) or not parts:
            raise ValueError(f"{where}: 'all'/'any' needs a non-empty list")
        read = tuple(_read_condition(part, where) for part in parts)
        return _All(parts=read) if "all" in keys else _Any(parts=read)
    if keys == {"not"}:
        return _Not(part=_read_condition(raw["not"], where))
    if keys == {"fact", "is"}:
        if raw["fact"] not in FACTS or raw["is"] not in (True, False, None):
            raise ValueError(f"{where}: unknown fact {raw['fact']!r} or value {raw['is']!r}")
        return _Fact(name=raw["fact"], value=raw["is"])
    if keys in ({"findings", "at_least"}, {"findings", "at_least", "min_count"}):
        ids = _read_ids(raw["findings"], where)
        min_count = raw.get("min_count", 1)
        if not isinstance(min_count, int) or not 1 <= min_count <= len(ids):
            raise ValueError(f"{where}: min_count must be between 1 and the number of findings")
        return _AtLeast(ids=ids, rank=_read_level(raw["at_least"], where), min_count=min_count)
    if keys == {"findings", "at_most"}:
        return _AtMost(
            ids=_read_ids(raw["findings"], where), rank=_read_level(raw["at_most"], where)
        )
    raise ValueError(f"{where}: unknown condition with keys {sorted(keys)}")


def _read_ids(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{where}: 'findings' needs a non-empty list")
    ids: list[str] = []
    for name in raw:
        if name in _GROUPS:
            ids.extend(_GROUPS[name])
        elif name in FINDING_IDS:
            ids.append(name)
        else:
            raise ValueError(f"{where}: unknown finding {name!r}")
    return tuple(dict.fromkeys(ids))


def _read_level(raw: object, where: str) -> int:
    if raw not in LEVELS:
        raise ValueError(f"{where}: unknown level {raw!r}")
    return LEVELS.index(raw)
