"""Running the app: ``serve`` for ``pushpull serve`` (blocks until Ctrl+C), ``start_server`` for
tests and benchmarks (a background thread on a free loopback port)."""

from __future__ import annotations

import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import uvicorn

from pushpull.errors import UsageError
from pushpull.web._access import new_token
from pushpull.web._app import create_app
from pushpull.web._launcher import remove_when_used, write_launcher
from pushpull.web.config import WebConfig

__all__ = ["RunningServer", "check_host", "serve", "start_server"]


def check_host(host: str, *, allow_remote: bool, config: WebConfig) -> WebConfig:
    """The config to serve on ``host`` with: loopback addresses always, any other only with
    ``allow_remote`` (and then its name joins the Host header allowlist)."""
    if host in config.loopback_hosts:
        return replace(config, host=host)
    if not allow_remote:
        raise UsageError(
            f"pushpull serves only this computer, not {host!r}: anyone who can reach that "
            "address could try to read your messages.",
            hint="Leave out --host, or add --allow-remote if you really mean it.",
        )
    return replace(config, host=host, allowed_host_names=(*config.allowed_host_names, host))


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _server(
    home: Path, token: str, config: WebConfig, debug: bool, passphrase: str | None
) -> tuple[uvicorn.Server, threading.Event]:
    """The server, and the event its token gate sets when the launch token is first used."""
    app = create_app(home, token=token, config=config, debug=debug, passphrase=passphrase)
    used: threading.Event = app.state.gate.used
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            server_header=False,
            date_header=False,
        )
    )
    return server, used


@dataclass(slots=True, kw_only=True)
class RunningServer:
    """A server running in a background thread; ``url`` holds the launch token."""

    base_url: str
    token: str
    server: uvicorn.Server
    thread: threading.Thread
    token_used: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"{self.base_url}/?token={self.token}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(
    home: Path,
    *,
    port: int = 0,
    token: str | None = None,
    config: WebConfig | None = None,
    debug: bool = False,
    host: str | None = None,
    allow_remote: bool = False,
    passphrase: str | None = None,
) -> RunningServer:
    """Start the app on loopback (or ``host``, see :func:`check_host`) in a background
    thread and wait until it answers."""
    config = config or WebConfig()
    config = check_host(host or config.host, allow_remote=allow_remote, config=config)
    token = token or new_token(config.token_bytes)
    sock = _bind(config.host, port)
    server, used = _server(home, token, config, debug, passphrase)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="pushpull-web", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the pushpull web server did not start")
        time.sleep(0.02)
    bound_host, bound = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    return RunningServer(
        base_url=f"http://{shown}:{bound}",
        token=token,
        server=server,
        thread=thread,
        token_used=used,
    )


def serve(
    home: Path,
    *,
    port: int = 0,
    open_browser: bool = True,
    announce: Callable[[str], None] = print,
    config: WebConfig | None = None,
    debug: bool = False,
    stop: threading.Event | None = None,
    host: str | None = None,
    allow_remote: bool = False,
    passphrase: str | None = None,
) -> None:
    """Run the app until Ctrl+C (or until ``stop`` is set), telling the user (``announce``)
    the link to open, and opening it in the browser unless ``open_browser`` is false."""
    running = start_server(
        home,
        port=port,
        config=config,
        debug=debug,
        host=host,
        allow_remote=allow_remote,
        passphrase=passphrase,
    )
    announce(running.url)  # the user's own terminal only
    launcher = None
    if open_browser:
        # The browser gets a private file, not the tokened URL: command lines are public.
        launcher = write_launcher(home, running.url)
        remove_when_used(launcher, running.token_used)
        webbrowser.open(launcher.as_uri())
    try:
        while running.thread.is_alive() and not (stop is not None and stop.is_set()):
            running.thread.join(timeout=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
        if launcher is not None:
            launcher.unlink(missing_ok=True)
