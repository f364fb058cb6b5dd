"""Messages as one columnar table: the shape the store ingests and the analysis reads.

Most formats yield ``Message`` objects and :func:`messages_to_frame` turns them into columns. A
format that must be very fast (WhatsApp) may instead build the columns itself by offering
``read_frame(file) -> MessageFrame``; :func:`frame_to_messages` turns a frame back into
``Message`` objects so both routes give the same result.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import polars as pl

from pushpull.model import Kind, Message, ParseIssue

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["FRAME_SCHEMA", "MessageFrame", "frame_to_messages", "messages_to_frame"]

#: Columns of a message frame, in order. ``line`` is the 1-based line or record number.
FRAME_SCHEMA: dict[str, pl.DataType] = {
    "sent_at": pl.Datetime("us"),
    "utc_offset_s": pl.Int32(),
    "sender": pl.String(),
    "text": pl.String(),
    "kind": pl.String(),
    "from_me": pl.Boolean(),
    "attachments": pl.List(pl.String()),
    "reply_to": pl.String(),
    "record_id": pl.String(),
    "line": pl.Int64(),
    "chat": pl.String(),
}


@cache
def _arrow_types() -> dict[str, pa.DataType]:
    """The Arrow type of each column (pyarrow is loaded on first use: a format with its own
    column path, like WhatsApp's, never needs it, and loading it and NumPy costs 0.15 s)."""
    import pyarrow as pa

    return {
        "sent_at": pa.timestamp("us"),
        "utc_offset_s": pa.int32(),
        "sender": pa.string(),
        "text": pa.string(),
        "kind": pa.string(),
        "from_me": pa.bool_(),
        "attachments": pa.list_(pa.string()),
        "reply_to": pa.string(),
        "record_id": pa.string(),
        "line": pa.int64(),
        "chat": pa.string(),
    }


@dataclass(slots=True)
class MessageFrame:
    """A format's whole output: messages in file order as columns, plus the repairs it made."""

    messages: pl.DataFrame
    issues: list[ParseIssue] = field(default_factory=list)

    def __len__(self) -> int:
        return self.messages.height


def messages_to_frame(items: Iterable[Message | ParseIssue]) -> MessageFrame:
    """Collect a reader's output into columns (issues are kept aside, in order)."""
    columns: dict[str, list[object]] = {name: [] for name in FRAME_SCHEMA}
    sent_at = columns["sent_at"].append
    utc = columns["utc_offset_s"].append
    sender = columns["sender"].append
    text = columns["text"].append
    kind = columns["kind"].append
    from_me = columns["from_me"].append
    attachments = columns["attachments"].append
    reply_to = columns["reply_to"].append
    record_id = columns["record_id"].append
    line = columns["line"].append
    chat = columns["chat"].append
    issues: list[ParseIssue] = []
    for item in items:
        if isinstance(item, ParseIssue):
            issues.append(item)
            continue
        sent_at(item.sent_at)
        utc(item.utc_offset_s)
        sender(item.sender)
        text(item.text)
        kind(item.kind.value)
        from_me(item.from_me)
        attachments(item.attachments)
        reply_to(item.reply_to)
        record_id(item.record_id)
        line(item.line)
        chat(item.chat)
    # pyarrow builds columns from Python objects several times faster than Polars does.
    import pyarrow as pa

    types = _arrow_types()
    table = pa.table({name: pa.array(values, type=types[name]) for name, values in columns.items()})
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return MessageFrame(frame.cast(pl.Schema(FRAME_SCHEMA)), issues)


def frame_to_messages(frame: pl.DataFrame) -> Iterator[Message]:
    """The rows of a message frame as ``Message`` objects."""
    for row in frame.select(list(FRAME_SCHEMA)).iter_rows(named=True):
        yield Message(
            sent_at=row["sent_at"],
            utc_offset_s=row["utc_offset_s"],
            sender=row["sender"],
            text=row["text"],
            kind=Kind(row["kind"]),
            from_me=row["from_me"],
            attachments=tuple(row["attachments"] or ()),
            reply_to=row["reply_to"],
            record_id=row["record_id"],
            line=row["line"],
            chat=row["chat"] or "",
        )
