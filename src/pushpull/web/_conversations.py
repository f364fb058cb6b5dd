"""What the app needs to know about one conversation, by its id, in one cheap query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pushpull.errors import ConversationNotFoundError
from pushpull.store import Store

__all__ = ["ConversationFacts", "conversation_facts", "conversation_id"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ConversationFacts:
    """A conversation's name, people and data version (what the cached analysis depends on)."""

    id: int
    name: str
    me: str | None
    participants: tuple[str, ...]
    n_messages: int
    max_seq: int
    first_at: datetime | None
    last_at: datetime | None

    @property
    def data_version(self) -> tuple[int, int]:
        """Changes whenever messages are added or removed."""
        return (self.n_messages, self.max_seq)

    @property
    def first_day(self) -> date | None:
        return None if self.first_at is None else self.first_at.date()

    @property
    def last_day(self) -> date | None:
        return None if self.last_at is None else self.last_at.date()


def conversation_facts(store: Store, conv_id: int) -> ConversationFacts:
    """The facts of conversation ``conv_id``; :class:`ConversationNotFoundError` if unknown."""
    con = store.con
    row = con.execute(
        "SELECT c.name, count(m.seq), coalesce(max(m.seq), -1), min(m.sent_at), max(m.sent_at) "
        "FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id "
        "WHERE c.id = ? GROUP BY c.name",
        [conv_id],
    ).fetchone()
    if row is None:
        known = [str(r[0]) for r in con.execute("SELECT name FROM conversations").fetchall()]
        raise ConversationNotFoundError(str(conv_id), known)
    people = con.execute(
        "SELECT name, is_me FROM participants WHERE conversation_id = ? ORDER BY name", [conv_id]
    ).fetchall()
    return ConversationFacts(
        id=conv_id,
        name=str(row[0]),
        me=next((str(n) for n, is_me in people if is_me), None),
        participants=tuple(str(n) for n, _ in people),
        n_messages=int(row[1]),
        max_seq=int(row[2]),
        first_at=row[3],
        last_at=row[4],
    )


def conversation_id(store: Store, name: str) -> int | None:
    """The id of the conversation called exactly ``name``."""
    row = store.con.execute("SELECT id FROM conversations WHERE name = ?", [name]).fetchone()
    return None if row is None else int(row[0])
