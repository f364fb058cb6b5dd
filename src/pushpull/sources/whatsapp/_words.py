"""The words WhatsApp writes (markers, AM/PM, per app language, from ``data/whatsapp/markers.json``)
and the invisible marks and spaces around prefixes and names."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from pushpull.model import Kind

#: Invisible direction and format marks WhatsApp puts around prefixes, names and markers.
_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"


_MARK = "[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"


_LRM = "\u200e"


_NO_MARKS = str.maketrans("", "", _MARKS)


_MARK_SET = frozenset(_MARKS)


#: What may trail a whole-line marker: spaces and marks.
_TRAILING = " \t" + _MARKS


#: What surrounds the date and time in a prefix: marks, iOS brackets, Android's " - ".
_PREFIX_EDGES = _MARKS + "[] -–:"


_UNSEEN = object()


#: The spaces that may stand before AM/PM.
_SPACE = "[ \u00a0\u202f]"


_SPACES = " \u00a0\u202f"


#: Between a clock and its AM/PM: a space of any width, or "_" where a tool replaced one.
_GAP = "[ \u00a0\u202f_]"


_GAPS = _SPACES + "_"


#: Between the date and the time: ", ", " ", "," or the French " à ".
_DATE_TIME = "(?:, (?:à )?| (?:à |klo )?|,|،\u200f? ?|\u2009)"


#: After the year: a dot (Croatian, Serbian "4. 1. 2023."), the year word of Bulgarian and
#: Macedonian ("4.01.23 г.").
_YEAR_END = "\\.?(?:[ \u00a0\u202f]?г\\.)?"


#: Bytes decoded at a time (cut at a line end), so that memory stays small for large exports.
_CHUNK_BYTES = 4 << 20


#: How much of the file the layout is read from.
_SAMPLE_BYTES = 256 * 1024


#: A "name" longer than this before ": " is a system notice that happens to contain a colon.
_MAX_NAME = 80


_Row = tuple[datetime, str, str, Kind, tuple[str, ...], int]


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """Every language's markers, arranged for fast recognition."""

    #: AM/PM tokens (lower case, spaces removed) -> True for PM.
    ampm: dict[str, bool]
    #: Regex alternation matching any AM/PM token as written.
    ampm_pattern: str
    #: The letters AM/PM tokens start with (both cases).
    ampm_initials: str
    #: AM/PM words written before the clock (Chinese, Korean) -> True for PM, and a pattern
    #: matching any of them with the space that may follow.
    before: dict[str, bool]
    before_pattern: str
    #: Whole first lines (trailing spaces and marks removed) -> the kind they stand for.
    exact: dict[str, Kind]
    #: A call notice with a suffix (", Tap to call back", ". 12 min").
    call_with_suffix: re.Pattern[str]
    #: Every call notice, longest first.
    calls: tuple[str, ...]
    notices: tuple[str, ...]
    file_attached: tuple[str, ...]
    attached: tuple[str, ...]
    edited: tuple[str, ...]
    location: tuple[str, ...]
    polls: frozenset[str]
    poll_options: tuple[str, ...]
    system_with_colon: re.Pattern[str]
    chat_file: tuple[re.Pattern[str], ...]
    #: First four characters of every marker that is recognised by how a body starts; a body
    #: that starts otherwise (and has no mark at the start, no ")"/">" ending its first line)
    #: is plain text, which is what lets the fast paths skip the marker checks.
    heads: frozenset[str]


@cache
def _vocabulary() -> _Vocabulary:
    raw = resources.files("pushpull").joinpath("data/whatsapp/markers.json").read_text("utf-8")
    data = json.loads(raw)
    ampm = {_token(t): False for t in data["am"]} | {_token(t): True for t in data["pm"]}
    tokens = sorted({*data["am"], *data["pm"]}, key=len, reverse=True)
    ampm_pattern = "(?i:" + "|".join(re.escape(t).replace(r"\ ", f"{_SPACE}?") for t in tokens)
    ampm_pattern += ")"
    ahead = dict.fromkeys(data["am_before"], False) | dict.fromkeys(data["pm_before"], True)
    ahead_pattern = "(?:" + "|".join(re.escape(t) for t in ahead) + ") ?"
    exact: dict[str, Kind] = {}
    calls: list[str] = []
    notices: list[str] = []
    file_attached: list[str] = []
    attached: list[str] = []
    edited: list[str] = []
    location: list[str] = []
    polls: set[str] = set()
    options: list[str] = []
    colon: list[str] = []
    chat_file: list[re.Pattern[str]] = []
    for lang in data["languages"].values():
        for text in lang["media_omitted"]:
            exact[text] = Kind.MEDIA
        for text, kind in lang["omitted"].items():
            exact[text] = Kind(kind)
        for text in lang["deleted"]:
            text = text.rstrip(".")
            exact[text] = exact[text + "."] = Kind.DELETED
        for text in [*lang["calls"].values(), *lang["more_calls"]]:
            exact[text] = Kind.CALL
            calls.append(text)
        notices.extend(lang["notices"])
        file_attached.append(" " + lang["file_attached"])
        attached.append(lang["attached"])
        edited.extend(lang["edited"])
        location.extend(lang["location"])
        polls.add(lang["poll"])
        options.append(lang["poll_option"])
        colon.extend(lang["system_with_colon"])
        for pattern in lang["chat_file"]:
            before, _, after = pattern.partition("{}")
            chat_file.append(re.compile(f"^{re.escape(before)}(.+){re.escape(after)}$"))
    starters = [*exact, *notices, *attached, *location, *polls, *calls]
    initials = "".join(sorted({t[0] for t in tokens} | {t[0].upper() for t in tokens}))
    longest_first = tuple(sorted(set(calls), key=len, reverse=True))
    return _Vocabulary(
        ampm=ampm,
        ampm_pattern=ampm_pattern,
        ampm_initials=initials,
        before=ahead,
        before_pattern=ahead_pattern,
        exact=exact,
        call_with_suffix=re.compile(
            "(?:" + "|".join(re.escape(c) for c in longest_first) + r")[,.] [^\n]*\Z"
        ),
        calls=longest_first,
        notices=tuple(notices),
        file_attached=tuple(file_attached),
        attached=tuple(attached),
        edited=tuple(sorted(set(edited), key=len, reverse=True)),
        location=tuple(location),
        polls=frozenset(polls),
        poll_options=tuple(options),
        system_with_colon=re.compile("|".join(re.escape(c) for c in colon)),
        chat_file=tuple(chat_file),
        heads=frozenset(s[:4] for s in starters),
    )


def _token(text: str) -> str:
    """An AM/PM token as looked up: lower case, without spaces."""
    return "".join(c for c in text.lower() if c not in _GAPS)
