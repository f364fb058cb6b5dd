"""The generated conversation, what was planted in it, and a rendered export of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pushpull.model import Message


@dataclass(frozen=True, slots=True, kw_only=True)
class Phase:
    """A stretch of days in which one person was warm, neutral or distant (inclusive dates)."""

    person: str
    state: str  # "warm" | "neutral" | "distant"
    start: date
    end: date


@dataclass(frozen=True, slots=True, kw_only=True)
class GroundTruth:
    """What the generator planted, for tests of the analysis to check against."""

    scenario: str
    seed: int
    phases: tuple[Phase, ...] = ()
    n_cycles: int = 0
    pursuer: str | None = None
    withdrawer: str | None = None
    #: Indices into ``SynthChat.messages`` of planted gaslighting / abusive messages.
    gaslighting: tuple[int, ...] = ()
    abuse: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SynthChat:
    """A two-person conversation with known ground truth.

    ``messages`` are in time order; ``sent_at`` is the local wall-clock time of a clock that is
    ``utc_offset_s`` ahead of UTC. ``from_me`` is set on every non-system message.
    """

    title: str
    me: str
    partner: str
    messages: tuple[Message, ...]
    truth: GroundTruth
    utc_offset_s: int = 0

    @property
    def participants(self) -> tuple[str, str]:
        return (self.me, self.partner)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rendered:
    """A conversation written in one export format.

    ``files`` maps relative paths to bytes (write them under one folder); ``main`` is the file
    to import. ``expected`` is what importing ``main`` must give back: the conversation's
    messages as this format can represent them (e.g. seconds dropped by a minute-resolution
    format, attachment names lost where the export writes "<Media omitted>").
    """

    files: dict[str, bytes]
    main: str
    expected: tuple[Message, ...]
    variant: str = "default"
    notes: tuple[str, ...] = field(default=())
