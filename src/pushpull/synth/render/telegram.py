"""A synthetic conversation as Telegram Desktop's JSON export (``result.json``).

Variants:

- ``single``: "Export chat history" of the personal chat, ``ChatExport_<date>/result.json``
  holding ``{"name", "type": "personal_chat", "id", "messages"}``.
- ``full-account``: "Export Telegram data", ``DataExport_<date>/result.json`` with
  ``personal_information``, contacts, frequent contacts (whose ``"id"`` lines come before the
  chats), ``chats.list`` holding the personal chat and then a small group chat, and
  ``left_chats.list`` holding a supergroup. Importing it gives every chat's messages, each
  with its own ``chat``: the conversation first, then the group's, then the left group's.
- ``entities``: as ``single``, but texts carry formatting, so ``text`` is a list of plain
  strings and entity objects (bold, italic, text links, spoilers ...).

The file is laid out as Telegram writes it: one-space indentation, ``"key": value``, local times
in ``date`` with ``date_unixtime`` beside them, links as ``link`` entities, control characters
escaped the app's (invalid JSON) ``\\xNN`` way, and no newline at the end.

What the export keeps (``expected``), compared with the generated chat:

- the encryption notice (and any other ``SYSTEM`` line) is dropped: Telegram has none;
- ``DELETED`` messages are dropped: Telegram exports leave deleted messages out (their ids are
  simply missing);
- ``CALL`` becomes a ``phone_call`` service message: a call is ``hangup`` with a duration,
  a missed one ``missed``; the export does not tell video from voice, so "Missed video call"
  comes back as "Missed voice call";
- attachments get Telegram's names (``photo_N@dd-mm-yyyy_HH-MM-SS.jpg`` in ``photos/``, voice
  notes ``audio_N@....ogg``, videos by their own name, stickers ``sticker.webp``,
  ``sticker (2).webp`` ...) and a sticker has no text;
- a ``LOCATION`` is ``location_information`` and comes back as the same maps URL;
- a ``REACTION`` is stored on its target under ``reactions`` (grouped by emoji, each with a
  dated ``recent`` entry) and so comes back right after the target, oldest first, with the
  target's id as ``reply_to``. A reaction to a reaction lands on the first one's target; one
  person keeps one of each emoji per message; reactions to calls, deleted messages or
  notices are lost;
- ``EDITED`` messages carry ``edited`` a few minutes after they were sent and stay ``EDITED``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pushpull.model import Kind, Message
from pushpull.synth._chat import Rendered, SynthChat

__all__ = ["VARIANTS", "render"]

VARIANTS: tuple[str, ...] = ("single", "full-account", "entities")

_EPOCH = datetime(1970, 1, 1)
_URL = re.compile(r"https?://\S+")
_WORD = re.compile(r"\w{4,}")
_MAPS = re.compile(r"https://maps\.google\.com/\?q=(-?\d+\.\d+),(-?\d+\.\d+)")
_STYLES = ("bold", "italic", "text_link", "underline", "spoiler", "strikethrough", "code")
_STICKER_EMOJI = ("😂", "❤️", "👍", "😘", "🙈", "😴")
#: People of the extra chats of the ``full-account`` variant (full names: the generated
#: participants have given names only, so nobody is confused with them).
_GROUP = "Climbing crew 🧗"
_NOOR, _KIM, _JO, _ANA = "Noor Haddad", "Kim Lee", "Jo Park", "Ana Souza"
_LEFT_GROUP = "Book club 📚"


@dataclass(slots=True)
class _Entry:
    """One record of the export and what importing it must give back."""

    record: dict[str, object]
    message: Message
    service: bool = False
    reactions: list[tuple[Message, str]] = field(default_factory=list)  # (message, from_id)


def _user_id(name: str) -> int:
    """A stable made-up Telegram user id for a display name."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return 100_000_000 + int.from_bytes(digest, "big") % 6_900_000_000


def _unix(at: datetime, offset: int) -> str:
    return str(round((at - _EPOCH).total_seconds()) - offset)


def _dated(record: dict[str, object], key: str, at: datetime, offset: int) -> None:
    record[key] = at.isoformat()
    record[f"{key}_unixtime"] = _unix(at, offset)


def _text_parts(text: str, styled: bool, n: int) -> list[tuple[str, str]]:
    """``text`` cut into (entity type, piece): URLs are links; ``styled`` adds one style."""
    parts: list[tuple[str, str]] = []
    rest = text
    if styled and n % 3 == 0:  # about one message in three has formatting
        word = _WORD.search(text)
        if word and not _URL.search(text):
            style = _STYLES[n // 3 % len(_STYLES)]
            parts = [
                ("plain", text[: word.start()]),
                (style, word.group()),
                ("plain", text[word.end() :]),
            ]
            return [p for p in parts if p[1]]
    while (url := _URL.search(rest)) is not None:
        parts += [("plain", rest[: url.start()]), ("link", url.group())]
        rest = rest[url.end() :]
    parts.append(("plain", rest))
    return [p for p in parts if p[1]]


def _entity(kind: str, piece: str) -> dict[str, object]:
    entity: dict[str, object] = {"type": kind, "text": piece}
    if kind == "text_link":
        entity["href"] = "https://telegram.org/"
    return entity


def _put_text(record: dict[str, object], text: str, styled: bool, n: int) -> None:
    """Telegram's ``text`` (a string, or a list when there are entities) and ``text_entities``."""
    parts = _text_parts(text, styled, n)
    if not parts:
        record["text"] = ""
    elif len(parts) == 1 and parts[0][0] == "plain":
        record["text"] = parts[0][1]
    else:
        record["text"] = [
            piece if kind == "plain" else _entity(kind, piece) for kind, piece in parts
        ]
    record["text_entities"] = [_entity(kind, piece) for kind, piece in parts]


class _Writer:
    """Turns the generated messages into export records, keeping count of files."""

    def __init__(self, chat: SynthChat, variant: str) -> None:
        self.chat = chat
        self.styled = variant == "entities"
        self.ids = {chat.me: _user_id(chat.me), chat.partner: _user_id(chat.partner)}
        self.n_photos = self.n_voice = self.n_stickers = 0

    def user(self, name: str) -> int:
        if name not in self.ids:
            self.ids[name] = _user_id(name)
        return self.ids[name]

    def entries(self) -> list[_Entry]:
        chat = self.chat
        first_id = 100 + chat.truth.seed % 900
        entries: list[_Entry] = []
        by_synth_id: dict[str, _Entry | None] = {}
        roots: dict[str, str] = {}  # a reaction's synth id -> the synth id of its target
        for index, m in enumerate(chat.messages):
            offset = m.utc_offset_s if m.utc_offset_s is not None else chat.utc_offset_s
            at = m.sent_at.replace(microsecond=0)
            synth_id = m.record_id or f"#{index}"
            if m.kind is Kind.REACTION:
                target = m.reply_to or ""
                target = roots.get(target, target)
                roots[synth_id] = target
                self._react(by_synth_id.get(target), m, at)
                continue
            if m.kind in (Kind.SYSTEM, Kind.DELETED):
                by_synth_id[synth_id] = None
                continue
            entry = self._entry(m, at, offset, first_id + index)
            by_synth_id[synth_id] = entry
            entries.append(entry)
        return entries

    def _react(self, target: _Entry | None, m: Message, at: datetime) -> None:
        if target is None or target.service:
            return
        if any(r.sender == m.sender and r.text == m.text for r, _ in target.reactions):
            return
        reaction = Message(
            sent_at=at,
            sender=m.sender,
            text=m.text,
            kind=Kind.REACTION,
            from_me=m.sender == self.chat.me,
            reply_to=target.message.record_id,
            chat=self.chat.partner,
        )
        target.reactions.append((reaction, f"user{self.user(m.sender)}"))

    def _entry(self, m: Message, at: datetime, offset: int, record_id: int) -> _Entry:
        record: dict[str, object] = {"id": record_id}
        sender_id = f"user{self.user(m.sender)}"
        kind, text, attachments = m.kind, m.text, m.attachments
        service = kind is Kind.CALL
        record["type"] = "service" if service else "message"
        _dated(record, "date", at, offset)
        if kind is Kind.EDITED:
            _dated(record, "edited", at + timedelta(minutes=1 + record_id % 9), offset)
        if service:
            record["actor"] = m.sender
            record["actor_id"] = sender_id
            record["action"] = "phone_call"
            if text == "Voice call":
                record["duration_seconds"] = 30 + (record_id * 37) % 1700
                record["discard_reason"] = "hangup"
            else:
                record["discard_reason"] = "missed"
                text = "Missed voice call"
            record["text"] = ""
            record["text_entities"] = []
        else:
            record["from"] = m.sender
            record["from_id"] = sender_id
            if kind is Kind.MEDIA:
                attachments = self._media(record, at, attachments, record_id)
            elif kind is Kind.STICKER:
                attachments = self._sticker(record, record_id)
                text = ""
            elif kind is Kind.POLL:
                record["poll"] = {
                    "question": text,
                    "closed": False,
                    "total_voters": 1,
                    "answers": [
                        {"text": "Yes", "voters": 1, "chosen": m.sender == self.chat.me},
                        {"text": "No", "voters": 0, "chosen": False},
                    ],
                }
            elif kind is Kind.LOCATION:
                point = _MAPS.fullmatch(text)
                if point:
                    record["location_information"] = {
                        "latitude": float(point.group(1)),
                        "longitude": float(point.group(2)),
                    }
                else:  # not a maps URL: shared as a plain link
                    kind = Kind.TEXT
            _put_text(
                record, "" if kind in (Kind.POLL, Kind.LOCATION) else text, self.styled, record_id
            )
        message = Message(
            sent_at=at,
            sender=m.sender,
            text=text,
            kind=kind,
            utc_offset_s=offset,
            from_me=m.sender == self.chat.me,
            attachments=attachments,
            record_id=str(record_id),
            chat=self.chat.partner,
        )
        return _Entry(record=record, message=message, service=service)

    def _media(
        self, record: dict[str, object], at: datetime, attachments: tuple[str, ...], n: int
    ) -> tuple[str, ...]:
        """Telegram's file fields for a photo, voice note, video or document; its name back."""
        original = attachments[0] if attachments else f"file_{n}.bin"
        ext = original.rsplit(".", 1)[-1].lower() if "." in original else ""
        stamp = at.strftime("%d-%m-%Y_%H-%M-%S")
        if ext in ("jpg", "jpeg", "png", "webp"):
            self.n_photos += 1
            path = f"photos/photo_{self.n_photos}@{stamp}.jpg"
            record["photo"] = path
            record["photo_file_size"] = 80_000 + (n * 7919) % 200_000
            record["width"], record["height"] = 1280, 960
        elif ext in ("opus", "ogg", "m4a", "aac", "mp3", "amr"):
            self.n_voice += 1
            path = f"voice_messages/audio_{self.n_voice}@{stamp}.ogg"
            record["file"] = path
            record["file_size"] = 9_000 + (n * 613) % 40_000
            record["media_type"] = "voice_message"
            record["mime_type"] = "audio/ogg"
            record["duration_seconds"] = 2 + n % 58
        elif ext in ("mp4", "mov", "webm", "3gp"):
            name = f"VID_{at:%Y%m%d_%H%M%S}_{n % 1000:03d}.mp4"
            path = f"video_files/{name}"
            record["file"] = path
            record["file_name"] = name
            record["file_size"] = 900_000 + (n * 104_729) % 9_000_000
            record["thumbnail"] = f"{path}_thumb.jpg"
            record["thumbnail_file_size"] = 12_000
            record["media_type"] = "video_file"
            record["mime_type"] = "video/mp4"
            record["duration_seconds"] = 3 + n % 90
            record["width"], record["height"] = 720, 1280
        else:
            path = f"files/{original}"
            record["file"] = path
            record["file_name"] = original
            record["file_size"] = 20_000 + (n * 4_513) % 500_000
            record["mime_type"] = "application/octet-stream"
        return (path.rsplit("/", 1)[-1],)

    def _sticker(self, record: dict[str, object], n: int) -> tuple[str, ...]:
        self.n_stickers += 1
        name = "sticker.webp" if self.n_stickers == 1 else f"sticker ({self.n_stickers}).webp"
        record["file"] = f"stickers/{name}"
        record["file_size"] = 20_000 + (n * 211) % 30_000
        record["thumbnail"] = f"stickers/{name}_thumb.jpg"
        record["thumbnail_file_size"] = 5_000
        record["media_type"] = "sticker"
        record["sticker_emoji"] = _STICKER_EMOJI[n % len(_STICKER_EMOJI)]
        record["mime_type"] = "image/webp"
        record["width"], record["height"] = 512, 512
        return (name,)


def _finish(entries: list[_Entry]) -> tuple[list[dict[str, object]], list[Message]]:
    """The records (with their ``reactions``) and the messages importing them gives back."""
    records: list[dict[str, object]] = []
    expected: list[Message] = []
    for entry in entries:
        record = entry.record
        expected.append(entry.message)
        if entry.reactions:
            groups: dict[str, list[tuple[Message, str]]] = {}
            for reaction, from_id in entry.reactions:
                groups.setdefault(reaction.text, []).append((reaction, from_id))
            record["reactions"] = [
                {
                    "type": "emoji",
                    "count": len(group),
                    "emoji": emoji,
                    "recent": [
                        {"from": r.sender, "from_id": fid, "date": r.sent_at.isoformat()}
                        for r, fid in group
                    ],
                }
                for emoji, group in groups.items()
            ]
            in_file = [r for group in groups.values() for r, _ in group]
            in_file.sort(key=lambda r: r.sent_at)  # the importer's order: oldest first, stable
            target = entry.message.record_id
            for k, reaction in enumerate(in_file, start=1):
                expected.append(_renumbered(reaction, f"{target}:r{k}"))
        records.append(record)
    return records, expected


def _renumbered(m: Message, record_id: str) -> Message:
    return Message(
        sent_at=m.sent_at,
        sender=m.sender,
        text=m.text,
        kind=m.kind,
        utc_offset_s=m.utc_offset_s,
        from_me=m.from_me,
        attachments=m.attachments,
        reply_to=m.reply_to,
        record_id=record_id,
        chat=m.chat,
    )


def render(chat: SynthChat, variant: str) -> Rendered:
    """``chat`` as Telegram Desktop's ``result.json`` in the layout ``variant`` names."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown telegram variant {variant!r}; choose from {VARIANTS}")
    writer = _Writer(chat, variant)
    records, expected = _finish(writer.entries())
    partner_id = writer.user(chat.partner)
    conversation: dict[str, object] = {
        "name": chat.partner,
        "type": "personal_chat",
        "id": partner_id,
        "messages": records,
    }
    last = chat.messages[-1].sent_at if chat.messages else datetime(2025, 1, 1)
    exported = (last + timedelta(days=1)).strftime("%Y-%m-%d")
    if variant == "full-account":
        extra_chats, extra_expected = _extras(chat, writer)
        root: dict[str, object] = _account(chat, writer, conversation, extra_chats)
        expected += extra_expected
        main = f"DataExport_{exported}/result.json"
    else:
        root = conversation
        main = f"ChatExport_{exported}/result.json"
    data = _dump(root, 0).encode("utf-8")
    return Rendered(files={main: data}, main=main, expected=tuple(expected), variant=variant)


# --- the account export ------------------------------------------------------------------------


def _account(
    chat: SynthChat,
    writer: _Writer,
    conversation: dict[str, object],
    extra: tuple[dict[str, object], dict[str, object]],
) -> dict[str, object]:
    group, left = extra
    me_id, partner_id = writer.user(chat.me), writer.user(chat.partner)
    first = chat.messages[0].sent_at if chat.messages else datetime(2025, 1, 1)
    contact: dict[str, object] = {
        "user_id": partner_id,
        "first_name": chat.partner,
        "last_name": "",
        "phone_number": f"+44 7700 9{partner_id % 100_000:05d}",
    }
    _dated(contact, "date", first - timedelta(days=30), chat.utc_offset_s)
    return {
        "about": "Here is the data you requested.",
        "personal_information": {
            "user_id": me_id,
            "first_name": chat.me,
            "last_name": "",
            "phone_number": f"+44 7700 9{me_id % 100_000:05d}",
        },
        "contacts": {"about": "Your saved contacts.", "list": [contact]},
        "frequent_contacts": {
            "about": "The people you talk to most.",
            "list": [
                {
                    "id": partner_id,
                    "category": "people",
                    "type": "user",
                    "name": chat.partner,
                    "rating": 0.85,
                },
                {"id": 1, "category": "people", "type": "user", "name": _NOOR, "rating": 0.2},
            ],
        },
        "chats": {"about": "All chats of this export.", "list": [conversation, group]},
        "left_chats": {"about": "Groups and channels you have left.", "list": [left]},
    }


def _extras(
    chat: SynthChat, writer: _Writer
) -> tuple[tuple[dict[str, object], dict[str, object]], list[Message]]:
    """A small group chat and a left supergroup, and the messages importing them gives."""
    me, offset = chat.me, chat.utc_offset_s
    start = (chat.messages[0].sent_at if chat.messages else datetime(2025, 1, 1)).replace(
        microsecond=0
    ) - timedelta(days=2)
    expected: list[Message] = []

    def record(
        rid: int,
        minutes: int,
        sender: str | None,
        text: str,
        kind: Kind,
        title: str,
        fields: dict[str, object],
        *,
        service: bool = False,
        attachments: tuple[str, ...] = (),
    ) -> dict[str, object]:
        at = start + timedelta(minutes=minutes)
        rec: dict[str, object] = {"id": rid, "type": "service" if service else "message"}
        _dated(rec, "date", at, offset)
        who = "Deleted Account" if sender is None else sender
        uid = f"user{writer.user(who)}"
        rec["actor" if service else "from"] = sender
        rec["actor_id" if service else "from_id"] = uid
        rec.update(fields)
        if service:
            rec["text"], rec["text_entities"] = "", []
        else:
            _put_text(rec, text, False, rid)
        expected.append(
            Message(
                sent_at=at,
                sender=who,
                text=text,
                kind=kind,
                utc_offset_s=offset,
                from_me=who == me,
                attachments=attachments,
                record_id=str(rid),
                chat=title,
            )
        )
        return rec

    photo = f"photo_1@{(start + timedelta(minutes=9)):%d-%m-%Y_%H-%M-%S}.jpg"
    group_records = [
        record(
            1,
            0,
            me,
            f"{me} created the group «{_GROUP}» with {_NOOR}, {_KIM}",
            Kind.SYSTEM,
            _GROUP,
            {"action": "create_group", "title": _GROUP, "members": [_NOOR, _KIM]},
            service=True,
        ),
        record(2, 4, _NOOR, "Saturday at 10? 🧗‍♀️", Kind.TEXT, _GROUP, {}),
        record(
            3,
            9,
            me,
            "the new wall",
            Kind.MEDIA,
            _GROUP,
            {"photo": f"photos/{photo}", "width": 960, "height": 1280},
            attachments=(photo,),
        ),
        record(
            4,
            15,
            _KIM,
            f"{_KIM} added {_JO}",
            Kind.SYSTEM,
            _GROUP,
            {"action": "invite_members", "members": [_JO]},
            service=True,
        ),
        record(6, 21, None, "count me out\nsorry!", Kind.TEXT, _GROUP, {}),
        record(
            7,
            30,
            _NOOR,
            f"{_NOOR} left the group",
            Kind.SYSTEM,
            _GROUP,
            {"action": "remove_members", "members": [_NOOR]},
            service=True,
        ),
    ]
    group = {
        "name": _GROUP,
        "type": "private_group",
        "id": 4_000_000_000 + writer.user(_GROUP) % 1_000_000_000,
        "messages": group_records,
    }
    left_records = [
        record(1, 60, _ANA, "Next book: «Solaris»", Kind.TEXT, _LEFT_GROUP, {}),
        record(2, 75, me, "I'm in", Kind.TEXT, _LEFT_GROUP, {"reply_to_message_id": 1}),
    ]
    left = {
        "name": _LEFT_GROUP,
        "type": "public_supergroup",
        "id": 1_500_000_000 + writer.user(_LEFT_GROUP) % 100_000_000,
        "messages": left_records,
    }
    return (group, left), expected


# --- Telegram's JSON layout --------------------------------------------------------------------


def _string(value: str) -> str:
    """A JSON string the way Telegram Desktop escapes it (control characters as ``\\xNN``)."""
    out = ['"']
    for ch in value:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch < " ":
            out.append(f"\\x{ord(ch):02X}")
        elif ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _dump(value: object, depth: int) -> str:
    """``value`` as Telegram writes JSON: one space of indent per level, ``"key": value``."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + " " * (depth + 1)
        items = (inner + _string(str(k)) + ": " + _dump(v, depth + 1) for k, v in value.items())
        return "{" + ",".join(items) + "\n" + " " * depth + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        inner = "\n" + " " * (depth + 1)
        return "[" + ",".join(inner + _dump(v, depth + 1) for v in value) + "\n" + " " * depth + "]"
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
