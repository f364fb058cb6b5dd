"""WhatsApp chat exports: the ``.txt`` the app writes, or the ``.zip`` holding it and the media.

One message starts on each line that begins with a date and time, in one of two layouts::

    Android   31/12/2023, 21:15 - Sam: text        12/31/23, 9:15 PM - Sam: text
    iOS       [31/12/2023, 21:15:07] Sam: text     [12/31/23, 9:15:07 PM] Sam: text

Dates may be day-, month- or year-first with ``/``, ``.`` or ``-``, years of 2 or 4 digits;
clocks 24 h or 12 h with AM/PM in several languages (``PM``, ``p.m.``, ``p. m.``, ``nachm.``),
written after a space, U+00A0 or U+202F. Direction marks (U+200E, U+202A...) may sit around the
prefix and the name. Lines that do not start that way continue the message above (joined with
``\\n``). A line without ``Name: `` after the prefix is a system notice (sender ""). A prefix
whose date or time is impossible (month 13, 25:61) is kept as text of the message above, with a
``ParseIssue``; text before the first message becomes a system message, with a ``ParseIssue``.

A phone writes every date of one export alike, so the style most lines use (bracketed or not,
the date's separator, year first or last, its digits) is the file's: a line in another style,
even one shaped like "date time - Name: text", is text of the message above (someone pasted
it), with a ``ParseIssue`` naming it. Only when no style covers three quarters of the message
lines (chats exported on different phones, joined into one file) does every line in any style
start a message, each style with its own date order, and a ``ParseIssue`` marks each line where
the style changes. A dot may follow the time (``13:34. - Name:``), and ``Name:`` may end its
line when the text starts on the next one.

The layout is read from the first lines; the date order is decided once for the whole file:

1. a 4-digit first field means year-month-day;
2. else a first field above 12 on any line means day first, a second field above 12 means month
   first (if both occur, the one seen on more lines wins; the other lines become issues);
3. else (every field is 12 or less) the order under which the dates never run backwards;
4. else month first when the clock shows upper-case ``AM``/``PM`` (the US layout), day first
   otherwise.

The app's markers (``<Media omitted>``, ``image omitted``, ``IMG-... (file attached)``,
``<attached: ...>``, deleted and edited notes, locations, polls, calls, the encryption notice)
are recognised in English, Spanish, Portuguese, German, French and Italian; they live in
``data/whatsapp/markers.json``. WhatsApp never says which participant exported the chat, so
``from_me`` is always ``None``; the chat title comes from the file name ("WhatsApp Chat with
Sam.txt", "WhatsApp Chat - Sam.zip"), else the file's stem.

Two paths give the same result (tests hold them to it). ``read`` yields ``Message`` objects:
the text is decoded in large chunks, each split into prefix, sender and body by one compiled
regular expression; a timestamp is parsed once per distinct prefix, a name once per sender.
``read_frame`` (what the store uses) works on columns with Polars and no Python per message:
lines are cut into prefix, sender and body by whole-column operations, dates, clock readings
and names are parsed once per distinct value, and ``_classify`` runs the marker checks of
``_Bodies.special`` as column expressions. In both, a body meets the marker checks only when
it could be a marker (it starts with one's first four characters or a direction mark, ends
with ")" or ">", or has no sender); everything else is plain text as written. The date order
is decided on the line column for both paths.
"""

from __future__ import annotations

import bisect
import codecs
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import ClassVar

import polars as pl

from pushpull.errors import ParseError, UnreadableFileError, UsageError
from pushpull.frame import FRAME_SCHEMA, MessageFrame, messages_to_frame
from pushpull.model import Kind, Message, ParseIssue
from pushpull.registry import ExportFile, ExportZip, Sniff, register

__all__ = ["WhatsAppSource"]

#: Invisible direction and format marks WhatsApp puts around prefixes, names and markers.
_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_MARK = "[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
_LRM = "\u200e"
_NO_MARKS = str.maketrans("", "", _MARKS)
_MARK_SET = frozenset(_MARKS)
#: What may trail a whole-line marker: spaces and marks.
_TRAILING = " \t" + _MARKS
#: What surrounds the date and time in a prefix: marks, iOS brackets, Android's " - ".
_PREFIX_EDGES = _MARKS + "[] -–"
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


# --------------------------------------------------------------------------- the app's words


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


# --------------------------------------------------------------------------- layout


@cache
def _general() -> re.Pattern[str]:
    """Any WhatsApp message prefix (either layout), for sniffing and reading the layout."""
    return re.compile(
        rf"^{_MARK}*(\[)?(\d{{1,4}})([./-]) ?(\d{{1,2}})\3 ?(\d{{2,4}}|\d(?!\d)){_YEAR_END}"
        rf"({_DATE_TIME})(?:{_vocabulary().before_pattern})?"
        rf"(\d{{1,2}})[:.](\d{{2}})(?:[:.](\d{{2}}))?(?:{_GAP}?({_vocabulary().ampm_pattern}))?"
        r"\.?(?(1)\] | [-–] )",
        re.MULTILINE,
    )


@dataclass(frozen=True, slots=True)
class _Layout:
    ios: bool
    sep: str
    #: "dmy", "mdy" or "ymd".
    order: str
    #: True when the clock shows upper-case AM/PM somewhere in the sample (the US layout).
    us_clock: bool
    #: What stands between date and time on most lines (", ", " ", " à ").
    date_time: str = ", "
    #: Digits of the year on most lines (2 or 4; None: either): a phone writes every date of
    #: an export alike, so a line with the other width is text someone pasted or typed.
    year_digits: int | None = None
    #: No style covers most lines (chats exported on different phones joined in one file):
    #: every line in any style starts a message (``_mixed_rows``).
    mixed: bool = False
    #: Spaces inside the date ("4. 1. 2023", "2023. 01. 04."): date and clock are then cut
    #: apart by pattern, not at the first joiner.
    spaced: bool = False


#: The share of message lines the commonest style must cover for the rest to count as text.
_DOMINANT_SHARE = 0.75
#: A style: bracketed (iOS), date separator, year first, year digits. (What stands between
#: date and time varies within one export, and is not part of it.)
_StyleKey = tuple[bool, str, bool, int]


def _style_of(m: re.Match[str]) -> _StyleKey:
    first, last = m.group(2), m.group(5)
    # Korean phones write a two-digit year first, with a dot after each field: "23. 1. 4."
    short_year_first = (
        len(first) == 2 and len(last) <= 2 and m.string[m.end(5) : m.end(5) + 1] == "."
    )
    year_first = len(first) == 4 or short_year_first
    digits = len(first) if year_first else len(last)
    return (m.group(1) is not None, m.group(3), year_first, digits)


def _layout_for(
    key: _StyleKey,
    us_clock: bool,
    *,
    date_time: str = ", ",
    mixed: bool = False,
    spaced: bool = False,
) -> _Layout:
    ios, sep, year_first, digits = key
    return _Layout(
        ios=ios,
        sep=sep,
        order="ymd" if year_first else "",
        us_clock=us_clock,
        date_time=date_time,
        year_digits=digits,
        mixed=mixed,
        spaced=spaced,
    )


def _read_layout(sample: str) -> _Layout | None:
    """The layout most message prefixes in ``sample`` use, or None when none is there."""
    votes: dict[_StyleKey, int] = {}
    joins: dict[tuple[_StyleKey, str], int] = {}
    spaced: set[_StyleKey] = set()
    us_clock = False
    for n, m in enumerate(_general().finditer(sample)):
        key = _style_of(m)
        votes[key] = votes.get(key, 0) + 1
        if m.group(3) + " " in m.group(0):
            spaced.add(key)
        joins[key, m.group(6)] = joins.get((key, m.group(6)), 0) + 1
        ampm = m.group(10)
        if ampm and ampm[0] in "AP":
            us_clock = True
        if n >= 2000:
            break
    if not votes:
        return None
    top = max(votes, key=lambda k: votes[k])
    date_time = max((j for j in joins if j[0] == top), key=lambda j: joins[j])[1]
    total = sum(votes.values())
    mixed = total >= 3 and votes[top] < _DOMINANT_SHARE * total
    return _layout_for(top, us_clock, date_time=date_time, mixed=mixed, spaced=top in spaced)


#: The year and the clock up to its minutes, as the date order is decided on them (ASCII
#: digits: a line counts before any of it is parsed).
_ORDER_YEAR = "[0-9]{2,4}"
_ORDER_CLOCK = _YEAR_END + _DATE_TIME + "[^0-9]{0,3}[0-9]{1,2}[:.][0-9][0-9]"
#: A day (never a month): 13 to 31.
_BIG = "(?:1[3-9]|2[0-9]|3[01])"


def _decide_order(lines: pl.Series, layout: _Layout) -> str:
    """Day-first ("dmy") or month-first ("mdy") for the whole file (see the module docstring).

    Both counts run at once over the line column; only a file whose every date field is 12 or
    less goes on to the (rarer, slower) check of which order keeps the dates from running
    backwards.
    """
    s = pl.escape_regex(layout.sep)
    lead = f"^{_MARK}*" + (r"\[" if layout.ios else "")
    s += " ?"  # "4. 1. 2023"
    day = f"{lead}{_BIG}{s}[0-9]{{1,2}}{s}{_ORDER_YEAR}{_ORDER_CLOCK}"
    month = f"{lead}[0-9]{{1,2}}{s}{_BIG}{s}{_ORDER_YEAR}{_ORDER_CLOCK}"
    line = pl.col("line")
    counts = (
        lines.to_frame("line")
        .select(line.str.contains(day).sum(), line.str.contains(month).sum().alias("month"))
        .row(0)
    )
    n_dmy, n_mdy = int(counts[0] or 0), int(counts[1] or 0)
    if n_dmy or n_mdy:
        return "dmy" if n_dmy >= n_mdy else "mdy"
    found = (
        lines.str.extract_groups(
            f"{lead}([0-9]{{1,2}}){s}([0-9]{{1,2}}){s}({_ORDER_YEAR}){_ORDER_CLOCK}"
        )
        .struct.rename_fields(["a", "b", "y"])
        .struct.unnest()
        .drop_nulls()
    )
    # Each change of date (as written) counts as running backwards under an order when the
    # new date sorts before the previous one under it.
    ints = [pl.col(c).cast(pl.Int64) for c in ("a", "b", "y")]
    a1, b1, y1 = ints
    a0, b0, y0 = (c.shift(1) for c in ints)
    changed = pl.any_horizontal(pl.col(c) != pl.col(c).shift(1) for c in ("a", "b", "y"))

    def earlier(x1: pl.Expr, x0: pl.Expr, z1: pl.Expr, z0: pl.Expr) -> pl.Expr:
        """(y1, x1, z1) < (y0, x0, z0)."""
        return (y1 < y0) | ((y1 == y0) & ((x1 < x0) | ((x1 == x0) & (z1 < z0))))

    back = found.select(
        (changed & earlier(b1, b0, a1, a0)).sum().alias("dmy"),
        (changed & earlier(a1, a0, b1, b0)).sum().alias("mdy"),
    ).row(0)
    back_dmy, back_mdy = int(back[0] or 0), int(back[1] or 0)
    if back_dmy != back_mdy:
        return "dmy" if back_dmy < back_mdy else "mdy"
    return "mdy" if layout.us_clock else "dmy"


_ORDER_WORDS = {"dmy": "day/month", "mdy": "month/day"}


def _order_of(
    lines: pl.Series, layout: _Layout, chosen: str | None
) -> tuple[str, list[ParseIssue]]:
    """The date order (``chosen``, from the ``date_order`` option, wins) and, when the file
    itself cannot tell day from month (no day above 12 anywhere), a warning saying which
    order was assumed and how to choose the other."""
    if layout.order:
        return layout.order, []
    if chosen in _ORDER_WORDS:
        return chosen, []
    order = _decide_order(lines, layout)
    s = pl.escape_regex(layout.sep) + " ?"
    lead = f"^{_MARK}*" + (r"\[" if layout.ios else "")
    big = f"{lead}(?:{_BIG}{s}[0-9]{{1,2}}|[0-9]{{1,2}}{s}{_BIG}){s}{_ORDER_YEAR}{_ORDER_CLOCK}"
    if lines.str.contains(big).any():
        return order, []
    other = "mdy" if order == "dmy" else "dmy"
    return order, [
        ParseIssue(
            line=None,
            reason="no date in the file has a day above 12, so day and month cannot be told "
            f"apart; pushpull read the dates as {_ORDER_WORDS[order]}",
            action=f"read as {_ORDER_WORDS[order]}; if the dates look wrong, import it again "
            f"with the option date_order={other} (pushpull import --date-order {other})",
        )
    ]


def _stamp_pattern(layout: _Layout, *, capture: bool = True) -> str:
    """Date, separator and clock of this layout, as groups (date) and (clock) if ``capture``."""
    s = re.escape(layout.sep)
    s += " ?"  # "4. 1. 2023", "2023. 01. 04."
    if layout.order == "ymd":
        date = rf"\d{{{layout.year_digits or 4}}}{s}\d{{1,2}}{s}\d{{1,2}}{_YEAR_END}"
    else:
        year = f"{{{layout.year_digits}}}" if layout.year_digits else "{2,4}"
        date = rf"\d{{1,2}}{s}\d{{1,2}}{s}\d{year}{_YEAR_END}"
    # The lookahead makes a 24 h clock (no AM/PM) fail fast instead of trying every token.
    ampm = rf"(?:{_GAP}?(?=[{_vocabulary().ampm_initials}]){_vocabulary().ampm_pattern})?"
    # some phones put a dot after the time ("13:34. - Name: ...")
    before = f"(?:{_vocabulary().before_pattern})?"
    clock = rf"{before}\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?{ampm}\.?"
    group = "(" if capture else "(?:"
    return rf"{group}{date}){_DATE_TIME}{group}{clock})"


def _line_pattern(layout: _Layout) -> re.Pattern[str]:
    """A newline and the prefix of the message after it: groups (prefix) and (sender).

    Splitting a chunk (that starts with "\\n") on this gives the text before the first message,
    then prefix, sender (None for a system line) and body of each message in turn.
    """
    stamp = _stamp_pattern(layout, capture=False)
    stamp = rf"\[{stamp}\] " if layout.ios else rf"{stamp} [-–] "
    # "Name: text", or "Name:" ending the line when the text starts on the next one
    return re.compile(rf"\n({_MARK}*{stamp})(?:([^\n]*?):(?: |(?=\n|\Z)))?")


_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(.*)", re.DOTALL)
#: A prefix whose date has spaces, cut at the joiner that the clock follows.
_SPACED_CUT = re.compile(rf"(.+?)({_DATE_TIME})(\D{{0,3}}\d{{1,2}}[:.]\d{{2}}.*)", re.DOTALL)


class _Clock:
    """Timestamp parsing with caches per distinct date and clock reading."""

    def __init__(self, layout: _Layout, order: str) -> None:
        self.sep = layout.sep
        self.date_time = layout.date_time
        self.spaced = layout.spaced
        self.order = order
        self.days: dict[str, datetime | None] = {}
        self.times: dict[str, timedelta | None] = {}
        self.ampm = _vocabulary().ampm
        self.before = _vocabulary().before
        self.before_initials = frozenset(w[0] for w in self.before)

    def day(self, text: str) -> datetime | None:
        text = text.removesuffix("г.").rstrip(" .\u00a0\u202f")  # "4. 1. 2023.", "4.01.23 г."
        try:
            a, b, c = (int(p) for p in text.split(self.sep))
            if self.order == "ymd":
                y, mo, d = a, b, c
            elif self.order == "mdy":
                mo, d, y = a, b, c
            else:
                d, mo, y = a, b, c
            if y < 100:
                y += 2000
            return datetime(y, mo, d)
        except ValueError:
            return None

    def time(self, text: str) -> timedelta | None:
        ahead = None  # an AM/PM word before the clock ("下午7:00", "오후 7:00")
        if text[:1] in self.before_initials:
            word = next((w for w in self.before if text.startswith(w)), None)
            if word is not None:
                ahead, text = self.before[word], text[len(word) :].lstrip(" ")
        m = _CLOCK.match(text)
        if m is None:
            return None
        h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        token = _token(m.group(4))
        if ahead is not None:
            if token.strip("."):
                return None
            token = "pm" if ahead else "am"
        if token.endswith(".") and token not in self.ampm:  # "13:34." or "1:34 p.m.."
            token = token[:-1]
        if token:
            pm = self.ampm.get(token)
            # Some phones write midnight as "00:08 a. m." rather than "12:08 a. m.".
            if pm is None or not 0 <= h <= 12 or (h == 0 and pm):
                return None
            h = h % 12 + (12 if pm else 0)
        if h > 23 or mi > 59 or s > 59:
            return None
        return timedelta(hours=h, minutes=mi, seconds=s)

    def at(self, prefix: str) -> datetime | None:
        """The time a message prefix shows, or None when its date or time is impossible.

        Called once per distinct prefix (a million times for a large export), so it cuts the
        prefix with string methods and looks the date and the clock reading up in caches.
        """
        core = prefix.strip(_PREFIX_EDGES)
        date, found, clock = core.partition(self.date_time)
        if self.spaced:  # the joiner may also stand inside the date: cut before the clock
            parts = _SPACED_CUT.match(core)
            date, found, clock = (parts[1], parts[2], parts[3]) if parts else ("", "", "")
        if not found:  # a line with another separator than most
            cut = core.find(" ")
            comma = core.find(",", 0, cut)
            if comma >= 0:
                cut = comma
            if cut < 0:
                return None
            date, clock = core[:cut], core[cut:].lstrip(", à")
        d = self.days.get(date, _UNSEEN)
        if d is _UNSEEN:
            d = self.days[date] = self.day(date)
        t = self.times.get(clock, _UNSEEN)
        if t is _UNSEEN:
            t = self.times[clock] = self.time(clock)
        if isinstance(d, datetime) and isinstance(t, timedelta):
            return d + t
        return None


# --------------------------------------------------------------------------- bodies


def _kind_of_file(name: str) -> Kind:
    upper = name.upper()
    if upper.startswith("STK-") or "-STICKER-" in upper or upper.endswith(".WEBP"):
        return Kind.STICKER
    return Kind.MEDIA


class _Bodies:
    """Turns the text after ``Name: `` into (sender, text, kind, attachments)."""

    def __init__(self, names: frozenset[str]) -> None:
        self.v = _vocabulary()
        self.names = names
        self.senders: dict[str, str | None] = {}

    def sender(self, raw: str) -> str | None:
        """The display name in ``raw`` (the text before ": "), or None if it is no name."""
        name = self.senders.get(raw, "")
        if name == "":
            name = raw.strip(_MARKS + _SPACES)
            if name.startswith("~"):  # iOS: "~ Alice" is Alice, not in the phone's contacts
                name = name[1:].lstrip(_SPACES + _MARKS)
            if not name or len(name) > _MAX_NAME or self.v.system_with_colon.search(name):
                name = None
            if len(self.senders) < 10_000:
                self.senders[raw] = name
        return name

    def special(self, raw_sender: str | None, body: str) -> tuple[str, str, Kind, tuple[str, ...]]:
        """The slow path: a body that may be a marker, or a line without a sender."""
        sender = None if raw_sender is None else self.sender(raw_sender)
        if raw_sender is not None and sender is None:
            body = raw_sender + ": " + body
        if sender is None:
            text = body.lstrip(_MARKS)
            first, newline, _ = text.partition("\n")
            kind = self.exact_kind(first, not newline)
            return "", text, Kind.CALL if kind is Kind.CALL else Kind.SYSTEM, ()
        text, kind, files = self.classify(body)
        return ("" if kind is Kind.SYSTEM else sender), text, kind, files

    def exact_kind(self, first: str, single_line: bool) -> Kind | None:
        """The kind a whole-line marker (a message's ``first`` line) stands for, if any.

        Markers count only at the very start of a body: the fast paths in ``_rows`` and
        ``_frame`` decide "plain text" by how a body starts (see ``_Vocabulary.heads``).
        """
        line = first.rstrip(_TRAILING)
        kind = self.v.exact.get(line)
        if (
            kind is None
            and single_line
            and line[:4] in self.v.heads
            and self.v.call_with_suffix.match(line)
        ):
            return Kind.CALL
        return kind

    def classify(self, body: str) -> tuple[str, Kind, tuple[str, ...]]:
        """(text, kind, attachments) of a body written after ``Name: ``."""
        v = self.v
        edited = body[-1:] == ">" and body.endswith(v.edited)
        if edited:
            marker = next(m for m in v.edited if body.endswith(m))
            body = body[: -len(marker)].rstrip(_MARKS)
            body = body[:-1] if body.endswith(" ") else body
        led = body[:1] in _MARKS and body != ""
        text = body.lstrip(_MARKS) if led else body
        first, newline, rest = text.partition("\n")
        kind = self.exact_kind(first, not newline)
        if kind is Kind.CALL:
            return text.replace(_LRM, ""), kind, ()
        if kind is not None:  # media omitted, deleted: what follows is a caption
            return rest, kind, ()
        end = first[-1:]
        if end == ")" or end == ">":
            attachment = self.attachment(first)
            if attachment is not None:
                name, caption = attachment
                if caption and rest:
                    caption += "\n" + rest
                return caption or rest, _kind_of_file(name), (name,)
        if first.strip(_MARKS) in v.polls:
            return self.poll(rest), Kind.POLL, ()
        if text.startswith(v.location):
            prefix = next(p for p in v.location if text.startswith(p))
            return text[len(prefix) :], Kind.LOCATION, ()
        if text.startswith(v.notices) or (led and not edited):
            return text, Kind.SYSTEM, ()
        return body, (Kind.EDITED if edited else Kind.TEXT), ()

    def attachment(self, first: str) -> tuple[str, str] | None:
        """(file name, caption before it) when ``first`` (ending in ")" or ">") names a file."""
        line = first if _MARK_SET.isdisjoint(first) else first.translate(_NO_MARKS)
        if line.endswith(self.v.file_attached):
            suffix = next(s for s in self.v.file_attached if line.endswith(s))
            name = line[: -len(suffix)].strip(" ")
            if name not in self.names and " • " in name:
                name = name.partition(" • ")[0].strip(" ")
            return (name, "") if name else None
        if line.endswith(">"):
            for prefix in self.v.attached:
                at = line.rfind(prefix)
                if at >= 0:
                    name = line[at + len(prefix) : -1].strip(" ")
                    return (name, line[:at].rstrip(" ")) if name else None
        return None

    def poll(self, rest: str) -> str:
        """The question of a poll whose options follow it."""
        question: list[str] = []
        for line in rest.split("\n"):
            bare = line.lstrip(_MARKS)
            if bare.startswith(self.v.poll_options):
                break
            question.append(bare)
        return "\n".join(question)


# --------------------------------------------------------------------------- reading


def _chunks(data: bytes, start: int, path: Path) -> Iterator[str]:
    """The text in pieces of about ``_CHUNK_BYTES``, each starting with "\\n" (the first one
    with an added "\\n"), with CRLF turned into LF."""
    line = 1
    pos, size = start, len(data)
    while pos < size:
        end = size
        if pos + _CHUNK_BYTES < size:
            cut = data.find(b"\n", pos + _CHUNK_BYTES)
            if cut > 0:
                end = cut - 1 if data[cut - 1 : cut] == b"\r" else cut
        piece = data[pos:end]
        if b"\r" in piece:  # one byte: memchr, ten times faster than looking for two
            piece = piece.replace(b"\r\n", b"\n")
        try:
            text = piece.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(
                f"byte {pos + exc.start} is not valid UTF-8 text.",
                path=path,
                line=line + piece.count(b"\n", 0, exc.start),
                expected="a WhatsApp export encoded as UTF-8",
            ) from exc
        yield text if pos > start else "\n" + text
        line += piece.count(b"\n")
        pos = end


def _layout_of(data: bytes, start: int, path: Path) -> _Layout:
    """The file's layout, read from its first lines."""
    sample = data[start : start + _SAMPLE_BYTES].decode("utf-8", errors="replace")
    layout = _read_layout(sample)
    if layout is None:
        raise ParseError(
            "no line starts with a WhatsApp date and time.",
            path=path,
            line=1,
            expected="lines like '31/12/2023, 21:15 - Name: text' or '[31/12/2023, 21:15:07] "
            "Name: text'",
        )
    return layout


def _text_lines(data: bytes, start: int, path: Path) -> tuple[bytes, pl.Series]:
    """The text from byte ``start`` with LF line ends, and its lines as a column."""
    text = data[start:] if start else data
    if b"\r" in text:  # one byte: memchr, ten times faster than looking for two
        text = text.replace(b"\r\n", b"\n")
    return text, _lines(text, data, start, path)


def _no_messages(path: Path) -> ParseError:
    return ParseError(
        "no line starts with a readable WhatsApp date and time.",
        path=path,
        line=1,
        expected="lines like '31/12/2023, 21:15 - Name: text'",
    )


def _impossible(line: int, prefix: str, raw: str, after_first: bool) -> ParseIssue:
    """The issue for a line that starts like a message but whose date or time cannot be."""
    return ParseIssue(
        line=line,
        reason="this line starts like a message but its date or time is "
        f"impossible ({prefix.strip(_MARKS + ' -–[]')})",
        raw=raw[:200],
        action="kept as part of the previous message"
        if after_first
        else "kept as text before the first message",
    )


def _rows(
    data: bytes, start: int, path: Path, names: frozenset[str], date_order: str | None = None
) -> Iterator[_Row | ParseIssue]:
    """The messages of a UTF-8 export (from byte ``start``) as rows, with issues in between.

    This is ``read``'s path: chunks of text are split by one regular expression into prefix,
    sender and body; plain text goes straight out, anything that may be a marker or a system
    line goes through ``_Bodies.special``.
    """
    layout = _layout_of(data, start, path)
    if layout.mixed:
        yield from _mixed_rows(data, start, path, names)
        return
    lines = _text_lines(data, start, path)[1]
    order, doubts = _order_of(lines, layout, date_order)
    foreign = _foreign_headers(lines, layout) + doubts
    del lines
    clock = _Clock(layout, order)
    split = _line_pattern(layout).split
    bodies = _Bodies(names)
    heads, marks, enders = bodies.v.heads, _MARKS, ")>"
    senders = bodies.senders
    special = bodies.special
    clock_at = clock.at
    last_prefix, last_at = "", datetime.min  # messages of one minute share a prefix
    text_kind = Kind.TEXT
    no_files: tuple[str, ...] = ()

    # The latest message is held back until the next one starts, because the following
    # lines (even in the next chunk) may still belong to it.
    p_at: datetime | None = None
    p_sender: str | None = None
    p_body = ""
    p_line = 0
    preamble = ""
    line = 1  # the line the next message starts on
    for text in _chunks(data, start, path):
        parts = split(text)
        lead = parts[0]
        if lead:
            if p_at is not None:
                p_body += lead
            else:
                preamble += lead
            line += lead.count("\n")
        it = iter(parts)
        next(it)
        for prefix, raw_sender, body in zip(it, it, it):  # noqa: B905
            if prefix == last_prefix:
                at = last_at
            else:
                found = clock_at(prefix)
                if found is None:
                    raw = prefix if raw_sender is None else f"{prefix}{raw_sender}: "
                    raw += body
                    yield _impossible(line, prefix, raw, p_at is not None)
                    if p_at is not None:
                        p_body += "\n" + raw
                    else:
                        preamble += "\n" + raw
                    line += body.count("\n") + 1
                    continue
                at = last_at = found
                last_prefix = prefix
            if p_at is not None:
                if (
                    p_sender is not None
                    and (sender := senders.get(p_sender)) is not None
                    and p_body[:4] not in heads
                    and p_body[:1] not in marks
                    and p_body[-1:] not in enders
                    and ")\n" not in p_body
                    and ">\n" not in p_body
                ):
                    yield (p_at, sender, p_body, text_kind, no_files, p_line)
                else:
                    s, t, k, files = special(p_sender, p_body)
                    yield (p_at, s, t, k, files, p_line)
            else:
                yield from _preamble(preamble, at)
            p_at, p_sender, p_body, p_line = at, raw_sender, body, line
            line += body.count("\n") + 1
    if p_at is None:
        raise _no_messages(path)
    if p_body.endswith(("\n", "\r")):  # the export's final line end
        p_body = p_body[:-1]
    s, t, k, files = special(p_sender, p_body)
    yield (p_at, s, t, k, files, p_line)
    yield from foreign


#: A line that starts with a date in any style (Rust regex: the cheap first filter).
_ANY_DATE = rf"^{_MARK}*\[?[0-9]{{1,4}}[./-][0-9]{{1,2}}[./-][0-9]{{2,4}}"
_NAMED = re.compile(r"[^\n]*?:(?: |$)")


def _describe(m: re.Match[str]) -> str:
    """A header's date and time as written, for a warning."""
    return m.group(0).strip(_PREFIX_EDGES)


def _foreign_headers(lines: pl.Series, layout: _Layout) -> list[ParseIssue]:
    """Lines that look like a message start ("date time - Name: ") in another style than the
    file's: a phone writes every date of an export alike, so these are text of the message
    above (a pasted line, or a chat copied into a message). One warning each."""
    frame = lines.to_frame("line").with_row_index("number", offset=1)
    line = pl.col("line")
    suspects = frame.filter(
        line.str.contains(_ANY_DATE) & ~line.str.contains(_polars_prefix(layout))
    )
    issues = []
    for number, text in suspects.iter_rows():
        m = _general().match(text)
        if m is None or not _NAMED.match(text, m.end()):
            continue
        issues.append(
            ParseIssue(
                line=int(number),
                reason=f"this line looks like the start of a message, but its date style "
                f"({_describe(m)}) is not the one the rest of the file uses",
                raw=text[:200],
            )
        )
    return issues


def _mixed_rows(
    data: bytes, start: int, path: Path, names: frozenset[str]
) -> Iterator[_Row | ParseIssue]:
    """The messages of a file with no single date style (chats from several phones joined):
    every line in any style starts a message, each style read with its own date order, and
    a warning marks each line where the style changes."""
    text, lines = _text_lines(data, start, path)
    del text
    found = [_general().match(line) for line in lines.to_list()]
    by_style: dict[_StyleKey, list[str]] = {}
    us_clock = False
    for line, m in zip(lines.to_list(), found, strict=True):
        if m is not None:
            by_style.setdefault(_style_of(m), []).append(line)
            us_clock = us_clock or bool(m.group(10) and m.group(10)[0] in "AP")
    clocks = {}
    for key, style_lines in by_style.items():
        layout = _layout_for(key, us_clock)
        order = layout.order or _decide_order(pl.Series("line", style_lines), layout)
        clocks[key] = _Clock(layout, order)
    bodies = _Bodies(names)
    held: tuple[datetime, str | None, list[str], int] | None = None
    preamble: list[str] = []
    style: _StyleKey | None = None
    for number, (line, m) in enumerate(zip(lines.to_list(), found, strict=True), start=1):
        at = None
        if m is not None:
            key = _style_of(m)
            at = clocks[key].at(m.group(0))
            if at is None:
                yield _impossible(number, m.group(0), line, held is not None)
        if m is None or at is None:
            if held is not None:
                held[2].append(line)
            else:
                preamble.append(line)
            continue
        if style is not None and key != style:
            yield ParseIssue(
                line=number,
                reason=f"the date style changes here (to {_describe(m)}): the file seems to "
                "join chats exported on different phones",
                raw=line[:200],
                action="read as the start of a message",
            )
        style = key
        if held is not None:
            yield _emit(held, bodies)
        else:
            yield from _preamble("\n" + "\n".join(preamble), at)
        rest = line[m.end() :]
        named = _NAMED.match(rest)
        if named is not None:
            sender: str | None = named.group(0).rstrip(" ")[:-1]
            body = rest[named.end() :]
        else:
            sender, body = None, rest
        held = (at, sender, [body], number)
    if held is None:
        raise _no_messages(path)
    yield _emit(held, bodies)


def _emit(held: tuple[datetime, str | None, list[str], int], bodies: _Bodies) -> _Row:
    at, raw_sender, parts, number = held
    sender, text, kind, files = bodies.special(raw_sender, "\n".join(parts))
    return (at, sender, text, kind, files, number)


def _preamble(text: str, at: datetime) -> Iterator[_Row | ParseIssue]:
    """Text before the first message (``text`` starts with the added "\\n"), if there is any."""
    text = text[1:]
    if text.strip(_MARKS + " \n\t"):
        yield _preamble_issue(text)
        yield (at, "", text.lstrip(_MARKS), Kind.SYSTEM, (), 1)


def _preamble_issue(text: str) -> ParseIssue:
    return ParseIssue(
        line=1,
        reason="text before the first message",
        raw=text[:200],
        action="kept as a system message",
    )


def _polars_prefix(layout: _Layout) -> str:
    """``_line_pattern``'s prefix for one line in Polars, without groups: the regex engine finds
    a match without captures several times faster (and Rust's regex has no lookaround)."""
    ampm = f"(?=[{_vocabulary().ampm_initials}])"
    stamp = _stamp_pattern(layout, capture=False).replace(ampm, "")
    stamp = rf"\[{stamp}\] " if layout.ios else rf"{stamp} [-–] "
    return rf"^{_MARK}*{stamp}"


def _gate(v: _Vocabulary) -> str:
    """Bodies that are surely plain text do not match this (the same test as ``_rows``)."""
    heads = "|".join(re.escape(h) for h in sorted(v.heads))
    return rf"\A(?:{_MARK}|{heads})|[)>]\z|[)>]\n|\A\z"


def _frame(
    data: bytes,
    start: int,
    path: Path,
    names: frozenset[str],
    chat: str,
    date_order: str | None = None,
) -> MessageFrame:
    """All messages as columns, computed column-wise by Polars (``read_frame``'s path).

    The same rules as ``_rows``: a line starts a message when it matches the same prefix
    pattern; dates and clock readings are parsed by the same ``_Clock`` (once per distinct
    value); bodies that may be markers or system lines are classified by ``_classify``, which
    is ``_Bodies.special`` written in columns (a test holds the two to the same answers).
    """
    layout = _layout_of(data, start, path)
    if layout.mixed:
        found = messages_to_frame(
            Message(
                sent_at=row[0],
                sender=row[1],
                text=row[2],
                kind=row[3],
                attachments=row[4],
                line=row[5],
                chat=chat,
            )
            if isinstance(row, tuple)
            else row
            for row in _mixed_rows(data, start, path, names)
        )
        return found
    text, lines = _text_lines(data, start, path)
    order, doubts = _order_of(lines, layout, date_order)
    clock = _Clock(layout, order)
    foreign = _foreign_headers(lines, layout) + doubts
    cut = _cut_lines(lines, layout)
    del lines
    bodies = _Bodies(names)
    messages, more, before, bad = _gather(cut, clock, bodies)
    issues = _frame_issues(bad, cut, text.endswith((b"\n", b"\r")))
    preamble = "\n".join(before.get_column("line").to_list())
    del cut, text, before
    if messages.height == 0:
        raise _no_messages(path)
    if more.height:
        # Messages are numbered 1, 2, ... in order, so message m is row m - 1.
        rows = more.get_column("msg").cast(pl.Int64) - 1
        body = messages.get_column("body")
        joined = body.gather(rows) + "\n" + more.get_column("more")
        marked = messages.get_column("sender").gather(rows).is_null() | joined.str.contains(
            _gate(bodies.v)
        )
        messages = messages.with_columns(
            body.scatter(rows, joined), messages.get_column("marked").scatter(rows, marked)
        )
    del more
    special = _classify(
        messages.with_row_index("i").filter("marked").select("i", "raw", "sender", "body"),
        bodies,
    )
    index = special.get_column("i")
    n = messages.height
    out = pl.DataFrame(
        {
            "sent_at": messages.get_column("at"),
            "sender": messages.get_column("sender").scatter(index, special.get_column("sender")),
            "text": messages.get_column("body").scatter(index, special.get_column("text")),
            "kind": pl.repeat(Kind.TEXT.value, n, eager=True).scatter(
                index, special.get_column("kind")
            ),
            "attached": pl.repeat(None, n, dtype=pl.String, eager=True).scatter(
                index, special.get_column("attached")
            ),
            "line": messages.get_column("number"),
        }
    )
    del messages, special
    if preamble.strip(_MARKS + " \n\t"):
        issues.insert(
            sum(1 for i in issues if i.action.endswith("first message")),
            _preamble_issue(preamble),
        )
        head = pl.DataFrame(
            {
                "sent_at": [out.item(0, "sent_at")],
                "sender": [""],
                "text": [preamble.lstrip(_MARKS)],
                "kind": [Kind.SYSTEM.value],
                "attached": [None],
                "line": [1],
            },
            schema=out.schema,
        )
        out = pl.concat([head, out])
    issues.extend(foreign)
    frame = out.select(
        "sent_at",
        pl.lit(None, dtype=pl.Int32).alias("utc_offset_s"),
        "sender",
        "text",
        "kind",
        pl.lit(None, dtype=pl.Boolean).alias("from_me"),
        pl.when(pl.col("attached").is_null())
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(pl.concat_list("attached"))
        .alias("attachments"),
        pl.lit(None, dtype=pl.String).alias("reply_to"),
        pl.lit(None, dtype=pl.String).alias("record_id"),
        "line",
        pl.lit(chat, dtype=pl.String).alias("chat"),
    )
    return MessageFrame(frame.cast(pl.Schema(FRAME_SCHEMA)), issues)


def _cut_lines(lines: pl.Series, layout: _Layout) -> pl.DataFrame:
    """Per line: its text, its prefix (null unless it looks like a message start), the
    prefix cut in two at the layout's separator (``date``, ``clock``: what ``_Clock.at`` cuts),
    and the text after the prefix cut at the first ": " (``head``, ``tail``)."""
    stamp = pl.col("prefix").str.splitn(layout.date_time, 2)
    if layout.spaced:  # the joiner may stand inside the date: cut where the clock starts
        stamp = pl.col("prefix").str.extract_groups(
            rf"^(.+?){_DATE_TIME}([^0-9]{{0,3}}[0-9]{{1,2}}[:.][0-9]{{2}}.*)$"
        )
    return (
        pl.LazyFrame({"line": lines})
        .with_columns(pl.col("line").str.extract(_polars_prefix(layout), 0).alias("prefix"))
        .with_columns(
            stamp.struct.rename_fields(["date", "clock"]).alias("stamp"),
            pl.col("line")
            .str.slice(pl.col("prefix").str.len_chars())
            .str.splitn(": ", 2)
            .struct.rename_fields(["head", "tail"])
            .alias("after"),
        )
        .unnest("stamp", "after")
        .with_columns(
            # "Name:" ending the line (its text starts on the next one) is "Name: " and ""
            pl.when(pl.col("tail").is_null() & pl.col("head").str.ends_with(":"))
            .then(pl.col("head").str.strip_suffix(":"))
            .otherwise(pl.col("head"))
            .alias("head"),
            pl.when(pl.col("tail").is_null() & pl.col("head").str.ends_with(":"))
            .then(pl.lit(""))
            .otherwise(pl.col("tail"))
            .alias("tail"),
        )
        .collect()
    )


def _times(cut: pl.DataFrame, clock: _Clock) -> pl.Expr:
    """The time each line's prefix shows (null: no prefix, or an impossible date or time).

    Only the distinct dates and clock readings go to Python. A line written with another
    separator than most can leave no clock reading (the separator was found in the trailing
    " - "): ``_Clock.at`` reads those few prefixes whole.
    """
    date, clock_reading, prefix = pl.col("date"), pl.col("clock"), pl.col("prefix")
    dates, readings = (
        found.to_series()
        for found in pl.collect_all(
            [cut.lazy().select(c.drop_nulls().unique()) for c in (date, clock_reading)]
        )
    )
    days = {d: clock.day(d.lstrip(_PREFIX_EDGES)) for d in dates.to_list()}
    times: dict[str, timedelta | None] = {}
    unusual: list[str] = []
    for reading in readings.to_list():
        bare = reading.rstrip(_PREFIX_EDGES)
        if bare:
            times[reading] = clock.time(bare)
        else:
            unusual.append(reading)
    day = date.replace_strict(days, default=None, return_dtype=pl.Datetime("us"))
    time = clock_reading.replace_strict(times, default=None, return_dtype=pl.Duration("us"))
    odd = prefix.is_not_null() & clock_reading.is_null()
    if unusual:
        odd = prefix.is_not_null() & (clock_reading.is_null() | clock_reading.is_in(unusual))
    prefixes = cut.lazy().filter(odd).select(prefix.unique()).collect().to_series().to_list()
    if not prefixes:
        return day + time
    whole = {p: clock.at(p) for p in prefixes}
    return (
        pl.when(odd)
        .then(prefix.replace_strict(whole, default=None, return_dtype=pl.Datetime("us")))
        .otherwise(day + time)
    )


def _gather(
    cut: pl.DataFrame, clock: _Clock, bodies: _Bodies
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """From the cut lines, in one parallel pass: the messages (time, line number, ``raw``: the
    text before ": " or null, ``sender``: the name ``raw`` is or null, ``body``: the first
    line's text, ``marked``: may be a marker or system line); the continuation lines joined
    per message (``msg``, ``more``); the lines before the first message; and the lines that
    look like message starts but whose date or time is impossible."""
    v = bodies.v
    prefix, head, tail = pl.col("prefix"), pl.col("head"), pl.col("tail")
    raws = cut.lazy().filter(prefix.is_not_null() & tail.is_not_null()).select(head.unique())
    senders = {raw: bodies.sender(raw) for raw in raws.collect().to_series().to_list()}
    at = pl.col("at")
    lines = cut.lazy().with_columns(
        _times(cut, clock).alias("at"),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("number"),
    )
    lines = lines.with_columns(at.is_not_null().cum_sum().alias("msg"))
    sender = pl.col("raw").replace_strict(senders, default=None, return_dtype=pl.String)
    messages = (
        lines.filter(at.is_not_null())
        .select(
            "at",
            "number",
            pl.when(tail.is_not_null()).then(head).alias("raw"),
            pl.coalesce(tail, head).alias("body"),
        )
        .with_columns(sender.alias("sender"))
        .with_columns(
            (pl.col("sender").is_null() | pl.col("body").str.contains(_gate(v))).alias("marked")
        )
    )
    more = (
        lines.filter(at.is_null() & (pl.col("msg") > 0))
        .group_by("msg", maintain_order=True)
        .agg(pl.col("line").str.join("\n").alias("more"))
    )
    before = lines.filter(pl.col("msg") == 0).select("line")
    bad = lines.filter(prefix.is_not_null() & at.is_null()).select("number", "prefix", "msg")
    found = pl.collect_all([messages, more, before, bad])
    return found[0], found[1], found[2], found[3]


def _classify(rows: pl.DataFrame, bodies: _Bodies) -> pl.DataFrame:
    """``_Bodies.special`` for many bodies at once: columns ``raw`` (the text before ": ", or
    null), ``sender`` (the name it is, or null) and ``body`` become ``sender``, ``text``,
    ``kind`` and ``attached`` (a file name, or null); ``i`` is kept, row order is not.

    The steps of ``special``/``classify`` in their order; each step sees only the rows no
    earlier step decided, so few rows meet the costly ones. Only a poll's question is cut out
    in Python (polls are rare).
    """
    v = bodies.v
    body, raw, sender = pl.col("body"), pl.col("raw"), pl.col("sender")
    system = sender.is_null()
    # special(): a line without a sender is a system notice (or a call), whole.
    whole = pl.when(raw.is_not_null()).then(pl.concat_str(raw, pl.lit(": "), body)).otherwise(body)
    # classify(): an edit note at the end is cut off, with the marks and one space before it
    # (as one pattern: the leftmost match ending the body is the very cut ``classify`` makes).
    notes = "|".join(pl.escape_regex(m) for m in v.edited)
    note = f" ?{_MARK}*(?:{notes})\\z"
    edited = ~system & body.str.contains(note)
    shortened = body.str.replace(note, "")
    rows = rows.select(
        "i",
        "sender",
        system.alias("system"),
        edited.alias("edited"),
        pl.when(system).then(whole).when(edited).then(shortened).otherwise(body).alias("body"),
    )
    body, system, edited = pl.col("body"), pl.col("system"), pl.col("edited")
    led = body.str.contains(f"^{_MARK}")
    text = pl.when(system | led).then(body.str.strip_chars_start(_MARKS)).otherwise(body)
    rows = rows.with_columns(
        led.alias("led"),
        text.alias("text"),
        text.str.splitn("\n", 2).struct.rename_fields(["first", "rest"]).alias("parts"),
    ).unnest("parts")
    # exact_kind(): the first line, without trailing spaces and marks, is a marker, or a call
    # notice with a suffix when it is the only line.
    first, rest, text, led = pl.col("first"), pl.col("rest"), pl.col("text"), pl.col("led")
    line = first.str.strip_chars_end(_TRAILING)
    exact = line.replace_strict(
        {k: kind.value for k, kind in v.exact.items()}, default=None, return_dtype=pl.String
    )
    calls = "|".join(pl.escape_regex(c) for c in v.calls)
    suffixed_call = rest.is_null() & line.str.contains(f"^(?:{calls})[,.] [^\\n]*\\z")
    call = pl.lit(Kind.CALL.value)
    rows = rows.with_columns(
        pl.when((exact == call) | (exact.is_null() & suffixed_call))
        .then(call)
        .otherwise(exact)
        .alias("kind"),
        rest.fill_null(""),
    )
    kind = pl.col("kind")

    decided: list[pl.DataFrame] = []

    def decide(
        chosen: pl.DataFrame, text: pl.Expr, kind: pl.Expr, attached: pl.Expr | None = None
    ) -> None:
        nobody = system | (kind == Kind.SYSTEM.value)
        sender_out = pl.when(nobody).then(pl.lit("")).otherwise(sender)
        decided.append(
            chosen.select(
                "i",
                sender_out.alias("sender"),
                text.alias("text"),
                kind.alias("kind"),
                (pl.lit(None, dtype=pl.String) if attached is None else attached).alias("attached"),
            )
        )

    # A line without a sender is a call notice or a system notice, whole.
    decide(
        rows.filter(system),
        text,
        pl.when(kind == Kind.CALL.value).then(kind).otherwise(pl.lit(Kind.SYSTEM.value)),
    )
    # A call notice keeps its text (without LRMs); any other marker gives way to its caption.
    decide(
        rows.filter(~system & kind.is_not_null()),
        pl.when(kind == Kind.CALL.value)
        .then(text.str.replace_all(_LRM, "", literal=True))
        .otherwise(rest),
        kind,
    )
    rows = rows.filter(~system & kind.is_null())
    files = _attachments(rows.filter(first.str.ends_with(")") | first.str.ends_with(">")), bodies)
    caption, name = pl.col("caption"), pl.col("name")
    upper = name.str.to_uppercase()
    sticker = (
        upper.str.starts_with("STK-")
        | upper.str.contains("-STICKER-", literal=True)
        | upper.str.ends_with(".WEBP")
    )
    decide(
        files,
        pl.when((caption != "") & (rest != ""))
        .then(pl.concat_str(caption, rest, separator="\n"))
        .when(caption != "")
        .then(caption)
        .otherwise(rest),
        pl.when(sticker).then(pl.lit(Kind.STICKER.value)).otherwise(pl.lit(Kind.MEDIA.value)),
        name,
    )
    rows = rows.join(files.select("i"), on="i", how="anti")

    polls = rows.filter(first.str.strip_chars(_MARKS).is_in(sorted(v.polls)))
    questions = [bodies.poll(r) for r in polls.get_column("rest").to_list()]
    polls = polls.with_columns(pl.Series("question", questions, dtype=pl.String))
    decide(polls, pl.col("question"), pl.lit(Kind.POLL.value))
    rows = rows.join(polls.select("i"), on="i", how="anti")
    located: pl.Expr = pl.lit(None, dtype=pl.String)
    for prefix in reversed(v.location):
        located = (
            pl.when(text.str.starts_with(prefix))
            .then(text.str.slice(len(prefix)))
            .otherwise(located)
        )
    notice = pl.any_horizontal(text.str.starts_with(n) for n in v.notices)
    rows = rows.with_columns(located.alias("located"))
    located = pl.col("located")
    decide(
        rows,
        pl.when(located.is_not_null())
        .then(located)
        .when(notice | (led & ~edited))
        .then(text)
        .otherwise(body),
        pl.when(located.is_not_null())
        .then(pl.lit(Kind.LOCATION.value))
        .when(notice | (led & ~edited))
        .then(pl.lit(Kind.SYSTEM.value))
        .when(edited)
        .then(pl.lit(Kind.EDITED.value))
        .otherwise(pl.lit(Kind.TEXT.value)),
    )
    return pl.concat(decided)


def _attachments(rows: pl.DataFrame, bodies: _Bodies) -> pl.DataFrame:
    """``_Bodies.attachment`` for first lines ending in ")" or ">": the rows that name a file,
    with columns ``name`` and ``caption`` added (marks removed from both)."""
    v = bodies.v
    bare = pl.col("first").str.replace_all(_MARK, "")
    named: pl.Expr = pl.lit(None, dtype=pl.String)
    for suffix in reversed(v.file_attached):
        named = (
            pl.when(bare.str.ends_with(suffix)).then(bare.str.head(-len(suffix))).otherwise(named)
        )
    rows = rows.with_columns(bare.alias("bare"), named.str.strip_chars(" ").alias("name"))
    bare, name = pl.col("bare"), pl.col("name")
    columns = [*rows.drop("bare", "name").columns, "name", "caption"]
    # "NAME (file attached)"; a name with " • " that is no file in the zip is cut there.
    suffixed = rows.filter(name.is_not_null()).with_columns(
        pl.when(~name.is_in(sorted(bodies.names)) & name.str.contains(" • ", literal=True))
        .then(name.str.splitn(" • ", 2).struct.field("field_0").str.strip_chars(" "))
        .otherwise(name)
        .alias("name"),
        pl.lit("").alias("caption"),
    )
    found = [suffixed.select(columns)]
    # "CAPTION <attached: NAME>": the first language's opener that occurs, where it last does.
    untagged = rows.filter(name.is_null() & bare.str.ends_with(">"))
    for opener in v.attached:
        has = bare.str.contains(opener, literal=True)
        tag = bare.str.extract_groups(f"(?s)^(.*){pl.escape_regex(opener)}(.*)>\\z")
        found.append(
            untagged.filter(has)
            .with_columns(tag.struct.rename_fields(["caption", "name"]).alias("tag"))
            .drop("name")
            .unnest("tag")
            .with_columns(name.str.strip_chars(" "), pl.col("caption").str.strip_chars_end(" "))
            .select(columns)
        )
        untagged = untagged.filter(~has)
    return pl.concat(found).filter(name != "")


def _lines(text: bytes, data: bytes, start: int, path: Path) -> pl.Series:
    """The lines of ``text`` (LF line ends, no final empty line) as a Polars column.

    Polars' CSV reader, told to use a byte the text does not contain as the separator and no
    quoting, splits lines faster and with less memory than anything else at hand.
    """
    unused = (b for b in range(1, 32) if b not in (9, 10, 13) and bytes([b]) not in text)
    absent = next(unused, None)
    try:
        if absent is None:
            whole = pl.Series("line", [text], dtype=pl.Binary).cast(pl.String)
            lines = whole.str.split("\n").explode()
            return lines.head(len(lines) - 1) if text.endswith(b"\n") else lines
        table = pl.read_csv(
            text,
            has_header=False,
            separator=chr(absent),
            quote_char=None,
            new_columns=["line"],
            schema={"line": pl.String},
        )
    except pl.exceptions.PolarsError:
        for _ in _chunks(data, start, path):  # raises the error that names the line
            pass
        raise ParseError("the text is not valid UTF-8.", path=path) from None
    return table.get_column("line").fill_null("")


def _frame_issues(bad: pl.DataFrame, cut: pl.DataFrame, final_newline: bool) -> list[ParseIssue]:
    """Issues for lines that look like a message start but whose date or time is impossible
    (with the text up to the next such line, as ``_rows`` reports them)."""
    if bad.height == 0:
        return []
    looks = cut.get_column("prefix").is_not_null().arg_true().to_list()
    lines = cut.get_column("line")
    issues = []
    for number, prefix, msg in bad.iter_rows():
        index = number - 1
        at = bisect.bisect_right(looks, index)
        after = looks[at] if at < len(looks) else len(lines)
        raw = "\n".join(lines.slice(index, after - index).to_list())
        if after == len(lines) and final_newline:
            raw += "\n"
        issues.append(_impossible(number, prefix, raw, msg > 0))
    return issues


def _utf8(data: bytes, path: Path) -> tuple[bytes, int]:
    """The export as UTF-8 bytes and where its text starts (after a BOM); UTF-16 is converted."""
    if data.startswith(codecs.BOM_UTF8):
        start = 0
        while data.startswith(codecs.BOM_UTF8, start):  # some tools add a second one
            start += len(codecs.BOM_UTF8)
        return data, start
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8"), 0
        except UnicodeDecodeError as exc:
            raise ParseError(
                "the UTF-16 text is damaged.",
                path=path,
                expected="a WhatsApp export encoded as UTF-8 or UTF-16",
            ) from exc
    return data, 0


def _chat_member(zf: ExportZip) -> zipfile.ZipInfo | None:
    """The chat text inside an export zip: ``_chat.txt`` (iOS) or ``WhatsApp Chat ... .txt``."""
    texts = [
        info
        for info in zf.infolist()
        if not info.is_dir()
        and info.filename.lower().endswith(".txt")
        and not PurePosixPath(info.filename).name.startswith("._")
        and "__MACOSX" not in info.filename
    ]
    for info in texts:
        if PurePosixPath(info.filename).name == "_chat.txt":
            return info
    for info in texts:
        if _title_in(PurePosixPath(info.filename).stem) is not None:
            return info
    return texts[0] if len(texts) == 1 else None


def _title_in(stem: str) -> str | None:
    """The chat title in a file stem like "WhatsApp Chat with Sam" (None if no such stem)."""
    stem = re.sub(r" \(\d+\)$", "", stem.strip())
    for pattern in _vocabulary().chat_file:
        m = pattern.match(stem)
        if m:
            return m.group(1).strip()
    return None


def _title(file_name: str, member: str | None) -> str:
    stems = [PurePosixPath(member).stem] if member else []
    stems.append(PurePosixPath(file_name).stem)
    for stem in stems:
        title = _title_in(stem)
        if title:
            return title
    if stems[0] != "_chat":
        return stems[0]
    return PurePosixPath(file_name).stem


# --------------------------------------------------------------------------- the format

_FIELD_ORDER = (
    "sent_at",
    "sender",
    "text",
    "kind",
    "utc_offset_s",
    "from_me",
    "attachments",
    "reply_to",
    "record_id",
    "line",
    "chat",
)
#: True when Message has exactly the fields ``read`` fills in directly (see there).
_SLOTS_MATCH = (
    tuple(f.name for f in fields(Message)) == _FIELD_ORDER
    and tuple(getattr(Message, "__slots__", ())) == _FIELD_ORDER
)
_SETTERS: tuple[Callable[[Message, object], None], ...] = (
    tuple(getattr(Message, name).__set__ for name in _FIELD_ORDER) if _SLOTS_MATCH else ()
)


def _date_order(file: ExportFile) -> str | None:
    """The ``date_order`` option ("dmy" or "mdy"), checked."""
    chosen = file.options.get("date_order")
    if chosen is not None and chosen not in _ORDER_WORDS:
        raise UsageError(
            f"date_order={chosen} is not a date order.",
            hint="Give dmy (day first, as most of the world writes dates) or mdy (month first).",
        )
    return chosen


@register
class WhatsAppSource:
    name: ClassVar[str] = "whatsapp"
    label: ClassVar[str] = "WhatsApp chat export (.txt or .zip)"

    def sniff(self, file: ExportFile) -> Sniff:
        member_name: str | None = None
        if file.is_zip:
            try:
                with file.zip() as zf:
                    member = _chat_member(zf)
                    if member is None:
                        return Sniff.no("a zip without a WhatsApp chat text file")
                    member_name = member.filename
                    head = zf.read(member, limit=64 * 1024)
            except UnreadableFileError:  # past a limit: refused, not merely not ours
                raise
            except Exception:
                return Sniff.no("a zip that cannot be opened")
            text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
            truncated = len(head) == 64 * 1024
        else:
            text = file.head_text
            truncated = file.size > len(file.head)
        lines = text.split("\n")
        if truncated and len(lines) > 1:
            lines.pop()
        lines = [ln for ln in lines[:500] if ln.strip()]
        general = _general()
        hits, weak, bare = [], 0, 0
        for i, ln in enumerate(lines):
            m = general.match(ln)
            if m is None:
                continue
            # iOS always writes "[date, time with seconds]"; "[2019-05-29, 15:04]" is
            # signal-export's Markdown. Without a comma ("[15-01-20 02:22:56]", "[2019-04-16
            # 02:09]") it is WhatsApp's too, unless the line ends in the two spaces that
            # signal-export puts after every message and WhatsApp never writes.
            signal_mark = m.group(1) and ln.rstrip("\r").endswith("  ")
            if m.group(1) and (m.group(9) is None or signal_mark):
                weak += 1
                bare += not m.group(6).startswith(",") and not signal_mark
            else:
                hits.append(i)
        if not hits:
            if bare >= 2 and bare >= 0.5 * len(lines):
                # "[2019-04-16 02:09] Name: …" on most lines: an older WhatsApp layout; a
                # signal-export file with the same header says so by its blank lines and
                # trailing spaces, and wins with a higher confidence.
                return Sniff(0.9, f"{bare} of {len(lines)} lines start with '[date time]'")
            if weak:
                return Sniff(0.3, "bracketed dates, but not WhatsApp's '[date, time:seconds]'")
            return Sniff.no("no WhatsApp date-time lines")
        if weak > 2 * len(hits):  # mostly signal-export's lines: the few others are its too
            return Sniff(0.3, "bracketed dates, mostly in signal-export's layout")
        share = len(hits) / len(lines)
        if len(hits) >= 2 and share >= 0.2 and hits[0] < 50:
            confidence = 0.95
        elif len(hits) == 1 and len(lines) <= 3:
            confidence = 0.85
        elif share >= 0.1:
            confidence = 0.7
        else:
            confidence = 0.4
        named = _title_in(PurePosixPath(member_name or file.name).stem) is not None
        if named or (member_name or "").endswith("_chat.txt"):
            confidence = min(0.99, confidence + 0.04)
        return Sniff(confidence, f"{len(hits)} of {len(lines)} lines start with a WhatsApp date")

    def _load(
        self, file: ExportFile
    ) -> tuple[bytes, int, str, frozenset[str], tuple[ParseIssue, ...]]:
        """The chat text's bytes, the chat title, the media file names beside it, and a warning
        for each zip entry left unread (see ``ExportZip``)."""
        if not file.is_zip:
            return *_utf8(file.read_bytes(), file.path), _title(file.name, None), frozenset(), ()
        try:
            with file.zip() as zf:
                member = _chat_member(zf)
                if member is None:
                    raise ParseError(
                        "the zip holds no WhatsApp chat text.",
                        path=file.path,
                        expected="_chat.txt or 'WhatsApp Chat with ....txt' inside the zip",
                    )
                data = zf.read(member)
                names = frozenset(
                    PurePosixPath(i.filename).name for i in zf.infolist() if i is not member
                )
                skipped = zf.issues
        except ParseError:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise ParseError(
                f"the zip archive is damaged ({exc}).", path=file.path, expected="a complete .zip"
            ) from exc
        except (NotImplementedError, RuntimeError) as exc:
            raise ParseError(
                f"the zip cannot be read ({exc}).",
                path=file.path,
                expected="an unencrypted .zip as WhatsApp writes it",
            ) from exc
        return *_utf8(data, file.path), _title(file.name, member.filename), names, skipped

    def read(self, file: ExportFile) -> Iterator[Message | ParseIssue]:
        data, start, chat, names, skipped = self._load(file)
        yield from skipped
        rows = _rows(data, start, file.path, names, _date_order(file))
        if not _SLOTS_MATCH:
            for row in rows:
                if type(row) is tuple:
                    at, sender, text, kind, files, line = row
                    yield Message(
                        sent_at=at,
                        sender=sender,
                        text=text,
                        kind=kind,
                        attachments=files,
                        line=line,
                        chat=chat,
                    )
                else:
                    yield row  # type: ignore[misc]
            return
        # Message is a frozen dataclass whose __init__ sets each field through
        # object.__setattr__; filling its slots directly makes the same object in half the
        # time, which matters at a million messages. _SLOTS_MATCH guards the field list.
        new = object.__new__
        s_at, s_sender, s_text, s_kind, s_utc, s_me, s_files, s_reply, s_id, s_line, s_chat = (
            _SETTERS
        )
        for row in rows:
            if type(row) is tuple:
                at, sender, text, kind, files, line = row
                m = new(Message)
                s_at(m, at)
                s_sender(m, sender)
                s_text(m, text)
                s_kind(m, kind)
                s_utc(m, None)
                s_me(m, None)
                s_files(m, files)
                s_reply(m, None)
                s_id(m, None)
                s_line(m, line)
                s_chat(m, chat)
                yield m
            else:
                yield row  # type: ignore[misc]

    def read_frame(self, file: ExportFile) -> MessageFrame:
        """The same messages as :meth:`read`, computed column by column (the store's path)."""
        data, start, chat, names, skipped = self._load(file)
        frame = _frame(data, start, file.path, names, chat, _date_order(file))
        frame.issues[:0] = skipped
        return frame
