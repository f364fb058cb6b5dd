"""What the assessment reports: findings (signs and red flags) with levels and evidence.

These are pydantic models because they cross boundaries: they are written as JSON, validated
against the published schema and rendered by the report and the web page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

__all__ = ["LEVELS", "Evidence", "Finding", "Level", "Metric", "Quote", "Span", "max_level"]

Level = Literal["none", "watch", "concern", "serious"]
#: A wall-clock time as the export shows it: ISO 8601 without a UTC offset (most exports carry
#: none), so not an RFC 3339 "date-time".
LocalDateTime = Annotated[
    datetime,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$",
            "description": "Local wall-clock time, ISO 8601 without an offset",
        }
    ),
]
#: Levels from least to most worrying.
LEVELS: tuple[Level, ...] = ("none", "watch", "concern", "serious")


def max_level(*levels: Level) -> Level:
    """The most worrying of ``levels``."""
    return max(levels, key=LEVELS.index, default="none")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Span(_Model):
    """A marker found in a quoted message: which family, and where (character offsets)."""

    family: str
    start: int
    end: int


class Quote(_Model):
    """A message shown as evidence; ``ref`` finds it again in the conversation."""

    ref: int = Field(description="Message reference: store sequence number, or row number")
    at: LocalDateTime
    sender: str
    text: str
    markers: list[Span] = []


class Metric(_Model):
    """A measured change: ``value`` during ``start``..``end`` against ``baseline``."""

    name: str
    label: str
    value: float | None
    baseline: float | None = None
    unit: str = ""
    start: date | None = None
    end: date | None = None


class Evidence(_Model):
    metrics: list[Metric] = []
    quotes: list[Quote] = Field(default=[], max_length=5)


class Finding(_Model):
    """A sign or red flag at a level, with how sure we are and why."""

    id: str
    kind: Literal["sign", "red_flag"]
    title: str
    level: Level
    confidence: float = Field(ge=0.0, le=1.0)
    summary: str
    evidence: Evidence = Evidence()
