"""The data behind the pages: a conversation's facts, messages, analysis and dashboard, held in
the app's caches; the date filter; the choices the settings page offers."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date

import polars as pl
from fastapi import Request

from pushpull.analysis import Analysis, Progress, analyze, parse_day
from pushpull.assess.safety import region_from_locale, safety_resources
from pushpull.errors import UsageError
from pushpull.report import (
    Dashboard,
    Redactor,
    analysis_redactor,
    build_dashboard,
    redact_analysis,
)
from pushpull.signals import languages
from pushpull.store import load_messages
from pushpull.web._analysis_jobs import AnalysisJob
from pushpull.web._conversations import ConversationFacts, conversation_facts, conversation_id
from pushpull.web._imports import ImportJob
from pushpull.web._state import AppState

__all__ = [
    "CHANGES",
    "LANGUAGE_NAMES",
    "analysis_of",
    "analysis_or_job",
    "country_choices",
    "dashboard_of",
    "facts_of",
    "form_day",
    "language_choices",
    "messages_of",
    "opened_by",
    "redactor_for",
    "refuse_while_importing",
    "region_for",
    "whole_range",
]

#: Names of the languages pushpull has word lists for (codes it does not know show as codes).
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "de": "German", "fr": "French"}


def form_day(value: str | None, label: str) -> date | None:
    return parse_day(value, label=label, hint="Choose a day in the date box.")


def whole_range(
    facts: ConversationFacts, since: date | None, until: date | None
) -> tuple[date | None, date | None]:
    """The date filter with bounds that include the whole conversation dropped (so "all
    dates" typed in by hand shares the cached analysis of no filter)."""
    if since is not None and facts.first_day is not None and since <= facts.first_day:
        since = None
    if until is not None and facts.last_day is not None and until >= facts.last_day:
        until = None
    return since, until


def facts_of(state: AppState, conv_id: int) -> ConversationFacts:
    with state.store() as store:
        return conversation_facts(store, conv_id)


def messages_of(state: AppState, facts: ConversationFacts) -> pl.DataFrame:
    def load() -> pl.DataFrame:
        with state.store() as store:
            return load_messages(store, facts.name)

    key: Hashable = (facts.id, facts.data_version)
    return state.frames.get_or_compute(key, load)


def _analysis_task(
    state: AppState, facts: ConversationFacts, since: date | None, until: date | None
) -> tuple[Hashable, Callable[[Progress | None], Analysis]]:
    """The cache key of an analysis and how to compute it (telling ``progress`` each step)."""
    if facts.me is None:
        raise UsageError(
            f"pushpull does not know which person is you in {facts.name}.",
            hint="Choose yourself on the start page.",
        )
    me = facts.me
    lang = state.preferences.lang
    key: Hashable = (facts.id, facts.data_version, me, since, until, lang)

    def compute(progress: Progress | None) -> Analysis:
        frame = messages_of(state, facts)
        return analyze(
            frame,
            me=me,
            since=since,
            until=until,
            lang=lang,
            conversation=facts.name,
            progress=progress,
        )

    return key, compute


def analysis_of(
    state: AppState, facts: ConversationFacts, since: date | None, until: date | None
) -> Analysis:
    key, compute = _analysis_task(state, facts, since, until)
    return state.analyses.get_or_compute(key, lambda: compute(None))


def analysis_or_job(
    state: AppState, facts: ConversationFacts, since: date | None, until: date | None
) -> Analysis | AnalysisJob:
    """The analysis when it is cached or quick to make; for a big conversation not analysed
    yet, the background job making it (its error raised here once, if it failed).

    The first view answers at once; a later one (the working page reloading itself) waits a
    little for the job to finish, so the dashboard comes as soon as it is ready."""
    key, compute = _analysis_task(state, facts, since, until)
    cached = state.analyses.get(key)
    if cached is not None:
        return cached
    failure = state.analysis_jobs.take_failure(key)
    if failure is not None:
        raise failure
    if facts.n_messages < state.config.background_from:
        return state.analyses.get_or_compute(key, lambda: compute(None))

    def in_background(progress: Progress) -> Analysis:
        return state.analyses.get_or_compute(key, lambda: compute(progress))

    job, new = state.analysis_jobs.start(key, in_background)
    if not new and job.finished.wait(state.config.working_wait_s):
        return analysis_or_job(state, facts, since, until)  # now cached, or its error raised
    return job


def redactor_for(state: AppState, analysis: Analysis, frame: pl.DataFrame) -> Redactor | None:
    if state.preferences.names != "roles":
        return None
    senders = frame["sender"].unique().to_list()
    others = [s for s in senders if s not in (analysis.me, analysis.partner)]
    return analysis_redactor(analysis, others=others)


def region_for(state: AppState, request: Request) -> str | None:
    """The country whose helplines come first: the setting, else the browser's region."""
    if state.preferences.country != "auto":
        return state.preferences.country
    return region_from_locale(request.headers.get("accept-language"))


def dashboard_of(
    state: AppState, facts: ConversationFacts, analysis: Analysis, region: str | None
) -> Dashboard:
    redactor = redactor_for(state, analysis, messages_of(state, facts))
    if redactor is not None:
        return build_dashboard(redact_analysis(analysis, redactor), redacted=True, region=region)
    return build_dashboard(analysis, region=region)


def opened_by(state: AppState, job: ImportJob) -> list[ConversationFacts]:
    if job.result is None:
        return []
    found = []
    with state.store() as store:
        for conv in job.result.conversations:
            conv_id = conversation_id(store, conv.conversation)
            if conv_id is not None:
                found.append(conversation_facts(store, conv_id))
    return found


#: The changes the settings page confirms after redirecting back to itself.
CHANGES = ("encrypted", "decrypted")


def refuse_while_importing(state: AppState) -> None:
    if state.jobs.running():
        raise UsageError(
            "An import is still running.",
            hint="Wait until it has finished, then try again.",
        )


def country_choices() -> list[tuple[str, str]]:
    """The countries pushpull knows helplines for, by name."""
    found = {r.region: r.country for r in safety_resources() if r.region}
    return sorted(found.items(), key=lambda item: item[1])


def language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in languages()]
