"""Safety first: a short note and real helplines, shown before anything else when abuse is likely.

The note (per language) and the helplines (per country, the same in every language) live in
``data/safety/resources.json``. A language without a note gets the fallback language's note:
safety information is never withheld for want of a translation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pushpull.assess.guidance import GUIDANCE_CONFIG, Level, level_reached

__all__ = ["Resource", "safety_first", "safety_note", "safety_resources"]

SAFETY_FILE = "data/safety/resources.json"
_CONTACTS = ("phone", "text", "url")
_FIELDS = ("country", "name", *_CONTACTS, "hours")


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """A helpline or directory: at least one of ``phone``, ``text`` and ``url`` is set."""

    country: str
    name: str
    phone: str | None
    #: How to reach it by text message, e.g. "Text START to 88788".
    text: str | None
    url: str | None
    hours: str | None


def safety_first(findings: Mapping[str, Level]) -> bool:
    """Whether abuse is at the safety level or above, so safety information must come first."""
    return level_reached(findings, "abuse", GUIDANCE_CONFIG.safety_level)


def safety_note(lang: str = "en") -> str:
    """The short safety note, in ``lang`` where there is one."""
    notes, _ = _safety_data()
    return notes.get(lang, notes[GUIDANCE_CONFIG.fallback_language])


def safety_resources(lang: str = "en") -> list[Resource]:
    """Every helpline, international directories first, then country by country."""
    del lang  # the helplines are the same in every language (their own names are kept)
    _, helplines = _safety_data()
    return list(helplines)


@cache
def _safety_data() -> tuple[dict[str, str], tuple[Resource, ...]]:
    text = resources.files("pushpull").joinpath(SAFETY_FILE).read_text("utf-8")
    return _read_safety(json.loads(text), SAFETY_FILE)


def _read_safety(raw: object, source: str) -> tuple[dict[str, str], tuple[Resource, ...]]:
    """Validate the safety file's contents; a ``ValueError`` names the first problem."""
    if not isinstance(raw, dict) or set(raw) != {"notes", "resources"}:
        raise ValueError(f"{source}: expected an object with 'notes' and 'resources'")
    notes = raw["notes"]
    if not isinstance(notes, dict) or not all(
        isinstance(v, str) and v.strip() for v in notes.values()
    ):
        raise ValueError(f"{source}: 'notes' must map languages to non-empty texts")
    if GUIDANCE_CONFIG.fallback_language not in notes:
        raise ValueError(f"{source}: no note in {GUIDANCE_CONFIG.fallback_language!r}")
    entries = raw["resources"]
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{source}: 'resources' must be a non-empty list")
    return dict(notes), tuple(_read_resource(e, f"{source}[{n}]") for n, e in enumerate(entries))


def _read_resource(raw: object, where: str) -> Resource:
    if not isinstance(raw, dict) or set(raw) != set(_FIELDS):
        raise ValueError(f"{where}: expected exactly the fields {', '.join(_FIELDS)}")
    for key in _FIELDS:
        value = raw[key]
        if value is not None and not (isinstance(value, str) and value.strip()):
            raise ValueError(f"{where}: {key} must be a non-empty string or null")
    if not raw["country"] or not raw["name"]:
        raise ValueError(f"{where}: country and name are required")
    if not any(raw[key] for key in _CONTACTS):
        raise ValueError(f"{where}: {raw['name']} needs a phone, a text contact or a url")
    if raw["url"] is not None and not raw["url"].startswith("https://"):
        raise ValueError(f"{where}: url must start with https://")
    return Resource(**raw)
