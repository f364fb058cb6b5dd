"""Any CSV or JSON Lines file with one message per row: spreadsheets, scripts' output, other tools.

Columns (CSV header names or JSON keys) are mapped to message fields by the options the CLI
passes (``--column KEY=COLUMN``), else by common names (case, spaces and dashes ignored):

======================  ===================================================================
option key              common names tried, in order
======================  ===================================================================
``ts`` (required)       ts, timestamp, date, datetime, date_time, time, sent_at, sent, created_at
``sender`` (required)   sender, from, author, name, sender_name, from_name, user
``text`` (required)     text, message, body, content, msg
``kind``                kind, type, message_type
``chat``                chat, conversation, thread, chat_name
``from_me``             from_me, is_from_me, outgoing, is_outgoing
``attachments``         attachments, attachment, media, files (names joined with ``|``)
``id``, ``reply_to``    id, message_id, record_id, msg_id; reply_to, reply_to_id, in_reply_to
======================  ===================================================================

- ``time_format`` (option): a ``strptime`` format for the ``ts`` column. Without it a time is ISO
  8601 (``2024-01-31 21:15``, ``2024-01-31T21:15:07+02:00``, ``…Z``; a given offset becomes
  ``utc_offset_s`` and the wall-clock time is kept as written) or, when it is a number of at least
  9 digits, Unix epoch seconds (milliseconds from 10^11, microseconds from 10^14), read as UTC
  (``utc_offset_s`` 0). A sheet with separate ``date`` and ``time`` columns (and no option for
  ``ts``) has them joined with a space.
- ``kind``: the ``Kind`` names (text, media, system, call, deleted, edited, sticker, reaction,
  poll, location) and common synonyms (photo, video, voice, missed_call, unsent, …); a direction
  (sent/outgoing, received/incoming) sets ``from_me`` instead. An unknown value is read as text,
  with one ``ParseIssue`` per distinct value. Without a kind, a row with attachments is MEDIA.
- ``from_me``: true/false, yes/no, 1/0 (and y/n, t/f); anything else leaves it unknown.
- ``chat``: the CLI uses the same key for ``--chat NAME`` (pick one chat). So a ``chat`` option
  that names a column is that column; otherwise, with a chat column present, only rows of that
  chat are read, and without one it is the title of every row. The default title is the file
  name without its extension.

CSV: comma, semicolon, tab or ``|`` separated (the one that maps most header names wins), quoted
fields may hold separators, quotes and newlines; UTF-8 with or without BOM, or UTF-16 with BOM
(Excel's "Unicode text"). ``line`` is the physical line where a record starts. JSON Lines: one
object per line (blank lines skipped); ``line`` is the line number.

Errors: a time that cannot be read raises ``ParseError`` naming the line and column, as does a
quoted field left open at the end (a cut-off file), undecodable bytes, a JSON line that is not a
complete object, or a missing required column. A partial import of a sheet with bad rows would be
silently wrong, so a bad time stops the import and says which line to fix. A CSV row with more or
fewer fields than the header is read as far as it goes, with a ``ParseIssue``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from pushpull.errors import ParseError
from pushpull.model import Kind, Message, ParseIssue
from pushpull.registry import ExportFile, Sniff, register
from pushpull.sources._jsonl import json_objects

__all__ = ["GenericSource"]

#: Message fields and the header names tried for each when no option names the column.
_ALIASES: dict[str, tuple[str, ...]] = {
    "ts": (
        "ts",
        "timestamp",
        "date",
        "datetime",
        "date_time",
        "time",
        "sent_at",
        "sent",
        "created_at",
    ),
    "sender": ("sender", "from", "author", "name", "sender_name", "from_name", "user"),
    "text": ("text", "message", "body", "content", "msg"),
    "kind": ("kind", "type", "message_type"),
    "chat": ("chat", "conversation", "thread", "chat_name"),
    "from_me": ("from_me", "is_from_me", "outgoing", "is_outgoing"),
    "attachments": ("attachments", "attachment", "media", "files"),
    "id": ("id", "message_id", "record_id", "msg_id"),
    "reply_to": ("reply_to", "reply_to_id", "in_reply_to"),
}
_REQUIRED = ("ts", "sender", "text")
_DELIMITERS = (",", ";", "\t", "|")
#: signal-export's data.json keys; such lines belong to the signal format.
_SIGNAL_KEYS = frozenset({"date", "sender", "body", "quote", "reactions"})

_KINDS: dict[str, Kind] = {kind.value: kind for kind in Kind}
_KINDS.update(
    {
        "message": Kind.TEXT,
        "msg": Kind.TEXT,
        "chat": Kind.TEXT,
        "photo": Kind.MEDIA,
        "image": Kind.MEDIA,
        "picture": Kind.MEDIA,
        "video": Kind.MEDIA,
        "audio": Kind.MEDIA,
        "voice": Kind.MEDIA,
        "voice_note": Kind.MEDIA,
        "file": Kind.MEDIA,
        "document": Kind.MEDIA,
        "gif": Kind.MEDIA,
        "attachment": Kind.MEDIA,
        "notice": Kind.SYSTEM,
        "service": Kind.SYSTEM,
        "event": Kind.SYSTEM,
        "missed_call": Kind.CALL,
        "voice_call": Kind.CALL,
        "video_call": Kind.CALL,
        "unsent": Kind.DELETED,
        "revoked": Kind.DELETED,
        "edit": Kind.EDITED,
        "tapback": Kind.REACTION,
        "geo": Kind.LOCATION,
        "place": Kind.LOCATION,
    }
)
_DIRECTIONS = {
    "sent": True,
    "outgoing": True,
    "outbox": True,
    "received": False,
    "incoming": False,
    "inbox": False,
}
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})
_EPOCH = datetime(1970, 1, 1)
_NUMBER = re.compile(r"-?\d{9,}(?:\.\d+)?")
_MAX_UNKNOWN_KINDS = 20


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


@dataclass(frozen=True, slots=True)
class _Columns:
    """Which column holds each field (by header name), and how to read times and chats."""

    names: Mapping[str, str]  # field key -> column name as in the file
    time_column: str | None  # a separate time column joined to a date column
    time_format: str
    chat_filter: str | None
    chat_title: str

    def get(self, key: str) -> str | None:
        return self.names.get(key)


def _map_columns(
    header: list[str], options: Mapping[str, str], default_title: str, *, strict: bool = True
) -> _Columns | str:
    """The columns for ``header``, or a sentence saying why it cannot be mapped.

    Not ``strict`` (a later JSON line with other keys): columns it lacks are simply absent.
    """
    normalized = {_norm(h): h for h in reversed(header)}
    exact = set(header)
    names: dict[str, str] = {}
    chat_filter: str | None = None
    chat_title = default_title
    chat_option: str | None = None
    for key in _ALIASES:
        wanted = options.get(key)
        if wanted is None and key == "id":
            wanted = options.get("record_id")
        if wanted is None:
            continue
        if wanted in exact:
            names[key] = wanted
        elif _norm(wanted) in normalized:
            names[key] = normalized[_norm(wanted)]
        elif key == "chat":
            chat_option = wanted
        elif strict:
            shown = ", ".join(repr(h) for h in header[:12]) or "none"
            return f"there is no column {wanted!r} (for {key}); the columns are {shown}"
    used = set(names.values())
    time_column: str | None = None
    for key, aliases in _ALIASES.items():
        if key in names:
            continue
        for alias in aliases:
            column = normalized.get(alias)
            if column is not None and column not in used:
                names[key] = column
                used.add(column)
                if key == "ts" and alias == "date" and "time" in normalized:
                    time_column = normalized["time"]
                    used.add(time_column)
                break
    if chat_option is not None:
        if "chat" in names:
            chat_filter = chat_option
        else:
            chat_title = chat_option
    missing = [key for key in _REQUIRED if key not in names]
    if missing and strict:
        shown = ", ".join(repr(h) for h in header[:12]) or "none"
        return f"no column for {' and '.join(missing)} among {shown}"
    return _Columns(
        names=names,
        time_column=time_column,
        time_format=options.get("time_format", ""),
        chat_filter=chat_filter,
        chat_title=chat_title,
    )


def _explicit(options: Mapping[str, str]) -> bool:
    return any(key in options for key in _REQUIRED)


@register
class GenericSource:
    name: ClassVar[str] = "generic"
    label: ClassVar[str] = "CSV or JSON Lines file, one message per row"

    def sniff(self, file: ExportFile) -> Sniff:
        head = file.head
        if file.is_zip:
            return Sniff.no("a zip archive, not CSV or JSON Lines")
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if not utf16 and b"\x00" in head.split(b"\n", 1)[0]:
            return Sniff.no("binary data, not CSV or JSON Lines")
        text = file.head_text.lstrip("\ufeff")
        stripped = text.lstrip()
        if not stripped:
            return Sniff.no("no text")
        if stripped[0] == "{":
            return _sniff_jsonl(file, stripped)
        if stripped[0] in "[<":
            return Sniff.no("a JSON or XML document, not CSV or JSON Lines")
        found = _csv_header(text, file.options, file.path.stem)
        if found is None:
            return Sniff.no("no header row naming a time, sender and text column")
        _, _, columns = found
        if isinstance(columns, str):
            if _explicit(file.options):
                return Sniff.no(columns)
            return Sniff.no("no header row naming a time, sender and text column")
        if _explicit(file.options):
            return Sniff(0.95, "CSV with the columns given")
        return Sniff(0.6, "CSV with time, sender and text columns")

    def read(self, file: ExportFile) -> Iterator[Message | ParseIssue]:
        if file.head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            return _read_jsonl(file)
        return _read_csv(file)


# --- CSV ---------------------------------------------------------------------------------------


def _csv_header(
    text: str, options: Mapping[str, str], title: str
) -> tuple[str, list[str], _Columns | str] | None:
    """The delimiter that maps the header row best, the header, and its columns."""
    best: tuple[tuple[int, int, int], str, list[str], _Columns | str] | None = None
    for delimiter in _DELIMITERS:
        try:
            header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except (csv.Error, StopIteration):
            continue
        columns = _map_columns(header, options, title)
        mapped = len(columns.names) if isinstance(columns, _Columns) else 0
        score = (int(isinstance(columns, _Columns)), mapped, len(header))
        if best is None or score > best[0]:
            best = (score, delimiter, header, columns)
    if best is None or (len(best[2]) < 2 and isinstance(best[3], str)):
        return None
    return best[1], best[2], best[3]


def _read_csv(file: ExportFile) -> Iterator[Message | ParseIssue]:
    found = _csv_header(file.head_text.lstrip("\ufeff"), file.options, file.path.stem)
    if found is None or isinstance(found[2], str):
        why = found[2] if found is not None else "the first line is not a header row"
        raise ParseError(
            f"{why}.",
            path=file.path,
            line=1,
            expected="a header row naming a time, a sender and a text column",
            hint="Name the columns, e.g. --column ts=Date --column sender=From "
            "--column text=Message.",
        )
    delimiter, header, columns = found
    assert isinstance(columns, _Columns)
    position = {name: i for i, name in reversed(list(enumerate(header)))}

    def index(key: str) -> int:
        name = columns.get(key)
        return position[name] if name is not None else -1

    i_ts, i_sender, i_text = index("ts"), index("sender"), index("text")
    i_kind, i_chat, i_me = index("kind"), index("chat"), index("from_me")
    i_files, i_id, i_reply = index("attachments"), index("id"), index("reply_to")
    i_time = position[columns.time_column] if columns.time_column else -1
    n_fields = len(header)
    reader_state = _RowReader(file, columns)
    utf16 = file.head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    raw = file.open()
    stream = io.TextIOWrapper(raw, encoding="utf-16" if utf16 else "utf-8-sig", newline="")
    with stream:
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        end = 0
        rows = iter(reader)
        first = True
        while True:
            start = end + 1
            try:
                row = next(rows)
            except StopIteration:
                break
            except csv.Error as exc:
                raise ParseError(
                    f"the CSV record starting here is broken ({exc}).",
                    path=file.path,
                    line=start,
                    expected="fields separated by the delimiter, each quote closed",
                ) from exc
            except UnicodeDecodeError as exc:
                raise ParseError(
                    "the file holds bytes that are not valid text here.",
                    path=file.path,
                    line=start,
                    expected="a CSV file encoded as UTF-8 (or UTF-16 with a BOM)",
                ) from exc
            end = reader.line_num
            if first:
                first = False
                continue
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) > n_fields and not any(cell.strip() for cell in row[n_fields:]):
                del row[n_fields:]  # empty cells after the last column (a trailing separator)
            if len(row) != n_fields:
                joined = len(row) > n_fields and i_text == n_fields - 1
                yield ParseIssue(
                    line=start,
                    reason=f"this row has {len(row)} fields, the header {n_fields}",
                    raw=delimiter.join(row)[:200],
                    action="joined the extra fields into the text (the last column)"
                    if joined
                    else "read the columns it has",
                )
                if joined:  # an unquoted text holding the delimiter
                    row = [*row[:i_text], delimiter.join(row[i_text:])]
                row = row + [""] * (n_fields - len(row))
            stamp = row[i_ts]
            if i_time >= 0:
                stamp = f"{stamp.strip()} {row[i_time].strip()}"
            item = reader_state.message(
                start,
                stamp,
                row[i_sender],
                row[i_text],
                row[i_kind] if i_kind >= 0 else "",
                row[i_chat] if i_chat >= 0 else None,
                row[i_me] if i_me >= 0 else "",
                row[i_files] if i_files >= 0 else "",
                row[i_id] if i_id >= 0 else "",
                row[i_reply] if i_reply >= 0 else "",
            )
            if item is not None:
                yield from reader_state.pending()
                yield item


# --- JSON Lines --------------------------------------------------------------------------------


def _sniff_jsonl(file: ExportFile, text: str) -> Sniff:
    first = text.split("\n", 1)[0].strip()
    try:
        record = json.loads(first)
    except (ValueError, RecursionError):
        return Sniff.no("not JSON Lines (the first line is not one JSON object)")
    if not isinstance(record, dict):
        return Sniff.no("not JSON Lines (the first line is not an object)")
    if isinstance(record.get("messages"), list):
        return Sniff.no("a JSON document holding a message list, not one message per line")
    if record.keys() >= _SIGNAL_KEYS:
        return Sniff(0.2, "JSON lines with signal-export's keys (quote, reactions)")
    columns = _map_columns(list(record), file.options, file.path.stem)
    if isinstance(columns, str):
        return Sniff.no(columns)
    if _explicit(file.options):
        return Sniff(0.95, "JSON Lines with the keys given")
    return Sniff(0.6, "JSON Lines with time, sender and text keys")


def _read_jsonl(file: ExportFile) -> Iterator[Message | ParseIssue]:
    state: _RowReader | None = None
    by_keys: dict[tuple[str, ...], _Columns] = {}  # lines may differ in which keys they have
    for number, record in json_objects(file, expected="one JSON object (a message) per line"):
        keys = tuple(record)
        columns = by_keys.get(keys)
        if columns is None:
            mapped = _map_columns(list(keys), file.options, file.path.stem, strict=state is None)
            if isinstance(mapped, str):
                raise ParseError(
                    f"{mapped}.",
                    path=file.path,
                    line=number,
                    expected="keys naming a time, a sender and a text",
                    hint="Name the keys, e.g. --column ts=when --column sender=who "
                    "--column text=what.",
                )
            if state is None:
                state = _RowReader(file, mapped)
            by_keys[keys] = columns = mapped
        assert state is not None
        item = state.message(
            number,
            _field(record, columns.get("ts"), number, file),
            _text(record, columns.get("sender")),
            _text(record, columns.get("text")),
            _text(record, columns.get("kind")),
            _text(record, columns.get("chat")) if columns.get("chat") else None,
            record.get(columns.get("from_me") or "", ""),
            _attachments(record.get(columns.get("attachments") or "")),
            _text(record, columns.get("id")),
            _text(record, columns.get("reply_to")),
        )
        if item is not None:
            yield from state.pending()
            yield item


def _field(record: dict[str, object], key: str | None, number: int, file: ExportFile) -> object:
    if key is None or record.get(key) is None:
        raise ParseError(
            f"the message has no time{f' ({key!r} is missing)' if key else ''}.",
            path=file.path,
            line=number,
            expected="a time (e.g. 2024-01-31T21:15:07) on every line",
        )
    return record[key]


def _text(record: dict[str, object], key: str | None) -> str:
    if key is None:
        return ""
    value = record.get(key)
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _attachments(value: object) -> str | tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value if v is not None and v != "")
    return value if isinstance(value, str) else ""


# --- one row -----------------------------------------------------------------------------------


class _RowReader:
    """Turns one row's cells into a ``Message``; remembers the unknown kinds it met."""

    def __init__(self, file: ExportFile, columns: _Columns) -> None:
        self.file = file
        self.columns = columns
        self.ts_column = columns.get("ts") or "ts"
        if columns.time_column:
            self.ts_column += f"' and '{columns.time_column}"
        self.unknown_kinds: set[str] = set()
        self.issues: list[ParseIssue] = []

    def pending(self) -> Iterator[ParseIssue]:
        while self.issues:
            yield self.issues.pop(0)

    def message(
        self,
        line: int,
        stamp: object,
        sender: str,
        text: str,
        kind_cell: str,
        chat: str | None,
        from_me_cell: object,
        files: str | tuple[str, ...],
        record_id: str,
        reply_to: str,
    ) -> Message | None:
        columns = self.columns
        if chat is not None and columns.chat_filter is not None and chat != columns.chat_filter:
            return None
        at, offset = self.time(stamp, line)
        if isinstance(files, str):
            attachments = tuple(name for name in files.split("|") if name.strip()) if files else ()
        else:
            attachments = files
        from_me = _flag(from_me_cell)
        key = kind_cell.strip().lower().replace(" ", "_").replace("-", "_")
        kind = _KINDS.get(key) if key else None
        if kind is None:
            direction = _DIRECTIONS.get(key)
            if direction is not None:
                from_me = direction if from_me is None else from_me
            elif key and key not in self.unknown_kinds:
                if len(self.unknown_kinds) < _MAX_UNKNOWN_KINDS:
                    self.issues.append(
                        ParseIssue(
                            line=line,
                            reason=f"unknown message kind {kind_cell.strip()!r}",
                            raw=kind_cell[:200],
                            action="read rows of this kind as text (media with attachments)",
                        )
                    )
                self.unknown_kinds.add(key)
            kind = Kind.MEDIA if attachments else Kind.TEXT
        return Message(
            sent_at=at,
            sender=sender,
            text=text,
            kind=kind,
            utc_offset_s=offset,
            from_me=from_me,
            attachments=attachments,
            reply_to=reply_to or None,
            record_id=record_id or None,
            line=line,
            chat=chat or columns.chat_title,
        )

    def time(self, stamp: object, line: int) -> tuple[datetime, int | None]:
        fmt = self.columns.time_format
        try:
            return _parse_time(stamp, fmt)
        except (ValueError, TypeError, OverflowError) as exc:
            like = f"in the format {fmt!r}" if fmt else "like 2024-01-31 21:15"
            shown = stamp if isinstance(stamp, str) else json.dumps(stamp)
            raise ParseError(
                f"the time {shown[:60]!r} cannot be read.",
                path=self.file.path,
                line=line,
                expected=f"a timestamp {like} in column '{self.ts_column}'",
                hint="Give the format with --column time_format=... (strptime codes, e.g. "
                "%d/%m/%Y %H:%M), or name the time column with --column ts=COLUMN.",
            ) from exc


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        cell = value.strip().lower()
        if cell in _TRUE:
            return True
        if cell in _FALSE:
            return False
    return None


def _parse_time(stamp: object, fmt: str) -> tuple[datetime, int | None]:
    """A time as (local wall-clock, offset from UTC in seconds or None)."""
    if isinstance(stamp, bool):
        raise TypeError("a true/false value is not a time")
    if isinstance(stamp, int | float):
        return _from_epoch(stamp), 0
    if not isinstance(stamp, str):
        raise TypeError("not a time")
    value = stamp.strip()
    if fmt:
        at = datetime.strptime(value, fmt)
    elif _NUMBER.fullmatch(value):
        return _from_epoch(float(value) if "." in value else int(value)), 0
    else:
        at = datetime.fromisoformat(value)
    if at.tzinfo is None:
        return at, None
    delta = at.utcoffset()
    return at.replace(tzinfo=None), int(delta.total_seconds()) if delta is not None else None


def _from_epoch(number: float) -> datetime:
    size = abs(number)
    if size >= 1e14:
        return _EPOCH + timedelta(microseconds=number)
    if size >= 1e11:
        return _EPOCH + timedelta(milliseconds=number)
    return _EPOCH + timedelta(seconds=number)
