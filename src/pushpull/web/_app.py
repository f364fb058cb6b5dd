"""The local web app: server-rendered pages over the store and the analysis, with htmx for the
parts that change in place. Errors become pages in exactly one place (:func:`_problem`)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Hashable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

import jinja2
import polars as pl
from fastapi import Depends, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pushpull.analysis import Analysis, analyze, parse_day
from pushpull.errors import (
    ConversationNotFoundError,
    InputError,
    PassphraseNeededError,
    PushPullError,
    StoreBusyError,
    StoreError,
    UsageError,
    WrongPassphraseError,
)
from pushpull.report import (
    PARTNER,
    YOU,
    Dashboard,
    Redactor,
    analysis_redactor,
    asset_text,
    build_dashboard,
    build_report,
    messages_around,
    plotly_js,
    redact_analysis,
    redact_contexts,
    template_environment,
)
from pushpull.signals import languages
from pushpull.store import Store, forget_conversation, list_conversations, load_messages, set_me
from pushpull.web._access import (
    CSRF_FIELD,
    TokenGate,
    csrf_token,
    new_token,
    require_csrf,
)
from pushpull.web._api import ConversationOut, ProblemOut, conversation_out
from pushpull.web._cache import MemoryCache
from pushpull.web._conversations import ConversationFacts, conversation_facts, conversation_id
from pushpull.web._imports import ImportJob, ImportJobs
from pushpull.web._preferences import Preferences, load_preferences, save_preferences
from pushpull.web._store_access import StoreAccess
from pushpull.web._upload import receive_upload
from pushpull.web.config import WebConfig

__all__ = ["AppState", "create_app"]

#: Names of the languages pushpull has word lists for (codes it does not know show as codes).
LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "de": "German", "fr": "French"}


@dataclass(slots=True, kw_only=True)
class AppState:
    """Everything the routes share: where the data is, the caches and running imports."""

    home: Path
    token: str
    csrf: str
    config: WebConfig
    env: jinja2.Environment
    analyses: MemoryCache[Analysis]
    frames: MemoryCache[pl.DataFrame]
    jobs: ImportJobs
    preferences: Preferences
    #: Opens the store (unlocked with the passphrase it holds in memory, if encrypted).
    access: StoreAccess
    debug: bool = False
    assets: dict[str, tuple[str, str]] = field(default_factory=dict)

    def store(self) -> AbstractContextManager[Store]:
        return self.access.open()

    def forget_cached(self, keep: Callable[[Hashable], bool] = lambda key: False) -> None:
        """Drop the analyses and messages held in memory (those whose key ``keep`` rejects)."""
        self.analyses.drop(keep)
        self.frames.drop(keep)


def _static_assets() -> dict[str, tuple[str, str]]:
    """What ``/static/NAME`` serves: a fixed list, so no path is ever built from a request."""
    return {
        "pushpull.css": ("report", "text/css; charset=utf-8"),
        "page.js": ("report", "text/javascript; charset=utf-8"),
        "app.js": ("web:app.js", "text/javascript; charset=utf-8"),
        "away.css": ("web:away.css", "text/css; charset=utf-8"),
        "htmx.min.js": ("web:vendor/htmx.min.js", "text/javascript; charset=utf-8"),
        "plotly.min.js": ("plotly", "text/javascript; charset=utf-8"),
    }


def _asset(name: str, source: str) -> str:
    if source == "report":
        return asset_text(name)
    if source == "plotly":
        return plotly_js()
    relative = source.removeprefix("web:")
    return resources.files("pushpull.web").joinpath(f"static/{relative}").read_text("utf-8")


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _local_target(url: str | None) -> str:
    """The page to go to after unlocking: a path of this server, never another site's address
    (anything else, or the unlock and lock pages themselves, gives the start page)."""
    parts = urlsplit(url or "/")
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return "/"
    if "\\" in path or path in ("/unlock", "/lock"):
        return "/"
    return path + ("?" + parts.query if parts.query else "")


def _unlock_page(request: Request) -> Response:
    """Where a request for a locked store goes: the passphrase form, coming back afterwards."""
    if _is_htmx(request):
        back = _local_target(urlsplit(request.headers.get("HX-Current-URL", "")).path or "/")
        go = "/unlock?" + urlencode({"next": back})
        return Response(status_code=401, headers={"HX-Redirect": go})
    back = request.url.path + ("?" + request.url.query if request.url.query else "")
    if request.method != "GET":
        back = "/"  # a form's address shows nothing when opened; start from the top
    return _render(
        request, "unlock.html", status=401, page="", next_url=_local_target(back), wrong=False
    )


def _status_of(error: PushPullError) -> int:
    if isinstance(error, ConversationNotFoundError):
        return 404
    if isinstance(error, StoreBusyError):
        return 409
    if isinstance(error, (PassphraseNeededError, WrongPassphraseError)):
        return 401
    if isinstance(error, InputError):
        return 422
    if isinstance(error, StoreError):
        return 500
    return 400


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.pushpull
    return state


def _render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    state = _state(request)
    html = state.env.get_template(template).render(
        preferences=state.preferences,
        poll_ms=state.config.poll_ms,
        csrf=state.csrf,
        csrf_field=CSRF_FIELD,
        can_lock=state.access.unlocked and state.access.encrypted,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def _problem(request: Request, status: int, title: str, message: str, hint: str) -> Response:
    """The one place an error becomes a page (or, for htmx, the part of a page it replaces;
    for the JSON API, a :class:`ProblemOut`)."""
    if request.url.path.startswith("/api/"):
        problem = ProblemOut(title=title, message=message, hint=hint)
        return JSONResponse(problem.model_dump(), status_code=status)
    template = "_error.html" if _is_htmx(request) else "error.html"
    return _render(
        request, template, status=status, page="", title=title, message=message, hint=hint
    )


def _day(value: str | None, label: str) -> date | None:
    return parse_day(value, label=label, hint="Choose a day in the date box.")


def _range(
    facts: ConversationFacts, since: date | None, until: date | None
) -> tuple[date | None, date | None]:
    """The date filter with bounds that include the whole conversation dropped (so "all
    dates" typed in by hand shares the cached analysis of no filter)."""
    if since is not None and facts.first_day is not None and since <= facts.first_day:
        since = None
    if until is not None and facts.last_day is not None and until >= facts.last_day:
        until = None
    return since, until


def _facts(state: AppState, conv_id: int) -> ConversationFacts:
    with state.store() as store:
        return conversation_facts(store, conv_id)


def _messages(state: AppState, facts: ConversationFacts) -> pl.DataFrame:
    def load() -> pl.DataFrame:
        with state.store() as store:
            return load_messages(store, facts.name)

    key: Hashable = (facts.id, facts.data_version)
    return state.frames.get_or_compute(key, load)


def _analysis(
    state: AppState, facts: ConversationFacts, since: date | None, until: date | None
) -> Analysis:
    if facts.me is None:
        raise UsageError(
            f"pushpull does not know which person is you in {facts.name}.",
            hint="Choose yourself on the start page.",
        )
    me = facts.me
    lang = state.preferences.lang
    key: Hashable = (facts.id, facts.data_version, me, since, until, lang)

    def compute() -> Analysis:
        frame = _messages(state, facts)
        return analyze(frame, me=me, since=since, until=until, lang=lang, conversation=facts.name)

    return state.analyses.get_or_compute(key, compute)


def _redactor(state: AppState, analysis: Analysis, frame: pl.DataFrame) -> Redactor | None:
    if state.preferences.names != "roles":
        return None
    senders = frame["sender"].unique().to_list()
    others = [s for s in senders if s not in (analysis.me, analysis.partner)]
    return analysis_redactor(analysis, others=others)


def _dashboard(state: AppState, facts: ConversationFacts, analysis: Analysis) -> Dashboard:
    redactor = _redactor(state, analysis, _messages(state, facts))
    if redactor is not None:
        return build_dashboard(redact_analysis(analysis, redactor), redacted=True)
    return build_dashboard(analysis)


def _opened(state: AppState, job: ImportJob) -> list[ConversationFacts]:
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
_CHANGES = ("encrypted", "decrypted")


def _refuse_while_importing(state: AppState) -> None:
    if state.jobs.running():
        raise UsageError(
            "An import is still running.",
            hint="Wait until it has finished, then try again.",
        )


def _language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in languages()]


def create_app(
    home: Path,
    *,
    token: str | None = None,
    config: WebConfig | None = None,
    debug: bool = False,
    passphrase: str | None = None,
) -> FastAPI:
    """The app for the data folder ``home``; ``token`` is the launch key (new if not given)."""
    config = config or WebConfig()
    home = Path(home)
    token = token or new_token(config.token_bytes)
    access = StoreAccess(
        home,
        passphrase=passphrase,
        wait_s=config.change_wait_s,
        idle_lock_s=config.idle_lock_s,
        on_lock=lambda: state.forget_cached(),
    )
    state = AppState(
        home=home,
        token=token,
        csrf=csrf_token(token),
        config=config,
        env=template_environment(jinja2.PackageLoader("pushpull.web")),
        analyses=MemoryCache(config.cache_entries),
        frames=MemoryCache(config.frame_entries),
        jobs=ImportJobs(home, keep=config.jobs_kept, open_store=access.open),
        preferences=load_preferences(home),
        access=access,
        debug=debug,
        assets=_static_assets(),
    )
    app = FastAPI(
        title="pushpull",
        summary="The local pushpull server: conversations and their analyses as JSON.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(require_csrf)],
    )
    app.state.pushpull = state
    gate = TokenGate(token, config)
    app.state.gate = gate  # ``gate.used`` tells the launcher when the token has been exchanged
    app.middleware("http")(gate)

    @app.exception_handler(PushPullError)
    async def pushpull_error(request: Request, error: PushPullError) -> Response:
        if isinstance(error, PassphraseNeededError):
            if not request.url.path.startswith("/api/"):
                return _unlock_page(request)
            hint = "Open pushpull's page in the browser and type the passphrase there."
            return _problem(request, 401, error.title, error.message, hint)
        title = "That needs a change" if isinstance(error, UsageError) else error.title
        return _problem(request, _status_of(error), title, error.message, error.hint)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404:
            return _problem(
                request,
                404,
                "There is no such page",
                "This address does not lead anywhere in pushpull.",
                "Go back to the start page.",
            )
        return _problem(
            request, error.status_code, "That did not work", str(error.detail), "Try again."
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        fields = ", ".join(str(e.get("loc", ("", "?"))[-1]) for e in error.errors())
        return _problem(
            request,
            400,
            "Something was missing",
            f"The page sent an incomplete request (missing or invalid: {fields}).",
            "Reload the page and try again.",
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def start(request: Request) -> Response:
        with state.store() as store:
            conversations = list_conversations(store)
        return _render(request, "start.html", page="start", conversations=conversations, job=None)

    def _check_unlocked() -> None:
        with state.store():
            pass

    @app.post("/import", response_class=HTMLResponse, include_in_schema=False)
    async def upload(request: Request) -> Response:
        # a locked store asks for its passphrase before the upload, not after it
        await run_in_threadpool(_check_unlocked)
        folder = state.jobs.private_folder()
        try:
            target = await receive_upload(
                request,
                folder,
                csrf=state.csrf,
                max_file_bytes=config.max_upload_bytes,
                max_field_bytes=config.max_form_bytes,
            )
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        job = state.jobs.start(folder, target)
        if _is_htmx(request):
            return _render(request, "_import.html", job=job, opened=[])
        return await run_in_threadpool(_after_upload, request, job)

    def _after_upload(request: Request, job: ImportJob) -> Response:
        """The page a browser without JavaScript gets once its import has finished."""
        job.finished.wait()
        if job.error is not None:
            raise job.error
        with state.store() as store:
            conversations = list_conversations(store)
        return _render(
            request,
            "start.html",
            page="start",
            conversations=conversations,
            job=job,
            opened=_opened(state, job),
        )

    @app.get("/imports/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def import_status(request: Request, job_id: str) -> Response:
        job = state.jobs.get(job_id)
        if job is None:
            raise StarletteHTTPException(404)
        if job.state == "failed" and job.error is not None:
            raise job.error
        opened = _opened(state, job) if job.state == "done" else []
        return _render(request, "_import.html", job=job, opened=opened)

    @app.post("/c/{conv_id}/me", response_class=HTMLResponse, include_in_schema=False)
    def choose_me(request: Request, conv_id: int, name: Annotated[str, Form()]) -> Response:
        with state.store() as store:
            facts = conversation_facts(store, conv_id)
            set_me(store, facts.name, name)
        url = f"/c/{conv_id}"
        if _is_htmx(request):
            return _render(request, "_going.html", name=name, url=url)
        return RedirectResponse(url, status_code=303)

    @app.get("/c/{conv_id}", response_class=HTMLResponse, include_in_schema=False)
    def conversation(
        request: Request, conv_id: int, since: str | None = None, until: str | None = None
    ) -> Response:
        facts = _facts(state, conv_id)
        first, last = _range(facts, _day(since, "From"), _day(until, "To"))
        if facts.me is None:
            return _render(request, "who.html", page="", facts=facts)
        analysis = _analysis(state, facts, first, last)
        dashboard = _dashboard(state, facts, analysis)
        around_base = f"/c/{conv_id}/around/"
        if _is_htmx(request):
            return _render(
                request, "dashboard.html", d=dashboard, mode="app", around_base=around_base
            )
        dates = {k: v for k, v in (("since", since), ("until", until)) if v}
        query = "?" + urlencode(dates) if dates else ""
        query_redacted = "?" + urlencode({**dates, "redact": "1"})
        return _render(
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

    @app.get("/c/{conv_id}/around/{ref}", response_class=HTMLResponse, include_in_schema=False)
    def around(request: Request, conv_id: int, ref: int, part: int = 0) -> Response:
        facts = _facts(state, conv_id)
        frame = _messages(state, facts)
        found = messages_around(frame, [ref]).get(ref)
        if found is None:
            raise StarletteHTTPException(404)
        me = facts.me or ""
        if state.preferences.names == "roles":
            redactor = Redactor({n: (YOU if n == me else PARTNER) for n in facts.participants})
            found = redact_contexts({ref: found}, redactor)[ref]
            me = YOU
        template = "_context.html" if part or _is_htmx(request) else "around.html"
        return _render(request, template, page="", facts=facts, messages=found, me=me)

    @app.get("/c/{conv_id}/report", include_in_schema=False)
    def report(
        request: Request,
        conv_id: int,
        redact: int = 0,
        since: str | None = None,
        until: str | None = None,
    ) -> Response:
        facts = _facts(state, conv_id)
        first, last = _range(facts, _day(since, "From"), _day(until, "To"))
        analysis = _analysis(state, facts, first, last)
        html = build_report(analysis, messages=_messages(state, facts), redact=bool(redact))
        name = "pushpull-report-redacted.html" if redact else "pushpull-report.html"
        return HTMLResponse(html, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def _settings(
        request: Request,
        *,
        status: int = 200,
        changed: str | None = None,
        problem: PushPullError | None = None,
    ) -> Response:
        with state.store() as store:
            conversations = list_conversations(store)
        return _render(
            request,
            "settings.html",
            status=status,
            page="settings",
            languages=_language_choices(),
            home=state.home,
            conversations=conversations,
            forgotten=None,
            encrypted=state.access.encrypted,
            idle_lock_minutes=round((config.idle_lock_s or 0) / 60),
            changed=changed,
            problem=problem,
        )

    @app.get("/settings", response_class=HTMLResponse, include_in_schema=False)
    def settings_page(request: Request, changed: str | None = None) -> Response:
        return _settings(request, changed=changed if changed in _CHANGES else None)

    @app.post("/settings/encrypt", response_class=HTMLResponse, include_in_schema=False)
    def encrypt(
        request: Request,
        passphrase: Annotated[str, Form()],
        repeated: Annotated[str, Form()],
    ) -> Response:
        try:
            _refuse_while_importing(state)
            state.access.encrypt(passphrase, repeated=repeated)
        except (UsageError, StoreBusyError) as problem:
            return _settings(request, status=_status_of(problem), problem=problem)
        return RedirectResponse("/settings?changed=encrypted", status_code=303)

    @app.post("/settings/decrypt", response_class=HTMLResponse, include_in_schema=False)
    def decrypt(request: Request, passphrase: Annotated[str, Form()]) -> Response:
        try:
            _refuse_while_importing(state)
            state.access.decrypt(passphrase)
        except (UsageError, StoreBusyError, WrongPassphraseError) as problem:
            return _settings(request, status=_status_of(problem), problem=problem)
        return RedirectResponse("/settings?changed=decrypted", status_code=303)

    @app.get("/unlock", response_class=HTMLResponse, include_in_schema=False)
    def unlock_page(request: Request, next: str = "/") -> Response:
        target = _local_target(next)
        if not state.access.encrypted or state.access.unlocked:
            return RedirectResponse(target, status_code=303)
        return _render(request, "unlock.html", page="", next_url=target, wrong=False)

    @app.post("/unlock", response_class=HTMLResponse, include_in_schema=False)
    def unlock(
        request: Request, passphrase: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
    ) -> Response:
        target = _local_target(next)
        if state.access.encrypted:
            try:
                state.access.unlock(passphrase)
            except WrongPassphraseError:
                return _render(
                    request, "unlock.html", status=401, page="", next_url=target, wrong=True
                )
        return RedirectResponse(target, status_code=303)

    @app.post("/lock", response_class=HTMLResponse, include_in_schema=False)
    def lock(request: Request) -> Response:
        state.access.lock()
        return RedirectResponse("/unlock", status_code=303)

    @app.post("/settings", response_class=HTMLResponse, include_in_schema=False)
    def save_settings(
        request: Request,
        names: Annotated[str | None, Form()] = None,
        language: Annotated[str | None, Form()] = None,
    ) -> Response:
        offered = {"auto", *languages()}
        chosen = state.preferences.with_choices(
            names=names, language=language if language in offered else None
        )
        save_preferences(state.home, chosen)
        state.preferences = chosen
        if _is_htmx(request):
            return _render(request, "_saved.html")
        return RedirectResponse("/settings", status_code=303)

    @app.post("/c/{conv_id}/forget", response_class=HTMLResponse, include_in_schema=False)
    def forget(request: Request, conv_id: int) -> Response:
        with state.store() as store:
            facts = conversation_facts(store, conv_id)
            forget_conversation(store, facts.name)
            conversations = list_conversations(store)
        state.forget_cached(lambda key: not (isinstance(key, tuple) and key[0] == conv_id))
        if _is_htmx(request):
            return _render(
                request, "_manage.html", conversations=conversations, forgotten=facts.name
            )
        return RedirectResponse("/settings", status_code=303)

    @app.get("/away", response_class=HTMLResponse, include_in_schema=False)
    def away(request: Request) -> Response:
        return _render(request, "away.html")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in state.assets:
            raise StarletteHTTPException(404)
        source, media_type = state.assets[name]
        return Response(
            _asset(name, source),
            media_type=media_type,
            headers={"Cache-Control": "private, max-age=3600"},
        )

    problems: dict[int | str, dict[str, Any]] = {
        code: {"model": ProblemOut} for code in (400, 401, 403, 404, 409, 422)
    }

    @app.get("/api/conversations", responses=problems)
    def api_conversations() -> list[ConversationOut]:
        """Every conversation in the store."""
        with state.store() as store:
            return [conversation_out(c) for c in list_conversations(store)]

    @app.get("/api/analysis/{conv_id}", responses=problems)
    def api_analysis(
        conv_id: int, since: date | None = None, until: date | None = None
    ) -> Analysis:
        """The analysis of one conversation (optionally of the days from ``since`` to
        ``until``), as the dashboard shows it."""
        facts = _facts(state, conv_id)
        first, last = _range(facts, since, until)
        return _analysis(state, facts, first, last)

    return app
