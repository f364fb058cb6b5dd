"""The pages people read: the start page, a conversation's dashboard and the messages around a
quote, the report download, the quick exit's landing page, and the fixed list of static files."""

from __future__ import annotations

from importlib import resources
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response

from pushpull.report import (
    PARTNER,
    YOU,
    Redactor,
    asset_text,
    build_report,
    messages_around,
    plotly_js,
    redact_contexts,
)
from pushpull.store import list_conversations
from pushpull.web._analysis_jobs import AnalysisJob
from pushpull.web._rendering import is_htmx, render
from pushpull.web._state import State
from pushpull.web._views import (
    analysis_of,
    analysis_or_job,
    dashboard_of,
    facts_of,
    form_day,
    messages_of,
    region_for,
    whole_range,
)

__all__ = ["router", "static_assets"]

router = APIRouter()


def static_assets() -> dict[str, tuple[str, str]]:
    """What ``/static/NAME`` serves: a fixed list, so no path is ever built from a request."""
    return {
        "pushpull.css": ("report", "text/css; charset=utf-8"),
        "page.js": ("report", "text/javascript; charset=utf-8"),
        "app.js": ("web:app.js", "text/javascript; charset=utf-8"),
        "away.css": ("web:away.css", "text/css; charset=utf-8"),
        "htmx.min.js": ("web:vendor/htmx.min.js", "text/javascript; charset=utf-8"),
        "plotly.min.js": ("plotly", "text/javascript; charset=utf-8"),
    }


def asset_text_of(name: str, source: str) -> str:
    if source == "report":
        return asset_text(name)
    if source == "plotly":
        return plotly_js()
    relative = source.removeprefix("web:")
    return resources.files("pushpull.web").joinpath(f"static/{relative}").read_text("utf-8")


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def start(state: State, request: Request) -> Response:
    with state.store() as store:
        conversations = list_conversations(store)
    return render(request, "start.html", page="start", conversations=conversations, job=None)


@router.get("/c/{conv_id}", response_class=HTMLResponse, include_in_schema=False)
def conversation(
    state: State, request: Request, conv_id: int, since: str | None = None, until: str | None = None
) -> Response:
    facts = facts_of(state, conv_id)
    first, last = whole_range(facts, form_day(since, "From"), form_day(until, "To"))
    if facts.me is None:
        return render(request, "who.html", page="", facts=facts)
    found = analysis_or_job(state, facts, first, last)
    if isinstance(found, AnalysisJob):
        return render(
            request,
            "working.html",
            page="conversation",
            facts=facts,
            job=found,
            refresh=state.config.working_refresh_s,
        )
    analysis = found
    dashboard = dashboard_of(state, facts, analysis, region_for(state, request))
    around_base = f"/c/{conv_id}/around/"
    if is_htmx(request):
        return render(
            request,
            "dashboard.html",
            d=dashboard,
            mode="app",
            around_base=around_base,
            facts=facts,
            since=since,
            until=until,
        )
    dates = {k: v for k, v in (("since", since), ("until", until)) if v}
    query = "?" + urlencode(dates) if dates else ""
    query_redacted = "?" + urlencode({**dates, "redact": "1"})
    return render(
        request,
        "conversation.html",
        page="conversation",
        d=dashboard,
        facts=facts,
        since=since,
        until=until,
        query=query,
        query_redacted=query_redacted,
    )


@router.get("/c/{conv_id}/around/{ref}", response_class=HTMLResponse, include_in_schema=False)
def around(state: State, request: Request, conv_id: int, ref: int, part: int = 0) -> Response:
    facts = facts_of(state, conv_id)
    frame = messages_of(state, facts)
    found = messages_around(frame, [ref]).get(ref)
    if found is None:
        raise StarletteHTTPException(404)
    me = facts.me or ""
    if state.preferences.names == "roles":
        redactor = Redactor({n: (YOU if n == me else PARTNER) for n in facts.participants})
        found = redact_contexts({ref: found}, redactor)[ref]
        me = YOU
    template = "_context.html" if part or is_htmx(request) else "around.html"
    return render(request, template, page="", facts=facts, messages=found, me=me)


@router.get("/c/{conv_id}/report", include_in_schema=False)
def report(
    state: State,
    request: Request,
    conv_id: int,
    redact: int = 0,
    since: str | None = None,
    until: str | None = None,
) -> Response:
    facts = facts_of(state, conv_id)
    first, last = whole_range(facts, form_day(since, "From"), form_day(until, "To"))
    analysis = analysis_of(state, facts, first, last)
    hide = bool(redact) or state.preferences.names == "roles"
    html = build_report(
        analysis,
        messages=messages_of(state, facts),
        redact=hide,
        region=region_for(state, request),
    )
    name = "pushpull-report-redacted.html" if hide else "pushpull-report.html"
    return HTMLResponse(html, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/away", response_class=HTMLResponse, include_in_schema=False)
def away(state: State, request: Request) -> Response:
    return render(request, "away.html")


@router.get("/static/{name}", include_in_schema=False)
def static(state: State, name: str) -> Response:
    if name not in state.assets:
        raise StarletteHTTPException(404)
    source, media_type = state.assets[name]
    return Response(
        asset_text_of(name, source),
        media_type=media_type,
        headers={"Cache-Control": "private, max-age=3600"},
    )
