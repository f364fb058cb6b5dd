"""Discord channels and DMs exported by DiscordChatExporter as JSON (one channel per file).

The file is one object: ``guild`` (``{"id": "0", "name": "Direct Messages"}`` for DMs),
``channel`` (``type`` "DirectTextChat", "DirectGroupTextChat", "GuildTextChat", ...; ``name`` is
the other person for a DM), ``dateRange``, ``exportedAt``, then ``messages`` and
``messageCount``. Each message has an ``id`` (snowflake), a ``type`` ("Default", "Reply", "Call",
"RecipientAdd", "ChannelPinnedMessage", "GuildMemberJoin", ...; a number when the exporter did not
know the type), ISO ``timestamp``/``timestampEdited``/``callEndedTimestamp`` with the exporting
machine's UTC offset, ``content``, ``author`` (``name`` is the username, ``nickname`` the display
name), ``attachments`` (``fileName``), ``stickers`` (``name``), ``reactions`` (``emoji``,
``count`` and, in newer versions, the reacting ``users``), ``reference.messageId`` for replies and
sometimes a ``poll``.

How it maps: text -> TEXT (EDITED when ``timestampEdited`` is set); files -> MEDIA with the
content as caption; stickers -> STICKER named by the sticker; calls -> CALL ("Voice call", or
"Missed voice call" when the call ended within a minute or has no end); the notices ->
SYSTEM (sender "", text "<author> pinned a message." etc.); a poll -> POLL (its question); each
reacting user -> one REACTION right after the message, at its time, ``reply_to`` its id (a
reaction with only a count and no user list is one REACTION from "" whose text ends in "×N").
A message id written twice (an edited copy) is kept once, with a warning.

Exports can be hundreds of megabytes, so the messages array is decoded one message at a time
(which also gives each message its line number).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, ClassVar

from pushpull.errors import ParseError
from pushpull.model import Kind, Message, ParseIssue
from pushpull.registry import ExportFile, Sniff, register

__all__ = ["DiscordSource"]

_CHUNK = 1 << 20
#: A single JSON value bigger than this is damage, not a message.
_MAX_VALUE_CHARS = 64 << 20
_EXPECTED = "a complete DiscordChatExporter .json export"

_GUILD = re.compile(r'"guild"\s*:\s*\{')
_CHANNEL = re.compile(r'"channel"\s*:\s*\{')
_WS = re.compile(r"[ \t\r\n]*")
_TELLTALES = (
    '"timestampEdited"',
    '"callEndedTimestamp"',
    '"isPinned"',
    '"discriminator"',
    '"dateRange"',
    '"exportedAt"',
)

#: What the exporter writes as content for each notice type, when content is missing.
_NOTICES = {
    "RecipientAdd": "Added a recipient.",
    "RecipientRemove": "Removed a recipient.",
    "ChannelNameChange": "Changed the channel name.",
    "ChannelIconChange": "Changed the channel icon.",
    "ChannelPinnedMessage": "Pinned a message.",
    "GuildMemberJoin": "Joined the server.",
    "ThreadCreated": "Started a thread.",
}
_NOTICE_VERBS = frozenset({"Added", "Removed", "Left", "Changed", "Pinned", "Joined", "Started"})
_CONVERSATION = frozenset({"Default", "Reply"})


@register
class DiscordSource:
    name: ClassVar[str] = "discord"
    label: ClassVar[str] = "Discord (DiscordChatExporter .json)"

    def sniff(self, file: ExportFile) -> Sniff:
        if file.is_zip:
            return Sniff.no("a zip archive, not a DiscordChatExporter .json file")
        text = file.head_text.lstrip("\ufeff \t\r\n")
        if not text.startswith("{"):
            return Sniff.no("not a JSON object (no DiscordChatExporter guild/channel header)")
        if not (_GUILD.search(text) and _CHANNEL.search(text)):
            return Sniff.no('no "guild" and "channel" objects of a DiscordChatExporter export')
        confidence = 0.6
        if '"messages"' in text:
            confidence += 0.15
        if any(telltale in text for telltale in _TELLTALES):
            confidence += 0.2
        return Sniff(confidence, "a DiscordChatExporter guild/channel/messages object")

    def read(self, file: ExportFile) -> Iterator[Message | ParseIssue]:
        # The stream bounds its own memory (one message at a time, see _MAX_VALUE_CHARS), so
        # the file's line-length guard is not needed: a minified export is one long line.
        with file.open(text=False) as raw:
            stream = _JsonStream(raw, file.path)
            header: dict[str, object] = {}
            seen_messages = False
            stream.expect("{", "a JSON object")
            if stream.peek() == "}":
                stream.take()
            else:
                while True:
                    key = stream.value()
                    if not isinstance(key, str):
                        raise stream.error("an object key is not a string.", "a JSON object")
                    stream.expect(":", "':' after a key")
                    if key == "messages":
                        seen_messages = True
                        yield from self._messages(stream, _chat_title(header, file.path))
                    else:
                        header[key] = stream.value()
                    sep = stream.take()
                    if sep == "}":
                        break
                    if sep != ",":
                        raise stream.error(f"found {sep!r} between keys.", "',' or '}'")
            stream.expect_end()
        if not seen_messages:
            raise ParseError(
                'the file has no "messages" list.',
                path=file.path,
                expected=_EXPECTED,
                hint="Export the channel again with DiscordChatExporter, format JSON.",
            )

    def _messages(self, stream: _JsonStream, chat: str) -> Iterator[Message | ParseIssue]:
        stream.expect("[", 'a "messages" list')
        if stream.peek() == "]":
            stream.take()
            return
        number = 0
        seen: set[str] = set()
        while True:
            number += 1
            line = stream.line()
            record = stream.value()
            if not isinstance(record, dict):
                raise stream.error(f"message {number} is not an object.", "a message object", line)
            record_id = record.get("id")
            key = str(record_id) if isinstance(record_id, str | int) else None
            if key is not None and key in seen:
                # The exporter wrote the same message twice (an edited copy): it is one message.
                yield ParseIssue(
                    line=line,
                    reason=f"message id {record_id} appears a second time",
                    raw=json.dumps(record, ensure_ascii=False)[:200],
                    action="kept the first copy",
                )
            else:
                if key is not None:
                    seen.add(key)
                try:
                    yield from _convert(record, chat, line)
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    raise ParseError(
                        f"message {number} cannot be read ({type(exc).__name__}: {exc}).",
                        path=stream.path,
                        line=line,
                        expected='a message with "id", "timestamp" and "author"',
                    ) from exc
            sep = stream.take()
            if sep == "]":
                return
            if sep != ",":
                raise stream.error(f"found {sep!r} between messages.", "',' or ']'")


def _chat_title(header: dict[str, object], path: Path) -> str:
    channel = header.get("channel")
    if isinstance(channel, dict):
        name = channel.get("name")
        if isinstance(name, str) and name:
            return name
    return path.stem


def _display(user: object) -> str:
    if not isinstance(user, dict):
        return "Unknown user"
    for key in ("nickname", "name"):
        value = user.get(key)
        if isinstance(value, str) and value:
            return value
    return "Unknown user"


def _time(value: object) -> tuple[datetime, int | None]:
    if not isinstance(value, str):
        raise TypeError(f"timestamp {value!r} is not text")
    stamp = datetime.fromisoformat(value)
    offset = stamp.utcoffset()
    if offset is None:
        return stamp, None
    return stamp.replace(tzinfo=None), int(offset.total_seconds())


def _items(record: dict[str, object], key: str) -> list[dict[str, object]]:
    value = record.get(key)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _convert(record: dict[str, object], chat: str, line: int) -> Iterator[Message]:
    """One exported message as its Message, then one REACTION per reacting user."""
    sent_at, offset = _time(record["timestamp"])
    record_id = str(record["id"]) if record.get("id") is not None else None
    author = _display(record.get("author"))
    kind_name = str(record.get("type") or "Default")
    content = _text(record.get("content"))
    reference = record.get("reference")
    reply_to = None
    if isinstance(reference, dict) and reference.get("messageId"):
        reply_to = str(reference["messageId"])
    files = tuple(_text(a.get("fileName")) or "attachment" for a in _items(record, "attachments"))
    stickers = tuple(_text(s.get("name")) or "sticker" for s in _items(record, "stickers"))
    poll = record.get("poll")
    sender = author
    attachments: tuple[str, ...] = ()
    text = content
    if kind_name == "Call":
        kind = Kind.CALL
        text = _call_text(sent_at, offset, record.get("callEndedTimestamp"))
    elif kind_name in _NOTICES:
        kind = Kind.SYSTEM
        sender = ""
        fallback = _NOTICES[kind_name]
        if not content or content.split(" ", 1)[0] in _NOTICE_VERBS:
            notice = content or fallback
        else:  # older exports kept Discord's raw content, e.g. the new channel name
            notice = f"{fallback[:-1]}: {content}"
        text = f"{author} {notice[:1].lower()}{notice[1:]}" if author else notice
    elif isinstance(poll, dict):
        kind = Kind.POLL
        text = _poll_question(poll) or content
    elif files:
        kind = Kind.MEDIA
        attachments = files + stickers
    elif stickers:
        kind = Kind.STICKER
        attachments = stickers
    elif content or kind_name in _CONVERSATION:
        kind = Kind.EDITED if record.get("timestampEdited") else Kind.TEXT
        if not content:
            text = _embed_text(record)
    else:
        # A type this reader does not know, with nothing to show: keep it as a notice.
        kind = Kind.SYSTEM
        sender = ""
        text = _embed_text(record) or f"{author}: a Discord message of type {kind_name}"
    yield Message(
        sent_at=sent_at,
        utc_offset_s=offset,
        sender=sender,
        text=text,
        kind=kind,
        attachments=attachments,
        reply_to=reply_to,
        record_id=record_id,
        line=line,
        chat=chat,
    )
    for reaction in _items(record, "reactions"):
        yield from _reactions(reaction, sent_at, offset, record_id, line, chat)


def _call_text(sent_at: datetime, offset: int | None, ended: object) -> str:
    if not isinstance(ended, str) or not ended:
        return "Missed voice call"
    end_at, end_offset = _time(ended)
    if end_offset is not None and offset is not None:
        seconds = (end_at - sent_at).total_seconds() - (end_offset - offset)
    else:
        seconds = (end_at - sent_at).total_seconds()
    return "Voice call" if seconds >= 60 else "Missed voice call"


def _poll_question(poll: dict[str, object]) -> str:
    question = poll.get("question")
    if isinstance(question, dict):
        return _text(question.get("text"))
    return _text(question)


def _embed_text(record: dict[str, object]) -> str:
    pieces = []
    for embed in _items(record, "embeds"):
        for key in ("title", "description"):
            value = _text(embed.get(key))
            if value:
                pieces.append(value)
    return "\n".join(pieces)


def _reactions(
    reaction: dict[str, object],
    sent_at: datetime,
    offset: int | None,
    target: str | None,
    line: int,
    chat: str,
) -> Iterator[Message]:
    emoji = reaction.get("emoji")
    text = ""
    if isinstance(emoji, dict):
        name = _text(emoji.get("name"))
        text = f":{name}:" if emoji.get("id") else name
    users = reaction.get("users")
    if isinstance(users, list) and users:
        senders = [_display(user) for user in users]
    else:
        # Only a count, no people: one reaction row that keeps the count in its text (42
        # anonymous rows would be 42 messages from nobody).
        count = reaction.get("count")
        senders = [""]
        if isinstance(count, int) and not isinstance(count, bool) and count > 1:
            text = f"{text} ×{count}"
    for sender in senders:
        yield Message(
            sent_at=sent_at,
            utc_offset_s=offset,
            sender=sender,
            text=text,
            kind=Kind.REACTION,
            reply_to=target,
            line=line,
            chat=chat,
        )


class _JsonStream:
    """A JSON document read piece by piece: punctuation, and one complete value at a time.

    Text is decoded as it arrives; the buffer is trimmed between values, so memory stays at the
    size of one message however large the file is.
    """

    def __init__(self, raw: IO[bytes], path: Path) -> None:
        self.path = path
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._decode = json.JSONDecoder().raw_decode
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._line = 1  # the line at self._counted
        self._counted = 0

    def _fill(self) -> bool:
        """Read one more chunk into the buffer; False at the end of the file."""
        if self._eof:
            return False
        chunk = self._raw.read(_CHUNK)
        try:
            text = self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            # The bad byte comes after all the text buffered so far (self.line() would read on,
            # and meet it again).
            self._eof = True
            line = self.line(len(self._buf)) + chunk.count(b"\n", 0, exc.start)
            raise ParseError(
                "the file is not valid UTF-8 text.", path=self.path, line=line, expected=_EXPECTED
            ) from exc
        if not chunk:
            self._eof = True
        if self._pos > _CHUNK:  # forget what has been read
            self._count_to(self._pos)
            self._buf = self._buf[self._pos :]
            self._counted -= self._pos
            self._pos = 0
        self._buf += text
        return True

    def _count_to(self, pos: int) -> None:
        if pos > self._counted:
            self._line += self._buf.count("\n", self._counted, pos)
            self._counted = pos

    def line(self, pos: int | None = None) -> int:
        """The 1-based line of buffer position ``pos`` (default: the next unread character)."""
        if pos is None:
            self._skip_ws()
            pos = self._pos
        self._count_to(pos)
        return self._line

    def _skip_ws(self) -> None:
        while True:
            match = _WS.match(self._buf, self._pos)
            self._pos = match.end() if match else self._pos
            if self._pos < len(self._buf) or not self._fill():
                return

    def peek(self) -> str:
        self._skip_ws()
        return self._buf[self._pos : self._pos + 1]

    def take(self) -> str:
        char = self.peek()
        if not char:
            raise self.error("the file ends early (it is cut off).", _EXPECTED)
        self._pos += 1
        return char

    def expect(self, char: str, what: str) -> None:
        found = self.take()
        if found != char:
            raise self.error(f"found {found!r} where {what} should start.", what)

    def expect_end(self) -> None:
        if self.peek():
            raise self.error("there is more data after the end of the export.", _EXPECTED)

    def error(self, message: str, expected: str, line: int | None = None) -> ParseError:
        return ParseError(
            message, path=self.path, line=line or self.line(), expected=expected or _EXPECTED
        )

    def value(self) -> object:
        """Decode the next complete JSON value, reading more of the file as needed."""
        self._skip_ws()
        if self._pos >= len(self._buf):
            raise self.error("the file ends early (it is cut off).", _EXPECTED)
        while True:
            # ``self._pos`` stays at the value's start; a refill may move the buffer under it.
            try:
                value, end = self._decode(self._buf, self._pos)
            except RecursionError:
                raise self.error(
                    "a value nests JSON too deeply to be part of a message.", _EXPECTED
                ) from None
            except json.JSONDecodeError as exc:
                # An error well before the end of what is buffered cannot be cured by more
                # text, except a string that has not ended yet.
                settled = exc.pos + 32 < len(self._buf) and not exc.msg.startswith("Unterminated")
                too_big = len(self._buf) - self._pos > _MAX_VALUE_CHARS
                if self._eof or settled or too_big:
                    raise self._damage(exc) from None
            else:
                # A number at the very end of the buffer may go on in the next chunk.
                complete = not isinstance(value, int | float) or end < len(self._buf)
                if complete or self._eof:
                    self._pos = end
                    return value
            self._fill()

    def _damage(self, exc: json.JSONDecodeError) -> ParseError:
        line = self.line(exc.pos)
        if self._eof and (exc.pos >= len(self._buf.rstrip()) or "Unterminated" in exc.msg):
            message = "the file ends in the middle of a record (it is cut off)."
        else:
            message = f"the JSON is damaged ({exc.msg})."
        return ParseError(message, path=self.path, line=line, expected=_EXPECTED)
