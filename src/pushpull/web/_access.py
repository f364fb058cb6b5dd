"""Who may use the server, and how. Whoever opened the launch link: the token arrives once in the
URL (``?token=...``), is swapped for an HttpOnly, SameSite=Strict cookie and a redirect that drops
it from the address bar; every request without the cookie gets 403. Before that, the Host header
must name this computer (defeats DNS rebinding), a request that changes something must come from
the app's own pages (Origin/Referer) and carry the CSRF token the pages hold, and no body may be
larger than the app accepts (413)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from pushpull.web.config import WebConfig

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SECURITY_HEADERS",
    "TokenGate",
    "cookie_name",
    "csrf_token",
    "new_token",
    "require_csrf",
]

#: Headers on every response: nothing is cached or framed, scripts come only from the app.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
#: The header htmx sends the CSRF token in, and the hidden form field plain forms send it in.
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"
#: The one route that reads a body of files, streamed (see ``_upload.py``).
UPLOAD_PATH = "/import"
#: Methods that only read: they need the cookie but no CSRF token.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>"""
_FORBIDDEN = _PAGE.format(
    title="Not allowed",
    text="Open pushpull from the link it printed when it started (it holds a one-time key).",
)
_BAD_HOST = _PAGE.format(
    title="Not allowed",
    text="pushpull answers only to addresses of this computer (127.0.0.1, localhost, [::1]).",
)
_FOREIGN = _PAGE.format(
    title="Not allowed",
    text="That request came from another site or an old page. Reload pushpull's page and retry.",
)
_TOO_LARGE = _PAGE.format(
    title="Too large", text="That is more than pushpull accepts through the page."
)


def new_token(n_bytes: int) -> str:
    return secrets.token_urlsafe(n_bytes)


def cookie_name(token: str) -> str:
    """A cookie name of this launch, so two servers on one machine do not overwrite each
    other's cookie (cookies are per host, not per port)."""
    return "pushpull-" + hashlib.sha256(token.encode()).hexdigest()[:12]


def csrf_token(token: str) -> str:
    """The CSRF token of a launch: written into each page, never into a cookie, so another
    site cannot read it even though the browser would send the cookie for it."""
    return hmac.new(token.encode(), b"pushpull csrf", hashlib.sha256).hexdigest()


def _same(offered: str | None, expected: str) -> bool:
    return offered is not None and secrets.compare_digest(offered.encode(), expected.encode())


async def require_csrf(request: Request) -> None:
    """A dependency of every route: a request that changes something must carry the CSRF
    token in the header (htmx) or the hidden form field (plain forms)."""
    if request.method in _SAFE_METHODS:
        return
    expected: str = request.app.state.pushpull.csrf
    if _same(request.headers.get(CSRF_HEADER), expected):
        return
    content_type = request.headers.get("content-type", "")
    if request.url.path == UPLOAD_PATH and content_type.startswith("multipart/form-data"):
        return  # the upload streams its body and checks the field before writing the file
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        field = (await request.form()).get(CSRF_FIELD)
        if isinstance(field, str) and _same(field, expected):
            return
    from starlette.exceptions import HTTPException

    raise HTTPException(403, "The page's security token was missing; reload the page.")


def local_path(path: str) -> str:
    """``path`` as a path of this server: one leading slash, so that "//evil.example/" or
    "/\\evil.example" cannot become a redirect to another host."""
    return "/" + path.lstrip("/\\ \t\r\n")


class TokenGate:
    """The middleware: ``await gate(request, call_next)``."""

    def __init__(self, token: str, config: WebConfig | None = None) -> None:
        self.token = token
        self.cookie = cookie_name(token)
        self.config = config or WebConfig()
        #: Set the first time the launch token is exchanged for the cookie.
        self.used = threading.Event()

    def _host_allowed(self, request: Request) -> bool:
        """The Host header names this computer, on the port the server listens on."""
        try:
            parts = urlsplit("//" + request.headers.get("host", ""))
            name, port = parts.hostname, parts.port
        except ValueError:
            return False
        if name is None or name not in self.config.allowed_host_names:
            return False
        server = request.scope.get("server")
        listening = server[1] if server and server[1] is not None else None
        return listening is None or port == listening or (port is None and listening == 80)

    def _origin_allowed(self, request: Request) -> bool:
        """A request that changes something comes from a page of this server (or says nothing
        of where it came from: form posts under ``no-referrer`` send ``Origin: null``)."""
        own = request.headers.get("host", "").lower()
        origin = request.headers.get("origin")
        if origin is not None and origin != "null":
            return urlsplit(origin).netloc.lower() == own
        referer = request.headers.get("referer")
        return referer is None or urlsplit(referer).netloc.lower() == own

    def _too_large(self, request: Request) -> bool:
        declared = request.headers.get("content-length")
        if declared is None or not declared.isdigit():
            return False
        upload = request.url.path == UPLOAD_PATH
        limit = self.config.max_upload_bytes if upload else self.config.max_form_bytes
        # a multipart body holds a few hundred bytes of framing around the file
        return int(declared) > limit + (self.config.max_form_bytes if upload else 0)

    async def __call__(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        offered = request.query_params.get("token")
        unsafe = request.method not in _SAFE_METHODS
        response: Response
        if not self._host_allowed(request):
            response = HTMLResponse(_BAD_HOST, status_code=403)
        elif offered is not None and _same(offered, self.token):
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = local_path(request.url.path) + ("?" + urlencode(rest) if rest else "")
            response = RedirectResponse(target, status_code=303)
            self.used.set()
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="strict", path="/")
        elif not _same(request.cookies.get(self.cookie), self.token):
            response = HTMLResponse(_FORBIDDEN, status_code=403)
        elif unsafe and not self._origin_allowed(request):
            response = HTMLResponse(_FOREIGN, status_code=403)
        elif unsafe and self._too_large(request):
            response = HTMLResponse(_TOO_LARGE, status_code=413)
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        # pages hold private messages: never cached (only the app's own assets may be)
        response.headers.setdefault("Cache-Control", "no-store")
        return response
