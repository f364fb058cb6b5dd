"""Safety first: a short note and real helplines, shown before anything else when abuse is likely.

The headline and note (per language) and the helplines (per country, the same in every language)
live in ``data/safety/resources.json``. A language without a text gets the fallback language's:
safety information is never withheld for want of a translation. Each helpline names its country
as an ISO 3166 code (``region``; none for international directories), so that a page can put
the reader's own country first (:func:`helplines_for`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol, TypeVar

from pushpull.assess.guidance import GUIDANCE_CONFIG, Level, level_reached

__all__ = [
    "Resource",
    "emergency_number",
    "helplines_for",
    "region_from_locale",
    "safety_first",
    "safety_headline",
    "safety_note",
    "safety_resources",
    "system_region",
]

SAFETY_FILE = "data/safety/resources.json"
_CONTACTS = ("phone", "text", "url")
_FIELDS = ("country", "region", "name", "phone", "text", "sms", "sms_body", "url", "hours")
_REGION = re.compile(r"[A-Z]{2}")
_SMS = re.compile(r"[0-9]{3,15}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """A helpline or directory: at least one of ``phone``, ``text`` and ``url`` is set."""

    country: str
    #: ISO 3166-1 alpha-2 code of the country it serves; None for international directories.
    region: str | None
    name: str
    phone: str | None
    #: How to reach it by text message, in words, e.g. "Text START to 88788".
    text: str | None
    #: The number to text (digits only), when texting it is possible...
    sms: str | None
    #: ...and the word to send, when it asks for one.
    sms_body: str | None
    url: str | None
    hours: str | None


def safety_first(findings: Mapping[str, Level]) -> bool:
    """Whether abuse is at the safety level or above, so safety information must come first."""
    return level_reached(findings, "abuse", GUIDANCE_CONFIG.safety_level)


def safety_headline(lang: str = "en") -> str:
    """The two sentences shown first, in ``lang`` where there are some."""
    texts = _safety_data().headlines
    return texts.get(lang, texts[GUIDANCE_CONFIG.fallback_language])


def safety_note(lang: str = "en") -> str:
    """The longer note (danger now, staying safe on this device), in ``lang`` where there is one."""
    texts = _safety_data().notes
    return texts.get(lang, texts[GUIDANCE_CONFIG.fallback_language])


def safety_resources(lang: str = "en") -> list[Resource]:
    """Every helpline, international directories first, then country by country."""
    del lang  # the helplines are the same in every language (their own names are kept)
    return list(_safety_data().resources)


class _Helpline(Protocol):
    @property
    def region(self) -> str | None: ...


R = TypeVar("R", bound=_Helpline)


def emergency_number(region: str | None) -> str | None:
    """The emergency number of the country ``region`` (an ISO code), when the file knows it."""
    return _safety_data().emergency.get((region or "").upper())


_LOCALE_TAG = re.compile(r"^[A-Za-z]{2,3}[-_]([A-Za-z]{2})(?:\b|[._@;-])")


def region_from_locale(value: str | None) -> str | None:
    """The country of a locale as browsers (``en-GB,en;q=0.9``) or systems (``en_GB.UTF-8``)
    write it: the first tag that names one, as an ISO code; None when none does."""
    for tag in (value or "").split(","):
        found = _LOCALE_TAG.match(tag.strip())
        if found:
            return found.group(1).upper()
    return None


def system_region() -> str | None:
    """The country of this computer's locale (``LC_ALL``, else ``LANG``), as an ISO code."""
    return region_from_locale(os.environ.get("LC_ALL") or os.environ.get("LANG"))


def helplines_for(helplines: Sequence[R], region: str | None) -> tuple[list[R], list[R]]:
    """``helplines`` split into the reader's own (those of ``region``, else the international
    directories) and the rest (international directories first, then country by country)."""
    own = [h for h in helplines if region and h.region == region.upper()]
    if not own:
        own = [h for h in helplines if h.region is None]
    rest = [h for h in helplines if h not in own]
    rest.sort(key=lambda h: h.region is not None)  # stable: the file's order otherwise
    return own, rest


@dataclass(frozen=True, slots=True)
class _SafetyData:
    emergency: dict[str, str]
    headlines: dict[str, str]
    notes: dict[str, str]
    resources: tuple[Resource, ...]


@cache
def _safety_data() -> _SafetyData:
    text = resources.files("pushpull").joinpath(SAFETY_FILE).read_text("utf-8")
    return _read_safety(json.loads(text), SAFETY_FILE)


def _read_texts(raw: dict[str, Any], key: str, source: str) -> dict[str, str]:
    texts = raw[key]
    if not isinstance(texts, dict) or not all(
        isinstance(v, str) and v.strip() for v in texts.values()
    ):
        raise ValueError(f"{source}: '{key}' must map languages to non-empty texts")
    if GUIDANCE_CONFIG.fallback_language not in texts:
        raise ValueError(f"{source}: no {key} in {GUIDANCE_CONFIG.fallback_language!r}")
    return dict(texts)


def _read_safety(raw: object, source: str) -> _SafetyData:
    """Validate the safety file's contents; a ``ValueError`` names the first problem."""
    if not isinstance(raw, dict) or set(raw) != {"headlines", "notes", "emergency", "resources"}:
        raise ValueError(
            f"{source}: expected an object with 'headlines', 'notes', 'emergency' and 'resources'"
        )
    emergency = raw["emergency"]
    if not isinstance(emergency, dict) or not all(
        isinstance(k, str) and _REGION.fullmatch(k) and isinstance(v, str) and v.isdigit()
        for k, v in emergency.items()
    ):
        raise ValueError(f"{source}: 'emergency' must map ISO country codes to numbers")
    entries = raw["resources"]
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{source}: 'resources' must be a non-empty list")
    return _SafetyData(
        emergency=dict(emergency),
        headlines=_read_texts(raw, "headlines", source),
        notes=_read_texts(raw, "notes", source),
        resources=tuple(_read_resource(e, f"{source}[{n}]") for n, e in enumerate(entries)),
    )


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
    if raw["region"] is not None and not _REGION.fullmatch(raw["region"]):
        raise ValueError(f"{where}: region must be an ISO 3166 code such as GB, or null")
    if raw["sms"] is not None and not _SMS.fullmatch(raw["sms"]):
        raise ValueError(f"{where}: sms must be the digits of a number to text")
    if raw["sms_body"] is not None and raw["sms"] is None:
        raise ValueError(f"{where}: sms_body needs an sms number")
    return Resource(**raw)
