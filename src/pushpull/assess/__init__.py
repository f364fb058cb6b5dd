"""Assessment: signs, red flags, data sufficiency and guidance drawn from the dynamics.

:func:`assess` runs every registered detector (see :mod:`pushpull.assess.detectors`) on a
:class:`Context`. Detectors that judge phases and cycles say "not enough data" instead of
guessing when the conversation is too short; those that quote messages (gaslighting, abuse,
irritability, future avoidance) still speak, with lower confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from pushpull.assess import flags as _flags
from pushpull.assess import signs as _signs
from pushpull.assess.context import Context
from pushpull.assess.detectors import DETECTORS, detector
from pushpull.assess.findings import LEVELS, Evidence, Finding, Level, Metric, Quote, Span
from pushpull.assess.sufficiency import DataSufficiency, judge_sufficiency

__all__ = [
    "DETECTORS",
    "LEVELS",
    "Assessment",
    "Context",
    "DataSufficiency",
    "Evidence",
    "Finding",
    "Level",
    "Metric",
    "Quote",
    "Span",
    "assess",
    "detector",
    "judge_sufficiency",
]

_LOADED = (_signs, _flags)  # importing them registers the built-in detectors


@dataclass(frozen=True, slots=True, kw_only=True)
class Assessment:
    signs: list[Finding]
    red_flags: list[Finding]

    @property
    def levels(self) -> dict[str, Level]:
        return {f.id: f.level for f in [*self.signs, *self.red_flags]}


def assess(ctx: Context) -> Assessment:
    """Run every detector on ``ctx``."""
    signs: list[Finding] = []
    red_flags: list[Finding] = []
    for d in DETECTORS.values():
        if d.needs_phases and not ctx.sufficiency.enough:
            found = Finding(
                id=d.id,
                kind=d.kind,
                title=d.title,
                level="none",
                confidence=round(0.5 * ctx.sufficiency.factor, 2),
                summary="Not enough data to judge this yet. " + ctx.sufficiency.note,
            )
        else:
            found = d.run(ctx)
        (signs if d.kind == "sign" else red_flags).append(found)
    return Assessment(signs=signs, red_flags=red_flags)
