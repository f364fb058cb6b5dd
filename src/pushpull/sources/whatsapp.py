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

Two paths give the same result (a test holds them to it). ``read`` yields ``Message`` objects:
the text is decoded in large chunks, each split into prefix, sender and body by one compiled
regular expression; a timestamp is parsed once per distinct prefix, a name once per sender.
``read_frame`` (what the store uses) builds the columns with Polars: lines, prefixes and plain
text are handled column-wise, dates and clock readings are parsed once per distinct value. In
both, a body goes through the marker checks of ``_Bodies.special`` only when it could be a
marker (it starts with one's first four characters or a direction mark, ends with ")" or ">",
or has no sender); everything else is plain text as written.
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

from pushpull.errors import ParseError
from pushpull.frame import FRAME_SCHEMA, MessageFrame
from pushpull.model import Kind, Message, ParseIssue
from pushpull.registry import ExportFile, Sniff, register

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
#: Between the date and the time: ", ", " ", "," or the French " à ".
_DATE_TIME = "(?:, (?:à )?| (?:à )?|,)"
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
    #: Whole first lines (trailing spaces and marks removed) -> the kind they stand for.
    exact: dict[str, Kind]
    #: A call notice with a suffix (", Tap to call back", ". 12 min").
    call_with_suffix: re.Pattern[str]
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
    return _Vocabulary(
        ampm=ampm,
        ampm_pattern=ampm_pattern,
        ampm_initials=initials,
        exact=exact,
        call_with_suffix=re.compile(
            "(?:"
            + "|".join(re.escape(c) for c in sorted(set(calls), key=len, reverse=True))
            + r")[,.] [^\n]*\Z"
        ),
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
    return "".join(c for c in text.lower() if c not in _SPACES)


# --------------------------------------------------------------------------- layout


@cache
def _general() -> re.Pattern[str]:
    """Any WhatsApp message prefix (either layout), for sniffing and reading the layout."""
    return re.compile(
        rf"^{_MARK}*(\[)?(\d{{1,4}})([./-])(\d{{1,2}})\3(\d{{2,4}})({_DATE_TIME})"
        rf"(\d{{1,2}})[:.](\d{{2}})(?:[:.](\d{{2}}))?(?:{_SPACE}?({_vocabulary().ampm_pattern}))?"
        r"(?(1)\] | [-–] )",
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


def _read_layout(sample: str) -> _Layout | None:
    """The layout most message prefixes in ``sample`` use, or None when none is there."""
    votes: dict[tuple[bool, str, bool, str], int] = {}
    us_clock = False
    for n, m in enumerate(_general().finditer(sample)):
        key = (m.group(1) is not None, m.group(3), len(m.group(2)) == 4, m.group(6))
        votes[key] = votes.get(key, 0) + 1
        ampm = m.group(10)
        if ampm and ampm[0] in "AP":
            us_clock = True
        if n >= 2000:
            break
    if not votes:
        return None
    ios, sep, year_first, date_time = max(votes, key=lambda k: votes[k])
    return _Layout(
        ios=ios,
        sep=sep,
        order="ymd" if year_first else "",
        us_clock=us_clock,
        date_time=date_time,
    )


_B_MARK = rb"(?:\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xef\xbb\xbf)*"
_B_DATE_TIME = rb"(?:, (?:\xc3\xa0 )?| (?:\xc3\xa0 )?|,)\d{1,2}[:.]\d\d"
_B_BIG = rb"(?:1[3-9]|2\d|3[01])"


def _decide_order(data: bytes, layout: _Layout) -> str:
    """Day-first ("dmy") or month-first ("mdy") for the whole file (see the module docstring)."""
    s = re.escape(layout.sep.encode())
    # Led by "\n" (the first line is checked on its own): a literal start lets the regex
    # engine skip through the file several times faster than "^" with MULTILINE does.
    lead = _B_MARK + (rb"\[" if layout.ios else b"")
    day = lead + _B_BIG + s + rb"\d{1,2}" + s + rb"\d{2,4}" + _B_DATE_TIME
    month = lead + rb"\d{1,2}" + s + _B_BIG + s + rb"\d{2,4}" + _B_DATE_TIME
    first_line = b"\n" + data[: data.find(b"\n") if b"\n" in data[:4096] else 4096]

    def count(pattern: bytes, everything: bool) -> int:
        regex = re.compile(b"\n" + pattern)
        if not everything:
            return int(regex.search(first_line) is not None or regex.search(data) is not None)
        return len(regex.findall(first_line)) + len(regex.findall(data))

    dmy, mdy = count(day, False), count(month, False)
    if dmy and mdy:
        return "dmy" if count(day, True) >= count(month, True) else "mdy"
    if dmy or mdy:
        return "dmy" if dmy else "mdy"
    dates = re.compile(
        rb"\n" + lead + rb"(\d{1,2})" + s + rb"(\d{1,2})" + s + rb"(\d{2,4})" + _B_DATE_TIME
    )
    back_dmy = back_mdy = 0
    previous: tuple[bytes, bytes, bytes] | None = None
    for date in dates.findall(first_line) + dates.findall(data):
        if previous is not None and date != previous:
            a0, b0, y0 = int(previous[0]), int(previous[1]), int(previous[2])
            a1, b1, y1 = int(date[0]), int(date[1]), int(date[2])
            back_dmy += (y1, b1, a1) < (y0, b0, a0)
            back_mdy += (y1, a1, b1) < (y0, a0, b0)
        previous = date
    if back_dmy != back_mdy:
        return "dmy" if back_dmy < back_mdy else "mdy"
    return "mdy" if layout.us_clock else "dmy"


def _stamp_pattern(layout: _Layout, *, capture: bool = True) -> str:
    """Date, separator and clock of this layout, as groups (date) and (clock) if ``capture``."""
    s = re.escape(layout.sep)
    if layout.order == "ymd":
        date = rf"\d{{4}}{s}\d{{1,2}}{s}\d{{1,2}}"
    else:
        date = rf"\d{{1,2}}{s}\d{{1,2}}{s}\d{{2,4}}"
    # The lookahead makes a 24 h clock (no AM/PM) fail fast instead of trying every token.
    ampm = rf"(?:{_SPACE}?(?=[{_vocabulary().ampm_initials}]){_vocabulary().ampm_pattern})?"
    clock = rf"\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?{ampm}"
    group = "(" if capture else "(?:"
    return rf"{group}{date}){_DATE_TIME}{group}{clock})"


def _line_pattern(layout: _Layout) -> re.Pattern[str]:
    """A newline and the prefix of the message after it: groups (prefix) and (sender).

    Splitting a chunk (that starts with "\\n") on this gives the text before the first message,
    then prefix, sender (None for a system line) and body of each message in turn.
    """
    stamp = _stamp_pattern(layout, capture=False)
    stamp = rf"\[{stamp}\] " if layout.ios else rf"{stamp} [-–] "
    return re.compile(rf"\n({_MARK}*{stamp})(?:([^\n]*?): )?")


_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(.*)", re.DOTALL)


class _Clock:
    """Timestamp parsing with caches per distinct date and clock reading."""

    def __init__(self, layout: _Layout, order: str) -> None:
        self.sep = layout.sep
        self.date_time = layout.date_time
        self.order = order
        self.days: dict[str, datetime | None] = {}
        self.times: dict[str, timedelta | None] = {}
        self.ampm = _vocabulary().ampm

    def day(self, text: str) -> datetime | None:
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
        m = _CLOCK.match(text)
        if m is None:
            return None
        h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        token = _token(m.group(4))
        if token:
            pm = self.ampm.get(token)
            if pm is None or not 1 <= h <= 12:
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
            name = raw.strip(_MARKS + " ")
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
        if b"\r\n" in piece:
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


def _prepare(data: bytes, start: int, path: Path) -> tuple[_Layout, _Clock]:
    """The file's layout (from its first lines) and date order (from all of it)."""
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
    return layout, _Clock(layout, layout.order or _decide_order(data, layout))


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
    data: bytes, start: int, path: Path, names: frozenset[str]
) -> Iterator[_Row | ParseIssue]:
    """The messages of a UTF-8 export (from byte ``start``) as rows, with issues in between.

    This is ``read``'s path: chunks of text are split by one regular expression into prefix,
    sender and body; plain text goes straight out, anything that may be a marker or a system
    line goes through ``_Bodies.special``.
    """
    layout, clock = _prepare(data, start, path)
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
    """``_line_pattern`` for one line in Polars (Rust regex: no lookaround): groups prefix,
    date, clock."""
    ampm = f"(?=[{_vocabulary().ampm_initials}])"
    stamp = _stamp_pattern(layout).replace(ampm, "")
    stamp = rf"\[{stamp}\] " if layout.ios else rf"{stamp} [-–] "
    return rf"^({_MARK}*{stamp})"


def _gate(v: _Vocabulary) -> str:
    """Bodies that are surely plain text do not match this (the same test as ``_rows``)."""
    heads = "|".join(re.escape(h) for h in sorted(v.heads))
    return rf"\A(?:{_MARK}|{heads})|[)>]\z|[)>]\n|\A\z"


def _frame(data: bytes, start: int, path: Path, names: frozenset[str], chat: str) -> MessageFrame:
    """All messages as columns, computed column-wise by Polars (``read_frame``'s path).

    The same rules as ``_rows``: lines are cut into prefix, sender and body by the same
    pattern, dates and clock readings are parsed by the same ``_Clock`` (once per distinct
    value), and every body that may be a marker or a system line goes through the same
    ``_Bodies.special``; only plain text is handled here without Python per message.
    """
    layout, clock = _prepare(data, start, path)
    text = data[start:] if start else data
    if b"\r\n" in text:
        text = text.replace(b"\r\n", b"\n")
    df = pl.DataFrame({"line": _lines(text, data, start, path)})
    df = (
        df.with_columns(pl.col("line").str.extract_groups(_polars_prefix(layout)).alias("g"))
        .unnest("g")
        .rename({"1": "prefix", "2": "date", "3": "clock"})
    )
    days = {d: clock.day(d) for d in df.get_column("date").drop_nulls().unique().to_list()}
    times = {c: clock.time(c) for c in df.get_column("clock").drop_nulls().unique().to_list()}
    df = df.with_columns(
        (
            pl.col("date").replace_strict(days, default=None, return_dtype=pl.Datetime("us"))
            + pl.col("clock").replace_strict(times, default=None, return_dtype=pl.Duration("us"))
        ).alias("at"),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("number"),
    ).drop("date", "clock")
    df = df.with_columns(pl.col("at").is_not_null().cum_sum().alias("msg"))

    issues = _frame_issues(df, text.endswith((b"\n", b"\r")))
    preamble = "\n".join(df.filter(pl.col("msg") == 0).get_column("line").to_list())

    # Bodies: the text after "Name: " on a message's first line, then its continuation lines
    # (joined only where there are some: a few percent of messages).
    starts = df.filter(pl.col("at").is_not_null())
    if starts.height == 0:
        raise _no_messages(path)
    continued = df.filter(pl.col("at").is_null() & (pl.col("msg") > 0))
    joined = (
        df.filter(pl.col("msg").is_in(continued.get_column("msg").unique().implode()))
        .select(
            "msg",
            pl.when(pl.col("at").is_not_null())
            .then(pl.lit(None, dtype=pl.String))
            .otherwise(pl.col("line"))
            .alias("more"),
        )
        .group_by("msg", maintain_order=True)
        .agg(pl.col("more").drop_nulls().str.join("\n"))
    )
    del df, continued
    messages = (
        starts.select(
            "msg",
            "at",
            "number",
            pl.col("line").str.slice(pl.col("prefix").str.len_chars()).str.splitn(": ", 2),
        )
        .unnest("line")
        .join(joined, on="msg", how="left")
        .select(
            "at",
            "number",
            pl.when(pl.col("field_1").is_not_null()).then("field_0").alias("sender_raw"),
            pl.when(pl.col("more").is_null())
            .then(pl.coalesce("field_1", "field_0"))
            .otherwise(pl.concat_str(pl.coalesce("field_1", "field_0"), "more", separator="\n"))
            .alias("body"),
        )
    )
    del starts, joined

    bodies = _Bodies(names)
    raw_senders = messages.get_column("sender_raw").drop_nulls().unique().to_list()
    senders = {raw: bodies.sender(raw) for raw in raw_senders}
    messages = messages.with_columns(
        pl.col("sender_raw")
        .replace_strict(senders, default=None, return_dtype=pl.String)
        .alias("sender")
    )
    plain = messages.get_column("sender").is_not_null() & ~messages.get_column("body").str.contains(
        _gate(bodies.v)
    )
    marked = messages.with_row_index("i").filter(~plain).select("i", "sender_raw", "body")
    index = marked.get_column("i")
    results = [
        bodies.special(raw, body)
        for raw, body in zip(
            marked.get_column("sender_raw").to_list(),
            marked.get_column("body").to_list(),
            strict=True,
        )
    ]
    n = messages.height
    sender = messages.get_column("sender").scatter(index, [r[0] for r in results])
    body = messages.get_column("body").scatter(index, [r[1] for r in results])
    kind = pl.repeat(Kind.TEXT.value, n, eager=True).scatter(index, [r[2].value for r in results])
    attached = pl.Series([None] * n, dtype=pl.String).scatter(
        index, [r[3][0] if r[3] else None for r in results]
    )
    out = pl.DataFrame(
        {
            "sent_at": messages.get_column("at"),
            "sender": sender,
            "text": body,
            "kind": kind,
            "attached": attached,
            "line": messages.get_column("number"),
        }
    )
    del messages, sender, body, kind, attached
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


def _frame_issues(df: pl.DataFrame, final_newline: bool) -> list[ParseIssue]:
    """Issues for lines that look like a message start but whose date or time is impossible
    (with the text up to the next such line, as ``_rows`` reports them)."""
    bad = df.filter(pl.col("prefix").is_not_null() & pl.col("at").is_null())
    if bad.height == 0:
        return []
    looks = df.get_column("prefix").is_not_null().arg_true().to_list()
    lines = df.get_column("line")
    issues = []
    for number, prefix, msg in bad.select("number", "prefix", "msg").iter_rows():
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


def _chat_member(zf: zipfile.ZipFile) -> zipfile.ZipInfo | None:
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
                    with zf.open(member) as f:
                        head = f.read(64 * 1024)
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
        hits, weak = [], 0
        for i, ln in enumerate(lines):
            m = general.match(ln)
            if m is None:
                continue
            # iOS always writes "[date, time with seconds]"; "[2023-12-31 21:15]" and
            # "[2019-05-29, 15:04]" are other apps' Markdown (Signal's, for one).
            if m.group(1) and (not m.group(6).startswith(",") or m.group(9) is None):
                weak += 1
            else:
                hits.append(i)
        if not hits:
            if weak:
                return Sniff(0.3, "bracketed dates, but not WhatsApp's '[date, time:seconds]'")
            return Sniff.no("no WhatsApp date-time lines")
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

    def _load(self, file: ExportFile) -> tuple[bytes, int, str, frozenset[str]]:
        """The chat text's bytes, the chat title, and the media file names beside it."""
        if not file.is_zip:
            return *_utf8(file.read_bytes(), file.path), _title(file.name, None), frozenset()
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
        return *_utf8(data, file.path), _title(file.name, member.filename), names

    def read(self, file: ExportFile) -> Iterator[Message | ParseIssue]:
        data, start, chat, names = self._load(file)
        rows = _rows(data, start, file.path, names)
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
        data, start, chat, names = self._load(file)
        return _frame(data, start, file.path, names, chat)
