"""A big conversation's first dashboard view says which step its analysis is on, then shows
the dashboard; a failed analysis is shown once as an error."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from pushpull.web import create_app
from pushpull.web.config import WebConfig

from .conftest import HX, TOKEN, local_client, upload, wait_for_import


def _imported(client, export: Path) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/?token={TOKEN}").status_code == 200
    wait_for_import(client, upload(client, export))
    assert client.post("/c/1/me", data={"name": "Alex"}, headers=HX).status_code == 200


def _open_dashboard(client):  # type: ignore[no-untyped-def]
    return client.get("/c/1")


@pytest.fixture
def slow_analysis(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The analysis waits, after telling its second step, until the test lets it go on."""
    import pushpull.web._views as views

    release = threading.Event()
    real = views.analyze

    def waiting(*args, progress=None, **kw):  # type: ignore[no-untyped-def]
        def tell(step: int, of: int, what: str) -> None:
            if progress is not None:
                progress(step, of, what)
            if step == 2:
                assert release.wait(20)

        return real(*args, progress=tell, **kw)

    monkeypatch.setattr(views, "analyze", waiting)
    return release


def test_a_big_conversation_shows_its_steps_then_the_dashboard(
    home: Path, sam_export: Path, slow_analysis: threading.Event
) -> None:
    config = replace(WebConfig(), background_from=100)
    with local_client(create_app(home, token=TOKEN, config=config)) as client:
        _imported(client, sam_export)
        first = _open_dashboard(client)
        assert first.status_code == 200
        assert 'http-equiv="refresh"' in first.text
        deadline = time.monotonic() + 10
        while "Step 2 of 4" not in first.text and time.monotonic() < deadline:
            time.sleep(0.05)
            first = _open_dashboard(client)
        assert "Step 2 of 4" in first.text and "Reading the words of" in first.text
        assert 'role="status"' in first.text
        slow_analysis.set()
        deadline = time.monotonic() + 20
        page = _open_dashboard(client)
        while 'http-equiv="refresh"' in page.text and time.monotonic() < deadline:
            time.sleep(0.1)
            page = _open_dashboard(client)
        assert 'http-equiv="refresh"' not in page.text
        assert "Step 2 of 4" not in page.text
        assert "Sam" in page.text


def test_a_small_conversation_opens_at_once(home: Path, sam_export: Path) -> None:
    with local_client(create_app(home, token=TOKEN)) as client:
        _imported(client, sam_export)
        page = _open_dashboard(client)
        assert page.status_code == 200
        assert 'http-equiv="refresh"' not in page.text


def test_a_failed_background_analysis_is_shown_once(
    home: Path, sam_export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pushpull.web._views as views
    from pushpull.errors import UsageError

    def failing(*args, **kw):  # type: ignore[no-untyped-def]
        raise UsageError("The analysis broke on purpose.", hint="Try again.")

    monkeypatch.setattr(views, "analyze", failing)
    config = replace(WebConfig(), background_from=100)
    with local_client(create_app(home, token=TOKEN, config=config)) as client:
        _imported(client, sam_export)
        page = _open_dashboard(client)
        deadline = time.monotonic() + 10
        while 'http-equiv="refresh"' in page.text and time.monotonic() < deadline:
            time.sleep(0.05)
            page = _open_dashboard(client)
        assert "broke on purpose" in page.text
        again = _open_dashboard(client)  # a new try: running (or failed again), not stale
        assert again.status_code in (200, 400)


def test_a_reload_brings_the_dashboard_as_soon_as_it_is_ready(
    home: Path, sam_export: Path, slow_analysis: threading.Event
) -> None:
    config = replace(WebConfig(), background_from=100, working_wait_s=10.0)
    with local_client(create_app(home, token=TOKEN, config=config)) as client:
        _imported(client, sam_export)
        first = _open_dashboard(client)
        assert 'http-equiv="refresh"' in first.text  # the first view answers at once
        threading.Timer(0.5, slow_analysis.set).start()
        started = time.monotonic()
        reload = _open_dashboard(client)  # waits for the job instead of showing a step
        assert 'http-equiv="refresh"' not in reload.text
        assert "Sam" in reload.text
        assert time.monotonic() - started < 9
