"""WhatsApp chat exports: the ``.txt`` the app writes, or the ``.zip`` holding it and the media.

One message starts on each line that begins with a date and time, in one of two layouts::

    Android   31/12/2023, 21:15 - Sam: text        12/31/23, 9:15 PM - Sam: text
    iOS       [31/12/2023, 21:15:07] Sam: text     [12/31/23, 9:15:07 PM] Sam: text

Dates may be day-, month- or year-first with ``/``, ``.`` or ``-``, years of 2 or 4 digits;
clocks 24 h or 12 h with AM/PM in several languages (``PM``, ``p.m.``, ``p. m.``, ``nachm.``),
written after a space, U+00A0 or U+202F. Direction marks (U+200E, U+202A...) may sit around the
prefix and the name. Lines that do not start that way continue the message above (joined with
``\n``). A line without ``Name: `` after the prefix is a system notice (sender ""). A prefix
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

The package: ``_words`` (the app's words, marks and spaces), ``_layout`` (date styles, the
day/month order, the prefix patterns, the clock), ``_bodies`` (what a body is),
``_row_reader`` (the row reader, and the reader of files that mix styles), ``_columns`` (the
Polars reader), and this module (the source: loading a ``.txt`` or ``.zip``, sniffing, the chat
title).

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

import codecs
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path, PurePosixPath
from typing import ClassVar

from pushpull.errors import ParseError, UnreadableFileError, UsageError
from pushpull.frame import MessageFrame
from pushpull.model import Message, ParseIssue
from pushpull.registry import ExportFile, ExportZip, Sniff, register
from pushpull.sources.whatsapp._columns import _frame
from pushpull.sources.whatsapp._layout import _ORDER_WORDS, _general
from pushpull.sources.whatsapp._row_reader import _rows
from pushpull.sources.whatsapp._words import _vocabulary

__all__ = ["WhatsAppSource"]


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
