"""Fixtures for the web tests: a generated hot-and-cold WhatsApp export, and a test client of a
fresh app already holding the launch cookie."""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning

from pushpull.synth import generate, render, write
from pushpull.web import create_app, csrf_token

with warnings.catch_warnings():
    # Starlette asks for the httpx2 package; httpx (installed) still works.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

TOKEN = "test-launch-token"
#: Where the test client says it talks to: an address the Host allowlist accepts.
BASE_URL = "http://127.0.0.1:8000"
#: The header the pages' htmx sends with every request.
CSRF = {"X-CSRF-Token": csrf_token(TOKEN)}


def local_client(app: FastAPI, *, csrf: bool = True) -> TestClient:
    """A test client of ``app`` on a loopback address, sending the CSRF header unless not."""
    return TestClient(app, base_url=BASE_URL, headers=CSRF if csrf else None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives Chromium with Playwright (needs /usr/bin/chromium)"
    )


@pytest.fixture(scope="session")
def sam_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 120-day WhatsApp export, Alex and Sam, with three planted hot-and-cold cycles."""
    chat = generate("hot_cold", seed=5, days=120, n_cycles=3, me="Alex", partner="Sam")
    return write(render(chat, "whatsapp"), tmp_path_factory.mktemp("sam-export"))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def client(home: Path) -> Iterator[TestClient]:
    with local_client(create_app(home, token=TOKEN)) as test_client:
        assert test_client.get(f"/?token={TOKEN}").status_code == 200
        yield test_client


HX = {"HX-Request": "true"}


def upload(client: TestClient, path: Path, *, htmx: bool = True) -> httpx.Response:
    with path.open("rb") as f:
        return client.post(
            "/import", files={"file": (path.name, f, "text/plain")}, headers=HX if htmx else {}
        )


def wait_for_import(client: TestClient, started: httpx.Response) -> httpx.Response:
    """Poll the import the page started until it has finished, as the page does."""
    match = re.search(r'hx-get="(/imports/[\w-]+)"', started.text)
    assert match is not None, started.text
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        response = client.get(match.group(1), headers=HX)
        if "<progress" not in response.text:
            return response
        time.sleep(0.05)
    raise AssertionError("the import did not finish")
