"""A conversation as a spreadsheet or script would save it: CSV or JSON Lines, one message a row.

Variants:

- ``csv``: ``timestamp,sender,text,kind,attachments,from_me,id,reply_to``, comma separated, UTF-8
  without BOM, CRLF rows; times in ISO 8601 with the UTC offset (``2025-01-06T20:15:07+02:00``;
  naive where the message has no offset). Found by its header alone.
- ``csv-semicolon-custom-columns``: what a German Excel saves: UTF-8 with BOM, ``;`` separated,
  columns ``Zeitpunkt;Von;Nachricht;Typ;Anhänge;Von mir``, times ``06.01.2025 20:15:07``,
  ``from_me`` as 1/0. No column name is a common one, so it must be read with the options in
  ``Rendered.notes`` (``key=value``, as ``--column`` takes them).
- ``jsonl``: ``{"ts": <epoch ms>, "sender", "text", "kind", "attachments": [...], "from_me",
  "id", "reply_to"}`` one object a line.

Every field is carried, so ``expected`` is ``chat.messages`` unchanged, except that in ``jsonl``
the epoch times read back as UTC: each time moves by the chat's UTC offset.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from pushpull.model import Message
from pushpull.synth._chat import Rendered, SynthChat

VARIANTS: tuple[str, ...] = ("csv", "csv-semicolon-custom-columns", "jsonl")

_GERMAN_COLUMNS = ("Zeitpunkt", "Von", "Nachricht", "Typ", "Anhänge", "Von mir")
_GERMAN_TIME = "%d.%m.%Y %H:%M:%S"
_GERMAN_OPTIONS = (
    "ts=Zeitpunkt",
    "sender=Von",
    "text=Nachricht",
    "kind=Typ",
    "attachments=Anhänge",
    "from_me=Von mir",
    f"time_format={_GERMAN_TIME}",
)
_EPOCH = datetime(1970, 1, 1)


def render(chat: SynthChat, variant: str) -> Rendered:
    if variant not in VARIANTS:
        raise ValueError(f"unknown generic variant {variant!r}; choose from {VARIANTS}")
    stem = "".join(ch if ch.isalnum() else "_" for ch in chat.title) or "chat"
    if variant == "jsonl":
        shift = timedelta(seconds=chat.utc_offset_s)
        lines = [_json_line(m, shift) for m in chat.messages]
        expected = tuple(_shifted(m, shift) for m in chat.messages)
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        return Rendered(
            files={f"{stem}.jsonl": data}, main=f"{stem}.jsonl", expected=expected, variant=variant
        )
    buffer = io.StringIO(newline="")
    if variant == "csv":
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(
            ("timestamp", "sender", "text", "kind", "attachments", "from_me", "id", "reply_to")
        )
        for m in chat.messages:
            writer.writerow(
                (
                    _iso(m),
                    m.sender,
                    m.text,
                    m.kind.value,
                    "|".join(m.attachments),
                    "" if m.from_me is None else str(m.from_me).lower(),
                    m.record_id or "",
                    m.reply_to or "",
                )
            )
        data = buffer.getvalue().encode("utf-8")
        notes: tuple[str, ...] = ()
    else:
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(_GERMAN_COLUMNS)
        for m in chat.messages:
            writer.writerow(
                (
                    m.sent_at.strftime(_GERMAN_TIME),
                    m.sender,
                    m.text,
                    m.kind.value,
                    "|".join(m.attachments),
                    "" if m.from_me is None else str(int(m.from_me)),
                )
            )
        data = buffer.getvalue().encode("utf-8-sig")
        notes = _GERMAN_OPTIONS
    return Rendered(
        files={f"{stem}.csv": data},
        main=f"{stem}.csv",
        expected=chat.messages,
        variant=variant,
        notes=notes,
    )


def _iso(m: Message) -> str:
    if m.utc_offset_s is None:
        return m.sent_at.isoformat()
    zone = timezone(timedelta(seconds=m.utc_offset_s))
    return m.sent_at.replace(tzinfo=zone).isoformat()


def _json_line(m: Message, shift: timedelta) -> str:
    epoch_ms = (m.sent_at - shift - _EPOCH) // timedelta(milliseconds=1)
    record = {
        "ts": epoch_ms,
        "sender": m.sender,
        "text": m.text,
        "kind": m.kind.value,
        "attachments": list(m.attachments),
        "from_me": m.from_me,
        "id": m.record_id,
        "reply_to": m.reply_to,
    }
    return json.dumps(record, ensure_ascii=False)


def _shifted(m: Message, shift: timedelta) -> Message:
    """``m`` as read back from an epoch time: UTC wall-clock, offset 0."""
    return replace(m, sent_at=m.sent_at - shift, utc_offset_s=0)
