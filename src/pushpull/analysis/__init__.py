"""The analysis API: ``analyze(messages) -> Analysis`` for the CLI, the web app and researchers."""

from __future__ import annotations

from pushpull.analysis._input import parse_day
from pushpull.analysis._result import SCHEMA_VERSION, Analysis, Resource
from pushpull.analysis._run import STEPS, Progress, analyze

__all__ = ["SCHEMA_VERSION", "STEPS", "Analysis", "Progress", "Resource", "analyze", "parse_day"]
