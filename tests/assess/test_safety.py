"""Safety first: the threshold, the note and a helpline list where every entry can be reached."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from importlib import resources
from typing import Any

import pytest

from pushpull.assess.guidance import FINDING_IDS, LEVELS, Level, choose_guidance
from pushpull.assess.safety import (
    SAFETY_FILE,
    Resource,
    _read_safety,
    emergency_number,
    helplines_for,
    region_from_locale,
    safety_first,
    safety_note,
    safety_resources,
)

#: The countries the brief asks for, beside the international directories.
REQUIRED_COUNTRIES = {
    "International",
    "United States",
    "United Kingdom",
    "Spain",
    "Mexico",
    "Canada",
    "Australia",
    "Ireland",
    "Germany",
    "France",
    "India",
}
_GENDERED = re.compile(r"\b(he|she|his|her|hers|him)\b", re.I)


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("pushpull").joinpath(SAFETY_FILE).read_text("utf-8")
    )
    return data


@pytest.mark.parametrize(
    ("level", "expected"), list(zip(LEVELS, [False, False, True, True], strict=True))
)
def test_safety_comes_first_from_concern(level: Level, expected: bool) -> None:
    assert safety_first({"abuse": level}) is expected
    others: dict[str, Level] = dict.fromkeys(FINDING_IDS, "serious")
    others["abuse"] = level
    assert safety_first(others) is expected


def test_safety_first_agrees_with_the_guidance() -> None:
    for level in LEVELS:
        advice = choose_guidance({"abuse": level}, me_pursues=None, pull_back=False, low_data=False)
        assert (advice[0].id == "safety_first") is safety_first({"abuse": level})


def test_missing_abuse_is_not_a_safety_case() -> None:
    assert not safety_first({})
    assert not safety_first({"gaslighting": "serious"})


def test_every_entry_has_a_name_a_country_and_a_way_to_reach_it() -> None:
    helplines = safety_resources()
    assert helplines
    for entry in helplines:
        assert entry.name.strip() and entry.country.strip()
        assert entry.phone or entry.text or entry.url, entry.name
        assert entry.url is None or entry.url.startswith("https://"), entry.name
        assert entry.phone is None or re.search(r"\d", entry.phone), entry.name


def test_the_required_countries_are_covered_directories_first() -> None:
    helplines = safety_resources()
    assert {h.country for h in helplines} >= REQUIRED_COUNTRIES
    assert helplines[0].country == "International"
    first_national = next(i for i, h in enumerate(helplines) if h.country != "International")
    assert all(h.country != "International" for h in helplines[first_national:])


@pytest.mark.parametrize(
    ("country", "phone", "text"),
    [
        ("United States", "1-800-799-7233", "Text START to 88788"),
        ("United Kingdom", "0808 2000 247", None),
        ("Spain", "016", None),
        ("Australia", "1800 737 732", None),
    ],
)
def test_the_national_lines_named_in_the_brief(country: str, phone: str, text: str | None) -> None:
    entries = [h for h in safety_resources() if h.country == country and h.phone == phone]
    assert entries, f"{phone} missing for {country}"
    if text is not None:
        assert entries[0].text == text


def test_resources_are_frozen_and_a_fresh_list_each_time() -> None:
    first = safety_resources()
    with pytest.raises(dataclasses.FrozenInstanceError):
        first[0].name = "x"  # type: ignore[misc]
    first.clear()
    assert safety_resources()


def test_the_note_says_what_matters() -> None:
    note = safety_note()
    lower = note.lower()
    for must in ("not to blame", "emergency", "quick-exit", "history"):
        assert must in lower, must
    assert not _GENDERED.search(note)


def test_an_unknown_language_still_gets_the_english_note_and_every_line() -> None:
    assert safety_note("xx") == safety_note("en")
    assert safety_resources("xx") == safety_resources("en")


def _drop_contacts(raw: dict[str, Any]) -> None:
    raw["resources"][3].update(phone=None, text=None, url=None)


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_drop_contacts, "needs a phone"),
        (lambda raw: raw["resources"][0].update(country=""), "non-empty string"),
        (lambda raw: raw["resources"][0].pop("hours"), "exactly the fields"),
        (lambda raw: raw["resources"][0].update(url="http://example.org"), "https://"),
        (lambda raw: raw["notes"].pop("en"), "no notes"),
        (lambda raw: raw["headlines"].pop("en"), "no headlines"),
        (lambda raw: raw["resources"][3].update(region="USA"), "ISO 3166"),
        (lambda raw: raw["resources"][3].update(sms="text us"), "digits"),
        (lambda raw: raw["resources"][5].update(sms_body="HELLO"), "needs an sms number"),
        (lambda raw: raw["emergency"].update(GB="nine"), "'emergency'"),
    ],
)
def test_spoilt_safety_data_is_refused(spoil: Any, message: str) -> None:
    raw = copy.deepcopy(_raw())
    _read_safety(raw, SAFETY_FILE)
    spoil(raw)
    with pytest.raises(ValueError, match=re.escape(message)):
        _read_safety(raw, SAFETY_FILE)


def test_resource_fields_match_the_data_file() -> None:
    names = {f.name for f in dataclasses.fields(Resource)}
    assert all(set(entry) == names for entry in _raw()["resources"])


def test_helplines_put_the_readers_country_first() -> None:
    lines = safety_resources()
    own, rest = helplines_for(lines, "gb")
    assert own and {r.region for r in own} == {"GB"}
    assert [r.region for r in rest][:3] == [None, None, None]  # then the directories
    assert len(own) + len(rest) == len(lines)
    directories, _ = helplines_for(lines, None)
    assert {r.region for r in directories} == {None}
    assert helplines_for(lines, "ZZ")[0] == directories


def test_every_country_with_a_help_line_has_an_emergency_number() -> None:
    regions = {r.region for r in safety_resources() if r.region}
    assert all(emergency_number(region) for region in regions)
    assert emergency_number("gb") == "999" and emergency_number(None) is None


@pytest.mark.parametrize(
    ("locale", "region"),
    [
        ("en-GB,en;q=0.9", "GB"),
        ("es-MX", "MX"),
        ("en_AU.UTF-8", "AU"),
        ("fr;q=0.8,en-US;q=0.5", "US"),
        ("es", None),
        ("C.UTF-8", None),
        (None, None),
        ("es-419", None),
    ],
)
def test_the_region_comes_from_the_browser_or_the_system(
    locale: str | None, region: str | None
) -> None:
    assert region_from_locale(locale) == region
