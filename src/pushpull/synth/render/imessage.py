"""Write a conversation as the Messages database of a Mac (``chat.db``, SQLite).

Variants:

- ``ventura`` (macOS 13-14): nanosecond dates; each message's text also in ``attributedBody``
  (an NSArchiver archive of an NSAttributedString) and, for two messages in three, only there
  (``text`` NULL); edits (``date_edited``) and unsends (``date_retracted``); six tapbacks.
- ``sequoia`` (macOS 15): as ventura, plus emoji tapbacks (type 2006, ``associated_message_emoji``).
- ``legacy`` (macOS 10.12 Sierra): second dates, text in the ``text`` column only, no edit,
  unsend or reply columns.

The owner is "Me"; the partner is the handle ``+15551234567`` in a one-to-one chat.

What the database cannot hold, and so what ``expected`` says instead:

- time: chat.db stores UTC, so ``sent_at`` is the local time minus the offset, ``utc_offset_s=0``;
- the encryption notice (and any other SYSTEM line): Messages shows none, dropped;
- calls: FaceTime history lives in another database, not chat.db, dropped;
- polls: sent as the question in plain text (TEXT);
- location: the maps link sent as a link preview; the importer reads a lone maps link as LOCATION;
- reactions other than the six tapbacks (before Sequoia): sent as the emoji in plain text (TEXT);
- legacy only: no unsend (DELETED messages are dropped) and no edits (EDITED becomes TEXT);
- an edit to nothing reads as an unsend (DELETED), and only a message's first attachment is kept.
"""

from __future__ import annotations

import sqlite3
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from pushpull.model import Kind, Message
from pushpull.synth._chat import Rendered, SynthChat

VARIANTS: tuple[str, ...] = ("ventura", "sequoia", "legacy")

ME = "Me"
PARTNER_HANDLE = "+15551234567"
APPLE_EPOCH = datetime(2001, 1, 1)
OBJECT_MARK = "\ufffc"
URL_BALLOON = "com.apple.messages.URLBalloonProvider"
#: Emoji -> (tapback type, the verb Messages writes into the tapback's text).
TAPBACKS: dict[str, tuple[int, str]] = {
    "❤️": (2000, "Loved"),
    "👍": (2001, "Liked"),
    "👎": (2002, "Disliked"),
    "😂": (2003, "Laughed at"),
    "‼️": (2004, "Emphasized"),
    "❓": (2005, "Questioned"),
}
_GUIDS = uuid.UUID("6f1d3c52-93a4-4c1e-9a57-3e0b1f2d8c10")

_SCHEMA_COMMON = """
CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
CREATE TABLE handle (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
    service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT,
    UNIQUE (id, service));
CREATE TABLE chat (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER,
    state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT,
    room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0,
    last_addressed_handle TEXT, display_name TEXT, group_id TEXT, is_filtered INTEGER,
    successful_query INTEGER);
CREATE TABLE chat_handle_join (
    chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
    handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
CREATE TABLE chat_message_join (
    chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
    message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE,
    message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
CREATE TABLE message_attachment_join (
    message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE,
    attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE,
    UNIQUE(message_id, attachment_id));
CREATE TABLE attachment (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
    created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT,
    mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0,
    user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0,
    is_sticker INTEGER DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB,
    hide_attachment INTEGER DEFAULT 0);
CREATE INDEX chat_message_join_idx_message_id_only ON chat_message_join(message_id);
CREATE INDEX message_attachment_join_idx_message_id ON message_attachment_join(message_id);
"""

_MESSAGE_LEGACY = """
CREATE TABLE message (
    ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
    replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT,
    country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0,
    service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER,
    date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0,
    is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0,
    is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0,
    is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER DEFAULT 0,
    is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0,
    is_service_message INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0,
    was_downgraded INTEGER DEFAULT 0, is_archive INTEGER DEFAULT 0,
    cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT,
    was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0,
    is_audio_message INTEGER DEFAULT 0, is_played INTEGER DEFAULT 0, date_played INTEGER,
    item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT,
    group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0,
    share_direction INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0,
    expire_state INTEGER DEFAULT 0, message_action_type INTEGER DEFAULT 0,
    message_source INTEGER DEFAULT 0, associated_message_guid TEXT,
    associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB,
    expressive_send_style_id TEXT, associated_message_range_location INTEGER DEFAULT 0,
    associated_message_range_length INTEGER DEFAULT 0, time_expressive_send_played INTEGER,
    message_summary_info BLOB);
"""

_MESSAGE_VENTURA_EXTRA = """
ALTER TABLE message ADD COLUMN ck_sync_state INTEGER DEFAULT 0;
ALTER TABLE message ADD COLUMN ck_record_id TEXT;
ALTER TABLE message ADD COLUMN destination_caller_id TEXT;
ALTER TABLE message ADD COLUMN reply_to_guid TEXT;
ALTER TABLE message ADD COLUMN sort_id INTEGER;
ALTER TABLE message ADD COLUMN is_spam INTEGER DEFAULT 0;
ALTER TABLE message ADD COLUMN thread_originator_guid TEXT;
ALTER TABLE message ADD COLUMN thread_originator_part TEXT;
ALTER TABLE message ADD COLUMN date_retracted INTEGER DEFAULT 0;
ALTER TABLE message ADD COLUMN date_edited INTEGER DEFAULT 0;
ALTER TABLE message ADD COLUMN was_detonated INTEGER DEFAULT 0;
ALTER TABLE message ADD COLUMN part_count INTEGER;
CREATE TABLE chat_recoverable_message_join (
    chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
    message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE,
    delete_date INTEGER, ck_sync_state INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
"""

_MESSAGE_SEQUOIA_EXTRA = """
ALTER TABLE message ADD COLUMN associated_message_emoji TEXT;
ALTER TABLE message ADD COLUMN is_stewie INTEGER DEFAULT 0;
"""

_MIME = {"jpg": "image/jpeg", "mp4": "video/mp4", "opus": "audio/ogg", "webp": "image/webp"}
_UTI = {
    "jpg": "public.jpeg",
    "mp4": "public.mpeg-4",
    "opus": "org.xiph.opus",
    "webp": "org.webmproject.webp",
}


def _archived_int(value: int) -> bytes:
    """An integer as NSArchiver writes it: one byte below 0x80, else a 0x81/0x82 prefix."""
    if 0 <= value < 0x80:
        return bytes([value])
    if 0 <= value < 0x8000:
        return b"\x81" + value.to_bytes(2, "little")
    return b"\x82" + value.to_bytes(4, "little", signed=True)


def archive_text(text: str) -> bytes:
    """``text`` as the ``attributedBody`` Messages writes: an archived NSAttributedString.

    The layout is the one macOS writes for a plain message: the "streamtyped" header, the
    NSAttributedString -> NSObject class chain, the NSString (type ``+``, byte length, UTF-8),
    then one attribute run (its length in UTF-16 units) whose dictionary says
    ``__kIMMessagePartAttributeName = 0``.
    """
    data = text.encode("utf-8")
    units = len(text.encode("utf-16-le")) // 2
    return b"".join(
        (
            b"\x04\x0bstreamtyped\x81\xe8\x03",
            b"\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85",
            b"\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+",
            _archived_int(len(data)),
            data,
            b"\x86\x84\x02iI\x01",
            _archived_int(units),
            b"\x92\x84\x84\x84\x0cNSDictionary\x00\x94\x84\x01i\x01",
            b"\x92\x84\x96\x96\x1d__kIMMessagePartAttributeName\x86",
            b"\x92\x84\x84\x84\x08NSNumber\x00\x84\x84\x07NSValue\x00\x94\x84\x01*\x84\x99\x99\x00",
            b"\x86\x86\x86",
        )
    )


def _apple_ns(moment: datetime) -> int:
    delta = moment - APPLE_EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000


def _apple_s(moment: datetime) -> int:
    delta = moment - APPLE_EPOCH
    return delta.days * 86400 + delta.seconds


@dataclass(slots=True)
class _Row:
    """One message row, before it is written."""

    guid: str
    text: str | None
    body: bytes | None
    from_me: bool
    date: int
    date_edited: int = 0
    date_retracted: int = 0
    associated_guid: str | None = None
    associated_type: int = 0
    associated_emoji: str | None = None
    balloon: str | None = None
    attachment: str | None = None
    sticker: bool = False


def render(chat: SynthChat, variant: str) -> Rendered:
    if variant not in VARIANTS:
        raise ValueError(f"unknown iMessage variant {variant!r}; choose from {VARIANTS}")
    legacy = variant == "legacy"
    emoji_tapbacks = variant == "sequoia"

    def guid_of(record_id: str | None, index: int) -> str:
        key = f"{chat.truth.scenario}:{chat.truth.seed}:{record_id or index}"
        return str(uuid.uuid5(_GUIDS, key)).upper()

    texts: dict[str, str] = {}
    rows: list[_Row] = []
    expected: list[Message] = []
    for index, m in enumerate(chat.messages):
        if m.kind in (Kind.SYSTEM, Kind.CALL):
            continue
        if legacy and m.kind is Kind.DELETED:
            continue
        offset = m.utc_offset_s if m.utc_offset_s is not None else chat.utc_offset_s
        at_utc = m.sent_at - timedelta(seconds=offset)
        if legacy:
            at_utc = at_utc.replace(microsecond=0)
        date = _apple_s(at_utc) if legacy else _apple_ns(at_utc)
        guid = guid_of(m.record_id, index)
        from_me = bool(m.from_me)
        kind, text = m.kind, m.text
        row = _Row(guid=guid, text=text, body=None, from_me=from_me, date=date)
        reply_to: str | None = None
        attachments: tuple[str, ...] = ()
        if kind is Kind.REACTION and (text in TAPBACKS or emoji_tapbacks):
            target = guid_of(m.reply_to, -1) if m.reply_to else guid
            reply_to = target
            quoted = texts.get(target, "")
            if text in TAPBACKS:
                row.associated_type, verb = TAPBACKS[text]
                row.text = f"{verb} “{quoted}”"
            else:
                row.associated_type, row.associated_emoji = 2006, text
                row.text = f"Reacted {text} to “{quoted}”"
            row.associated_guid = f"p:0/{target}"
        elif kind in (Kind.REACTION, Kind.POLL) or (kind is Kind.EDITED and legacy):
            kind = Kind.TEXT
        elif kind is Kind.EDITED:
            row.date_edited = date + 30_000_000_000
            kind = kind if text else Kind.DELETED
        elif kind is Kind.DELETED:
            row.text, text = None, ""
            row.date_edited = row.date_retracted = date + 90_000_000_000
        elif kind is Kind.LOCATION:
            row.balloon = URL_BALLOON
        elif kind in (Kind.MEDIA, Kind.STICKER) and m.attachments:
            row.text = OBJECT_MARK + text
            row.attachment = m.attachments[0]
            row.sticker = kind is Kind.STICKER
            attachments = (m.attachments[0],)
        elif kind in (Kind.MEDIA, Kind.STICKER):
            kind = Kind.TEXT  # nothing attached: all that is left is the caption
        if not legacy and row.text is not None and not row.associated_type:
            row.body = archive_text(row.text)
            if len(rows) % 3 != 0:
                row.text = None
        rows.append(row)
        texts[guid] = text
        expected.append(
            Message(
                sent_at=at_utc,
                sender=ME if from_me else PARTNER_HANDLE,
                text=text,
                kind=kind,
                utc_offset_s=0,
                from_me=from_me,
                attachments=attachments,
                reply_to=reply_to,
                record_id=guid,
                line=len(rows),
                chat=PARTNER_HANDLE,
            )
        )
    data = _write_database(rows, variant)
    return Rendered(
        files={"chat.db": data},
        main="chat.db",
        expected=tuple(expected),
        variant=variant,
        notes=(
            "times are UTC (chat.db has no zone)",
            "calls and the encryption notice are not in chat.db",
        ),
    )


def _write_database(rows: list[_Row], variant: str) -> bytes:
    legacy = variant == "legacy"
    with tempfile.TemporaryDirectory(prefix="pushpull-imessage-") as folder:
        path = Path(folder) / "chat.db"
        conn = sqlite3.connect(path)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            script = _SCHEMA_COMMON + _MESSAGE_LEGACY
            if not legacy:
                script += _MESSAGE_VENTURA_EXTRA
            if variant == "sequoia":
                script += _MESSAGE_SEQUOIA_EXTRA
            conn.executescript(script)
            _fill(conn, rows, legacy=legacy, emoji=variant == "sequoia")
            conn.commit()
        finally:
            conn.close()
        return path.read_bytes()


def _fill(conn: sqlite3.Connection, rows: list[_Row], *, legacy: bool, emoji: bool) -> None:
    conn.executemany(
        "INSERT INTO _SqliteDatabaseProperties (key, value) VALUES (?, ?)",
        [("_ClientVersion", "14006" if legacy else "18026"), ("counter_in_all", str(len(rows)))],
    )
    conn.execute(
        "INSERT INTO handle (id, country, service, uncanonicalized_id, person_centric_id) "
        "VALUES (?, 'us', 'iMessage', NULL, NULL)",
        (PARTNER_HANDLE,),
    )
    conn.execute(
        "INSERT INTO chat (guid, style, state, account_id, chat_identifier, service_name, "
        "account_login, last_addressed_handle, display_name, is_filtered, successful_query) "
        "VALUES (?, 45, 3, 'C1A0E5D2-0000-4000-8000-000000000001', ?, 'iMessage', "
        "'E:me@example.com', 'me@example.com', '', 0, 1)",
        (f"iMessage;-;{PARTNER_HANDLE}", PARTNER_HANDLE),
    )
    conn.execute("INSERT INTO chat_handle_join (chat_id, handle_id) VALUES (1, 1)")
    extra = "" if legacy else ", date_edited, date_retracted"
    extra += ", associated_message_emoji" if emoji else ""
    n_extra = extra.count(",")
    insert = (
        "INSERT INTO message (guid, text, attributedBody, handle_id, service, account, date, "
        "date_read, date_delivered, is_delivered, is_finished, is_from_me, is_read, is_sent, "
        "cache_has_attachments, associated_message_guid, associated_message_type, "
        f"balloon_bundle_id, is_audio_message{extra}) VALUES "
        f"(?, ?, ?, 1, 'iMessage', 'E:me@example.com', ?, ?, ?, 1, 1, ?, ?, ?, ?, ?, ?, ?, ?"
        f"{', ?' * n_extra})"
    )
    attachment_id = 0
    for rowid, row in enumerate(rows, start=1):
        has_file = row.attachment is not None
        values: list[object] = [
            row.guid,
            row.text,
            row.body,
            row.date,
            0 if row.from_me else row.date,
            row.date if row.from_me else 0,
            int(row.from_me),
            int(not row.from_me),
            int(row.from_me),
            int(has_file),
            row.associated_guid,
            row.associated_type,
            row.balloon,
            int(bool(row.attachment and row.attachment.endswith(".opus"))),
        ]
        if not legacy:
            values += [row.date_edited, row.date_retracted]
        if emoji:
            values.append(row.associated_emoji)
        conn.execute(insert, values)
        conn.execute(
            "INSERT INTO chat_message_join (chat_id, message_id, message_date) VALUES (1, ?, ?)",
            (rowid, row.date),
        )
        if row.attachment is not None:
            attachment_id += 1
            ext = row.attachment.rsplit(".", 1)[-1].lower()
            file_guid = row.guid[:-4] + f"{attachment_id:04X}"
            conn.execute(
                "INSERT INTO attachment (guid, created_date, start_date, filename, uti, mime_type, "
                "transfer_state, is_outgoing, transfer_name, total_bytes, is_sticker) "
                "VALUES (?, ?, ?, ?, ?, ?, 5, ?, ?, ?, ?)",
                (
                    f"at_0_{file_guid}",
                    row.date // 1_000_000_000 if not legacy else row.date,
                    0,
                    f"~/Library/Messages/Attachments/{file_guid[:2].lower()}/"
                    f"{attachment_id % 100:02d}/{file_guid}/{row.attachment}",
                    _UTI.get(ext, "public.data"),
                    _MIME.get(ext, "application/octet-stream"),
                    int(row.from_me),
                    row.attachment,
                    1000 + 37 * attachment_id,
                    int(row.sticker),
                ),
            )
            conn.execute(
                "INSERT INTO message_attachment_join (message_id, attachment_id) VALUES (?, ?)",
                (rowid, attachment_id),
            )
