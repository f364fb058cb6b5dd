"""Who may use the server: whoever opened the launch link. The token arrives once in the URL
(``?token=...``), is swapped for an HttpOnly, SameSite=Strict cookie and a redirect that drops it
from the address bar; every request without the cookie gets 403."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

__all__ = ["SECURITY_HEADERS", "TokenGate", "cookie_name", "new_token"]

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
}
_FORBIDDEN = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Not allowed</title></head><body><h1>Not allowed</h1>
<p>Open pushpull from the link it printed when it started (it holds a one-time key).</p>
</body></html>"""


def new_token(n_bytes: int) -> str:
    return secrets.token_urlsafe(n_bytes)


def cookie_name(token: str) -> str:
    """A cookie name of this launch, so two servers on one machine do not overwrite each
    other's cookie (cookies are per host, not per port)."""
    return "pushpull-" + hashlib.sha256(token.encode()).hexdigest()[:12]


class TokenGate:
    """The middleware: ``await gate(request, call_next)``."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.cookie = cookie_name(token)

    def _valid(self, offered: str | None) -> bool:
        return offered is not None and secrets.compare_digest(offered.encode(), self.token.encode())

    async def __call__(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        offered = request.query_params.get("token")
        if offered is not None and self._valid(offered):
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + ("?" + urlencode(rest) if rest else "")
            response: Response = RedirectResponse(target, status_code=303)
            response.set_cookie(self.cookie, self.token, httponly=True, samesite="strict", path="/")
        elif self._valid(request.cookies.get(self.cookie)):
            response = await call_next(request)
        else:
            response = HTMLResponse(_FORBIDDEN, status_code=403)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "no-store")
        return response
