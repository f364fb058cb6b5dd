"""The real server on a loopback socket: the launch link works, nothing else does."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from pushpull.web import serve, start_server


def test_the_server_answers_on_loopback_with_the_token_only(tmp_path: Path) -> None:
    running = start_server(tmp_path / "home")
    try:
        assert running.base_url.startswith("http://127.0.0.1:")
        with httpx.Client() as browser:
            assert browser.get(running.base_url + "/").status_code == 403
            page = browser.get(running.url, follow_redirects=True)
            assert page.status_code == 200 and "Drop your chat export here" in page.text
            assert str(page.url) == running.base_url + "/"
    finally:
        running.stop()
    assert not running.thread.is_alive()


def test_serve_announces_the_link_and_opens_the_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    announced: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    stop = threading.Event()

    def announce(url: str) -> None:
        announced.append(url)
        with httpx.Client() as browser:
            assert browser.get(url, follow_redirects=True).status_code == 200
        stop.set()

    serve(tmp_path / "home", announce=announce, stop=stop)
    assert "?token=" in announced[0]
    assert len(opened) == 1 and opened[0].startswith("file://") and "token" not in opened[0]
