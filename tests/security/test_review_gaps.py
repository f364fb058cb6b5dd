"""The gaps the security review of issue 15 found, one test (or a few) per item."""

from __future__ import annotations

import socket
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pushpull.web import start_server
from pushpull.web._server import RunningServer, serve

# --- 1. the launch token stays off the process list -----------------------------------------


def test_the_browser_is_not_given_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``BROWSER`` a script that records its arguments, the token is not in them, and the
    private file it was given forwards to the tokened address and is gone once used."""
    record = tmp_path / "args.txt"
    script = tmp_path / "fake-browser"
    script.write_text(
        f"#!{sys.executable}\nimport sys, pathlib\n"
        f"pathlib.Path({str(record)!r}).write_text(' '.join(sys.argv[1:]))\n"
    )
    script.chmod(0o700)
    monkeypatch.setenv("BROWSER", str(script))
    import webbrowser

    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    home = tmp_path / "home"
    stop = threading.Event()
    seen: dict[str, object] = {}

    def announce(url: str) -> None:
        seen["url"] = url
        threading.Thread(target=visit, args=(url,), daemon=True).start()

    def visit(url: str) -> None:
        try:
            look(url)
        finally:
            stop.set()

    def look(url: str) -> None:
        for _ in range(200):
            if record.exists() and record.read_text():
                break
            threading.Event().wait(0.05)
        opened = record.read_text()
        seen["opened"] = opened
        launcher = Path(opened.removeprefix("file://"))
        seen["mode"] = stat.S_IMODE(launcher.stat().st_mode)
        seen["page"] = launcher.read_text()
        with httpx.Client() as browser:
            browser.get(str(seen["url"]), follow_redirects=True)
        for _ in range(100):
            if not launcher.exists():
                break
            threading.Event().wait(0.05)
        seen["removed"] = not launcher.exists()

    serve(home, announce=announce, stop=stop)
    token = str(seen["url"]).split("token=")[1]
    assert "opened" in seen, "the browser was not opened"
    assert token not in str(seen["opened"])
    assert str(seen["opened"]).startswith("file://") and str(home) in str(seen["opened"])
    assert seen["mode"] == 0o600
    assert token in str(seen["page"])
    assert seen["removed"] is True


# --- 2. no open redirect ----------------------------------------------------------------------


def stays_here(location: str) -> bool:
    """A browser following ``location`` stays on this server (browsers read \\ as /)."""
    from urllib.parse import urlsplit

    # Browsers read a backslash as a slash and drop tabs and line breaks; percent-escapes stay
    # inert in a path.
    cleaned = location.replace("\\", "/").replace("\t", "").replace("\n", "").replace("\r", "")
    return cleaned.startswith("/") and not cleaned.startswith("//") and not urlsplit(cleaned).netloc


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_server(tmp_path_factory.mktemp("redirect") / "home")
    yield server
    server.stop()


def raw_get(server: RunningServer, target: str) -> tuple[str, dict[str, str]]:
    """Send ``GET target`` as written (no client normalises it); the status line and headers."""
    host, port = server.base_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port))) as s:
        s.sendall(
            f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        reply = s.recv(65536).decode("latin-1")
    status, *lines = reply.split("\r\n\r\n", 1)[0].split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines if ": " in line)
    return status, {k.lower(): v for k, v in headers.items()}


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example/",
        "/%2F%2Fevil.example/",
        "/%5Cevil.example/",
        "/%09/evil.example/",
        "https://evil.example/",
    ],
)
def test_the_token_redirect_stays_on_this_server(running: RunningServer, target: str) -> None:
    status, headers = raw_get(running, f"{target}?token={running.token}")
    assert " 303 " in status, status
    assert stays_here(headers["location"]), headers["location"]
