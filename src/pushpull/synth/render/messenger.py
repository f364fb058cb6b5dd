"""A synthetic conversation as Meta's "Download your information" JSON (Messenger, Instagram).

Variants:

- ``messenger``: ``your_activity_across_facebook/messages/inbox/<name>_<id>/message_N.json``,
  classic Messenger records (``type`` Generic/Share/Call, ``is_unsent``), 10,000 messages a file.
- ``instagram``: ``your_instagram_activity/messages/inbox/<name>_<id>/message_N.json``, Instagram
  records (no ``type``; ``is_geoblocked_for_viewer`` and
  ``is_unsent_image_by_messenger_kid_parent``), media named by number.
- ``messenger-parts``: Messenger again, in parts of 250 messages, and the file to import is the
  oldest part, not ``message_1.json`` (a long thread, scaled down so a test crosses files).

Every file lists its messages newest first, ``message_1.json`` holding the newest, and every
string is double encoded the way Meta does it (each UTF-8 byte written as a ``\\u00XX`` escape).

What the export keeps (``expected``), compared with the generated chat:

- times become UTC (local time minus the chat's offset) with ``utc_offset_s`` 0, plus a made-up
  millisecond part, since ``timestamp_ms`` is UTC milliseconds with no zone;
- the encryption notice (and any other ``SYSTEM`` line) is dropped: these exports have no
  messages without a sender;
- ``EDITED`` becomes ``TEXT`` (no edit mark is exported);
- attachments are renamed as Meta names them (numbers), and the expected names follow;
- a ``REACTION`` is stored on its target, so it comes back right after the target, at the
  target's time (a reaction to a reaction lands on the first one's target);
- a ``POLL`` is the notice "<name> created a poll: <question>" and comes back as its question;
  a ``LOCATION`` is a shared maps link, a ``CALL`` a call record with ``call_duration`` (0 when
  missed) and both come back unchanged;
- ``from_me`` is unknown (``None``) and ``chat`` is the thread title.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from pushpull.model import Kind, Message
from pushpull.synth._chat import Rendered, SynthChat

__all__ = ["VARIANTS", "render"]

VARIANTS: tuple[str, ...] = ("messenger", "instagram", "messenger-parts")

#: Messages per ``message_N.json`` for each variant.
_PART_SIZE = {"messenger": 10_000, "instagram": 10_000, "messenger-parts": 250}
_ROOT = {
    "messenger": "your_activity_across_facebook",
    "instagram": "your_instagram_activity",
    "messenger-parts": "your_activity_across_facebook",
}
_EPOCH = datetime(1970, 1, 1)
_PHOTO = {"jpg", "jpeg", "png", "heic", "webp"}
_VIDEO = {"mp4", "mov", "3gp", "webm"}
_AUDIO = {"opus", "ogg", "m4a", "aac", "mp3", "amr", "wav"}


@dataclass(slots=True)
class _Entry:
    """One record of the export: the message it shows and the reactions stored on it."""

    message: Message
    reactions: list[Message] = field(default_factory=list)
    timestamp_ms: int = 0
    attachment: str = ""
    standalone_reaction: bool = False


def _mangle(text: str) -> str:
    """Meta's double encoding: each UTF-8 byte becomes one code point (escaped by json.dumps)."""
    return text.encode("utf-8").decode("latin-1")


def _number(*key: object, digits: int) -> str:
    """A stable made-up id of ``digits`` digits (Meta's file and thread numbers)."""
    seed = ":".join(str(k) for k in key).encode("utf-8")
    value = int.from_bytes(hashlib.blake2b(seed, digest_size=16).digest(), "big")
    low = 10 ** (digits - 1)
    return str(low + value % (9 * low))


def _slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = "".join(c for c in folded.lower() if c.isalnum())
    return slug or "facebookuser"


def _media_name(
    variant: str, original: str, key: tuple[object, ...], ts_ms: int
) -> tuple[str, str]:
    """The folder (``photos``, ``videos``, ...) and Meta's file name for an attachment."""
    ext = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    instagram = variant == "instagram"
    if ext in _PHOTO:
        if instagram:
            return "photos", f"{_number(*key, digits=19)}.jpg"
        a, b, c = (_number(*key, part, digits=d) for part, d in (("a", 9), ("b", 16), ("c", 19)))
        return "photos", f"{a}_{b}_{c}_n.jpg"
    if ext in _VIDEO:
        if instagram:
            return "videos", f"{_number(*key, digits=19)}.mp4"
        a, b = (_number(*key, part, digits=d) for part, d in (("a", 9), ("b", 16)))
        return "videos", f"{a}_{b}_n.mp4"
    if ext in _AUDIO:
        if instagram:
            return "audio", f"{_number(*key, digits=17)}.mp4"
        return "audio", f"audioclip{ts_ms}{_number(*key, digits=4)}.mp4"
    if ext == "gif":
        return "gifs", f"{_number(*key, digits=15)}.gif"
    return "files", original


_MEDIA_KEY = {"photos": "photos", "videos": "videos", "audio": "audio_files", "gifs": "gifs"}


def _call_content(text: str, sender: str, chat: SynthChat, instagram: bool) -> str:
    video = "video" in text.lower()
    missed = text.lower().startswith("missed")
    other = chat.partner if sender == chat.me else chat.me
    if instagram:
        what = "video chat" if video else "audio call"
        return f"Missed {what}" if missed else f"{what.capitalize()} ended"
    if sender == chat.me:
        if missed:
            return f"{other} missed your video chat." if video else f"{other} missed your call."
        return f"You started a video chat with {other}." if video else f"You called {other}."
    if missed:
        return (
            f"You missed a video chat with {sender}."
            if video
            else f"You missed a call from {sender}."
        )
    return f"{sender} started a video chat." if video else f"{sender} called you."


def render(chat: SynthChat, variant: str) -> Rendered:
    if variant not in VARIANTS:
        raise ValueError(f"unknown messenger variant {variant!r}; choose from {VARIANTS}")
    instagram = variant == "instagram"
    seed = chat.truth.seed
    thread_id = _number(seed, chat.title, variant, digits=17 if instagram else 16)
    folder = f"{_slug(chat.partner)}_{thread_id}"
    base = f"{_ROOT[variant]}/messages/inbox/{folder}"
    offset = timedelta(seconds=chat.utc_offset_s)

    # 1. The records, oldest first, with each reaction moved onto the message it answers.
    entries: list[_Entry] = []
    where: dict[str, int] = {}  # synthetic record id -> entry holding it (or its reactions)
    last_ms = 0
    for m in chat.messages:
        if m.kind is Kind.SYSTEM:
            continue
        if m.kind is Kind.REACTION and m.reply_to in where:
            target = where[m.reply_to]
            entries[target].reactions.append(m)
            if m.record_id:
                where[m.record_id] = target
            continue
        utc = m.sent_at - offset
        whole_ms = (utc - _EPOCH) // timedelta(seconds=1) * 1000
        ts_ms = max(whole_ms + (len(entries) * 389) % 1000, last_ms)
        last_ms = ts_ms
        entry = _Entry(message=m, timestamp_ms=ts_ms, standalone_reaction=m.kind is Kind.REACTION)
        if m.kind in (Kind.MEDIA, Kind.STICKER) and m.attachments:
            key = (seed, len(entries), m.attachments[0])
            if m.kind is Kind.STICKER:
                entry.attachment = (
                    f"{_number(*key, digits=8)}_{_number(*key, 's', digits=16)}_n.png"
                )
            else:
                entry.attachment = "/".join(_media_name(variant, m.attachments[0], key, ts_ms))
        if m.record_id:
            where[m.record_id] = len(entries)
        entries.append(entry)

    # 2. Split newest first into parts; each record's id is "<file>:<position in file>".
    size = _PART_SIZE[variant]
    n = len(entries)
    parts: list[list[dict[str, object]]] = [[] for _ in range(max(1, -(-n // size)))]
    expected: list[Message] = []
    for j, entry in enumerate(entries):
        newest_first = n - 1 - j
        part, position = divmod(newest_first, size)
        record_id = f"message_{part + 1}.json:{position + 1}"
        expected.extend(_expected(entry, chat.title, record_id, position + 1))
    for j in range(n - 1, -1, -1):
        parts[(n - 1 - j) // size].append(_record(entries[j], chat, variant, base))

    files: dict[str, bytes] = {}
    for i, records in enumerate(parts, start=1):
        doc: dict[str, object] = {
            "participants": [{"name": _mangle(chat.partner)}, {"name": _mangle(chat.me)}],
            "messages": records,
            "title": _mangle(chat.title),
            "is_still_participant": True,
        }
        if not instagram:
            doc["thread_type"] = "Regular"
        doc["thread_path"] = f"inbox/{folder}"
        doc["magic_words"] = []
        text = json.dumps(doc, indent=2, ensure_ascii=True)
        text = text.replace('"magic_words": []', '"magic_words": [\n\n  ]')
        files[f"{base}/message_{i}.json"] = text.encode("ascii")
    main = f"{base}/message_{len(parts) if variant == 'messenger-parts' else 1}.json"
    notes = (
        "times are UTC milliseconds; SYSTEM lines dropped; EDITED shown as TEXT",
        "reactions stored on their target message and read back right after it",
    )
    return Rendered(files=files, main=main, expected=tuple(expected), variant=variant, notes=notes)


def _record(entry: _Entry, chat: SynthChat, variant: str, base: str) -> dict[str, object]:
    """The JSON object the app writes for one entry (strings already double encoded)."""
    m = entry.message
    instagram = variant == "instagram"
    record: dict[str, object] = {
        "sender_name": _mangle(m.sender),
        "timestamp_ms": entry.timestamp_ms,
    }
    kind_name = "Generic"
    unsent = False
    seconds = entry.timestamp_ms // 1000
    if m.kind is Kind.MEDIA and entry.attachment:
        if m.text:
            record["content"] = _mangle(m.text)
        sub, name = entry.attachment.split("/", 1)
        item: dict[str, object] = {"uri": _mangle(f"{base}/{sub}/{name}")}
        item["creation_timestamp"] = seconds
        if sub == "videos":
            item["thumbnail"] = {"uri": item["uri"]}  # the app points it at the video itself
        record[_MEDIA_KEY.get(sub, "files")] = [item]
    elif m.kind is Kind.STICKER and entry.attachment:
        root = base.split("/", 1)[0]
        sticker: dict[str, object] = {"uri": f"{root}/messages/stickers_used/{entry.attachment}"}
        if not instagram:
            sticker["ai_stickers"] = []
        record["sticker"] = sticker
    elif m.kind is Kind.DELETED:
        unsent = True
    elif m.kind is Kind.CALL:
        missed = m.text.lower().startswith("missed")
        record["content"] = _mangle(_call_content(m.text, m.sender, chat, instagram))
        record["call_duration"] = 0 if missed else 20 + entry.timestamp_ms % 1800
        kind_name = "Call"
    elif m.kind is Kind.POLL:
        who = "You" if m.sender == chat.me else m.sender
        record["content"] = _mangle(f"{who} created a poll: {m.text}")
    elif m.kind is Kind.LOCATION:
        record["share"] = {"link": _mangle(m.text)}
        kind_name = "Share"
    elif entry.standalone_reaction:
        record["content"] = _mangle(f"Reacted {m.text} to your message")
    else:
        record["content"] = _mangle(m.text)
    if entry.reactions:
        record["reactions"] = [
            {"reaction": _mangle(r.text), "actor": _mangle(r.sender)} for r in entry.reactions
        ]
    if instagram:
        if unsent:
            record["is_unsent"] = True
        record["is_geoblocked_for_viewer"] = False
        record["is_unsent_image_by_messenger_kid_parent"] = False
    else:
        record["type"] = kind_name
        record["is_unsent"] = unsent
    return record


def _expected(entry: _Entry, title: str, record_id: str, position: int) -> list[Message]:
    """What the importer gives back for one entry: its message, then its reactions."""
    m = entry.message
    sent_at = _EPOCH + timedelta(milliseconds=entry.timestamp_ms)
    kind = Kind.TEXT if m.kind is Kind.EDITED else m.kind
    text = m.text
    attachments: tuple[str, ...] = ()
    if kind in (Kind.MEDIA, Kind.STICKER) and entry.attachment:
        attachments = (PurePosixPath(entry.attachment).name,)
        text = "" if kind is Kind.STICKER else text
    elif kind is Kind.MEDIA or kind is Kind.STICKER:
        kind = Kind.TEXT  # nothing attached: the record is its text alone
    if kind is Kind.DELETED:
        text = ""
    out = [
        Message(
            sent_at=sent_at,
            sender=m.sender,
            text=text,
            kind=kind,
            utc_offset_s=0,
            attachments=attachments,
            record_id=record_id,
            line=position,
            chat=title,
        )
    ]
    for k, reaction in enumerate(entry.reactions, start=1):
        out.append(
            Message(
                sent_at=sent_at,
                sender=reaction.sender,
                text=reaction.text,
                kind=Kind.REACTION,
                utc_offset_s=0,
                reply_to=record_id,
                record_id=f"{record_id}:r{k}",
                line=position,
                chat=title,
            )
        )
    return out
