"""The local web app (``pushpull serve``): drop in an export, see the dashboard, keep a report.

    app = create_app(Path("my-data"))            # a FastAPI app; every request needs the token
    running = start_server(Path("my-data"))      # in a background thread (tests, benchmarks)
    running.url                                  # http://127.0.0.1:PORT/?token=...
    running.stop()

It binds to loopback only (another address needs ``allow_remote``), opens with a one-time token
that becomes an HttpOnly cookie, checks the Host header, Origin/Referer and a CSRF token on every
change, and serves every asset itself, so it works with no network at all. The JSON API
(``/api/conversations``, ``/api/analysis/{id}``) is described at ``/api/openapi.json``.
"""

from __future__ import annotations

from pushpull.web._access import SECURITY_HEADERS, cookie_name, csrf_token
from pushpull.web._app import AppState, create_app
from pushpull.web._server import RunningServer, check_host, serve, start_server
from pushpull.web.config import WebConfig

__all__ = [
    "SECURITY_HEADERS",
    "AppState",
    "RunningServer",
    "WebConfig",
    "check_host",
    "cookie_name",
    "create_app",
    "csrf_token",
    "serve",
    "start_server",
]
