"""The JSON side of the app, described by its OpenAPI spec (``/api/openapi.json``): the
conversations in the store, and one conversation's analysis as :class:`Analysis` JSON."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from pushpull.store import ConversationSummary

__all__ = ["ConversationOut", "ParticipantOut", "ProblemOut", "conversation_out"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ParticipantOut(_Out):
    """One person in a conversation, and how many messages of each kind they sent."""

    name: str
    is_me: bool
    n_messages: int
    by_kind: dict[str, int]


class ConversationOut(_Out):
    """One conversation in the store."""

    id: int
    name: str
    me: str | None
    n_messages: int
    #: Wall-clock times as the export shows them (ISO 8601, no time zone: exports hold none).
    first_at: str | None = Field(description="First message, local time, ISO 8601 without offset.")
    last_at: str | None = Field(description="Last message, local time, ISO 8601 without offset.")
    participants: list[ParticipantOut]


class ProblemOut(_Out):
    """What went wrong, in the words the pages use."""

    title: str
    message: str
    hint: str


def _local(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def conversation_out(summary: ConversationSummary) -> ConversationOut:
    return ConversationOut(
        id=summary.id,
        name=summary.name,
        me=summary.me,
        n_messages=summary.n_messages,
        first_at=_local(summary.first_at),
        last_at=_local(summary.last_at),
        participants=[
            ParticipantOut(name=p.name, is_me=p.is_me, n_messages=p.n_messages, by_kind=p.by_kind)
            for p in summary.participants
        ],
    )
