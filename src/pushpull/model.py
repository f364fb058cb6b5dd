"""The plain data that crosses every layer: one chat message, and a problem found while reading one.

Importers (``pushpull.sources``) yield these; the store (``pushpull.store``) keeps them; the test
data generator (``pushpull.synth``) makes them. Everything here is a frozen, keyword-only
dataclass so that values are hashable, comparable and picklable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["Kind", "Message", "ParseIssue", "content_key"]


class Kind(StrEnum):
    """What a message is, independent of the app it came from."""

    TEXT = "text"
    MEDIA = "media"  # photo, video, voice note, document, GIF ...
    SYSTEM = "system"  # encryption notices, joins, number changes, group renames
    CALL = "call"  # voice/video calls and missed calls
    DELETED = "deleted"  # "This message was deleted", unsent messages
    EDITED = "edited"  # a text message that was edited after sending
    STICKER = "sticker"
    REACTION = "reaction"  # tapbacks and emoji reactions sent as their own record
    POLL = "poll"
    LOCATION = "location"
    DRAFT = "draft"  # written but never sent (an SMS draft): nobody read it


@dataclass(frozen=True, slots=True, kw_only=True)
class Message:
    """One message as the export tells it.

    ``sent_at`` is the wall-clock time the export shows (naive, in the sender's or exporter's
    local time); ``utc_offset_s`` is that clock's offset from UTC when the format records it.
    ``sender`` is the display name the export uses ("" for system lines). ``from_me`` is ``True``
    or ``False`` when the format itself says whether the exporting user sent it, else ``None``.
    ``chat`` names the conversation inside exports that hold several (Telegram full-account
    export, SMS backups, iMessage databases); single-chat formats use a title derived from the
    export. ``record_id`` and ``reply_to`` are the format's own message ids when it has them;
    ``line`` is the 1-based line (or record number) in the source file.
    """

    sent_at: datetime
    sender: str
    text: str
    kind: Kind = Kind.TEXT
    utc_offset_s: int | None = None
    from_me: bool | None = None
    attachments: tuple[str, ...] = ()
    reply_to: str | None = None
    record_id: str | None = None
    line: int | None = None
    chat: str = ""

    def same_content(self, other: Message) -> bool:
        """True when both carry the same time, sender, text, kind and attachments."""
        return content_key(self) == content_key(other)


def content_key(message: Message) -> tuple[object, ...]:
    """The fields every format must carry through a render-then-import round trip."""
    return (message.sent_at, message.sender, message.text, message.kind, message.attachments)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseIssue:
    """A recoverable problem inside a known format: counted and shown as a warning, never fatal.

    ``line`` is 1-based; ``raw`` is the offending text (shortened); ``action`` says what the
    importer did about it (e.g. "kept as part of the previous message").
    """

    line: int | None
    reason: str
    raw: str = ""
    action: str = "kept as part of the previous message"
