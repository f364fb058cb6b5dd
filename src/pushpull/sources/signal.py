"""Signal Desktop chats exported by signal-export (``sigexport``): ``chat.md`` and ``data.json``.

signal-export writes one folder per chat, named after the contact (letters and digits only, e.g.
``NguyễnThịMai``), holding ``chat.md``, ``data.json``, ``index.html`` and ``media/``. This module
reads the Markdown and the JSON Lines file; the chat title is the folder name (else the file
stem). The layout assumed, from signal-export's own writer across its versions:

``chat.md`` — one block per message, each followed by one blank line::

    [2025-01-06 20:15:07] Me: see you at 7  ⏎
    ⏎
    [2025-01-06 20:16:40] Sam: ⏎
    ⏎
    > see you at 7⏎
    ⏎
    ok!  ⏎
    (- NotetoSelf: ❤️ -)⏎
    ⏎

- header ``[YYYY-MM-DD HH:MM:SS] Sender: `` (older versions: ``HH:MM`` and/or a comma after the
  date); the sender is ``Me`` for the exporting user; unknown senders are ``No-Sender``;
- the body follows, may run over many lines, and always ends with two spaces (added for Markdown
  line breaks; backticks were removed by the exporter);
- a reply starts with the quoted text: ``\\n\\n> quoted line\\n> …\\n\\n`` before the body (the
  quote is a copy of an earlier message and is not kept);
- reactions: ``\\n(- Name: emoji, Name: emoji -)`` after the body; the exporting user reacts as
  ``NotetoSelf`` (newer versions rename the owner "Note to Self") and is read as ``Me``;
- a sticker: ``[emoji](../exported_stickers/<pack>/<id>.<ext>)  `` or ``\\n(( emoji ))``;
- attachments: ``![name](./media/<name>)  `` for images, ``[name](./media/<name>)  `` otherwise,
  one after another on the body's last line;
- ``(This message was deleted)`` as the whole body for a message deleted for everyone;
- calls as their own message, e.g. ``Missed voice call``, ``Incoming video call (accepted, 2m 5s)``,
  ``Outgoing voice call (unanswered)`` (sender ``Me`` for outgoing calls);
- Windows exports use CRLF line ends (then every newline, inside bodies too, is CRLF).

``data.json`` — one JSON object per line, the same message as a dict::

    {"date": "2025-01-06T20:15:07.123000", "sender": "Me", "body": "see you at 7  ",
     "quote": "", "sticker": null, "reactions": [["Sam", "👍"]],
     "attachments": [{"name": "…_00_IMG.jpg", "path": "media/…_00_IMG.jpg"}],
     "deleted": false, "call": false, "missed": false, "edits": []}

``date`` is local wall-clock time without a zone; ``sticker`` is a dict (``id``, ``packId``,
``emoji``, ``extension``…), an emoji string or null; ``reactions`` are ``[name, emoji]`` pairs
(dicts with ``name``/``emoji`` are accepted too); ``deleted``, ``call``, ``missed`` and ``edits``
(earlier versions of an edited message) exist only in newer versions.

Mapping: deleted → DELETED (text ""); a sticker → STICKER (text: its emoji, attachment: the
sticker path when given); attachments → MEDIA (text: the caption); call lines → CALL; a body that
is only a maps link → LOCATION; ``edits`` not empty → EDITED; an empty body with nothing attached
(group changes, timer and safety-number notices, which the exporter writes without text) → SYSTEM;
else TEXT. Each reaction becomes its own REACTION message right after its target, with the
target's time (the export has no reaction times). The export has no message ids, so ``record_id``
and ``reply_to`` stay empty; times carry no UTC offset.

Damage: an undecodable byte, or a JSON line that is cut off, not a message object or without a
readable date, raises ``ParseError`` naming the line. In Markdown, a header-like line whose date
is impossible is kept as text of the message before it, and text before the first message is
skipped, each with a ``ParseIssue``; a file that stops in the middle of a line gives a
``ParseIssue`` too; a file with no message line at all (or 50 lines of text before the first)
raises ``ParseError``: it is not a chat.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from pushpull.errors import ParseError
from pushpull.model import Kind, Message, ParseIssue
from pushpull.registry import ExportFile, Sniff, register
from pushpull.sources._jsonl import json_objects

__all__ = ["SignalSource"]

#: ``[2025-01-06 20:15:07] Sam: `` (seconds and the comma after the date are optional).
_HEADER = re.compile(r"\[(\d{4}-\d\d-\d\d),? (\d\d:\d\d(?::\d\d)?)\] (.*?):(?: |\Z)")
_DELETED = "(This message was deleted)"
_OLD_HEADER = re.compile(r"\[\d{4}-\d\d-\d\d, \d\d:\d\d\] ")
_CALL = re.compile(
    r"(?:(?:Incoming|Outgoing) (?:voice |video |audio |group )?call(?: \([^()\n]*\))?"
    r"|Missed (?:voice |video |audio |group )?call)"
)
_LOCATION = re.compile(
    r"(?:https?://(?:maps\.google\.[a-z.]+/|(?:www\.)?google\.[a-z.]+/maps|maps\.apple\.com/)"
    r"|geo:)\S*"
)
_ATTACHMENT_AT_END = re.compile(r"(!?)\[([^\[\]\n]*)\]\(\./((?:(?!\)  ).)*)\)  \Z")
_STICKER_AT_END = re.compile(r"\[([^\[\]\n]*)\]\(\.\./((?:(?!\)  ).)*)\)  \Z")
_OLD_STICKER = re.compile(r"\(\( (.*) \)\)")
_REACTIONS = re.compile(r"\(- (.*) -\)")
#: Names signal-export gives the exporting user in reaction lists.
_OWNER_NAMES = frozenset({"Me", "NotetoSelf", "Note to Self"})
_ME = "Me"
#: Lines of text before any message that make the file "not a chat.md" rather than damaged.
_MAX_LINES_BEFORE_FIRST = 50
_MD_FILE = "chat.md"
_JSON_FILE = "data.json"
_JSON_KEYS = ("date", "sender", "body")
_JSON_SIGNAL_KEYS = ("quote", "reactions", "sticker", "attachments")
_JSON_HEAD = re.compile(r'\{"date": "\d{4}-\d\d-\d\dT[^"]*", "sender": "')


@dataclass(slots=True)
class _Parts:
    """One message as signal-export wrote it, before it is mapped to a ``Kind``."""

    body: str
    deleted: bool = False
    sticker_label: str | None = None
    sticker_path: str | None = None
    attachments: tuple[str, ...] = ()
    reactions: tuple[tuple[str, str], ...] = ()
    call: bool = False
    edited: bool = False


@register
class SignalSource:
    name: ClassVar[str] = "signal"
    label: ClassVar[str] = "Signal chat exported by signal-export (chat.md or data.json)"

    def sniff(self, file: ExportFile) -> Sniff:
        if file.is_zip or b"\x00" in file.head.split(b"\n", 1)[0]:
            return Sniff.no("not a text file")
        text = file.head_text.lstrip("\ufeff")
        stripped = text.lstrip()
        if stripped.startswith("{"):
            return _sniff_json(file, stripped)
        return _sniff_markdown(file, text)

    def read(self, file: ExportFile) -> Iterator[Message | ParseIssue]:
        chat = _chat_title(file)
        if file.head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            return _read_json(file, chat)
        return _read_markdown(file, chat)


def _chat_title(file: ExportFile) -> str:
    if file.name in (_MD_FILE, _JSON_FILE) and file.path.parent.name:
        return file.path.parent.name
    return file.path.stem


# --- detection ---------------------------------------------------------------------------------


def _sniff_json(file: ExportFile, text: str) -> Sniff:
    first = text.split("\n", 1)[0].strip()
    try:
        record = json.loads(first)
    except (ValueError, RecursionError):
        if _JSON_HEAD.match(first) and len(first) >= len(text) - 1:
            return Sniff(0.9, "a signal-export data.json line (longer than the part looked at)")
        return Sniff.no("not signal-export JSON lines (the first line is not one JSON object)")
    if not isinstance(record, dict):
        return Sniff.no("not signal-export JSON lines (the first line is not an object)")
    if not all(isinstance(record.get(key), str) for key in _JSON_KEYS):
        return Sniff.no("no signal-export message fields (date, sender, body)")
    n_signal = sum(key in record for key in _JSON_SIGNAL_KEYS)
    if n_signal < 2:
        return Sniff(0.2, "date/sender/body fields, but not signal-export's quote/reactions")
    bonus = 0.04 if file.name == _JSON_FILE else 0.0
    return Sniff(0.95 + bonus, "signal-export data.json message lines")


def _sniff_markdown(file: ExportFile, text: str) -> Sniff:
    lines = text.replace("\r\n", "\n").split("\n")
    if len(file.head) < file.size or lines[-1] == "":
        lines = lines[:-1]  # cut off by the head limit, or the "" after the last newline
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not _HEADER.match(lines[first]):
        return Sniff.no("no signal-export '[YYYY-MM-DD HH:MM] Name: ' line at the start")
    headers = [i for i, line in enumerate(lines) if line.startswith("[") and _HEADER.match(line)]
    # signal-export separates messages by a blank line and ends every body with two spaces.
    separated = ended = judged = 0
    for start, end in zip(headers, [*headers[1:], len(lines)], strict=True):
        block = lines[start:end]
        if end == len(lines) and len(file.head) < file.size:
            break
        judged += 1
        if len(block) >= 2 and block[-1] == "":
            separated += 1
            last = block[-2]
        else:
            last = block[-1]
        if last.endswith(("  ", "-)", "))", _DELETED)):
            ended += 1
    if judged == 0:
        return Sniff(0.3, "one signal-export-like line, too little to be sure")
    if judged >= 2 and min(separated, ended) >= 0.75 * judged:
        # WhatsApp's ISO-dated exports share the header; no other app adds these two marks.
        return Sniff(1.0, "dated lines, each message ending in two spaces and a blank line")
    confidence = 0.3 + 0.35 * separated / judged + 0.3 * ended / judged
    # "[2019-12-24, 12:23]" (a comma, no seconds) on every header: signal-export's older
    # layout, which no WhatsApp phone writes (iOS brackets always carry seconds).
    if len(headers) >= 2 and all(_OLD_HEADER.match(lines[i]) for i in headers):
        confidence = max(confidence, 0.75)
    if file.name == _MD_FILE and confidence > 0.3:
        confidence += 0.05
    reason = "signal-export chat.md lines" if confidence >= 0.5 else "dated lines, not signal's"
    return Sniff(round(confidence, 3), reason)


# --- Markdown ----------------------------------------------------------------------------------


def _undecodable(file: ExportFile, number: int, exc: UnicodeDecodeError) -> ParseError:
    return ParseError(
        f"byte {exc.start + 1} of this line is not valid UTF-8 text.",
        path=file.path,
        line=number,
        expected="a signal-export file encoded as UTF-8",
    )


def _read_markdown(file: ExportFile, chat: str) -> Iterator[Message | ParseIssue]:
    crlf = False
    start_line = 0
    stamp: datetime | None = None
    sender = ""
    block: list[str] = []
    ended_with_newline = True
    n_before = 0
    with file.open() as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _undecodable(file, number, exc) from exc
            ended_with_newline = line.endswith("\n")
            if ended_with_newline:
                line = line[:-1]
            if number == 1:
                line = line.removeprefix("\ufeff")
                crlf = line.endswith("\r")
            if crlf and line.endswith("\r"):
                line = line[:-1]
            match = _HEADER.match(line) if line.startswith("[") else None
            if match is not None:
                try:
                    at = datetime.fromisoformat(f"{match[1]} {match[2]}")
                except ValueError:
                    yield ParseIssue(
                        line=number,
                        reason="a message line with an impossible date",
                        raw=line[:200],
                    )
                else:
                    if stamp is not None:
                        parts = _markdown_parts(_markdown_content(block))
                        yield _message(parts, stamp, sender, start_line, chat)
                        if parts.reactions:
                            yield from _reactions(parts, stamp, start_line, chat)
                    stamp, sender, start_line = at, match[3], number
                    block = [line[match.end() :]]
                    continue
            if stamp is None:
                if line.strip():
                    n_before += 1
                    if n_before > _MAX_LINES_BEFORE_FIRST:
                        raise _no_messages(file, number)
                    yield ParseIssue(
                        line=number,
                        reason="text before the first message",
                        raw=line[:200],
                        action="skipped",
                    )
                continue
            block.append(line)
    if stamp is None:
        if n_before:
            raise _no_messages(file, 1)
        return
    if not ended_with_newline:
        yield ParseIssue(
            line=start_line,
            reason="the file ends in the middle of this message; it may be cut off",
            raw=block[-1][:200],
            action="kept what was there",
        )
    parts = _markdown_parts(_markdown_content(block))
    yield _message(parts, stamp, sender, start_line, chat)
    yield from _reactions(parts, stamp, start_line, chat)


def _no_messages(file: ExportFile, line: int) -> ParseError:
    return ParseError(
        "no signal-export message line was found.",
        path=file.path,
        line=line,
        expected="lines like '[2024-01-31 21:15:07] Name: text'",
        hint="This does not look like a chat.md written by signal-export.",
    )


def _markdown_content(block: list[str]) -> str:
    """A message's text after ``Name: ``, without the blank line after it or a reply's quote."""
    if len(block) > 1 and block[-1] == "":
        block.pop()
    content = block[0] if len(block) == 1 else "\n".join(block)
    if content.startswith("\n\n> "):  # a reply: the quoted text, then a blank line, then the body
        end = content.find("\n\n", 2)
        if end != -1:
            content = content[end + 2 :]
    return content


def _markdown_parts(content: str) -> _Parts:
    if not content.endswith((")  ", ")")):  # no attachment, sticker, reactions or deletion
        return _Parts(body=content.removesuffix("  "))
    if content == _DELETED:  # a deleted message's line has no body, so no two spaces either
        return _Parts(body="", deleted=True)
    head, sep, last = content.rpartition("\n")
    attachments: list[str] = []
    while last.endswith(")  "):
        found = _ATTACHMENT_AT_END.search(last)
        if found is None:
            break
        attachments.append(found[2])
        last = last[: found.start()]
    attachments.reverse()
    sticker_label: str | None = None
    sticker_path: str | None = None
    found = _STICKER_AT_END.search(last) if last.endswith(")  ") else None
    if found is not None:
        sticker_label, sticker_path = found[1], found[2]
        last = last[: found.start()]
    elif sep and (old := _OLD_STICKER.fullmatch(last)):
        sticker_label = old[1]
        head, sep, last = head.rpartition("\n")
    reactions: tuple[tuple[str, str], ...] = ()
    if sep and (listed := _REACTIONS.fullmatch(last)):
        reactions = _split_reactions(listed[1])
        head, sep, last = head.rpartition("\n")
    body = f"{head}{sep}{last}".removesuffix("  ")
    return _Parts(
        body=body,
        sticker_label=sticker_label,
        sticker_path=sticker_path,
        attachments=tuple(attachments),
        reactions=reactions,
    )


def _split_reactions(listed: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for item in listed.split(", "):
        name, sep, emoji = item.rpartition(": ")
        if sep:
            pairs.append((name, emoji))
    return tuple(pairs)


# --- JSON Lines --------------------------------------------------------------------------------


def _read_json(file: ExportFile, chat: str) -> Iterator[Message | ParseIssue]:
    expected = "one JSON object per line, as signal-export writes data.json"
    for number, record in json_objects(file, expected=expected):
        stamp = record.get("date")
        try:
            at = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
        except ValueError:
            at = None
        if at is None:
            raise ParseError(
                f"the message has no readable date ({str(stamp)[:40]!r}).",
                path=file.path,
                line=number,
                expected='a "date" like "2024-01-31T21:15:07"',
            )
        offset: int | None = None
        if at.tzinfo is not None:
            delta = at.utcoffset()
            offset = int(delta.total_seconds()) if delta is not None else None
            at = at.replace(tzinfo=None)
        sender = record.get("sender")
        parts = _json_parts(record)
        yield _message(parts, at, sender if isinstance(sender, str) else "", number, chat, offset)
        if parts.reactions:
            yield from _reactions(parts, at, number, chat, offset)


def _json_parts(record: dict[str, object]) -> _Parts:
    body = record.get("body")
    text = body.removesuffix("  ") if isinstance(body, str) else ""
    sticker_label: str | None = None
    sticker_path: str | None = None
    sticker = record.get("sticker")
    if isinstance(sticker, dict):
        emoji = sticker.get("emoji")
        sticker_label = emoji if isinstance(emoji, str) else ""
        pack, ident, ext = sticker.get("packId"), sticker.get("id"), sticker.get("extension")
        if pack and ident is not None and ext:
            sticker_path = f"exported_stickers/{pack}/{ident}.{ext}"
    elif isinstance(sticker, str) and sticker:
        sticker_label = sticker
    attachments: list[str] = []
    listed = record.get("attachments")
    for item in listed if isinstance(listed, list) else ():
        if isinstance(item, dict):
            name = item.get("name") or str(item.get("path", "")).rpartition("/")[2]
            attachments.append(str(name))
        elif isinstance(item, str):
            attachments.append(item)
    reactions: list[tuple[str, str]] = []
    given = record.get("reactions")
    for item in given if isinstance(given, list) else ():
        if isinstance(item, list | tuple) and len(item) >= 2:
            reactions.append((str(item[0]), str(item[1])))
        elif isinstance(item, dict):
            reactions.append((str(item.get("name", "")), str(item.get("emoji", ""))))
    edits = record.get("edits")
    return _Parts(
        body=text,
        deleted=record.get("deleted") is True,
        sticker_label=sticker_label,
        sticker_path=sticker_path,
        attachments=tuple(attachments),
        reactions=tuple(reactions),
        call=record.get("call") is True or record.get("missed") is True,
        edited=isinstance(edits, list) and len(edits) > 0,
    )


# --- both --------------------------------------------------------------------------------------


def _message(
    parts: _Parts,
    at: datetime,
    sender: str,
    line: int,
    chat: str,
    offset: int | None = None,
) -> Message:
    body = parts.body
    attachments = parts.attachments
    if parts.deleted:
        kind, text, attachments = Kind.DELETED, "", ()
    elif parts.sticker_label is not None:
        kind = Kind.STICKER
        label = "" if parts.sticker_label == "sticker" else parts.sticker_label
        text = body or label
        if parts.sticker_path:
            attachments = (parts.sticker_path, *attachments)
    elif attachments:
        kind, text = Kind.MEDIA, body
    elif parts.call or _CALL.fullmatch(body):
        kind, text = Kind.CALL, body
    elif not body:
        kind, text = Kind.SYSTEM, ""
    elif _LOCATION.fullmatch(body):
        kind, text = Kind.LOCATION, body
    elif parts.edited:
        kind, text = Kind.EDITED, body
    else:
        kind, text = Kind.TEXT, body
    return Message(
        sent_at=at,
        sender=sender,
        text=text,
        kind=kind,
        utc_offset_s=offset,
        from_me=sender == _ME,
        attachments=attachments,
        line=line,
        chat=chat,
    )


def _reactions(
    parts: _Parts, at: datetime, line: int, chat: str, offset: int | None = None
) -> Iterator[Message]:
    """The reactions listed on a message, each its own message right after it."""
    for name, emoji in parts.reactions:
        mine = name in _OWNER_NAMES
        yield Message(
            sent_at=at,
            sender=_ME if mine else name,
            text=emoji,
            kind=Kind.REACTION,
            utc_offset_s=offset,
            from_me=mine,
            line=line,
            chat=chat,
        )
