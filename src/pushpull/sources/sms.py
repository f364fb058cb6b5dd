"""Android "SMS Backup & Restore" (SyncTech) XML backups: every SMS and MMS thread in one file.

The app writes one ``<smses count="N" ...>`` element holding, for each text message::

    <sms address="+15551234567" date="1704057307000" type="1" body="..."
         readable_date="Dec 31, 2023 9:15:07 PM" contact_name="Sam" ... />

(``type`` 1 received, 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued), and for each MMS an
``<mms date=".." msg_box="1|2" address=".." contact_name="..">`` with ``<parts>`` (SMIL layout,
``text/plain`` parts, media parts carrying base64 ``data``) and ``<addrs>`` (type 137 is the
sender, 151 a recipient). Group threads join their addresses with ``~`` and their names with
``, ``.

``date`` is UTC epoch milliseconds; ``readable_date`` is the same instant on the phone's clock, in
the phone's locale. Only its time of day is read (locale-independent: 12- or 24-hour clock, any
date layout), and the difference from ``date`` gives the UTC offset; when it cannot be read the
message keeps its UTC time with ``utc_offset_s=0``.

One backup holds every thread, so each message carries its own ``chat`` (the contact's name, or the
normalised number). The option ``chat`` (``--option chat=Sam`` or a number, matched on its last
digits) keeps one thread. Files can be gigabytes of base64 attachments, so they are parsed as a
stream with defusedxml (no DTDs, no entity expansion) and only names and texts are kept.

Older versions of the app, with "store emojis" on, write an emoji as two numeric references to its
UTF-16 halves (``&#55357;&#56832;``), which XML forbids; those are repaired before parsing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar
from xml.etree.ElementTree import ParseError as XmlSyntaxError

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser

from pushpull.errors import ParseError, UsageError
from pushpull.model import Kind, Message, ParseIssue
from pushpull.registry import ExportFile, Sniff, register

__all__ = ["SmsBackupSource"]

_CHUNK = 1 << 20
_EPOCH = datetime(1970, 1, 1)
_ME = "Me"
#: Values the app writes for "no contact name".
_NO_NAME = frozenset({"", "null", "(Unknown)"})
_NULL = "null"
_SMIL = "application/smil"
_TEXT = "text/plain"
_FROM = "137"

_ROOT = re.compile(r"<(smses|calls)\b")
_RECORD = re.compile(r"<(?:sms|mms)\s[^>]*\baddress=")

# A time of day "21:15:07", "9.15.07" or "21:15": the separator repeats, and no digit touches it.
_TIME = re.compile(r"(?<!\d)(\d{1,2})([:.])(\d{2})(?:\2(\d{2}))?(?!\d)")
# "AM"/"p.m."/"p. m." as a word, or the Korean, Japanese and Chinese markers (group 1: afternoon).
_MERIDIEM = re.compile(
    r"(?i)(?<![^\W\d_])(?:(p)|a)\.?\s?m\.?(?![^\W\d_])|(오후|午後|下午)|오전|午前|上午"
)
_NUMBER = re.compile(r"\d+")
_NOT_DIAL = re.compile(r"[\s\-().]")
_NOT_DIGIT = re.compile(r"\D")

# A numeric reference that may point into the UTF-16 surrogate range (55296..57343, D800..DFFF).
_SURROGATE_REF = re.compile(rb"&#(5[5-7]\d{3}|x[dD][89a-fA-F][0-9a-fA-F]{2});")
_SURROGATE_REF_AT_END = re.compile(rb"&#(5[5-7]\d{3}|x[dD][89a-fA-F][0-9a-fA-F]{2});\Z")
_REPLACEMENT = "\ufffd".encode()


@register
class SmsBackupSource:
    name: ClassVar[str] = "sms"
    label: ClassVar[str] = "Android SMS Backup & Restore (.xml)"

    def sniff(self, file: ExportFile) -> Sniff:
        if file.is_zip:
            return Sniff.no("a zip archive, not an SMS Backup & Restore .xml file")
        text = file.head_text
        if not text.lstrip("\ufeff \t\r\n").startswith("<"):
            return Sniff.no("not XML (no <smses> backup)")
        root = _ROOT.search(text)
        if root is None:
            return Sniff.no("no <smses> element of an SMS Backup & Restore file")
        if root.group(1) == "calls":
            return Sniff.no("an SMS Backup & Restore call log (<calls>), not a message backup")
        if _RECORD.search(text, root.end()):
            return Sniff(0.97, "an <smses> backup with <sms>/<mms> records")
        return Sniff(0.8, "an <smses> backup (no messages seen in its first bytes)")

    def read(self, file: ExportFile) -> Iterator[Message | ParseIssue]:
        wanted = file.options.get("chat", "").strip()
        chooser = _ChatChooser(wanted) if wanted else None
        chats: Counter[str] = Counter()
        n_chosen = 0
        records = _Records(file.path)
        parser = DefusedXMLParser(
            target=records, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
        # defusedxml has put its DTD/entity guards on the expat parser; the element callbacks go
        # straight to ``records`` (with plain attribute dicts) instead of through ElementTree's
        # wrappers, which would cost more than the parse itself on a large backup.
        expat = parser.parser
        expat.ordered_attributes = 0
        expat.StartElementHandler = records.start
        expat.EndElementHandler = records.end
        records.expat = expat
        repair = _RefRepair()
        with file.open() as stream:
            done = False
            while not done:
                chunk = stream.read(_CHUNK)
                done = not chunk
                _feed(parser, repair.feed(chunk) if chunk else repair.flush(), done, file.path)
                for record in records.take():
                    message = _to_message(record, file.path)
                    if chooser is not None:
                        chats[message.chat] += 1
                        if not chooser.matches(message.chat, record.address):
                            continue
                        n_chosen += 1
                    yield message
        if chooser is not None and n_chosen == 0:
            listing = ", ".join(repr(name) for name, _ in chats.most_common(20)) or "none"
            raise UsageError(
                f"No conversation in {file.name} matches chat={wanted!r}.",
                hint=f"Its conversations (most messages first): {listing}.",
            )


#: The ``type`` of an SMS draft (kept as a ``draft``, which nobody received).
_DRAFT = "3"


def _feed(parser: Any, data: bytes, final: bool, path: Path) -> None:
    """Hand bytes to expat, turning every XML complaint into a ParseError with its line."""
    try:
        if data:
            parser.feed(data)
        if final:
            parser.close()
    except XmlSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        message = str(exc).split(":", 1)[0]
        if final and ("no element found" in message or "unclosed token" in message):
            reason = "the backup ends in the middle of a record (the file is cut off)."
        else:
            reason = f"the XML is damaged ({message})."
        raise ParseError(
            reason, path=path, line=line, expected="a complete SMS Backup & Restore .xml file"
        ) from exc
    except DTDForbidden as exc:
        raise ParseError(
            "the file declares a DTD (<!DOCTYPE ...>), which SMS Backup & Restore never writes; "
            "it is refused because DTDs can expand entities or fetch other files.",
            path=path,
            line=parser.parser.CurrentLineNumber,
            expected="an <smses> backup without a DTD",
        ) from exc
    except DefusedXmlException as exc:
        raise ParseError(
            f"the file uses XML entities or external references ({type(exc).__name__}), which "
            "SMS Backup & Restore never writes; refused for safety.",
            path=path,
            line=parser.parser.CurrentLineNumber,
            expected="an <smses> backup without entity declarations",
        ) from exc
    # <?xml encoding="..."?> naming no codec, or a multi-byte one (after DefusedXmlException,
    # which is a ValueError too).
    except (LookupError, ValueError) as exc:
        raise ParseError(
            f"the XML declares a text encoding pushpull cannot read ({exc}).",
            path=path,
            line=1,
            expected='a backup declared as encoding="UTF-8", as SMS Backup & Restore writes it',
        ) from exc


@dataclass(slots=True)
class _Record:
    """One <sms> or <mms> element: its attributes, and for MMS the parts and addresses."""

    tag: str
    attrs: dict[str, str]
    line: int
    #: (content type, text, file name) of each MMS part, without its base64 data.
    parts: list[tuple[str, str, str]] = field(default_factory=list)
    #: (address, type) of each MMS address.
    addrs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def address(self) -> str:
        return self.attrs.get("address", "")


class _Records:
    """The parser's target: collects finished records, keeping nothing heavy."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.expat: Any = None
        self.root: str | None = None
        self.mms: _Record | None = None
        self.done: list[_Record] = []

    def take(self) -> list[_Record]:
        done, self.done = self.done, []
        return done

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.root is None:
            self.root = tag
            if tag == "smses":
                return
            what = "a call log (<calls>)" if tag == "calls" else f"<{tag}>"
            raise ParseError(
                f"this is {what}, not an SMS Backup & Restore message backup.",
                path=self.path,
                line=self.expat.CurrentLineNumber,
                expected="an <smses> root element",
            )
        if tag == "sms":
            self.done.append(_Record(tag, attrs, self.expat.CurrentLineNumber))
        elif tag == "mms":
            self.mms = _Record(tag, attrs, self.expat.CurrentLineNumber)
        elif tag == "part" and self.mms is not None:
            name = _known(attrs.get("name")) or _known(attrs.get("cl")) or _known(attrs.get("fn"))
            self.mms.parts.append((attrs.get("ct", ""), attrs.get("text", _NULL), name))
        elif tag == "addr" and self.mms is not None:
            self.mms.addrs.append((attrs.get("address", ""), attrs.get("type", "")))

    def end(self, tag: str) -> None:
        if tag == "mms" and self.mms is not None:
            self.done.append(self.mms)
            self.mms = None

    def close(self) -> None:
        return None


def _known(value: str | None) -> str:
    return "" if value is None or value == _NULL else value


def _to_message(record: _Record, path: Path) -> Message:
    attrs = record.attrs
    utc = _utc_time(attrs.get("date"), record.line, path)
    sent_at, offset = _local_time(utc, attrs.get("readable_date", ""))
    address = _normalise(record.address)
    name = attrs.get("contact_name", "")
    name = "" if name in _NO_NAME else name
    chat = name or address
    if record.tag == "sms":
        # 1 = inbox; 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued are all the user's own.
        from_me = attrs.get("type", "1") != "1"
        if attrs.get("type") == _DRAFT:
            # Written but never sent: kept whole, as a draft, which the analysis sets aside
            # (nobody read it).
            return Message(
                sent_at=sent_at,
                utc_offset_s=offset,
                sender=_ME,
                from_me=True,
                text=attrs.get("body", ""),
                kind=Kind.DRAFT,
                line=record.line,
                chat=chat,
            )
        return Message(
            sent_at=sent_at,
            utc_offset_s=offset,
            sender=_ME if from_me else chat,
            from_me=from_me,
            text=attrs.get("body", ""),
            kind=Kind.TEXT,
            line=record.line,
            chat=chat,
        )
    from_me = attrs.get("msg_box", "1") != "1"
    texts = [text for ct, text, _ in record.parts if ct == _TEXT and text != _NULL]
    files = tuple(
        name_ or ct
        for ct, text, name_ in record.parts
        if ct != _SMIL and not (ct == _TEXT and text != _NULL) and (name_ or ct)
    )
    # The subject stands in for the text only when there is none (group names often fill it).
    text = "\n".join(texts) if texts else _known(attrs.get("sub"))
    return Message(
        sent_at=sent_at,
        utc_offset_s=offset,
        sender=_ME if from_me else _mms_sender(record, name, address),
        from_me=from_me,
        text=text,
        kind=Kind.MEDIA if files else Kind.TEXT,
        attachments=files,
        record_id=_known(attrs.get("m_id")) or None,
        line=record.line,
        chat=chat,
    )


def _mms_sender(record: _Record, name: str, address: str) -> str:
    """Who sent a received MMS: in a group, the address of type 137 (named when possible)."""
    sender = next((a for a, kind in record.addrs if kind == _FROM), "")
    members = address.split("~")
    if len(members) <= 1 or not sender:
        return name or _normalise(sender) or address
    names = name.split(", ") if name else []
    for i, member in enumerate(members):
        if _same_number(member, sender):
            return names[i] if len(names) == len(members) else member
    return _normalise(sender)


@lru_cache(maxsize=4096)
def _normalise(address: str) -> str:
    """A phone number without spaces, dashes, dots or brackets; group members joined by '~'."""
    return "~".join(_NOT_DIAL.sub("", part) for part in address.split("~") if part.strip())


def _same_number(a: str, b: str) -> bool:
    da, db = _NOT_DIGIT.sub("", a), _NOT_DIGIT.sub("", b)
    if not da or not db:
        return a.strip().casefold() == b.strip().casefold()
    short, long_ = sorted((da, db), key=len)
    return (len(short) >= 7 and long_.endswith(short)) or da == db


def _utc_time(raw: str | None, line: int, path: Path) -> datetime:
    try:
        value = int(raw or "")
        if 0 < value < 100_000_000_000:  # seconds, as some MMS records have them
            value *= 1000
        return _EPOCH + timedelta(milliseconds=value)
    except (ValueError, OverflowError):
        raise ParseError(
            f"a record has no valid date ({raw!r}).",
            path=path,
            line=line,
            expected='date="<milliseconds since 1970>"',
        ) from None


def _local_time(utc: datetime, readable: str) -> tuple[datetime, int]:
    offset = _offset_from_readable(readable, utc) if readable else None
    if offset is None:
        return utc, 0
    return utc + timedelta(seconds=offset), offset


def _offset_from_readable(readable: str, utc: datetime) -> int | None:
    """The phone's UTC offset: its clock time in ``readable`` minus the UTC time of ``utc``.

    Only the time of day is read, so any date layout and month language works; times with
    seconds are preferred (they must agree with ``utc``'s seconds), and the offset must be whole
    quarter hours between -12 h and +14 h. Where both a large east and west offset fit, the day of
    the month written in ``readable`` decides.
    """
    meridiem = _MERIDIEM.search(readable)
    twelve_hour = meridiem is not None
    pm = meridiem is not None and (meridiem.group(1) or meridiem.group(2)) is not None
    utc_s = utc.hour * 3600 + utc.minute * 60 + utc.second
    found = list(_TIME.finditer(readable))
    if len(found) > 1:
        found.sort(key=lambda m: m.group(4) is None)
    for match in found:
        hour, minute, seconds = int(match.group(1)), int(match.group(3)), match.group(4)
        if hour > 23 or minute > 59 or (seconds is not None and int(seconds) != utc.second):
            continue
        if twelve_hour:
            if not 1 <= hour <= 12:
                continue
            hour = hour % 12 + (12 if pm else 0)
        diff = (hour * 3600 + minute * 60 + utc.second - utc_s) % 86400
        if diff % 900:
            continue
        east, west = diff, diff - 86400
        if east > 14 * 3600:
            return west
        if west < -12 * 3600:
            return east
        rest = readable[: match.start()] + " " + readable[match.end() :]
        days = {int(n) for n in _NUMBER.findall(rest)}
        west_day = (utc + timedelta(seconds=west)).day
        if west_day in days and (utc + timedelta(seconds=east)).day not in days:
            return west
        return east
    return None


class _ChatChooser:
    """Matches a thread by its name (any case) or a phone number's trailing digits."""

    def __init__(self, wanted: str) -> None:
        self.name = wanted.casefold()
        digits = _NOT_DIGIT.sub("", wanted)
        dialable = not any(ch.isalpha() for ch in wanted)
        self.digits = digits if dialable and len(digits) >= 4 else ""

    def matches(self, chat: str, address: str) -> bool:
        if chat.casefold() == self.name:
            return True
        if not self.digits or "~" in address:
            return False
        digits = _NOT_DIGIT.sub("", address)
        # "4567" or "+1 555 123 4567" finds "(555) 123-4567"; a short code needs its full number.
        return digits.endswith(self.digits) or (len(digits) >= 7 and self.digits.endswith(digits))


class _RefRepair:
    """Turns references to UTF-16 halves (``&#55357;&#56832;``) into the characters they meant.

    A reference cut by a chunk boundary is held back until the next chunk; replacing one
    reference by its UTF-8 bytes never moves a newline, so expat's line numbers stay right.
    """

    def __init__(self) -> None:
        self.tail = b""

    def feed(self, chunk: bytes) -> bytes:
        data = self.tail + chunk
        cut = data.rfind(b"&", max(0, len(data) - 32))
        if cut < 0:
            self.tail = b""
            return _repair(data)
        # Never part a first half from its second: hold the first half back with it.
        before = _SURROGATE_REF_AT_END.search(data, max(0, cut - 10), cut)
        if before is not None and 0xD800 <= _ref_value(before) <= 0xDBFF:
            cut = before.start()
        self.tail = data[cut:]
        return _repair(data[:cut])

    def flush(self) -> bytes:
        data, self.tail = self.tail, b""
        return _repair(data)


def _ref_value(match: re.Match[bytes]) -> int:
    digits = match.group(1)
    return int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)


def _repair(data: bytes) -> bytes:
    matches = list(_SURROGATE_REF.finditer(data))
    if not matches:
        return data
    out: list[bytes] = []
    pos = 0
    i = 0
    while i < len(matches):
        match = matches[i]
        value = _ref_value(match)
        i += 1
        if not 0xD800 <= value <= 0xDFFF:
            continue  # an ordinary character (e.g. Hangul near the range): leave it
        out.append(data[pos : match.start()])
        pos = match.end()
        low = matches[i] if i < len(matches) else None
        if value <= 0xDBFF and low is not None and low.start() == match.end():
            low_value = _ref_value(low)
            if 0xDC00 <= low_value <= 0xDFFF:
                code = 0x10000 + ((value - 0xD800) << 10) + (low_value - 0xDC00)
                out.append(chr(code).encode())
                pos = low.end()
                i += 1
                continue
        out.append(_REPLACEMENT)  # half a character on its own: nothing to rebuild
    out.append(data[pos:])
    return b"".join(out)
