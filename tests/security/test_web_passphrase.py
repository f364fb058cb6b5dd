"""The passphrase on the page: an encrypted store shows nothing before it is unlocked, "Lock"
puts the passphrase and the cached analyses away, and Settings encrypts and decrypts the store
(issue 5, "passphrase asked by prompt or the web page", "a settings toggle")."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pushpull.store import STORE_FILE, Store, import_file, is_encrypted
from pushpull.synth import generate, render, write
from pushpull.web import create_app
from tests.web.conftest import HX, TOKEN, TestClient, local_client
from tests.web.test_encrypted import PASSPHRASE, encrypted_home


@pytest.fixture(scope="module")
def sam_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chat = generate("hot_cold", seed=5, days=60, me="Alex", partner="Sam")
    return write(render(chat, "whatsapp"), tmp_path_factory.mktemp("sam-export"))


def locked_client(home: Path) -> TestClient:
    client = local_client(create_app(home, token=TOKEN))
    client.get(f"/?token={TOKEN}")
    return client


def test_a_locked_store_asks_for_the_passphrase_and_comes_back(
    tmp_path: Path, sam_export: Path
) -> None:
    home = encrypted_home(tmp_path, sam_export)
    with locked_client(home) as client:
        page = client.get("/settings")
        assert page.status_code == 401
        assert 'name="passphrase"' in page.text and 'value="/settings"' in page.text
        assert "Sam" not in page.text

        wrong = client.post("/unlock", data={"passphrase": "not it", "next": "/settings"})
        assert wrong.status_code == 401
        assert "does not open your data" in wrong.text
        assert client.get("/api/conversations").status_code == 401

        right = client.post(
            "/unlock",
            data={"passphrase": PASSPHRASE, "next": "/settings"},
            follow_redirects=False,
        )
        assert right.status_code == 303 and right.headers["location"] == "/settings"
        assert [c["name"] for c in client.get("/api/conversations").json()] == ["Sam"]
        assert PASSPHRASE not in client.get("/settings").text


def test_an_htmx_request_to_a_locked_store_is_sent_to_the_unlock_page(
    tmp_path: Path, sam_export: Path
) -> None:
    home = encrypted_home(tmp_path, sam_export)
    with locked_client(home) as client:
        response = client.get(
            "/c/1", headers={**HX, "HX-Current-URL": "http://127.0.0.1:8000/c/1?since=2024-01-01"}
        )
        assert response.status_code == 401
        assert response.headers["HX-Redirect"] == "/unlock?next=%2Fc%2F1"


@pytest.mark.parametrize(
    "target",
    ["https://elsewhere.example/", "//elsewhere.example/x", "/\\elsewhere.example", "javascript:x"],
)
def test_unlocking_never_sends_the_browser_to_another_site(
    tmp_path: Path, sam_export: Path, target: str
) -> None:
    home = encrypted_home(tmp_path, sam_export)
    with locked_client(home) as client:
        response = client.post(
            "/unlock", data={"passphrase": PASSPHRASE, "next": target}, follow_redirects=False
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/"


def test_the_unlock_form_needs_the_pages_csrf_token(tmp_path: Path, sam_export: Path) -> None:
    home = encrypted_home(tmp_path, sam_export)
    with local_client(create_app(home, token=TOKEN), csrf=False) as client:
        client.get(f"/?token={TOKEN}")
        response = client.post("/unlock", data={"passphrase": PASSPHRASE})
        assert response.status_code == 403
        assert client.get("/api/conversations").status_code == 401


def test_lock_puts_the_passphrase_and_the_cached_analyses_away(
    tmp_path: Path, sam_export: Path
) -> None:
    home = encrypted_home(tmp_path, sam_export)
    app = create_app(home, token=TOKEN, passphrase=PASSPHRASE)
    with local_client(app) as client:
        client.get(f"/?token={TOKEN}")
        assert client.get("/api/analysis/1").status_code == 200
        state = app.state.pushpull
        assert len(state.analyses) == 1 and 'action="/lock"' in client.get("/").text

        response = client.post("/lock", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/unlock"
        assert len(state.analyses) == 0 and len(state.frames) == 0
        assert client.get("/api/analysis/1").status_code == 401
        assert 'name="passphrase"' in client.get("/unlock").text


def test_settings_encrypt_a_plain_store_and_decrypt_it_again(
    tmp_path: Path, sam_export: Path
) -> None:
    home = tmp_path / "home"
    with Store(home) as store:
        n = import_file(store, sam_export, me="Alex").n_added
    planted = "Alex"  # a sender's name is in every plain store file
    assert planted.encode() in (home / STORE_FILE).read_bytes()
    app = create_app(home, token=TOKEN)
    with local_client(app) as client:
        client.get(f"/?token={TOKEN}")
        assert 'action="/settings/encrypt"' in client.get("/settings").text

        differ = client.post(
            "/settings/encrypt", data={"passphrase": PASSPHRASE, "repeated": PASSPHRASE + "!"}
        )
        assert differ.status_code == 400 and "differ" in differ.text
        short = client.post("/settings/encrypt", data={"passphrase": "short", "repeated": "short"})
        assert short.status_code == 400 and "at least 8 characters" in short.text
        assert not is_encrypted(home)

        done = client.post(
            "/settings/encrypt", data={"passphrase": PASSPHRASE, "repeated": PASSPHRASE}
        )
        assert done.status_code == 200 and "now encrypted" in done.text
        assert is_encrypted(home)
        assert planted.encode() not in (home / STORE_FILE).read_bytes()
        assert not any(
            PASSPHRASE.encode() in p.read_bytes() for p in home.rglob("*") if p.is_file()
        )
        assert [c["n_messages"] for c in client.get("/api/conversations").json()] == [n]

        wrong = client.post("/settings/decrypt", data={"passphrase": "not the passphrase"})
        assert wrong.status_code == 401 and is_encrypted(home)

        plain = client.post("/settings/decrypt", data={"passphrase": PASSPHRASE})
        assert plain.status_code == 200 and "no longer encrypted" in plain.text
        assert not is_encrypted(home)
        assert [c["n_messages"] for c in client.get("/api/conversations").json()] == [n]
    with Store(home) as store:
        assert store.con.execute("SELECT count(*) FROM messages").fetchone() == (n,)


def test_encrypting_waits_for_a_running_import(tmp_path: Path, sam_export: Path) -> None:
    home = tmp_path / "home"
    app = create_app(home, token=TOKEN)
    with local_client(app) as client:
        client.get(f"/?token={TOKEN}")
        app.state.pushpull.jobs.running = lambda: True
        response = client.post(
            "/settings/encrypt", data={"passphrase": PASSPHRASE, "repeated": PASSPHRASE}
        )
        assert response.status_code == 400 and "import is still running" in response.text
        assert not is_encrypted(home)


def test_a_form_sent_to_a_locked_store_comes_back_to_the_start_page(
    tmp_path: Path, sam_export: Path
) -> None:
    home = encrypted_home(tmp_path, sam_export)
    with locked_client(home) as client:
        response = client.post("/c/1/forget")
        assert response.status_code == 401 and 'name="next" value="/"' in response.text
        api = client.get("/api/conversations")
        assert api.status_code == 401 and "type the passphrase there" in api.json()["hint"]
    with Store(home, passphrase=PASSPHRASE) as store:
        assert store.con.execute("SELECT count(*) FROM conversations").fetchone() == (1,)


def test_the_passphrase_reaches_no_log(
    tmp_path: Path, sam_export: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home = encrypted_home(tmp_path, sam_export)
    caplog.set_level(logging.DEBUG)
    with locked_client(home) as client:
        client.post("/unlock", data={"passphrase": PASSPHRASE + " typo"})
        client.post("/unlock", data={"passphrase": PASSPHRASE})
        client.post("/settings/decrypt", data={"passphrase": PASSPHRASE})
    assert caplog.records  # the app's libraries did log at this level
    assert "correct horse" not in caplog.text
