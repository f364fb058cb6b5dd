"""Telegram Desktop's machine-readable JSON export (``result.json``).

Telegram Desktop writes one ``result.json`` either for one chat ("Export chat history")::

    {"name": "Sam", "type": "personal_chat", "id": 123456789, "messages": [...]}

or for the whole account ("Export Telegram data"), where every chat sits in ``chats.list`` (and
channels and groups the user has left in ``left_chats.list``)::

    {"about": "...", "personal_information": {"user_id": 987654321, "first_name": "Alex", ...},
     "contacts": {...}, "chats": {"about": "...", "list": [{"name": ..., "messages": [...]}]}}

Each message looks like this (``text`` is a plain string, or a list of strings and entity
objects such as ``{"type": "bold", "text": "..."}`` when it has formatting)::

    {"id": 7, "type": "message", "date": "2024-03-01T21:15:07", "date_unixtime": "1709324107",
     "from": "Sam", "from_id": "user123456789", "reply_to_message_id": 6,
     "photo": "photos/photo_1@01-03-2024_21-15-07.jpg", "text": "look", "text_entities": [...]}

What the importer makes of it:

- ``sent_at`` is ``date`` (the exporting computer's wall clock) and ``utc_offset_s`` is ``date``
  minus ``date_unixtime``, per message, so a change to summer time shows. Exports from before
  2022 have no ``date_unixtime``: their offset is ``None``.
- ``sender`` is ``from`` (``actor`` on service messages); ``null`` there is a deleted account
  and becomes "Deleted Account". ``chat`` is the chat's ``name``; a chat whose name is ``null``
  is "Deleted Account (<id>)" so that two deleted accounts stay two chats; Saved Messages and
  Replies (which have no name) get those titles. Option ``chat`` picks one chat by title.
- ``from_me``: in an account export, ``from_id`` equal to ``"user" + personal_information.
  user_id``. In a one-chat export of a personal or bot chat, the chat ``id`` is the other
  person's, so their ``from_id`` means ``False`` and every other user ``True`` - but only once
  one of their messages confirms the id; otherwise (and in groups) ``None``.
- ``record_id`` is the message ``id``, ``reply_to`` its ``reply_to_message_id`` (the pinned
  message for a pin notice), ``line`` the line of the message's ``"id"`` in the file.

Kinds: a plain message ``TEXT`` (``EDITED`` when it has ``edited``); ``photo`` and ``file``
``MEDIA`` (``media_type`` ``sticker`` is ``STICKER``) with the text as caption and the file's
base name as attachment - when the file was left out of the export ("(File not included...)")
its ``file_name`` is used if the export has one, else there is no attachment; ``poll``
``POLL`` (the question); ``location_information`` or a venue ``LOCATION`` (a maps URL, after the
venue's name and address); a shared contact ``TEXT`` ("Contact: name, phone"); the service
action ``phone_call`` ``CALL`` ("Missed voice call", "Declined voice call" when busy, else
"Voice call": the export does not say whether a call was a video call); every other service
action ``SYSTEM`` with a readable text, sent by its actor. A record Telegram itself could not
export (``"type": "unsupported"``) has no date and is skipped with a ``ParseIssue`` (kept as
``SYSTEM`` "Unsupported message" if it ever comes with one).

Reactions are stored on the message they react to. Each reaction listed under ``recent`` (who
and when) becomes a ``REACTION`` message right after its target, oldest first, with the emoji as
text (a custom emoji has none: its document id is its attachment; a paid reaction is "⭐"),
``reply_to`` the target and ``utc_offset_s`` ``None`` (the export gives only a local time).
Reactions counted without a ``recent`` entry have neither sender nor time and are not
messages. Deleted messages are simply absent from Telegram exports, so there is no ``DELETED``.

Quirks handled here: Telegram escapes control characters other than newline, tab and carriage
return as ``\\xNN``, which is not valid JSON; such a file is repaired before parsing. A message
record that is not an object or has no usable date is skipped with a ``ParseIssue``. Known
limitation: some Telegram versions stamp ``edited`` on a message when someone reacts to it, so
such a message reads as ``EDITED`` although its text never changed.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import ClassVar

from pushpull.errors import ParseError, UsageError
from pushpull.model import Kind, Message, ParseIssue
from pushpull.registry import ExportFile, Sniff, decode_bytes, register

__all__ = ["TelegramSource"]

DELETED_ACCOUNT = "Deleted Account"
UNSUPPORTED = "Unsupported message"

#: Chat types Telegram Desktop writes (``DialogInfo::Type``).
_CHAT_TYPES = frozenset(
    {
        "personal_chat",
        "bot_chat",
        "private_group",
        "private_supergroup",
        "public_supergroup",
        "private_channel",
        "public_channel",
        "saved_messages",
        "replies",
        "verification_codes",
    }
)
#: Chats between the user and one other account: the chat id is that account's id.
_ONE_TO_ONE = frozenset({"personal_chat", "bot_chat"})
_DAY_S = 24 * 3600
#: Titles of the chats that have no ``name``.
_UNNAMED_TITLES = {
    "saved_messages": "Saved Messages",
    "replies": "Replies",
    "verification_codes": "Verification Codes",
}
#: Top-level sections of an account export, any of which may follow ``about``.
_SECTIONS = frozenset(
    {
        "personal_information",
        "profile_pictures",
        "stories",
        "contacts",
        "frequent_contacts",
        "sessions",
        "web_sessions",
        "other_data",
        "chats",
        "left_chats",
    }
)
_STRING = r'"(?:[^"\\]|\\.)*"'
_SINGLE_HEAD = re.compile(
    r'\{\s*(?:"name"\s*:\s*(?:' + _STRING + r"|null)\s*,\s*)?"
    r'"type"\s*:\s*"([a-z_]*)"\s*,\s*"id"\s*:\s*-?\d+\s*,\s*"messages"\s*:\s*\['
)
_ACCOUNT_HEAD = re.compile(r'\{\s*"about"\s*:\s*' + _STRING + r'\s*,\s*"([a-z_]+)"\s*:')
#: A trimmed export: ``{"messages": [...]}`` or ``{"chats": {"list": [...]}}`` straight away.
_BARE_HEAD = re.compile(r'\{\s*(?:"messages"\s*:\s*\[|"chats"\s*:\s*\{\s*"list"\s*:\s*\[)')
_MESSAGE_MARKS = ('"date_unixtime"', '"text_entities"', '"from_id"', '"type": "message"')
#: ``\xNN`` escapes (Telegram's way with control characters), not preceded by a backslash
#: that is itself escaped.
_HEX_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\x([0-9A-Fa-f]{2})")
#: What a file path becomes when the file was not exported (Telegram's ``SkipReason`` texts).
_SKIPPED_FILE = ("(File ", "(Photo ")
_EPOCH = datetime(1970, 1, 1)
_SECOND = timedelta(seconds=1)
_EXPECTED = (
    'a Telegram Desktop JSON export: result.json with a "messages" list (one chat) or a '
    '"chats" section (the whole account)'
)


class _BadRecord(Exception):
    """A message record whose fields are not what the format promises."""


@register
class TelegramSource:
    """Telegram Desktop's ``result.json``: one chat, or every chat of the account."""

    name: ClassVar[str] = "telegram"
    label: ClassVar[str] = "Telegram Desktop export (result.json)"

    def sniff(self, file: ExportFile) -> Sniff:
        if file.is_zip:
            return Sniff.no("a zip archive, not Telegram's result.json")
        text = file.head_text.lstrip("\ufeff \t\r\n")
        if not text.startswith("{"):
            return Sniff.no("not a JSON object")
        bonus = 0.02 if file.name == "result.json" else 0.0
        single = _SINGLE_HEAD.match(text)
        if single:
            marked = any(mark in text for mark in _MESSAGE_MARKS)
            if single.group(1) in _CHAT_TYPES:
                confidence = 0.97 if marked or '"messages": [\n ]' in text else 0.9
            else:
                confidence = 0.8 if marked else 0.4
            return Sniff(min(confidence + bonus, 0.99), "a Telegram chat with name/type/id")
        account = _ACCOUNT_HEAD.match(text)
        if account and account.group(1) in _SECTIONS:
            sure = '"personal_information"' in text and '"user_id"' in text
            confidence = 0.97 if sure or '"chats": {' in text else 0.9
            return Sniff(min(confidence + bonus, 0.99), "a Telegram account export")
        if _BARE_HEAD.match(text) and '"date_unixtime"' in text and '"type": "message"' in text:
            return Sniff(0.85, "Telegram messages without the chat's name/type/id header")
        if '"date_unixtime"' in text and '"from_id"' in text:
            return Sniff(0.3, "Telegram-like messages, but not laid out as result.json")
        return Sniff.no('no Telegram "type"/"id"/"messages" header')

    def read(self, file: ExportFile) -> Iterator[Message | ParseIssue]:
        raw = file.read_bytes()
        data = _load(raw, file)
        if not isinstance(data, dict):
            raise ParseError(
                "the file is JSON but not a JSON object.", path=file.path, expected=_EXPECTED
            )
        lines = _LineFinder(raw)
        wanted = file.options.get("chat", "").strip()
        if isinstance(data.get("messages"), list):
            chats: list[object] = [data]
            me: object = None
        else:
            chats = _account_chats(data, file)
            me = _account_user(data)
            lines.skip_to(b'"chats": {')
        titles: list[str] = []
        for index, chat in enumerate(chats, start=1):
            if not isinstance(chat, dict):
                raise ParseError(
                    f"chat {index} of the export is not a JSON object.",
                    path=file.path,
                    expected=_EXPECTED,
                )
            title = _chat_title(chat)
            titles.append(title)
            if wanted and title.casefold() != wanted.casefold():
                lines.pass_over(chat)
                continue
            yield from _read_chat(chat, title, me, lines, file)
        if wanted and wanted.casefold() not in {t.casefold() for t in titles}:
            raise UsageError(
                f"There is no chat called {wanted!r} in {file.name}.",
                hint=f"Its chats are: {', '.join(repr(t) for t in titles[:20])}.",
            )


# --- the file as a whole -----------------------------------------------------------------------


def _load(raw: bytes, file: ExportFile) -> object:
    """The parsed export, repaired of ``\\xNN`` escapes where Telegram wrote them.

    The decoded text lives only while it is parsed (as ``str`` it can take four times the
    bytes of a large export); line numbers are then found in the bytes.
    """
    text = decode_bytes(raw, strict=True, path=file.path)
    try:
        return _parse(text)
    except json.JSONDecodeError as exc:
        if "escape" in exc.msg and _HEX_ESCAPE.search(text):
            repaired = _HEX_ESCAPE.sub(r"\1\\u00\2", text)
            try:
                return _parse(repaired)
            except (json.JSONDecodeError, RecursionError):
                pass
        raise ParseError(
            f"the JSON breaks off or is damaged ({exc.msg}, column {exc.colno}).",
            path=file.path,
            line=exc.lineno,
            expected=_EXPECTED,
        ) from exc
    except RecursionError as exc:
        raise ParseError(
            "the JSON is nested too deeply to be a chat export.",
            path=file.path,
            expected=_EXPECTED,
        ) from exc


def _parse(text: str) -> object:
    """``json.loads`` with the garbage collector paused: millions of new dicts otherwise make
    it walk the growing heap again and again (three times slower on a large export)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(text)
    finally:
        if enabled:
            gc.enable()


def _account_chats(data: Mapping[str, object], file: ExportFile) -> list[object]:
    """The chats of an account export: ``chats.list`` then ``left_chats.list``."""
    if not any(key in data for key in ("about", "personal_information", "chats", "left_chats")):
        raise ParseError(
            'it has neither a "messages" list nor a "chats" section at the top.',
            path=file.path,
            line=1,
            expected=_EXPECTED,
        )
    chats: list[object] = []
    found = False
    for key in ("chats", "left_chats"):
        section = data.get(key)
        if section is None:
            continue
        listing = section.get("list") if isinstance(section, dict) else None
        if not isinstance(listing, list):
            raise ParseError(
                f'its "{key}" section has no "list" of chats.', path=file.path, expected=_EXPECTED
            )
        found = True
        chats.extend(listing)
    if not found:
        raise ParseError(
            "this Telegram account export holds no chats.",
            path=file.path,
            expected=_EXPECTED,
            hint="Export again from Settings > Advanced > Export Telegram data with the chat "
            "types you want ticked (personal chats, groups), in JSON format.",
        )
    return chats


def _account_user(data: Mapping[str, object]) -> object:
    """The exporting user's id from ``personal_information`` (``None`` when not exported)."""
    info = data.get("personal_information")
    if isinstance(info, dict):
        user_id = info.get("user_id")
        if isinstance(user_id, int | str) and not isinstance(user_id, bool):
            return user_id
    return None


def _chat_title(chat: Mapping[str, object]) -> str:
    name = chat.get("name")
    if isinstance(name, str) and name:
        return name
    kind, chat_id = chat.get("type"), chat.get("id")
    if "name" not in chat and isinstance(kind, str) and kind in _UNNAMED_TITLES:
        return _UNNAMED_TITLES[kind]
    if kind is None or (isinstance(kind, str) and kind in _ONE_TO_ONE):
        return f"{DELETED_ACCOUNT} ({chat_id})" if chat_id is not None else DELETED_ACCOUNT
    return f"Chat {chat_id}"


class _LineFinder:
    """Line numbers of message records, found by walking the text once, front to back.

    Telegram writes every message's ``"id": N,`` on its own line in file order, so the next
    occurrence after the previous message is this message. When the layout differs (the
    file was re-saved by another program) the line is simply unknown.
    """

    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        self._pos = 0
        self._line = 1

    def skip_to(self, marker: bytes) -> None:
        at = self._raw.find(marker, self._pos)
        if at >= 0:
            self._advance(at)

    def pass_over(self, chat: Mapping[str, object]) -> None:
        """Move past a chat that is not being read."""
        self.find(chat.get("id"))
        records = chat.get("messages")
        for record in records if isinstance(records, list) else ():
            if isinstance(record, dict):
                self.find(record.get("id"))

    def find(self, record_id: object) -> int | None:
        if not isinstance(record_id, int) or isinstance(record_id, bool):
            return None
        at = self._raw.find(b'"id": %d,' % record_id, self._pos)
        if at < 0:
            return None
        self._advance(at)
        return self._line

    def _advance(self, at: int) -> None:
        self._line += self._raw.count(b"\n", self._pos, at)
        self._pos = at


# --- one chat ----------------------------------------------------------------------------------


def _me_test(
    chat: Mapping[str, object], records: Sequence[object], me: object
) -> Callable[[object], bool | None]:
    """How to tell, from a ``from_id``/``actor_id``, whether the exporting user sent it."""
    # Ids are compared as strings: a damaged export may hold a list or object where an id
    # belongs, and those cannot be looked up in a set.
    if me is not None:
        mine = {f"user{me}", str(me)}
        return lambda who: None if who is None else str(who) in mine
    chat_id, kind = chat.get("id"), chat.get("type")
    if not (isinstance(kind, str) and kind in _ONE_TO_ONE) or not isinstance(chat_id, int | str):
        return lambda who: None
    theirs = {f"user{chat_id}", str(chat_id)}
    confirmed = any(
        isinstance(r, dict)
        and (str(r.get("from_id")) in theirs or str(r.get("actor_id")) in theirs)
        for r in records
    )
    if not confirmed:
        return lambda who: None
    return lambda who: None if who is None else str(who) not in theirs


def _read_chat(
    chat: Mapping[str, object],
    title: str,
    me: object,
    lines: _LineFinder,
    file: ExportFile,
) -> Iterator[Message | ParseIssue]:
    records = chat.get("messages")
    if not isinstance(records, list):
        raise ParseError(
            f'the chat {title!r} has no "messages" list.', path=file.path, expected=_EXPECTED
        )
    lines.find(chat.get("id"))
    is_me = _me_test(chat, records, me)
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            yield ParseIssue(
                line=None,
                reason=f"message {number} of {title!r} is not a JSON object",
                raw=repr(record)[:200],
                action="skipped this record",
            )
            continue
        line = lines.find(record.get("id"))
        if record.get("type") == "unsupported" and "date" not in record:
            yield ParseIssue(
                line=line,
                reason=f"message {record.get('id', number)} of {title!r} could not be exported "
                "by Telegram (unsupported) and has no date",
                raw=json.dumps(record, ensure_ascii=False)[:200],
                action="skipped this record",
            )
            continue
        try:
            message = _message(record, title, line, is_me)
            reactions = record.get("reactions")
            dated = (
                _reactions(reactions, message.record_id, title, line, is_me) if reactions else ()
            )
        except (_BadRecord, KeyError, TypeError, ValueError, AttributeError) as exc:
            yield ParseIssue(
                line=line,
                reason=f"message {record.get('id', number)} of {title!r}: {exc}",
                raw=json.dumps(record, ensure_ascii=False)[:200],
                action="skipped this record",
            )
            continue
        yield message
        yield from dated


def _when(record: Mapping[str, object]) -> tuple[datetime, int | None]:
    """The local time a record shows, and its clock's offset from UTC when known."""
    stamp = record.get("date")
    if not isinstance(stamp, str):
        return _from_unix(record.get("date_unixtime"))
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        raise _BadRecord(f"its date {stamp!r} is not a date") from None
    if at.tzinfo is not None:  # never written by Telegram, but keep the wall clock
        offset = at.utcoffset()
        at = at.replace(tzinfo=None)
        return at, int(offset.total_seconds()) if offset is not None else None
    unix = record.get("date_unixtime")
    if isinstance(unix, str | int) and not isinstance(unix, bool):
        try:
            offset_s = (at - _EPOCH) // _SECOND - int(unix)
        except ValueError:
            raise _BadRecord(f"its date_unixtime {unix!r} is not a number") from None
        if abs(offset_s) >= _DAY_S:  # clocks differ from UTC by less than a day
            raise _BadRecord(f"its date_unixtime {unix!r} is more than a day from its date")
        return at, offset_s
    return at, None


def _from_unix(unix: object) -> tuple[datetime, int | None]:
    """A record with only ``date_unixtime`` (trimmed exports): its time on this computer's
    clock, which is the user's own in the usual case of a chat exported and read at home."""
    if not isinstance(unix, str | int) or isinstance(unix, bool):
        raise _BadRecord('it has neither "date" nor "date_unixtime"')
    try:
        local = datetime.fromtimestamp(int(unix)).astimezone()
    except (ValueError, OverflowError, OSError):
        raise _BadRecord(f"its date_unixtime {unix!r} is not a time") from None
    offset = local.utcoffset()
    return local.replace(tzinfo=None), int(offset.total_seconds()) if offset else 0


def _name(value: object) -> str:
    """A display name as the export writes it; ``null`` is a deleted account."""
    if isinstance(value, str) and value:
        return value
    return DELETED_ACCOUNT


def _plain(value: object) -> str:
    """The text of a ``text`` field: a string, or strings and entity objects to join."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts: list[str] = []
        for part in value:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict):
                piece = part.get("text")
                if isinstance(piece, str):
                    parts.append(piece)
        return "".join(parts)
    if value is None:
        return ""
    return str(value)


def _base_name(path: object, fallback: object = None) -> tuple[str, ...]:
    """The exported file's base name, else ``file_name``, else nothing."""
    if isinstance(path, str) and path and not path.startswith(_SKIPPED_FILE):
        return (path.replace("\\", "/").rsplit("/", 1)[-1],)
    if isinstance(fallback, str) and fallback:
        return (fallback,)
    return ()


def _message(
    record: Mapping[str, object],
    chat: str,
    line: int | None,
    is_me: Callable[[object], bool | None],
) -> Message:
    """The message a record holds (its reactions apart)."""
    sent_at, offset = _when(record)
    record_id = record.get("id")
    rid = None if record_id is None else str(record_id)
    kind_of_record = record.get("type")
    attachments: tuple[str, ...] = ()
    reply = record.get("reply_to_message_id")
    reply_to = None if reply is None else str(reply)
    if kind_of_record == "message":
        who = record.get("from_id")
        sender = _name(record.get("from")) if ("from" in record or who is not None) else ""
        text = _plain(record["text"] if "text" in record else record.get("text_entities"))
        kind, text, attachments = _content(record, text)
    elif kind_of_record == "service":
        who = record.get("actor_id")
        sender = _name(record.get("actor")) if ("actor" in record or who is not None) else ""
        text = _plain(record.get("text"))
        kind, text, attachments = _service(record, sender, text)
        if record.get("action") in ("pin_message", "set_same_chat_wallpaper"):
            pinned = record.get("message_id")
            reply_to = None if pinned is None else str(pinned)
    elif kind_of_record == "unsupported":
        who, sender, kind, text = None, "", Kind.SYSTEM, UNSUPPORTED
    else:
        who = record.get("from_id")
        sender = _name(record.get("from")) if "from" in record else ""
        text = _plain(record.get("text"))
        label = f"Telegram record of type {kind_of_record!r}"
        kind, text = Kind.SYSTEM, f"{label}: {text}" if text else label
    return Message(
        sent_at=sent_at,
        sender=sender,
        text=text,
        kind=kind,
        utc_offset_s=offset,
        from_me=is_me(who),
        attachments=attachments,
        reply_to=reply_to,
        record_id=rid,
        line=line,
        chat=chat,
    )


def _content(record: Mapping[str, object], text: str) -> tuple[Kind, str, tuple[str, ...]]:
    """Kind, text and attachments of an ordinary (non-service) message."""
    if "photo" in record:
        return Kind.MEDIA, text, _base_name(record["photo"])
    if "file" in record or "media_type" in record:
        kind = Kind.STICKER if record.get("media_type") == "sticker" else Kind.MEDIA
        return kind, text, _base_name(record.get("file"), record.get("file_name"))
    if "poll" in record:
        poll = record["poll"]
        question = _plain(poll.get("question")) if isinstance(poll, dict) else ""
        return Kind.POLL, _joined(question, text), ()
    if "location_information" in record or "place_name" in record:
        return Kind.LOCATION, _joined(_location(record), text), ()
    if "contact_information" in record:
        return Kind.TEXT, _joined(_contact(record["contact_information"]), text), ()
    if "game_title" in record:
        game = f"Game: {_plain(record['game_title'])}"
        return Kind.TEXT, _joined(game, _plain(record.get("game_description")), text), ()
    if "invoice_information" in record:
        invoice = record["invoice_information"]
        title = _plain(invoice.get("title")) if isinstance(invoice, dict) else ""
        return Kind.TEXT, _joined(f"Invoice: {title}", text), ()
    if "paid_stars_amount" in record:
        return Kind.MEDIA, text, ()
    if "edited" in record:
        return Kind.EDITED, text, ()
    return Kind.TEXT, text, ()


def _joined(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _location(record: Mapping[str, object]) -> str:
    point = record.get("location_information")
    url = ""
    if isinstance(point, dict):
        lat, lon = point.get("latitude"), point.get("longitude")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            url = f"https://maps.google.com/?q={lat:.6f},{lon:.6f}"
    return _joined(_plain(record.get("place_name")), _plain(record.get("address")), url)


def _contact(info: object) -> str:
    if not isinstance(info, dict):
        return "Contact"
    name = " ".join(p for p in (_plain(info.get("first_name")), _plain(info.get("last_name"))) if p)
    phone = _plain(info.get("phone_number"))
    return "Contact: " + ", ".join(p for p in (name, phone) if p)


def _reactions(
    groups: object,
    target: str | None,
    chat: str,
    line: int | None,
    is_me: Callable[[object], bool | None],
) -> list[Message]:
    """One ``REACTION`` per dated reaction, oldest first (a stable sort keeps file order)."""
    if not isinstance(groups, list):
        raise _BadRecord('its "reactions" are not a list')
    found: list[Message] = []
    for group in groups:
        if not isinstance(group, dict):
            continue
        kind = group.get("type")
        emoji = _plain(group.get("emoji"))
        attachments: tuple[str, ...] = ()
        if kind == "custom_emoji":
            attachments = _base_name(group.get("document_id"))
        elif kind == "paid" and not emoji:
            emoji = "⭐"
        recent = group.get("recent")
        for entry in recent if isinstance(recent, list) else ():
            if not isinstance(entry, dict):
                continue
            stamp = entry.get("date")
            try:
                at = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
            except ValueError:
                at = None
            if at is None:
                raise _BadRecord(f"a reaction has no valid date ({stamp!r})")
            found.append(
                Message(
                    sent_at=at.replace(tzinfo=None),
                    sender=_name(entry.get("from")),
                    text=emoji,
                    kind=Kind.REACTION,
                    from_me=is_me(entry.get("from_id")),
                    attachments=attachments,
                    reply_to=target,
                    line=line,
                    chat=chat,
                )
            )
    found.sort(key=lambda m: m.sent_at)
    return [
        _with_id(message, f"{target}:r{number}" if target is not None else None)
        for number, message in enumerate(found, start=1)
    ]


def _with_id(message: Message, record_id: str | None) -> Message:
    return Message(
        sent_at=message.sent_at,
        sender=message.sender,
        text=message.text,
        kind=message.kind,
        utc_offset_s=message.utc_offset_s,
        from_me=message.from_me,
        attachments=message.attachments,
        reply_to=message.reply_to,
        record_id=record_id,
        line=message.line,
        chat=message.chat,
    )


# --- service messages --------------------------------------------------------------------------


def _service(
    record: Mapping[str, object], actor: str, text: str
) -> tuple[Kind, str, tuple[str, ...]]:
    """Kind, readable text and attachments of a service message."""
    action = record.get("action")
    if action == "phone_call":
        reason = record.get("discard_reason")
        if reason == "missed":
            call = "Missed voice call"
        elif reason == "busy":
            call = "Declined voice call"
        else:
            call = "Voice call"
        return Kind.CALL, _joined(call, text), ()
    attachments = _base_name(record["photo"]) if "photo" in record else ()
    if action is None and "information_text" in record:
        notice = _plain(record["information_text"])
    else:
        notice = _notice(action, record, actor)
    return Kind.SYSTEM, _joined(notice, text), attachments


def _names(value: object) -> str:
    if not isinstance(value, list):
        return ""
    return ", ".join(_name(v) for v in value)


def _said(actor: str, phrase: str) -> str:
    """``phrase`` told of ``actor`` ("Sam pinned a message"), or on its own without one."""
    return f"{actor} {phrase}" if actor else phrase[:1].upper() + phrase[1:]


def _notice(action: object, record: Mapping[str, object], actor: str) -> str:
    """A readable sentence for a service action, in the spirit of the app's own."""
    title = _plain(record.get("title"))
    members = _names(record.get("members"))
    if action == "create_group":
        with_whom = f" with {members}" if members else ""
        return _said(actor, f"created the group «{title}»{with_whom}")
    if action == "invite_members":
        if members and members == actor:
            return _said(actor, "joined the group")
        return _said(actor, f"added {members or 'members'}")
    if action == "remove_members":
        if members and members == actor:
            return _said(actor, "left the group")
        return _said(actor, f"removed {members or 'members'}")
    phrases: dict[str, str] = {
        "edit_group_title": f"changed the group name to «{title}»",
        "edit_group_photo": "changed the group photo",
        "delete_group_photo": "removed the group photo",
        "join_group_by_link": "joined the group via invite link",
        "join_group_by_request": "was accepted into the group",
        "create_channel": f"created the channel «{title}»",
        "migrate_to_supergroup": "upgraded the group to a supergroup",
        "migrate_from_group": f"upgraded the group «{title}» to a supergroup",
        "pin_message": "pinned a message",
        "clear_history": "cleared the history",
        "take_screenshot": "took a screenshot",
        "joined_telegram": "joined Telegram",
        "requested_phone_number": "asked for a phone number",
        "group_call": "started a video chat",
        "invite_to_group_call": f"invited {members} to the video chat",
        "group_call_scheduled": "scheduled a video chat",
        "set_chat_wallpaper": "set a new wallpaper for this chat",
        "set_same_chat_wallpaper": "set the same wallpaper for this chat",
        "suggest_profile_photo": "suggested a profile photo",
        "topic_created": f"created the topic «{title}»",
        "topic_edit": "edited the topic",
        "send_premium_gift": "sent a Telegram Premium gift",
        "send_stars_gift": "sent a Stars gift",
        "send_star_gift": "sent a gift",
        "boost_apply": "boosted the group",
        "allow_sending_messages": "allowed the bot to send messages",
    }
    if action == "set_messages_ttl":
        period = record.get("period")
        if not period:
            return _said(actor, "turned off auto-delete")
        return _said(actor, f"set messages to auto-delete after {period} seconds")
    if action == "edit_chat_theme":
        emoticon = _plain(record.get("emoticon"))
        return _said(
            actor,
            f"changed the chat theme to {emoticon}" if emoticon else "turned off the chat theme",
        )
    if action == "score_in_game":
        return _said(actor, f"scored {record.get('score')} in a game")
    if action == "send_payment":
        return _said(actor, f"paid {record.get('amount')} {_plain(record.get('currency'))}")
    if action == "proximity_reached":
        who, whom = _name(record.get("from")), _name(record.get("to"))
        return f"{who} is now within {record.get('distance')} m of {whom}"
    if isinstance(action, str) and action in phrases:
        return _said(actor, phrases[action])
    label = action.replace("_", " ") if isinstance(action, str) and action else "service message"
    return f"{actor}: {label}" if actor else label[:1].upper() + label[1:]
