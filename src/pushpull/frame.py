"""Messages as one columnar table: the shape the store ingests and the analysis reads.

Most formats yield ``Message`` objects and :func:`messages_to_frame` turns them into columns. A
format that must be very fast (WhatsApp) may instead build the columns itself by offering
``read_frame(file) -> MessageFrame``; :func:`frame_to_messages` turns a frame back into
``Message`` objects so both routes give the same result.
"""

from __future__ import annotations

import re
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


#: A clock's offset from UTC is less than a day; anything else is damage in the export.
_DAY_S = 24 * 3600
#: A UTF-16 surrogate on its own: JSON can spell one ("\\ud800"), UTF-8 cannot hold it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def messages_to_frame(items: Iterable[Message | ParseIssue]) -> MessageFrame:
    """Collect a reader's output into columns (issues are kept aside, in order).

    Two kinds of damage a format's reader passes on are repaired here, each with a warning: a
    clock offset of a day or more is dropped, and a lone UTF-16 surrogate in a text becomes
    U+FFFD.
    """
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
        offset = item.utc_offset_s
        if offset is not None and not -_DAY_S < offset < _DAY_S:
            issues.append(
                ParseIssue(
                    line=item.line,
                    reason=f"its clock is {offset} s from UTC, which no clock is",
                    raw=item.text[:200],
                    action="kept the message without the offset",
                )
            )
            offset = None
        utc(offset)
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
    arrays = {}
    for name, values in columns.items():
        try:
            arrays[name] = pa.array(values, type=types[name])
        except UnicodeEncodeError:
            issues.extend(_replace_lone_surrogates(name, values, columns["line"]))
            arrays[name] = pa.array(values, type=types[name])
    table = pa.table(arrays)
    issues = [_without_lone_surrogates(issue) for issue in issues]
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return MessageFrame(frame.cast(pl.Schema(FRAME_SCHEMA)), issues)


def _replace_lone_surrogates(
    name: str, values: list[object], lines: list[object]
) -> list[ParseIssue]:
    """Put U+FFFD for each lone surrogate in a text column, in place; a warning per row."""
    issues = []
    for i, value in enumerate(values):
        texts = value if isinstance(value, tuple | list) else (value,)
        if not any(isinstance(t, str) and _LONE_SURROGATE.search(t) for t in texts):
            continue
        fixed = tuple(_LONE_SURROGATE.sub("\ufffd", t) if isinstance(t, str) else t for t in texts)
        values[i] = fixed if isinstance(value, tuple | list) else fixed[0]
        line = lines[i]
        issues.append(
            ParseIssue(
                line=line if isinstance(line, int) else None,
                reason=f"its {name} holds a lone UTF-16 surrogate, which is not text",
                raw=", ".join(t for t in fixed if isinstance(t, str))[:200],
                action="replaced it with U+FFFD",
            )
        )
    return issues


def _without_lone_surrogates(issue: ParseIssue) -> ParseIssue:
    """The issue with U+FFFD for any lone surrogate in its texts (it is stored like a row)."""
    texts = (issue.reason, issue.raw, issue.action)
    if not any(_LONE_SURROGATE.search(t) for t in texts):
        return issue
    reason, raw, action = (_LONE_SURROGATE.sub("\ufffd", t) for t in texts)
    return ParseIssue(line=issue.line, reason=reason, raw=raw, action=action)


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
