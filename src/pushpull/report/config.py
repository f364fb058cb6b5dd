"""Every threshold the dashboard and the report use, each with its reason."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_CONFIG", "ReportConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportConfig:
    """How much to show and how to put numbers into words."""

    #: Messages shown before and after a quoted one: enough to see what led up to it.
    context_messages: int = 10
    #: A report must stay small enough to e-mail and to open at once on a phone.
    max_report_bytes: int = 1_500_000
    #: Below this confidence pushpull says it is "not very sure".
    unsure_below: float = 0.4
    #: From this confidence on pushpull says it is "quite sure".
    sure_from: float = 0.75
    #: p-values under this are described as "very unlikely to be chance" (as the headline does).
    p_very_unlikely: float = 0.01
    #: ...and under this as "unlikely to be chance".
    p_unlikely: float = 0.05
    #: Bid days drawn in the "what followed" chart: the worst few carry the story.
    max_bid_days: int = 12
    #: Height of each chart in CSS pixels: readable on a phone without scrolling past it.
    chart_height_px: int = 300


#: The settings used when none are given.
DEFAULT_CONFIG = ReportConfig()
