"""Pages out of templates, and errors out of pages: :func:`render` and, in exactly one place,
:func:`problem_page` (an error as a page, as the part of a page htmx swaps in, or as JSON)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from pushpull.errors import (
    ConversationNotFoundError,
    InputError,
    PassphraseNeededError,
    PushPullError,
    StoreBusyError,
    StoreError,
    WrongPassphraseError,
)
from pushpull.web._access import CSRF_FIELD
from pushpull.web._api import ProblemOut
from pushpull.web._problems import PageProblem
from pushpull.web._state import app_state

__all__ = ["ask_passphrase", "is_htmx", "local_target", "problem_page", "render", "status_of"]


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def local_target(url: str | None) -> str:
    """The page to go to after unlocking: a path of this server, never another site's address
    (anything else, or the unlock and lock pages themselves, gives the start page)."""
    parts = urlsplit(url or "/")
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return "/"
    if "\\" in path or path in ("/unlock", "/lock"):
        return "/"
    return path + ("?" + parts.query if parts.query else "")


def ask_passphrase(request: Request) -> Response:
    """Where a request for a locked store goes: the passphrase form, coming back afterwards."""
    if is_htmx(request):
        back = local_target(urlsplit(request.headers.get("HX-Current-URL", "")).path or "/")
        go = "/unlock?" + urlencode({"next": back})
        return Response(status_code=401, headers={"HX-Redirect": go})
    back = request.url.path + ("?" + request.url.query if request.url.query else "")
    if request.method != "GET":
        back = "/"  # a form's address shows nothing when opened; start from the top
    return render(
        request, "unlock.html", status=401, page="", next_url=local_target(back), wrong=False
    )


def status_of(error: PushPullError) -> int:
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


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    state = app_state(request)
    html = state.env.get_template(template).render(
        preferences=state.preferences,
        poll_ms=state.config.poll_ms,
        csrf=state.csrf,
        csrf_field=CSRF_FIELD,
        can_lock=state.access.unlocked and state.access.encrypted,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def problem_page(
    request: Request,
    status: int,
    title: str,
    message: str,
    hint: str,
    *,
    shown: PageProblem | None = None,
) -> Response:
    """The one place an error becomes a page (or, for htmx, the part of a page it replaces;
    for the JSON API, a :class:`ProblemOut`). ``shown`` is the page's wording of it, when it
    differs from the API's."""
    if request.url.path.startswith("/api/"):
        problem = ProblemOut(title=title, message=message, hint=hint)
        return JSONResponse(problem.model_dump(), status_code=status)
    shown = shown or PageProblem(title=title, message=message, hint=hint)
    template = "_error.html" if is_htmx(request) else "error.html"
    return render(request, template, status=status, page="", problem=shown)
