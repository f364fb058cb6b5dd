"""The self-contained report: one HTML file with its styles, script, Plotly and data inside."""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import date
from pathlib import Path

import polars as pl

from pushpull.analysis import STEPS, Analysis, Progress, analyze
from pushpull.assess.safety import system_region
from pushpull.errors import UsageError
from pushpull.report._templates import _shared, asset_text, inline_script, plotly_js
from pushpull.report._view import (
    ContextMessage,
    build_dashboard,
    messages_around,
    quoted_refs,
)
from pushpull.report.config import DEFAULT_CONFIG, ReportConfig
from pushpull.report.redact import Redactor, analysis_redactor, redact_analysis
from pushpull.store import Store, load_messages, require_me

__all__ = ["build_report", "redact_contexts", "write_report"]


def redact_contexts(
    contexts: dict[int, tuple[ContextMessage, ...]], redactor: Redactor
) -> dict[int, tuple[ContextMessage, ...]]:
    """The messages around quotes with names and contact details hidden."""
    return {
        ref: tuple(
            ContextMessage(
                ref=m.ref,
                at=m.at,
                sender=redactor.name(m.sender),
                text=redactor.text(m.text),
                kind=m.kind,
                is_quote=m.is_quote,
            )
            for m in messages
        )
        for ref, messages in contexts.items()
    }


def build_report(
    analysis: Analysis,
    *,
    messages: pl.DataFrame | None = None,
    redact: bool = False,
    made_on: date | None = None,
    region: str | None = None,
    config: ReportConfig = DEFAULT_CONFIG,
) -> str:
    """The report of ``analysis`` as one HTML document.

    ``messages`` (the conversation as :func:`pushpull.store.load_messages` gives it) adds the
    messages around each quote. ``redact`` hides names and contact details
    (:mod:`pushpull.report.redact`), also in those messages and in every chart label.
    ``region`` (an ISO country code) puts that country's helplines first when safety comes first.
    """
    contexts = (
        messages_around(messages, quoted_refs(analysis), config=config)
        if messages is not None
        else {}
    )
    if redact:
        others: list[str] = []
        if messages is not None:
            senders = messages["sender"].unique().to_list()
            others = [s for s in senders if s not in (analysis.me, analysis.partner)]
        redactor = analysis_redactor(analysis, others=others)
        analysis = redact_analysis(analysis, redactor)
        contexts = redact_contexts(contexts, redactor)
    dashboard = build_dashboard(
        analysis, contexts=contexts, redacted=redact, region=region, config=config
    )
    page_js, charts_js = inline_script(asset_text("page.js")), inline_script(plotly_js())
    return (
        _shared()
        .get_template("report.html")
        .render(
            d=dashboard,
            made_on=made_on or date.today(),
            css=inline_script(asset_text("pushpull.css")),
            page_js=page_js,
            plotly_js=charts_js,
            csp=report_policy([charts_js, page_js]),
        )
    )


def report_policy(scripts: list[str]) -> str:
    """The report's Content-Security-Policy: only its own two inline scripts run (by hash), it
    connects nowhere, loads nothing from outside, and can be neither framed nor submit forms.
    A second line of defence behind the escaping of every message it shows."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts
    )
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; connect-src 'none'; frame-src 'none'; "
        "child-src 'none'; worker-src 'none'; form-action 'none'; base-uri 'none'"
    )


def write_report(
    store: Store,
    conversation: str,
    path: Path,
    redact: bool = False,
    *,
    since: date | None = None,
    until: date | None = None,
    lang: str | None = None,
    mode: int = 0o600,
    region: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Analyse ``conversation`` and write its report to ``path`` (file mode ``mode``, only you
    by default); return the path written. ``region``: whose helplines come first (default:
    the country of the system's locale, as ``LC_ALL``/``LANG`` name it). ``progress`` is told
    each step of the analysis, and then that the report is being drawn."""
    name, me = require_me(store, conversation)
    messages = load_messages(store, name)
    analysis = analyze(
        messages,
        me=me,
        since=since,
        until=until,
        lang=lang,
        conversation=name,
        progress=progress,
    )
    if progress is not None:
        progress(len(STEPS), len(STEPS), "Drawing the report")
    if region is None:
        region = system_region()
    html = build_report(analysis, messages=messages, redact=redact, region=region)
    path = Path(path)
    try:
        # Private by default (0600), whatever the umask; ``mode`` is the user's choice.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            if hasattr(os, "fchmod"):
                os.fchmod(out.fileno(), mode)
            out.write(html)
    except OSError as exc:
        raise UsageError(
            f"pushpull cannot write the report to {path}: {exc.strerror or exc}.",
            hint="Choose a file in a folder that exists and that you can write to.",
        ) from exc
    return path
