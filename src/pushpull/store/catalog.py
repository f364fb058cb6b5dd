"""Reading and managing what the store holds: conversations, who is "me", export, forget.

Values reach SQL as :func:`~pushpull.store.database.execute`'s tables (names) or as formatted
integers (ids), never through DuckDB's parameter binding, which imports pandas (see
:mod:`pushpull.store.database`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

import polars as pl

from pushpull.errors import ConversationNotFoundError, ParticipantError, UsageError
from pushpull.store.database import Store, execute, values

__all__ = [
    "EXPORT_FORMATS",
    "ConversationSummary",
    "Participant",
    "export_conversation",
    "forget_conversation",
    "forget_everything",
    "list_conversations",
    "load_messages",
    "resolve_conversation",
    "set_me",
]

EXPORT_FORMATS = ("jsonl", "csv", "parquet")


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    name: str
    is_me: bool
    n_messages: int
    by_kind: dict[str, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationSummary:
    """One conversation as ``pushpull conversations`` shows it."""

    id: int
    name: str
    participants: tuple[Participant, ...]
    n_messages: int
    by_kind: dict[str, int]
    first_at: datetime | None
    last_at: datetime | None
    source_files: tuple[str, ...]

    @property
    def me(self) -> str | None:
        return next((p.name for p in self.participants if p.is_me), None)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "me": self.me,
            "participants": [
                {
                    "name": p.name,
                    "is_me": p.is_me,
                    "messages": p.n_messages,
                    "by_kind": p.by_kind,
                }
                for p in self.participants
            ],
            "messages": self.n_messages,
            "by_kind": self.by_kind,
            "first_at": self.first_at.isoformat() if self.first_at else None,
            "last_at": self.last_at.isoformat() if self.last_at else None,
            "source_files": list(self.source_files),
        }


def resolve_conversation(store: Store, ref: str) -> tuple[int, str]:
    """The (id, name) of the conversation called ``ref`` (exact, then case-blind, then id)."""
    rows = store.con.execute("SELECT id, name FROM conversations ORDER BY id").fetchall()
    for conv_id, name in rows:
        if name == ref:
            return int(conv_id), str(name)
    folded = [(i, n) for i, n in rows if str(n).casefold() == ref.casefold()]
    if len(folded) == 1:
        return int(folded[0][0]), str(folded[0][1])
    if ref.isdigit():
        for conv_id, name in rows:
            if int(conv_id) == int(ref):
                return int(conv_id), str(name)
    raise ConversationNotFoundError(ref, [str(n) for _, n in rows])


def list_conversations(store: Store) -> list[ConversationSummary]:
    """Every conversation with its participants, counts per sender and kind, dates and files."""
    con = store.con
    per_kind = con.execute(
        "SELECT conversation_id, sender, kind, count(*) FROM messages GROUP BY ALL"
    ).fetchall()
    counts: dict[int, dict[str, dict[str, int]]] = {}
    for conv_id, sender, kind, n in per_kind:
        counts.setdefault(conv_id, {}).setdefault(sender, {})[kind] = int(n)
    spans = {
        int(c): (a, b)
        for c, a, b in con.execute(
            "SELECT conversation_id, min(sent_at), max(sent_at) FROM messages GROUP BY 1"
        ).fetchall()
    }
    files: dict[int, list[str]] = {}
    for conv_id, file_name in con.execute(
        "SELECT DISTINCT ic.conversation_id, i.file_name FROM import_conversations ic "
        "JOIN imports i ON i.id = ic.import_id ORDER BY 1, 2"
    ).fetchall():
        files.setdefault(int(conv_id), []).append(str(file_name))
    people: dict[int, list[tuple[str, bool]]] = {}
    for conv_id, name, is_me in con.execute(
        "SELECT conversation_id, name, is_me FROM participants ORDER BY conversation_id, name"
    ).fetchall():
        people.setdefault(int(conv_id), []).append((str(name), bool(is_me)))

    summaries = []
    for conv_id, name in con.execute("SELECT id, name FROM conversations ORDER BY id").fetchall():
        by_sender = counts.get(conv_id, {})
        by_kind: dict[str, int] = {}
        for kinds in by_sender.values():
            for kind, n in kinds.items():
                by_kind[kind] = by_kind.get(kind, 0) + n
        parts = tuple(
            Participant(
                name=p,
                is_me=is_me,
                n_messages=sum(by_sender.get(p, {}).values()),
                by_kind=dict(sorted(by_sender.get(p, {}).items())),
            )
            for p, is_me in people.get(conv_id, [])
        )
        first, last = spans.get(conv_id, (None, None))
        summaries.append(
            ConversationSummary(
                id=int(conv_id),
                name=str(name),
                participants=parts,
                n_messages=sum(by_kind.values()),
                by_kind=dict(sorted(by_kind.items())),
                first_at=first,
                last_at=last,
                source_files=tuple(files.get(conv_id, [])),
            )
        )
    return summaries


def conversation_me(store: Store, ref: str) -> tuple[str, str | None]:
    """The conversation's name and who the user is in it (None when not known yet)."""
    conv_id, conv_name = resolve_conversation(store, ref)
    row = store.con.execute(
        f"SELECT name FROM participants WHERE conversation_id = {conv_id:d} AND is_me"
    ).fetchone()
    return conv_name, (str(row[0]) if row else None)


def require_me(store: Store, ref: str) -> tuple[str, str]:
    """Like :func:`conversation_me`, but a conversation whose user is not known is an error."""
    name, me = conversation_me(store, ref)
    if me is None:
        raise UsageError(
            f"pushpull does not know which person is you in {name}.",
            hint=f"Say it once with `pushpull me {json.dumps(name)} NAME`.",
        )
    return name, me


def set_me(store: Store, ref: str, name: str) -> str:
    """Record that ``name`` is the user in conversation ``ref``; return the conversation name."""
    conv_id, conv_name = resolve_conversation(store, ref)
    people = [
        str(r[0])
        for r in store.con.execute(
            f"SELECT name FROM participants WHERE conversation_id = {conv_id:d} ORDER BY name"
        ).fetchall()
    ]
    if name not in people:
        raise ParticipantError(name, conv_name, people)
    with store.transaction() as con:
        execute(
            con,
            "UPDATE participants SET is_me = (name = (SELECT name FROM args)) "
            f"WHERE conversation_id = {conv_id:d}",
            args=values(name=name),
        )
    return conv_name


def forget_conversation(store: Store, ref: str) -> tuple[str, int]:
    """Delete a conversation and everything imported for it; compact the file afterwards.

    Imports that touched only this conversation are forgotten too, so the same file can be
    imported again. Returns the name and the number of messages removed.
    """
    conv_id, conv_name = resolve_conversation(store, ref)
    store.check_compactable()
    with store.transaction() as con:
        this = f"conversation_id = {conv_id:d}"
        row = con.execute(f"SELECT count(*) FROM messages WHERE {this}").fetchone()
        n = int(row[0]) if row else 0
        con.execute(f"DELETE FROM messages WHERE {this}")
        con.execute(f"DELETE FROM participants WHERE {this}")
        con.execute(f"DELETE FROM import_conversations WHERE {this}")
        orphaned = (
            "SELECT id FROM imports WHERE id NOT IN (SELECT import_id FROM import_conversations)"
        )
        con.execute(f"DELETE FROM import_warnings WHERE import_id IN ({orphaned})")
        con.execute(f"DELETE FROM imports WHERE id IN ({orphaned})")
        con.execute(f"DELETE FROM conversations WHERE id = {conv_id:d}")
    store.compact()
    return conv_name, n


#: Every table holding what was imported, children first.
_DATA_TABLES = (
    "messages",
    "participants",
    "import_conversations",
    "import_warnings",
    "imports",
    "conversations",
)


def forget_everything(store: Store) -> int:
    """Delete every conversation and import, then compact; return how many messages went."""
    store.check_compactable()
    with store.transaction() as con:
        row = con.execute("SELECT count(*) FROM messages").fetchone()
        n = int(row[0]) if row else 0
        for table in _DATA_TABLES:
            con.execute(f"DELETE FROM {table}")
    store.compact()
    return n


_MESSAGE_COLUMNS = (
    "seq, sent_at, utc_offset_s, sender, text, kind, attachments, reply_to, record_id, "
    "source_format, source_file, source_line"
)


def load_messages(store: Store, ref: str) -> pl.DataFrame:
    """A conversation's messages in time order, as a Polars frame."""
    conv_id, _ = resolve_conversation(store, ref)
    # Read as an Arrow stream: DuckDB's .pl() imports pyarrow and NumPy (a fifth of a second).
    return pl.DataFrame(
        store.con.sql(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = {conv_id:d} "
            "ORDER BY sent_at, seq"
        )
    )


def export_conversation(store: Store, ref: str, fmt: str, out: Path | IO[bytes]) -> int:
    """Write a conversation's messages as JSON Lines, CSV or Parquet; return how many."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(
            f"pushpull cannot export as {fmt!r}.",
            hint=f"Choose one of: {', '.join(EXPORT_FORMATS)}.",
        )
    frame = load_messages(store, ref)
    if fmt == "parquet":
        frame.write_parquet(out)
    elif fmt == "csv":
        # CSV has no lists: attachment names are joined with " | ".
        frame.with_columns(pl.col("attachments").list.join(" | ")).write_csv(out)
    else:
        frame.write_ndjson(out)
    return frame.height
