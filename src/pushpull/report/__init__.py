"""The dashboard's content and the self-contained report.

    write_report(store, "Sam", Path("sam.html"), redact=True)   # one offline HTML file
    html = build_report(analysis, messages=frame)                 # the same, as a string

The templates here are shared with the web app (``pushpull.web``), which renders the same
dashboard partial live; :func:`build_dashboard` turns an analysis into what they show.
"""

from __future__ import annotations

from pushpull.report._build import build_report, redact_contexts, write_report
from pushpull.report._templates import (
    asset_text,
    inline_script,
    plotly_js,
    render_card,
    template_environment,
)
from pushpull.report._view import (
    Chart,
    ContextMessage,
    Dashboard,
    Table,
    build_dashboard,
    messages_around,
    quoted_refs,
)
from pushpull.report.config import ReportConfig
from pushpull.report.redact import PARTNER, YOU, Redactor, analysis_redactor, redact_analysis

__all__ = [
    "PARTNER",
    "YOU",
    "Chart",
    "ContextMessage",
    "Dashboard",
    "Redactor",
    "ReportConfig",
    "Table",
    "analysis_redactor",
    "asset_text",
    "build_dashboard",
    "build_report",
    "inline_script",
    "messages_around",
    "plotly_js",
    "quoted_refs",
    "redact_analysis",
    "redact_contexts",
    "render_card",
    "template_environment",
    "write_report",
]
