"""A conversation written as WhatsApp's "Export chat" writes it, in the layouts and languages
pushpull reads (markers from ``data/whatsapp/markers.json``).

Variants: Android and iOS layouts, 24 h and 12 h clocks, day-, month- and year-first dates, six
app languages, with and without media (file names), and the ``.zip`` iOS and Android share.

What ``expected`` keeps (the projection), and why:

- time: Android writes minutes only, so seconds are dropped there; iOS keeps them;
- ``from_me``, ``utc_offset_s``, ``record_id``, ``reply_to``: not in the export, so None;
- REACTION: WhatsApp does not export reactions, so they are left out;
- SYSTEM: the encryption notice becomes the app's notice in the variant's language (sender "");
- CALL: the app's words for the call in that language;
- DELETED: "" (the app writes "You deleted this message" for the exporter's own, "This message
  was deleted" for the other person's);
- MEDIA / STICKER: the caption; the file name only where the variant writes names (an export
  "with media"; iOS names files like ``00000012-PHOTO-2025-01-06-21-15-07.jpg``). Android
  "without media" writes ``<Media omitted>`` for stickers too, so they come back as MEDIA;
- POLL: the question (the options are written but are not a message); LOCATION: the maps URL;
  EDITED: the new text (the app appends "<This message was edited>").
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from pushpull.model import Kind, Message
from pushpull.synth._chat import Rendered, SynthChat
from pushpull.synth._generate import ENCRYPTION_NOTICE

__all__ = ["VARIANTS", "render"]

LRM = "\u200e"
NNBSP = "\u202f"
NBSP = "\u00a0"


def _h12(t: datetime) -> int:
    return t.hour % 12 or 12


def _us(t: datetime) -> str:
    return "AM" if t.hour < 12 else "PM"


def _es(t: datetime) -> str:
    return f"a.{NBSP}m." if t.hour < 12 else f"p.{NBSP}m."


@dataclass(frozen=True, slots=True)
class _Style:
    ios: bool
    lang: str
    #: The timestamp part of a line as the app writes it.
    stamp: Callable[[datetime], str]
    #: True for an export "with media": attachment file names are written.
    names: bool
    zip: bool = False


_STYLES: dict[str, _Style] = {
    "android-24h-dmy": _Style(False, "en", lambda t: f"{t:%d/%m/%Y, %H:%M}", names=True),
    "android-12h-mdy": _Style(
        False,
        "en",
        lambda t: f"{t.month}/{t.day}/{t:%y}, {_h12(t)}:{t:%M}{NNBSP}{_us(t)}",
        names=False,
    ),
    "ios-24h-dmy": _Style(True, "en", lambda t: f"{t:%d/%m/%Y, %H:%M:%S}", names=True),
    "ios-12h-mdy": _Style(
        True,
        "en",
        lambda t: f"{t.month}/{t.day}/{t:%y}, {_h12(t)}:{t:%M:%S}{NNBSP}{_us(t)}",
        names=False,
    ),
    "android-24h-ymd": _Style(False, "en", lambda t: f"{t:%Y-%m-%d %H:%M}", names=False),
    "android-de": _Style(False, "de", lambda t: f"{t:%d.%m.%y, %H:%M}", names=False),
    "android-es": _Style(
        False,
        "es",
        lambda t: f"{t.day}/{t.month}/{t:%y}, {_h12(t)}:{t:%M}{NNBSP}{_es(t)}",
        names=True,
    ),
    "android-pt": _Style(False, "pt", lambda t: f"{t:%d/%m/%Y %H:%M}", names=False),
    "android-fr": _Style(False, "fr", lambda t: f"{t:%d/%m/%Y} à {t:%H:%M}", names=True),
    "android-it": _Style(False, "it", lambda t: f"{t:%d/%m/%y, %H:%M}", names=False),
    "zip-ios": _Style(True, "en", lambda t: f"{t:%d/%m/%Y, %H:%M:%S}", names=True, zip=True),
    "zip-android": _Style(False, "en", lambda t: f"{t:%d/%m/%Y, %H:%M}", names=True, zip=True),
}

VARIANTS: tuple[str, ...] = tuple(_STYLES)

#: Synthetic attachment prefix -> (iOS file type, kind word in markers.json).
_MEDIA_TYPES = {
    "IMG": ("PHOTO", "photo"),
    "VID": ("VIDEO", "video"),
    "PTT": ("AUDIO", "audio"),
    "STK": ("STICKER", "sticker"),
}


@cache
def _markers() -> dict[str, Any]:
    text = resources.files("pushpull").joinpath("data/whatsapp/markers.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


class _Writer:
    """Writes one export line by line and keeps what the importer must give back."""

    def __init__(self, chat: SynthChat, style: _Style) -> None:
        self.chat = chat
        self.style = style
        self.words: dict[str, Any] = _markers()["languages"][style.lang]
        self.lines: list[str] = []
        self.line = 1
        self.expected: list[Message] = []
        self.media: dict[str, bytes] = {}

    def add(
        self,
        m: Message,
        body: str,
        sender: str,
        text: str,
        kind: Kind,
        files: tuple[str, ...] = (),
    ) -> None:
        """Write ``body`` as ``m``'s line(s) and expect (sender, text, kind, files) back."""
        style = self.style
        at = m.sent_at if style.ios else m.sent_at.replace(second=0)
        stamp = style.stamp(m.sent_at)
        marked = kind not in (Kind.TEXT, Kind.EDITED)
        if style.ios:
            who = m.sender or self.chat.title
            lead = LRM if marked else ""
            entry = f"{lead}[{stamp}] {who}: {lead}{body}"
        elif m.sender:
            entry = f"{stamp} - {m.sender}: {body}"
        else:
            entry = f"{stamp} - {body}"
        self.lines.append(entry)
        self.expected.append(
            Message(
                sent_at=at,
                sender=sender,
                text=text,
                kind=kind,
                attachments=files,
                line=self.line,
                chat=self.chat.title,
            )
        )
        self.line += entry.count("\n") + 1

    def write(self, m: Message) -> None:
        words, ios = self.words, self.style.ios
        kind = m.kind
        if kind is Kind.REACTION:
            return
        if kind is Kind.SYSTEM:
            text = m.text
            if text == ENCRYPTION_NOTICE:
                text = words["encryption_notice_ios" if ios else "encryption_notice"]
            self.add(m, text, "", text, Kind.SYSTEM)
        elif kind is Kind.TEXT:
            self.add(m, m.text, m.sender, m.text, Kind.TEXT)
        elif kind is Kind.EDITED:
            marker = words["edited"][0]
            self.add(m, f"{m.text} {LRM if ios else ''}{marker}", m.sender, m.text, Kind.EDITED)
        elif kind is Kind.DELETED:
            mine = m.sender == self.chat.me
            note = words["deleted_by_me" if mine else "deleted_by_other"]
            if ios and not note.endswith("."):
                note += "."
            self.add(m, note, m.sender, "", Kind.DELETED)
        elif kind is Kind.CALL:
            said = words["calls"].get(m.text, m.text)
            self.add(m, said, m.sender, said, Kind.CALL)
        elif kind is Kind.POLL:
            option, votes = words["poll_option"], words["votes"]
            mark = LRM if ios else ""
            body = (
                f"{words['poll']}\n{m.text}\n{mark}{option} Yes (1 {votes[0]})\n"
                f"{mark}{option} No (0 {votes[1]})"
            )
            self.add(m, body, m.sender, m.text, Kind.POLL)
        elif kind is Kind.LOCATION:
            prefixes = words["location"]
            prefix = next((p for p in prefixes if p[0].isupper()), prefixes[0])
            self.add(m, (prefix if ios else prefixes[0]) + m.text, m.sender, m.text, kind)
        else:  # MEDIA, STICKER
            self.write_media(m)

    def write_media(self, m: Message) -> None:
        words, style = self.words, self.style
        original = m.attachments[0] if m.attachments else "IMG-00000000-WA0000.jpg"
        ios_type, word = _MEDIA_TYPES.get(original[:3], ("DOCUMENT", "photo"))
        caption = "\n" + m.text if m.text else ""
        if style.names:
            if style.ios:
                ext = original.rpartition(".")[2]
                name = f"{len(self.media) + 1:08d}-{ios_type}-{m.sent_at:%Y-%m-%d-%H-%M-%S}.{ext}"
                body = f"{words['attached']}{name}>"
            else:
                name = original
                body = f"{name} {words['file_attached']}"
            self.media[name] = b"fake " + name.encode()
            kind = Kind.STICKER if ios_type == "STICKER" else Kind.MEDIA
            self.add(m, body + caption, m.sender, m.text, kind, (name,))
        elif style.ios:
            kind = Kind.STICKER if ios_type == "STICKER" else Kind.MEDIA
            self.add(m, words["omitted_by_kind"][word] + caption, m.sender, m.text, kind)
        else:
            self.add(m, words["media_omitted"][0] + caption, m.sender, m.text, Kind.MEDIA)

    def text(self) -> bytes:
        return ("\n".join(self.lines) + "\n").encode("utf-8")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def render(chat: SynthChat, variant: str) -> Rendered:
    """``chat`` as a WhatsApp export in ``variant`` (one of ``VARIANTS``)."""
    if variant not in _STYLES:
        raise ValueError(f"unknown WhatsApp variant {variant!r}; choose from {VARIANTS}")
    style = _STYLES[variant]
    writer = _Writer(chat, style)
    for m in chat.messages:
        writer.write(m)
    words = writer.words
    pattern = words["chat_file"][1 if style.ios and style.lang == "en" else 0]
    stem = pattern.format(chat.title)
    if style.zip:
        chat_name = "_chat.txt" if style.ios else f"{stem}.txt"
        main = f"{stem}.zip"
        files = {main: _zip({chat_name: writer.text(), **writer.media})}
    else:
        main = f"{stem}.txt"
        files = {main: writer.text()}
    notes = (f"{len(chat.messages) - len(writer.expected)} reactions left out",)
    return Rendered(
        files=files, main=main, expected=tuple(writer.expected), variant=variant, notes=notes
    )
