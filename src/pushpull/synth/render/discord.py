"""A conversation as a DiscordChatExporter JSON export of one channel.

Variants: ``dm`` (a direct-message channel, guild "Direct Messages") and ``guild-channel`` (a
text channel of a small server, starting with the partner's "Joined the server." notice).

What the export carries, and so what the importer must give back (``expected``):

- Timestamps get milliseconds (Discord keeps them) and the exporting machine's UTC offset;
  ``expected`` has the same milliseconds.
- TEXT and LOCATION (a pasted maps link) -> TEXT; EDITED -> a message with ``timestampEdited``;
  MEDIA -> an attachment with its file name, the caption as content; STICKER -> a Discord sticker,
  whose *name* is what comes back as the attachment; POLL -> a ``poll`` object (its question).
- CALL -> a "Call" message: answered calls last minutes, missed ones end while ringing; Discord
  does not tell video from voice, so "Missed video call" comes back as "Missed voice call".
- REACTION -> an entry under its target's ``reactions`` (grouped by emoji, each user once); it
  comes back right after the target, at the target's time. A reaction to a message that is not
  exported (a deletion, another reaction) is dropped.
- SYSTEM (WhatsApp's encryption notice) and DELETED (Discord keeps nothing of it) are dropped.
- ``from_me`` is unknown (the export does not say who made it).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from pushpull.model import Kind, Message
from pushpull.synth._chat import Rendered, SynthChat

VARIANTS: tuple[str, ...] = ("dm", "guild-channel")

_EPOCH = datetime(1970, 1, 1)
_DISCORD_EPOCH_MS = 1_420_070_400_000
_STICKERS = ("Wave", "Wumpus Hug", "Nelly Yay", "Clyde Thumbs Up", "Shiba Love", "Cat Nap")
_EMOJI_CODES = {
    "❤️": "heart",
    "😂": "joy",
    "👍": "thumbsup",
    "😮": "open_mouth",
    "😢": "cry",
    "🙏": "pray",
}


def _username(name: str, salt: int) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    letters = "".join(ch for ch in plain if ch.isalnum()) or "user"
    return f"{letters}{salt % 10000:04d}"


def _stamp(local: datetime, offset: int) -> str:
    """An ISO time as .NET writes a DateTimeOffset: milliseconds only when not zero."""
    frac = f".{local.microsecond // 1000:03d}".rstrip("0") if local.microsecond else ""
    sign = "-" if offset < 0 else "+"
    hours, minutes = divmod(abs(offset) // 60, 60)
    return f"{local:%Y-%m-%dT%H:%M:%S}{frac}{sign}{hours:02d}:{minutes:02d}"


@dataclass(slots=True)
class _Out:
    """One exported message, and the reactions collected for it (emoji -> users)."""

    record: dict[str, object]
    expected: Message
    reactions: dict[str, list[str]] = field(default_factory=dict)


def render(chat: SynthChat, variant: str) -> Rendered:
    if variant not in VARIANTS:
        raise ValueError(f"unknown discord variant {variant!r}; choose from {', '.join(VARIANTS)}")
    seed = chat.truth.seed
    offset = chat.utc_offset_s
    users: dict[str, dict[str, object]] = {
        name: {
            "id": str(100_000_000_000_000_000 + seed * 1000 + n),
            "name": _username(name, seed * 7 + n),
            "discriminator": "0000",
            "nickname": name,
            "color": None,
            "isBot": False,
            "roles": [],
            "avatarUrl": f"https://cdn.discordapp.com/embed/avatars/{n}.png",
        }
        for n, name in enumerate((chat.me, chat.partner))
    }
    channel_id = str(900_000_000_000_000_000 + seed)
    if variant == "dm":
        guild = {
            "id": "0",
            "name": "Direct Messages",
            "iconUrl": "https://cdn.discordapp.com/embed/avatars/0.png",
        }
        channel: dict[str, object] = {
            "id": channel_id,
            "type": "DirectTextChat",
            "categoryId": None,
            "category": None,
            "name": chat.partner,
            "topic": None,
        }
        main = f"Direct Messages - {chat.partner} [{channel_id}].json"
    else:
        guild = {
            "id": str(800_000_000_000_000_000 + seed),
            "name": "Weekend Crew",
            "iconUrl": "https://cdn.discordapp.com/icons/800/a1b2c3.png",
        }
        channel = {
            "id": channel_id,
            "type": "GuildTextChat",
            "categoryId": str(700_000_000_000_000_000 + seed),
            "category": "Text Channels",
            "name": "general",
            "topic": "say hi",
        }
        main = f"Weekend Crew - Text Channels - general [{channel_id}].json"
    title = str(channel["name"])

    outs: list[_Out] = []
    by_synth_id: dict[str, _Out] = {}
    counter = 0

    def new_record(local: datetime, author: str, kind_name: str, content: str) -> dict[str, object]:
        nonlocal counter
        counter += 1
        utc_ms = (local - timedelta(seconds=offset) - _EPOCH) // timedelta(milliseconds=1)
        snowflake = ((utc_ms - _DISCORD_EPOCH_MS) << 22) | (counter & 0xFFF)
        return {
            "id": str(snowflake),
            "type": kind_name,
            "timestamp": _stamp(local, offset),
            "timestampEdited": None,
            "callEndedTimestamp": None,
            "isPinned": False,
            "content": content,
            "author": users[author],
            "attachments": [],
            "embeds": [],
            "stickers": [],
            "reactions": [],
            "mentions": [],
            "inlineEmojis": [],
        }

    def add(record: dict[str, object], expected: Message, synth_id: str | None) -> None:
        out = _Out(record, expected)
        outs.append(out)
        if synth_id is not None:
            by_synth_id[synth_id] = out

    talk = [m for m in chat.messages if m.kind is not Kind.SYSTEM]
    if variant == "guild-channel" and talk:
        local = talk[0].sent_at - timedelta(days=1, minutes=17)
        record = new_record(local, chat.partner, "GuildMemberJoin", "Joined the server.")
        notice = f"{chat.partner} joined the server."
        add(record, _expect(local, "", notice, Kind.SYSTEM, chat=title, offset=offset), None)

    for index, message in enumerate(talk):
        if message.kind is Kind.DELETED:
            continue
        if message.kind is Kind.REACTION:
            target = by_synth_id.get(message.reply_to or "")
            if target is not None:
                reactors = target.reactions.setdefault(message.text, [])
                if message.sender not in reactors:
                    reactors.append(message.sender)
            continue
        local = message.sent_at + timedelta(milliseconds=(index * 389) % 1000)
        record = new_record(local, message.sender, "Default", message.text)
        text, kind, attachments = message.text, message.kind, message.attachments
        if kind is Kind.LOCATION:
            kind = Kind.TEXT
        elif kind is Kind.EDITED:
            record["timestampEdited"] = _stamp(local + timedelta(minutes=1 + index % 5), offset)
        elif kind is Kind.MEDIA:
            record["attachments"] = [
                {
                    "id": str(600_000_000_000_000_000 + counter * 10 + i),
                    "url": f"https://cdn.discordapp.com/attachments/{channel_id}/{counter}/{name}",
                    "fileName": name,
                    "fileSizeBytes": 48_213 + 977 * counter % 900_000,
                }
                for i, name in enumerate(attachments)
            ]
        elif kind is Kind.STICKER:
            sticker = _STICKERS[index % len(_STICKERS)]
            record["stickers"] = [
                {
                    "id": str(750_000_000_000_000_000 + index % len(_STICKERS)),
                    "name": sticker,
                    "format": "Png",
                    "sourceUrl": f"https://media.discordapp.net/stickers/{750 + index % 6}.png",
                }
            ]
            attachments = (sticker,)
        elif kind is Kind.CALL:
            record["type"] = "Call"
            answered = message.text == "Voice call"
            length = timedelta(minutes=2 + index % 58) if answered else timedelta(seconds=25)
            minutes = int(length.total_seconds() // 60)
            record["content"] = f"Started a call that lasted {minutes} minutes."
            record["callEndedTimestamp"] = _stamp(local + length, offset)
            text = "Voice call" if answered else "Missed voice call"
        elif kind is Kind.POLL:
            record["content"] = ""
            record["poll"] = {
                "question": {"text": message.text},
                "answers": [
                    {"id": 1, "text": "Yes", "emoji": None, "voteCount": 0},
                    {"id": 2, "text": "No", "emoji": None, "voteCount": 0},
                ],
                "expiresAt": _stamp(local + timedelta(hours=24), offset),
                "allowsMultipleAnswers": False,
            }
        add(
            record,
            _expect(
                local,
                message.sender,
                text,
                kind,
                chat=title,
                offset=offset,
                attachments=attachments,
                record_id=str(record["id"]),
            ),
            message.record_id,
        )

    expected: list[Message] = []
    for out in outs:
        expected.append(out.expected)
        out.record["reactions"] = [
            _reaction(emoji, [users[name] for name in reactors])
            for emoji, reactors in out.reactions.items()
        ]
        target_id = str(out.record["id"])
        for emoji, reactors in out.reactions.items():
            for name in reactors:
                expected.append(
                    replace(
                        out.expected,
                        sender=name,
                        text=emoji,
                        kind=Kind.REACTION,
                        attachments=(),
                        record_id=None,
                        reply_to=target_id,
                    )
                )

    document = {
        "guild": guild,
        "channel": channel,
        "dateRange": {"after": None, "before": None},
        "exportedAt": _stamp((talk[-1].sent_at if talk else datetime(2025, 1, 1)), offset),
        "messages": [out.record for out in outs],
        "messageCount": len(outs),
    }
    data = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return Rendered(
        files={main: data},
        main=main,
        expected=tuple(expected),
        variant=variant,
        notes=(
            "reactions follow their target message at its time",
            "sticker files come back as Discord sticker names",
            "deletions and the encryption notice are not exported",
        ),
    )


def _reaction(emoji: str, reactors: list[dict[str, object]]) -> dict[str, object]:
    code = _EMOJI_CODES.get(emoji, emoji)
    hexes = "-".join(f"{ord(ch):x}" for ch in emoji if ord(ch) != 0xFE0F)
    return {
        "emoji": {
            "id": "",
            "name": emoji,
            "code": code,
            "isAnimated": False,
            "imageUrl": f"https://cdn.jsdelivr.net/gh/twitter/twemoji@latest/assets/svg/{hexes}.svg",
        },
        "count": len(reactors),
        "users": [
            {key: user[key] for key in ("id", "name", "discriminator", "nickname", "isBot")}
            | {"avatarUrl": user["avatarUrl"]}
            for user in reactors
        ],
    }


def _expect(
    at: datetime,
    sender: str,
    text: str,
    kind: Kind,
    *,
    chat: str,
    offset: int,
    attachments: tuple[str, ...] = (),
    record_id: str | None = None,
) -> Message:
    return Message(
        sent_at=at,
        sender=sender,
        text=text,
        kind=kind,
        utc_offset_s=offset,
        attachments=attachments,
        record_id=record_id,
        chat=chat,
    )
