"""The local web app (``pushpull serve``): drop in an export, see the dashboard, keep a report.

    app = create_app(Path("my-data"))            # a FastAPI app; every request needs the token
    running = start_server(Path("my-data"))      # in a background thread (tests, benchmarks)
    running.url                                  # http://127.0.0.1:PORT/?token=...
    running.stop()

It binds to loopback only, opens with a one-time token that becomes an HttpOnly cookie, and
serves every asset itself, so it works with no network at all.
"""

from __future__ import annotations

from pushpull.web._access import SECURITY_HEADERS, cookie_name
from pushpull.web._app import AppState, create_app
from pushpull.web._server import RunningServer, serve, start_server
from pushpull.web.config import WebConfig

__all__ = [
    "SECURITY_HEADERS",
    "AppState",
    "RunningServer",
    "WebConfig",
    "cookie_name",
    "create_app",
    "serve",
    "start_server",
]
