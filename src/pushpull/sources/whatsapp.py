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

Speed: the file is decoded in large chunks and each chunk is cut into messages by one compiled
regular expression; timestamps are parsed once per distinct prefix (a bounded cache), senders
once per distinct name, and only bodies that could be a marker go through the slower checks.
"""

from __future__ import annotations

import codecs
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import ClassVar

import polars as pl
import pyarrow as pa

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
#: The spaces that may stand before AM/PM.
_SPACE = "[ \u00a0\u202f]"
_SPACES = " \u00a0\u202f"
#: Between the date and the time: ", ", " ", "," or the French " à ".
_DATE_TIME = "(?:, (?:à )?| (?:à )?|,)"
#: Bytes decoded at a time (cut at a line end), so that memory stays small for large exports.
_CHUNK_BYTES = 4 << 20
#: How much of the file the layout is read from.
_SAMPLE_BYTES = 256 * 1024
#: Distinct timestamps kept parsed at once (exports are in time order, so a small cache hits).
_STAMP_CACHE = 8192
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
    #: Whole first lines (marks removed) -> the kind they stand for.
    exact: dict[str, Kind]
    #: Call notices that may carry a suffix (", Tap to call back", ". 12 min").
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
    #: First four characters of every marker that is recognised by how a body starts.
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
    return _Vocabulary(
        ampm=ampm,
        ampm_pattern=ampm_pattern,
        exact=exact,
        calls=tuple(sorted(set(calls), key=len, reverse=True)),
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
        rf"^{_MARK}*(\[)?(\d{{1,4}})([./-])(\d{{1,2}})\3(\d{{2,4}}){_DATE_TIME}"
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


def _read_layout(sample: str) -> _Layout | None:
    """The layout most message prefixes in ``sample`` use, or None when none is there."""
    votes: dict[tuple[bool, str, bool], int] = {}
    us_clock = False
    for n, m in enumerate(_general().finditer(sample)):
        key = (m.group(1) is not None, m.group(3), len(m.group(2)) == 4)
        votes[key] = votes.get(key, 0) + 1
        ampm = m.group(9)
        if ampm and ampm[0] in "AP":
            us_clock = True
        if n >= 2000:
            break
    if not votes:
        return None
    ios, sep, year_first = max(votes, key=lambda k: votes[k])
    return _Layout(ios=ios, sep=sep, order="ymd" if year_first else "", us_clock=us_clock)


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
    clock = rf"\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?(?:{_SPACE}?{_vocabulary().ampm_pattern})?"
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
        self.order = order
        self.parts = re.compile(_stamp_pattern(layout))
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
        """The time a message prefix shows, or None when its date or time is impossible."""
        m = self.parts.search(prefix)
        if m is None:
            return None
        date, clock = m.group(1, 2)
        days, times = self.days, self.times
        if date not in days:
            days[date] = self.day(date)
        if clock not in times:
            times[clock] = self.time(clock)
        d, t = days[date], times[clock]
        return None if d is None or t is None else d + t


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
            kind = self.exact_kind(text)
            return "", text, Kind.CALL if kind is Kind.CALL else Kind.SYSTEM, ()
        text, kind, files = self.classify(body)
        return ("" if kind is Kind.SYSTEM else sender), text, kind, files

    def exact_kind(self, text: str) -> Kind | None:
        first = text.partition("\n")[0].replace(_LRM, "").strip()
        kind = self.v.exact.get(first)
        if kind is None and "\n" not in text:
            for call in self.v.calls:
                if first.startswith(call) and first[len(call) : len(call) + 2] in {", ", ". "}:
                    return Kind.CALL
        return kind

    def classify(self, body: str) -> tuple[str, Kind, tuple[str, ...]]:
        v = self.v
        edited = False
        for marker in v.edited:
            if body.endswith(marker):
                body = body[: -len(marker)].rstrip(_MARKS)
                body = body[:-1] if body.endswith(" ") else body
                edited = True
                break
        led = body[:1] in _MARKS and body != ""
        text = body.lstrip(_MARKS) if led else body
        first, _, rest = text.partition("\n")
        kind = self.exact_kind(text)
        if kind is Kind.CALL:
            return text.replace(_LRM, ""), kind, ()
        if kind is Kind.DELETED:
            return rest, kind, ()
        if kind is not None:
            return rest, kind, ()
        bare = first.strip(_MARKS)
        if bare in v.polls:
            return self.poll(rest), Kind.POLL, ()
        for prefix in v.location:
            if text.startswith(prefix):
                return text[len(prefix) :], Kind.LOCATION, ()
        attachment = self.attachment(first)
        if attachment is not None:
            name, caption = attachment
            if caption and rest:
                caption += "\n" + rest
            return caption or rest, _kind_of_file(name), (name,)
        if text.startswith(v.notices):
            return text, Kind.SYSTEM, ()
        if led and not edited:
            return text, Kind.SYSTEM, ()
        return body, (Kind.EDITED if edited else Kind.TEXT), ()

    def attachment(self, first: str) -> tuple[str, str] | None:
        """(file name, caption before it) when ``first`` names an attached file."""
        line = first.translate(_NO_MARKS).rstrip(" ")
        if line.endswith(")"):
            for suffix in self.v.file_attached:
                if line.endswith(suffix):
                    name = line[: -len(suffix)].strip(" ")
                    if name not in self.names and " • " in name:
                        name = name.partition(" • ")[0].strip(" ")
                    return (name, "") if name else None
        elif line.endswith(">"):
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


def _rows(
    data: bytes, start: int, path: Path, names: frozenset[str]
) -> Iterator[_Row | ParseIssue]:
    """The messages of a UTF-8 export (from byte ``start``) as rows, with issues in between."""
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
    clock = _Clock(layout, layout.order or _decide_order(data, layout))
    split = _line_pattern(layout).split
    bodies = _Bodies(names)
    heads, marks, enders = bodies.v.heads, _MARKS, ")>"
    senders = bodies.senders
    special = bodies.special
    stamps: dict[str, datetime | None] = {}
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
        for prefix, raw_sender, body in zip(it, it, it, strict=True):
            at = stamps.get(prefix)
            if at is None:
                if len(stamps) >= _STAMP_CACHE:
                    stamps.clear()
                at = clock.at(prefix)
                if at is None:
                    raw = prefix if raw_sender is None else f"{prefix}{raw_sender}: "
                    raw += body
                    yield ParseIssue(
                        line=line,
                        reason="this line starts like a message but its date or time is "
                        f"impossible ({prefix.strip(_MARKS + ' -–[]')})",
                        raw=raw[:200],
                        action="kept as part of the previous message"
                        if p_at is not None
                        else "kept as text before the first message",
                    )
                    if p_at is not None:
                        p_body += "\n" + raw
                    else:
                        preamble += "\n" + raw
                    line += body.count("\n") + 1
                    continue
                stamps[prefix] = at
            if p_at is not None:
                if (
                    p_sender is not None
                    and (sender := senders.get(p_sender)) is not None
                    and p_body[:4] not in heads
                    and p_body[:1] not in marks
                    and p_body[-1:] not in enders
                    and ")\n" not in p_body
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
        raise ParseError(
            "no line starts with a readable WhatsApp date and time.",
            path=path,
            line=1,
            expected="lines like '31/12/2023, 21:15 - Name: text'",
        )
    if p_body.endswith("\n"):  # the export's final line end
        p_body = p_body[:-1]
    s, t, k, files = special(p_sender, p_body)
    yield (p_at, s, t, k, files, p_line)


def _preamble(text: str, at: datetime) -> Iterator[_Row | ParseIssue]:
    """Text before the first message (``text`` starts with the added "\\n"), if there is any."""
    text = text[1:]
    if text.strip(_MARKS + " \n\t"):
        yield ParseIssue(
            line=1,
            reason="text before the first message",
            raw=text[:200],
            action="kept as a system message",
        )
        yield (at, "", text.lstrip(_MARKS), Kind.SYSTEM, (), 1)


def _utf8(data: bytes, path: Path) -> tuple[bytes, int]:
    """The export as UTF-8 bytes and where its text starts (after a BOM); UTF-16 is converted."""
    if data.startswith(codecs.BOM_UTF8):
        return data, len(codecs.BOM_UTF8)
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
        hits = [i for i, ln in enumerate(lines) if general.match(ln)]
        if not hits:
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
        for row in _rows(data, start, file.path, names):
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

    def read_frame(self, file: ExportFile) -> MessageFrame:
        """The same messages as :meth:`read`, built straight into columns (the fast path)."""
        data, start, chat, names = self._load(file)
        sent_at: list[datetime] = []
        senders: list[str] = []
        texts: list[str] = []
        kinds: list[str] = []
        files: list[tuple[str, ...]] = []
        lines: list[int] = []
        issues: list[ParseIssue] = []
        for row in _rows(data, start, file.path, names):
            if type(row) is tuple:
                sent_at.append(row[0])
                senders.append(row[1])
                texts.append(row[2])
                kinds.append(row[3].value)
                files.append(row[4])
                lines.append(row[5])
            else:
                issues.append(row)  # type: ignore[arg-type]
        n = len(sent_at)
        table = pa.table(
            {
                "sent_at": pa.array(sent_at, type=pa.timestamp("us")),
                "utc_offset_s": pa.nulls(n, type=pa.int32()),
                "sender": pa.array(senders, type=pa.string()),
                "text": pa.array(texts, type=pa.string()),
                "kind": pa.array(kinds, type=pa.string()),
                "from_me": pa.nulls(n, type=pa.bool_()),
                "attachments": pa.array(files, type=pa.list_(pa.string())),
                "reply_to": pa.nulls(n, type=pa.string()),
                "record_id": pa.nulls(n, type=pa.string()),
                "line": pa.array(lines, type=pa.int64()),
                "chat": pa.repeat(pa.scalar(chat, type=pa.string()), n),
            }
        )
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        return MessageFrame(frame.cast(pl.Schema(FRAME_SCHEMA)), issues)
