"""The page on an encrypted store: it works with the passphrase given at launch, and without it
every page says the store is locked (401) instead of failing."""

from __future__ import annotations

from pathlib import Path

from pushpull.store import Store, import_file
from pushpull.web import create_app
from tests.web.conftest import TOKEN, local_client

PASSPHRASE = "correct horse battery staple"


def encrypted_home(tmp_path: Path, export: Path) -> Path:
    home = tmp_path / "home"
    with Store(home, passphrase=PASSPHRASE) as store:
        import_file(store, export, me="Alex")
    return home


def test_the_page_opens_an_encrypted_store_with_the_launch_passphrase(
    tmp_path: Path, sam_export: Path
) -> None:
    home = encrypted_home(tmp_path, sam_export)
    with local_client(create_app(home, token=TOKEN, passphrase=PASSPHRASE)) as client:
        assert client.get(f"/?token={TOKEN}").status_code == 200
        people = client.get("/api/conversations").json()
        assert [c["name"] for c in people] == ["Sam"]


def test_without_the_passphrase_the_store_stays_locked(tmp_path: Path, sam_export: Path) -> None:
    home = encrypted_home(tmp_path, sam_export)
    with local_client(create_app(home, token=TOKEN)) as client:
        client.get(f"/?token={TOKEN}")
        response = client.get("/api/conversations")
        assert response.status_code == 401
        assert "Sam" not in response.text
