"""The registry of signs and red flags: each is a function from a :class:`Context` to a
:class:`Finding`, registered with its id, kind and title. New detectors register the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from pushpull.assess.context import Context
from pushpull.assess.findings import Evidence, Finding, Level

__all__ = ["DETECTORS", "Detector", "detector", "finding"]

Detect = Callable[[Context], Finding]


@dataclass(frozen=True, slots=True, kw_only=True)
class Detector:
    id: str
    kind: Literal["sign", "red_flag"]
    title: str
    needs_phases: bool  # judged from phases and cycles: silent when data is short
    run: Detect


#: Registered detectors in registration order (signs first, then red flags).
DETECTORS: dict[str, Detector] = {}


def detector(
    id: str, *, kind: Literal["sign", "red_flag"], title: str, needs_phases: bool = True
) -> Callable[[Detect], Detect]:
    """Register a detector function under ``id``."""

    def wrap(fn: Detect) -> Detect:
        if id in DETECTORS:
            raise ValueError(f"detector {id!r} registered twice")
        DETECTORS[id] = Detector(id=id, kind=kind, title=title, needs_phases=needs_phases, run=fn)
        return fn

    return wrap


def finding(
    ctx: Context,
    id: str,
    level: Level,
    strength: float,
    summary: str,
    evidence: Evidence | None = None,
) -> Finding:
    """Build the finding of detector ``id``; confidence = strength x data sufficiency."""
    d = DETECTORS[id]
    confidence = round(max(0.0, min(1.0, strength)) * ctx.sufficiency.factor, 2)
    return Finding(
        id=id,
        kind=d.kind,
        title=d.title,
        level=level,
        confidence=confidence,
        summary=summary,
        evidence=evidence or Evidence(),
    )
