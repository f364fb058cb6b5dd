"""The local web app: server-rendered pages over the store and the analysis, with htmx for the
parts that change in place. The routes live in one module per page family (``_routes_*``) and
share the app's state through a FastAPI dependency (``_state.State``); errors become pages in
exactly one place (``_rendering.problem_page``)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from pushpull.errors import PassphraseNeededError, PushPullError
from pushpull.report import template_environment
from pushpull.web import _routes_api, _routes_imports, _routes_pages, _routes_settings
from pushpull.web._access import TokenGate, csrf_token, new_token, require_csrf
from pushpull.web._cache import MemoryCache
from pushpull.web._imports import ImportJobs
from pushpull.web._preferences import load_preferences
from pushpull.web._problems import page_problem
from pushpull.web._rendering import ask_passphrase, problem_page, status_of
from pushpull.web._state import AppState
from pushpull.web._store_access import StoreAccess
from pushpull.web.config import WebConfig

__all__ = ["AppState", "create_app"]


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
        assets=_routes_pages.static_assets(),
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
                return ask_passphrase(request)
            hint = "Open pushpull's page in the browser and type the passphrase there."
            return problem_page(request, 401, error.title, error.message, hint)
        return problem_page(
            request,
            status_of(error),
            error.title,
            error.message,
            error.hint,
            shown=page_problem(error),
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404:
            return problem_page(
                request,
                404,
                "There is no such page",
                "This address does not lead anywhere in pushpull.",
                "Go back to the start page.",
            )
        return problem_page(
            request, error.status_code, "That did not work", str(error.detail), "Try again."
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        fields = ", ".join(str(e.get("loc", ("", "?"))[-1]) for e in error.errors())
        return problem_page(
            request,
            400,
            "Something was missing",
            f"The page sent an incomplete request (missing or invalid: {fields}).",
            "Reload the page and try again.",
        )

    for family in (_routes_pages, _routes_imports, _routes_settings, _routes_api):
        app.include_router(family.router)
    return app
