"""A conversation as signal-export writes it: ``<Contact>/chat.md`` and ``<Contact>/data.json``.

Both files are written (as the tool does); the variant picks which one is imported. The layout is
the one described in ``pushpull.sources.signal``: the folder and the partner's name are the
contact's name with letters and digits only, the exporting user is ``Me`` (``NotetoSelf`` in
reaction lists), every body ends with two spaces, Markdown messages are separated by a blank line,
and attachments are renamed ``<time with ms>_<nn>_<name>`` inside ``media/``. Signal times carry
milliseconds: ``data.json`` keeps them, ``chat.md`` shows whole seconds.

What importing gives back (``expected``), and why it differs from ``chat.messages``:

- the encryption notice is gone (Signal has no such message) and every sender is ``Me`` or the
  partner's folder name;
- reactions are stored on the message they react to, so each REACTION moves to just after its
  target (the root target when it reacts to a reaction), takes the target's time, and one person
  keeps one reaction per message (a later one replaces theirs); reactions to deleted messages are
  lost;
- CALL: the caller's side as Signal words it ("Incoming voice call (accepted, 1m 5s)", "Missed
  voice call" for a call the user missed, "Outgoing video call (unanswered)" for theirs);
- STICKER: the text is the sticker's emoji, the attachment its ``exported_stickers/`` path;
- MEDIA: attachment names as renamed; POLL becomes TEXT (the question); EDITED is TEXT in
  ``chat.md`` (no edit marker there) and EDITED in ``data.json`` (an ``edits`` history);
- backticks are removed from texts (signal-export strips them).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pushpull.model import Kind, Message
from pushpull.synth._chat import Rendered, SynthChat

VARIANTS: tuple[str, ...] = ("markdown", "jsonl")

_ME = "Me"
_ME_IN_REACTIONS = "NotetoSelf"
_IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "tif", "tiff", "webp", "apng", "svg")
_STICKER_EMOJI = ("😀", "😂", "❤️", "👍", "😢", "🎉", "🙈", "😴")
_SPACE = re.compile(r"\s")


@dataclass(slots=True)
class _Entry:
    """One message as signal-export holds it, and what importing it must give back."""

    at: datetime
    sender: str
    body: str
    kind: Kind
    from_me: bool | None
    deleted: bool = False
    call: bool = False
    missed: bool = False
    edits: list[dict[str, str]] = field(default_factory=list)
    sticker: dict[str, str] | None = None
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (name, path)
    reactions: dict[str, str] = field(default_factory=dict)  # reactor's synth name -> emoji


def folder_name(name: str) -> str:
    """The contact name as signal-export names folders and senders: letters and digits only."""
    return "".join(ch for ch in name if ch.isalnum()) or "unnamed"


def render(chat: SynthChat, variant: str) -> Rendered:
    if variant not in VARIANTS:
        raise ValueError(f"unknown signal variant {variant!r}; choose from {VARIANTS}")
    folder = folder_name(chat.partner)
    pack = hashlib.md5(folder.encode("utf-8")).hexdigest()
    pack_key = base64.b64encode(hashlib.sha256(pack.encode("ascii")).digest()).decode("ascii")
    entries: dict[str, _Entry] = {}
    order: list[_Entry] = []
    by_id = {m.record_id: m for m in chat.messages if m.record_id}
    for i, m in enumerate(chat.messages):
        if m.kind is Kind.SYSTEM:
            continue
        if m.kind is Kind.REACTION:
            target = by_id.get(m.reply_to or "")
            while target is not None and target.kind is Kind.REACTION:
                target = by_id.get(target.reply_to or "")
            if target is not None and target.record_id in entries:
                entry = entries[target.record_id]
                if not entry.deleted:
                    entry.reactions[m.sender] = m.text
            continue
        entry = _entry(m, i, chat.me, folder, pack, pack_key)
        order.append(entry)
        if m.record_id:
            entries[m.record_id] = entry

    def reactor(name: str) -> str:
        return _ME_IN_REACTIONS if name == chat.me else folder

    markdown = "".join(_markdown(e, reactor) for e in order)
    lines = "".join(_json_line(e, reactor) + "\n" for e in order)
    jsonl = variant == "jsonl"
    expected: list[Message] = []
    for e in order:
        at = e.at if jsonl else e.at.replace(microsecond=0)
        kind = Kind.TEXT if e.kind is Kind.EDITED and not jsonl else e.kind
        if e.sticker is not None:
            text = e.sticker["emoji"]
            attachments: tuple[str, ...] = (_sticker_path(e.sticker),)
        else:
            text = "" if e.deleted else e.body
            attachments = tuple(name for name, _ in e.attachments)
        expected.append(
            Message(
                sent_at=at,
                sender=e.sender,
                text=text,
                kind=kind,
                from_me=e.from_me,
                attachments=attachments,
                chat=folder,
            )
        )
        for name, emoji in e.reactions.items():
            mine = name == chat.me
            expected.append(
                Message(
                    sent_at=at,
                    sender=_ME if mine else folder,
                    text=emoji,
                    kind=Kind.REACTION,
                    from_me=mine,
                    chat=folder,
                )
            )
    main = f"{folder}/data.json" if jsonl else f"{folder}/chat.md"
    return Rendered(
        files={
            f"{folder}/chat.md": markdown.encode("utf-8"),
            f"{folder}/data.json": lines.encode("utf-8"),
        },
        main=main,
        expected=tuple(expected),
        variant=variant,
    )


def _entry(m: Message, i: int, me: str, folder: str, pack: str, pack_key: str) -> _Entry:
    mine = m.sender == me
    # Signal keeps milliseconds; a fixed pattern keeps the render deterministic.
    at = m.sent_at + timedelta(milliseconds=(i * 337) % 1000)
    entry = _Entry(
        at=at,
        sender=_ME if mine else folder,
        body=m.text.replace("`", ""),
        kind=m.kind,
        from_me=m.from_me,
    )
    if m.kind is Kind.POLL:
        entry.kind = Kind.TEXT
    elif m.kind is Kind.EDITED:
        entry.edits = [{"date": at.isoformat(), "body": entry.body[: max(1, len(entry.body) // 2)]}]
    elif m.kind is Kind.DELETED:
        entry.body, entry.deleted = "", True
    elif m.kind is Kind.CALL:
        entry.body, entry.missed = _call_text(m.text, mine, i)
        entry.call = True
    elif m.kind is Kind.STICKER:
        entry.body = ""
        entry.sticker = {
            "id": str(i % 24),
            "packId": pack,
            "packKey": pack_key,
            "emoji": _STICKER_EMOJI[i % len(_STICKER_EMOJI)],
            "extension": "webp",
        }
    elif m.kind is Kind.MEDIA:
        stamp = at.isoformat(timespec="milliseconds").replace(":", "-")
        for n, original in enumerate(m.attachments):
            clean = original.replace(" ", "_").replace("/", "-").replace(",", "")
            name = f"{stamp}_{n:02}_{clean.replace(':', '-').replace('|', '-')}"
            entry.attachments.append((name, _SPACE.sub("%20", f"media/{name}")))
    return entry


def _call_text(text: str, mine: bool, i: int) -> tuple[str, bool]:
    """Signal's words for a call, from the user's side; and whether it was missed."""
    label = "video call" if "video" in text.lower() else "voice call"
    if text.startswith("Missed"):
        return (f"Outgoing {label} (unanswered)" if mine else f"Missed {label}"), True
    minutes, seconds = divmod(15 + (i * 37) % 1200, 60)
    duration = f"{minutes}m {seconds}s" if minutes else f"{seconds}s"
    return f"{'Outgoing' if mine else 'Incoming'} {label} (accepted, {duration})", False


def _sticker_path(sticker: dict[str, str]) -> str:
    return f"exported_stickers/{sticker['packId']}/{sticker['id']}.{sticker['extension']}"


def _markdown(e: _Entry, reactor: Callable[[str], str]) -> str:
    stamp = e.at.strftime("%Y-%m-%d %H:%M:%S")
    if e.deleted:
        return f"[{stamp}] {e.sender}: (This message was deleted)\n\n"
    body = e.body + "  "
    if e.reactions:
        listed = ", ".join(f"{reactor(n)}: {emoji}" for n, emoji in e.reactions.items())
        body += f"\n(- {listed} -)"
    if e.sticker is not None:
        body += f"[{e.sticker['emoji']}](../{_sticker_path(e.sticker)})  "
    for name, path in e.attachments:
        bang = "!" if path.rpartition(".")[2].lower() in _IMAGE_EXTENSIONS else ""
        body += f"{bang}[{name}](./{path})  "
    return f"[{stamp}] {e.sender}: {body}\n\n"


def _json_line(e: _Entry, reactor: Callable[[str], str]) -> str:
    record: dict[str, object] = {
        "date": e.at.isoformat(),
        "sender": e.sender,
        "body": e.body + "  ",
        "quote": "",
        "sticker": e.sticker,
        "reactions": [[reactor(n), emoji] for n, emoji in e.reactions.items()],
        "attachments": [{"name": name, "path": path} for name, path in e.attachments],
        "deleted": e.deleted,
        "call": e.call,
        "missed": e.missed,
        "edits": e.edits,
    }
    return json.dumps(record, ensure_ascii=False)
