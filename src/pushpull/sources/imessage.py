"""iMessage: the Messages app's own database from a Mac (``~/Library/Messages/chat.db``).

chat.db is a SQLite file. The tables read here:

- ``message``: one row per message or event. ``date`` counts from 2001-01-01 UTC, in seconds
  before macOS High Sierra and in nanoseconds since (told apart by size). The text is in
  ``text`` or, often since Ventura, only in ``attributedBody``: an NSArchiver "streamtyped"
  archive of an NSAttributedString (see :func:`decode_attributed_body`).
  ``associated_message_type`` 2000-2005 are tapbacks (love, like, dislike, laugh, emphasize,
  question), 2006 an emoji tapback (emoji in ``associated_message_emoji``), 2007 a sticker
  tapback, 3000-3007 their removals, 1000 a sticker stuck onto a message;
  ``associated_message_guid`` names the target as ``p:N/GUID`` or ``bp:GUID``.
  ``item_type`` other than 0 is an event: 1 member added/removed, 2 renamed, 3 left / group
  photo, 4 location sharing, 5 audio message kept, 6 FaceTime/SharePlay.
  ``date_edited``/``date_retracted`` (Ventura) mark edited and unsent messages;
  ``thread_originator_guid`` (Big Sur) names the message a reply answers.
- ``handle`` (phone numbers and e-mail addresses), ``chat`` and ``chat_message_join``,
  ``chat_handle_join`` (participants), ``attachment`` and ``message_attachment_join``.

The database holds no time zone, so ``sent_at`` is UTC (naive) with ``utc_offset_s=0``. The
sender is the handle (phone or e-mail) for received messages and "Me" for the owner's.
Each message carries its chat's name (``display_name``, else ``chat_identifier``). The option
``chat`` keeps only the chats whose identifier, name or a participant matches it (phone numbers
compared by their last ten digits).

The file is opened read-only and ``immutable`` so nothing on disk changes; a ``chat.db-wal``
beside it (changes Messages has not yet written into the database) is therefore not read, and
a warning says so.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import ClassVar

from pushpull.errors import ParseError, UsageError
from pushpull.model import Kind, Message, ParseIssue
from pushpull.registry import ExportFile, Sniff, register

__all__ = ["IMessageSource", "decode_attributed_body"]

SQLITE_MAGIC = b"SQLite format 3\x00"
REQUIRED_TABLES = ("message", "handle", "chat", "chat_message_join")
#: Without these two there is nothing to read; older or partial copies may lack the others.
CORE_TABLES = ("message", "handle")
#: Start of Apple's clock (Core Data / Cocoa reference date), UTC.
APPLE_EPOCH = datetime(2001, 1, 1)
#: A ``date`` larger than this (about 31,700 years in seconds) must be nanoseconds.
NANOSECOND_DATES = 1_000_000_000_000
#: Who the database owner is in ``sender``.
ME = "Me"
#: The object replacement character that stands for an attachment inside message text.
OBJECT_MARK = "\ufffc"
#: Stands for an iMessage app's bubble inside message text.
APP_MARK = "\ufffd"
#: Table definitions that only chat.db has, looked for in a file SQLite cannot open.
SCHEMA_MARKERS = (b"CREATE TABLE chat_message_join", b"CREATE TABLE message")
SCHEMA_SCAN_BYTES = 64 << 20
#: Rows read between progress reports.
PROGRESS_EVERY = 4096

TAPBACKS: Mapping[int, str] = {
    2000: "❤️",
    2001: "👍",
    2002: "👎",
    2003: "😂",
    2004: "‼️",
    2005: "❓",
}
EMOJI_TAPBACK = 2006
STICKER_TAPBACK = 2007
STICKER_ON_MESSAGE = 1000
URL_BALLOON = "com.apple.messages.URLBalloonProvider"
APP_NAMES: Mapping[str, str] = {
    "com.apple.Handwriting.HandwritingProvider": "Handwritten message",
    "com.apple.DigitalTouchBalloonProvider": "Digital Touch message",
    "com.apple.PassbookUIService.PeerPaymentMessagesExtension": "Apple Cash payment",
    "com.apple.ActivityMessagesApp.MessagesExtension": "Fitness activity",
    "com.apple.mobileslideshow.PhotosMessagesApp": "Photos",
}

_TARGET_PREFIX = re.compile(r"^(?:p:\d+/|bp:)")
_MAPS_URL = re.compile(
    r"https?://(?:maps\.apple\.com|maps\.google\.[a-z.]+|(?:www\.)?google\.[a-z.]+/maps"
    r"|goo\.gl/maps|maps\.app\.goo\.gl)[^\s]*",
    re.IGNORECASE,
)

#: message columns read, with the SQL used when a database lacks one.
_MESSAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("guid", "NULL"),
    ("text", "NULL"),
    ("attributedBody", "NULL"),
    ("handle_id", "0"),
    ("date", "NULL"),
    ("date_edited", "0"),
    ("date_retracted", "0"),
    ("is_from_me", "0"),
    ("cache_has_attachments", "0"),
    ("associated_message_guid", "NULL"),
    ("associated_message_type", "0"),
    ("associated_message_emoji", "NULL"),
    ("item_type", "0"),
    ("group_action_type", "0"),
    ("group_title", "NULL"),
    ("other_handle", "0"),
    ("share_status", "0"),
    ("thread_originator_guid", "NULL"),
    ("balloon_bundle_id", "NULL"),
)
_REQUIRED_COLUMNS = ("date", "is_from_me", "handle_id", "text")
#: Every table the reader selects from.
_READ_TABLES = frozenset(
    (*REQUIRED_TABLES, "chat_handle_join", "attachment", "message_attachment_join")
)
_EXPECTED = "the Messages database chat.db from a Mac (~/Library/Messages/chat.db)"


def decode_attributed_body(blob: bytes) -> tuple[str, str]:
    """The text inside an ``attributedBody`` archive, and "" or why it could not be read.

    The archive names its classes (NSAttributedString, NSObject, NSString) and then writes the
    string as the type marker ``+``, a length and that many UTF-8 bytes. A length below 0x80 is
    one byte; 0x81 is followed by a 2-byte and 0x82 by a 4-byte little-endian length.
    """
    marker = blob.find(b"NSString")
    if marker < 0:
        return "", "attributedBody holds no NSString"
    plus = blob.find(b"+", marker + 8, marker + 8 + 32)
    if plus < 0 or plus + 1 >= len(blob):
        return "", "attributedBody has no string after its NSString class"
    at = plus + 1
    head = blob[at]
    if head < 0x80:
        size, at = head, at + 1
    elif head == 0x81 and at + 3 <= len(blob):
        size, at = int.from_bytes(blob[at + 1 : at + 3], "little"), at + 3
    elif head == 0x82 and at + 5 <= len(blob):
        size, at = int.from_bytes(blob[at + 1 : at + 5], "little"), at + 5
    else:
        return "", f"attributedBody has an unreadable string length (byte 0x{head:02x})"
    if at + size > len(blob):
        return "", "attributedBody is cut short inside its text"
    try:
        return blob[at : at + size].decode("utf-8"), ""
    except UnicodeDecodeError:
        text = blob[at : at + size].decode("utf-8", errors="replace")
        return text, "attributedBody text is not valid UTF-8 (bad bytes replaced)"


def _lenient_text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _as_int(value: object) -> int:
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) else 0  # a damaged cell may hold inf or NaN
    if isinstance(value, str | bytes):
        try:
            return int(value)
        except ValueError:
            return 0
    return 0


def _as_str(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _apple_time(value: object) -> datetime:
    """A ``date`` column as naive UTC (TypeError/ValueError/OverflowError if it is not one)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"date is {value!r}, not a number")
    if isinstance(value, float):
        if abs(value) > NANOSECOND_DATES:
            value /= 1_000_000_000
        return APPLE_EPOCH + timedelta(seconds=value)
    if abs(value) > NANOSECOND_DATES:
        return APPLE_EPOCH + timedelta(microseconds=value // 1000)
    return APPLE_EPOCH + timedelta(seconds=value)


def _is_maps_link(text: str) -> bool:
    """True when a message is nothing but a link to a place on a map (a shared location)."""
    return text[:4].lower() == "http" and _MAPS_URL.fullmatch(text) is not None


def _target(value: object) -> str | None:
    """A tapback's target GUID without its part prefix ("p:0/", "bp:")."""
    target = _as_str(value)
    return _TARGET_PREFIX.sub("", target) if target else None


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _same_party(want: str, candidate: str) -> bool:
    """True when two handles or names are the same (phones by their last ten digits)."""
    if not candidate:
        return False
    if want.casefold() == candidate.casefold():
        return True
    if "@" in want or "@" in candidate:
        return False
    a, b = _digits(want), _digits(candidate)
    if len(a) < 7 or len(b) < 7:
        return False
    return a[-10:] == b[-10:]


@dataclass(frozen=True, slots=True)
class _Chat:
    rowid: int
    guid: str
    identifier: str
    display_name: str
    participants: tuple[str, ...]

    @property
    def title(self) -> str:
        return self.display_name or self.identifier


@dataclass(frozen=True, slots=True)
class _Attachment:
    name: str
    mime_type: str
    is_sticker: bool

    @property
    def is_location(self) -> bool:
        return self.mime_type == "text/x-vlocation" or self.name.lower().endswith(".loc.vcf")


def _connect(file: ExportFile) -> sqlite3.Connection:
    """The database, read-only, with the work its schema can ask for bounded: functions named
    in the schema must be harmless ones, and no value may exceed the file's line limit."""
    uri = f"{file.path.resolve().as_uri()}?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, file.limits.max_line_bytes)
    except BaseException:
        conn.close()
        raise
    conn.text_factory = _lenient_text
    return conn


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {str(name).lower() for (name,) in rows}


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {str(row[1]).lower() for row in conn.execute(f"PRAGMA table_info({table})")}


def _mentions_imessage_schema(path: Path) -> bool:
    """Whether a SQLite file SQLite cannot read still holds iMessage's table definitions."""
    found: set[bytes] = set()
    tail = b""
    try:
        with path.open("rb") as f:
            for _ in range(SCHEMA_SCAN_BYTES // (1 << 20)):
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                window = tail + chunk
                found.update(marker for marker in SCHEMA_MARKERS if marker in window)
                if len(found) == len(SCHEMA_MARKERS):
                    return True
                tail = window[-64:]
    except OSError:
        return False
    return False


def _promised_size(head: bytes) -> int | None:
    """The file size a SQLite header promises, when its page count is trustworthy."""
    if len(head) < 100:
        return None
    page_size = int.from_bytes(head[16:18], "big")
    if page_size == 1:
        page_size = 65536
    n_pages = int.from_bytes(head[28:32], "big")
    if n_pages == 0 or head[24:28] != head[92:96]:
        return None
    return page_size * n_pages


@register
class IMessageSource:
    """Reader of the macOS Messages database ``chat.db``."""

    name: ClassVar[str] = "imessage"
    label: ClassVar[str] = "iMessage database (chat.db)"

    def sniff(self, file: ExportFile) -> Sniff:
        if not file.head.startswith(SQLITE_MAGIC):
            return Sniff.no("not a SQLite database (iMessage keeps its messages in chat.db)")
        try:
            conn = _connect(file)
            try:
                tables = _tables(conn)
            finally:
                conn.close()
        except (sqlite3.Error, OSError, ValueError):
            # A damaged copy: its schema text may still show that it is chat.db.
            if _mentions_imessage_schema(file.path):
                return Sniff(0.8, "a damaged SQLite file with iMessage's table definitions")
            return Sniff(0.05, "a SQLite database that cannot be opened")
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if not missing:
            bonus = 0.03 if file.name.lower() == "chat.db" else 0.0
            return Sniff(0.95 + bonus, "SQLite with iMessage's message, handle and chat tables")
        if "message" in tables and "handle" in tables:
            return Sniff(0.85, f"an iMessage database without its {missing[0]} table")
        return Sniff(0.05, "a SQLite database without iMessage's message/handle/chat tables")

    def read(self, file: ExportFile) -> Iterator[Message | ParseIssue]:
        head = file.head
        if not head.startswith(SQLITE_MAGIC):
            raise ParseError("this is not a SQLite database.", path=file.path, expected=_EXPECTED)
        promised = _promised_size(head)
        if promised is not None and file.size < promised:
            raise ParseError(
                f"the database is cut short: {file.size} bytes of the {promised} its header "
                "promises.",
                path=file.path,
                expected="a complete copy of chat.db",
            )
        wal = file.path.with_name(file.path.name + "-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            yield ParseIssue(
                line=None,
                reason=f"{wal.name} beside the database holds recent changes Messages has not "
                "yet written into it; they were not read (the database is opened read-only).",
                action="read without them; quit Messages and copy chat.db again to include them",
            )
        try:
            conn = _connect(file)
        except (sqlite3.Error, UnicodeError) as exc:  # a damaged schema: undecodable errors
            raise ParseError(
                f"SQLite cannot open it ({exc}).", path=file.path, expected=_EXPECTED
            ) from exc
        try:
            yield from _Reader(conn, file).messages()
        except (sqlite3.Error, UnicodeError) as exc:  # a damaged schema: undecodable errors
            raise ParseError(
                f"the database is damaged ({exc}).", path=file.path, expected=_EXPECTED
            ) from exc
        finally:
            conn.close()


class _Reader:
    """One pass over an open chat.db."""

    def __init__(self, conn: sqlite3.Connection, file: ExportFile) -> None:
        self.conn = conn
        self.file = file
        self.tables = _tables(conn)
        missing = [t for t in CORE_TABLES if t not in self.tables]
        if missing:
            raise ParseError(
                f"it has no {missing[0]} table, so it is not an iMessage database.",
                path=file.path,
                expected=_EXPECTED,
            )
        #: Tables an older or partial copy lacks (read without them, and said so).
        self.absent = [t for t in REQUIRED_TABLES if t not in self.tables]
        for table in sorted(self.tables & _READ_TABLES):
            # A generated column is computed on every read, by a formula the file supplies.
            if any(row[6] == 2 for row in conn.execute(f"PRAGMA table_xinfo({table})")):
                raise ParseError(
                    f"its {table} table has computed columns, which Messages never creates and "
                    "which could make reading it take unbounded time.",
                    path=file.path,
                    expected=_EXPECTED,
                )
        self.message_columns = _columns(conn, "message")
        absent = [c for c in _REQUIRED_COLUMNS if c.lower() not in self.message_columns]
        if absent:
            raise ParseError(
                f"its message table has no {absent[0]} column.",
                path=file.path,
                expected=_EXPECTED,
            )
        self.handles = self._handles()
        self.chats = self._chats()

    def _handles(self) -> dict[int, str]:
        handles: dict[int, str] = {}
        for rowid, handle in self.conn.execute("SELECT ROWID, id FROM handle"):
            name = _as_str(handle)
            if name:
                handles[_as_int(rowid)] = name
        return handles

    def _chats(self) -> dict[int, _Chat]:
        if "chat" not in self.tables:
            return {}
        columns = _columns(self.conn, "chat")

        def col(name: str) -> str:
            return name if name.lower() in columns else "NULL"

        participants: dict[int, list[str]] = {}
        if "chat_handle_join" in self.tables:
            for chat_id, handle_id in self.conn.execute(
                "SELECT chat_id, handle_id FROM chat_handle_join ORDER BY ROWID"
            ):
                handle = self.handles.get(_as_int(handle_id))
                if handle:
                    participants.setdefault(_as_int(chat_id), []).append(handle)
        chats: dict[int, _Chat] = {}
        query = (
            f"SELECT ROWID, {col('guid')}, {col('chat_identifier')}, {col('display_name')} "
            "FROM chat"
        )
        for rowid, guid, identifier, display_name in self.conn.execute(query):
            key = _as_int(rowid)
            chats[key] = _Chat(
                rowid=key,
                guid=_as_str(guid) or "",
                identifier=_as_str(identifier) or "",
                display_name=_as_str(display_name) or "",
                participants=tuple(participants.get(key, ())),
            )
        return chats

    def _selected_chats(self) -> list[int] | None:
        want = self.file.options.get("chat", "").strip()
        if not want:
            return None
        chosen = [
            chat.rowid
            for chat in self.chats.values()
            if any(
                _same_party(want, name)
                for name in (chat.identifier, chat.display_name, chat.guid, *chat.participants)
            )
        ]
        if not chosen:
            known = sorted(set(self.handles.values()))
            raise UsageError(
                f"No chat in {self.file.name} matches {want!r}.",
                hint="Handles in this database: "
                + (", ".join(known[:20]) or "none")
                + (" ..." if len(known) > 20 else "")
                + ". Give --chat one of them (any phone format) or a group's name.",
            )
        return chosen

    def _attachments(self) -> dict[int, list[_Attachment]]:
        if "attachment" not in self.tables or "message_attachment_join" not in self.tables:
            return {}
        columns = _columns(self.conn, "attachment")

        def col(name: str, default: str) -> str:
            return f"a.{name}" if name.lower() in columns else default

        query = (
            f"SELECT j.message_id, {col('transfer_name', 'NULL')}, {col('filename', 'NULL')}, "
            f"{col('mime_type', 'NULL')}, {col('is_sticker', '0')} "
            "FROM message_attachment_join AS j JOIN attachment AS a ON a.ROWID = j.attachment_id "
            "ORDER BY j.message_id, a.ROWID"
        )
        found: dict[int, list[_Attachment]] = {}
        for message_id, transfer_name, filename, mime_type, is_sticker in self.conn.execute(query):
            path = _as_str(filename) or ""
            name = _as_str(transfer_name) or PurePosixPath(path).name or "attachment"
            found.setdefault(_as_int(message_id), []).append(
                _Attachment(
                    name=name,
                    mime_type=(_as_str(mime_type) or "").lower(),
                    is_sticker=_as_int(is_sticker) != 0,
                )
            )
        return found

    def _query(self, selected: Sequence[int] | None) -> str:
        wanted = ", ".join(
            f"m.{name}" if name.lower() in self.message_columns else default
            for name, default in _MESSAGE_COLUMNS
        )
        if "chat_message_join" not in self.tables:
            return (
                f"SELECT m.ROWID, {wanted}, NULL FROM message AS m NOT INDEXED "
                f"ORDER BY CASE WHEN abs(m.date) > {NANOSECOND_DATES} THEN m.date "
                "ELSE m.date * 1000000000 END, m.ROWID"
            )
        where = ""
        join = "LEFT JOIN"
        if selected is not None:
            where = f"WHERE chat_id IN ({', '.join(str(int(c)) for c in selected)})"
            join = "JOIN"
        return (
            f"SELECT m.ROWID, {wanted}, j.chat_id FROM message AS m NOT INDEXED {join} "
            f"(SELECT message_id, MIN(chat_id) AS chat_id FROM chat_message_join {where} "
            "GROUP BY message_id) AS j ON j.message_id = m.ROWID "
            f"ORDER BY CASE WHEN abs(m.date) > {NANOSECOND_DATES} THEN m.date "
            "ELSE m.date * 1000000000 END, m.ROWID"
        )

    def messages(self) -> Iterator[Message | ParseIssue]:
        if self.absent:
            yield ParseIssue(
                line=None,
                reason=f"the database has no {' and no '.join(self.absent)} table (an older or "
                "partial copy of chat.db)",
                action="read every message by its sender's handle; chat names are unknown",
            )
        selected = self._selected_chats()
        attachments = self._attachments()
        (top,) = self.conn.execute("SELECT MAX(ROWID) FROM message").fetchone()
        n_rows = max(1, _as_int(top))
        size, reported = self.file.size, 0
        issues: list[ParseIssue] = []
        convert = self._message
        cursor = self.conn.execute(self._query(selected))
        for n, row in enumerate(cursor, start=1):
            try:
                message: Message | None = convert(row, attachments, issues)
            except (TypeError, ValueError, OverflowError) as exc:
                message = None
                issues.append(
                    ParseIssue(
                        line=_as_int(row[0]),
                        reason=f"message {row[0]} cannot be read: {exc}",
                        raw=repr(row[1:6])[:200],
                        action="skipped",
                    )
                )
            if issues:
                yield from issues
                issues.clear()
            if message is not None:
                yield message
            if not n % PROGRESS_EVERY:
                done = min(size, size * n // n_rows)
                if done > reported:
                    self.file.on_bytes(done - reported)
                    reported = done
        if size > reported:
            self.file.on_bytes(size - reported)

    def _message(
        self,
        row: Sequence[object],
        attachments_of: Mapping[int, Sequence[_Attachment]],
        issues: list[ParseIssue],
    ) -> Message:
        """One message row as a Message; problems that do not stop it go to ``issues``."""
        (
            rowid_value,
            guid,
            text,
            attributed_body,
            handle_id,
            date,
            date_edited,
            date_retracted,
            is_from_me,
            has_attachments,
            target_guid,
            associated_type,
            associated_emoji,
            item_type,
            group_action_type,
            group_title,
            other_handle,
            share_status,
            thread_guid,
            balloon,
            chat_id,
        ) = row
        rowid = rowid_value if type(rowid_value) is int else _as_int(rowid_value)
        if type(date) is int and date > NANOSECOND_DATES:
            sent_at = APPLE_EPOCH + timedelta(microseconds=date // 1000)
        else:
            sent_at = _apple_time(date)
        from_me = (is_from_me if type(is_from_me) is int else _as_int(is_from_me)) != 0
        chat = self.chats.get(chat_id if type(chat_id) is int else _as_int(chat_id))
        handle = self.handles.get(handle_id if type(handle_id) is int else _as_int(handle_id))
        sender: str
        if from_me:
            sender = ME
        elif handle:
            sender = handle
        elif chat and chat.identifier and not chat.identifier.startswith("chat"):
            sender = chat.identifier
        else:
            sender = "Unknown"
        mine: bool | None = from_me
        files: tuple[str, ...] = ()
        reply_to: str | None = None
        body: str | None = None

        event = item_type if type(item_type) is int else _as_int(item_type)
        associated = associated_type if type(associated_type) is int else _as_int(associated_type)
        if (
            # The common case, a plain text message, without the general path's calls.
            event == 0
            and associated == 0
            and not date_edited
            and not date_retracted
            and not has_attachments
            and balloon is None
            and rowid not in attachments_of
        ):
            if type(text) is str:
                body = text
            elif text is None and type(attributed_body) is bytes:
                decoded, problem = decode_attributed_body(attributed_body)
                if not problem:
                    body = decoded
        if body is not None and not _is_maps_link(body):
            kind = Kind.TEXT
            reply_to = thread_guid if type(thread_guid) is str else _as_str(thread_guid)
        elif event != 0:
            kind = Kind.SYSTEM
            body = self._event_text(
                event,
                ME if from_me else (handle or "Someone"),
                _as_int(group_action_type),
                _as_str(group_title),
                self.handles.get(_as_int(other_handle), "someone"),
                _as_int(share_status),
            )
            sender, mine = "", None
        elif 2000 <= associated <= 2007 or 3000 <= associated <= 3007:
            base = associated - 1000 if associated >= 3000 else associated
            if base == EMOJI_TAPBACK:
                emoji = _as_str(associated_emoji) or "(emoji)"
            elif base == STICKER_TAPBACK:
                emoji = "sticker"
            else:
                emoji = TAPBACKS[base]
            kind = Kind.REACTION
            body = "-" + emoji if associated >= 3000 else emoji
            files = tuple(a.name for a in attachments_of.get(rowid, ()))
            reply_to = _target(target_guid)
        else:
            kind, body, files, reply_to = self._content(
                rowid,
                text,
                attributed_body,
                attachments_of.get(rowid, ()),
                associated,
                target_guid,
                thread_guid,
                _as_int(date_edited),
                _as_int(date_retracted),
                _as_int(has_attachments),
                _as_str(balloon),
                issues,
            )
        return Message(
            sent_at=sent_at,
            sender=sender,
            text=body,
            kind=kind,
            utc_offset_s=0,
            from_me=mine,
            attachments=files,
            reply_to=reply_to,
            record_id=(guid if type(guid) is str else _as_str(guid)) or str(rowid),
            line=rowid,
            chat=chat.title if chat else "",
        )

    @staticmethod
    def _content(
        rowid: int,
        text: object,
        attributed_body: object,
        attachments: Sequence[_Attachment],
        associated: int,
        target_guid: object,
        thread_guid: object,
        date_edited: int,
        date_retracted: int,
        has_attachments: int,
        bundle: str | None,
        issues: list[ParseIssue],
    ) -> tuple[Kind, str, tuple[str, ...], str | None]:
        """Kind, text, attachment names and reply target of an ordinary (non-event) message."""
        reply_to = _target(target_guid) if associated == STICKER_ON_MESSAGE else None
        if reply_to is None:
            reply_to = _as_str(thread_guid)
        body = text if type(text) is str else _as_str(text)
        if body is None and attributed_body is not None:
            if isinstance(attributed_body, bytes):
                body, problem = decode_attributed_body(attributed_body)
                raw = attributed_body[:80].hex()
            else:
                body, problem, raw = "", "attributedBody is not a blob", repr(attributed_body)
            if problem:
                issues.append(
                    ParseIssue(
                        line=rowid,
                        reason=f"message {rowid}: {problem}",
                        raw=raw[:160],
                        action="kept the message with the text that could be read",
                    )
                )
        body = body or ""
        names = tuple(a.name for a in attachments)
        if date_retracted > 0:
            return Kind.DELETED, "", (), reply_to
        if associated == STICKER_ON_MESSAGE or any(a.is_sticker for a in attachments):
            return Kind.STICKER, body.replace(OBJECT_MARK, ""), names, reply_to
        if attachments or has_attachments:
            kind = Kind.LOCATION if any(a.is_location for a in attachments) else Kind.MEDIA
            return kind, body.replace(OBJECT_MARK, ""), names, reply_to
        if date_edited > 0 and not body:
            # Unsent before date_retracted existed: edited away to nothing.
            return Kind.DELETED, "", (), reply_to
        if bundle and bundle != URL_BALLOON:
            content = body.replace(APP_MARK, "").replace(OBJECT_MARK, "")
            app = bundle.rsplit(":", 1)[-1]
            label = APP_NAMES.get(app, f"iMessage app: {app}")
            return Kind.MEDIA, content or f"({label})", (), reply_to
        if _is_maps_link(body):
            return Kind.LOCATION, body, (), reply_to
        return (Kind.EDITED if date_edited > 0 else Kind.TEXT), body, (), reply_to

    @staticmethod
    def _event_text(
        event: int,
        actor: str,
        action: int,
        title: str | None,
        other: str,
        share_status: int,
    ) -> str:
        if event == 1:
            if action == 1:
                return f"{actor} removed {other} from the conversation"
            return f"{actor} added {other} to the conversation"
        if event == 2:
            if title:
                return f"{actor} named the conversation “{title}”"
            return f"{actor} removed the conversation name"
        if event == 3:
            return {
                0: f"{actor} left the conversation",
                1: f"{actor} changed the group photo",
                2: f"{actor} removed the group photo",
            }.get(action, f"{actor} changed the conversation (group action {action})")
        if event == 4:
            if share_status:
                return f"{actor} stopped sharing location"
            return f"{actor} started sharing location"
        if event == 5:
            return f"{actor} kept an audio message"
        if event == 6:
            return f"{actor}: FaceTime / SharePlay activity"
        return f"{actor}: conversation event (item type {event})"
