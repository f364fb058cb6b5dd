from __future__ import annotations

import json
from pathlib import Path

import pytest

from pushpull.config import EncryptionConfig
from pushpull.errors import EncryptionUnavailableError, StoreError
from pushpull.store import KEY_FILE, Store, encryption, is_encrypted
from pushpull.store.encryption import derive_key, new_header, read_header, write_header

CHEAP = EncryptionConfig(scrypt_n=2**10)


def test_new_stores_use_a_memory_hard_cost() -> None:
    header = new_header()
    assert header.scrypt_n * header.scrypt_r * 128 >= 64 * 2**20  # at least 64 MiB per guess
    assert len(header.salt) >= 16 and header.key_bytes == 32


def test_the_key_depends_on_passphrase_and_salt_and_is_stable(tmp_path: Path) -> None:
    one, two = new_header(CHEAP), new_header(CHEAP)
    assert one.salt != two.salt
    key = derive_key("pass", one)
    assert len(key) == 64 and int(key, 16) >= 0
    assert derive_key("pass", two) != key and derive_key("Pass", one) != key
    write_header(tmp_path / KEY_FILE, one)
    assert derive_key("pass", read_header(tmp_path / KEY_FILE)) == key


def test_a_damaged_key_file_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE
    write_header(path, new_header(CHEAP))
    data = json.loads(path.read_text())
    data["salt"] = "not hex"
    path.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="cannot read"):
        read_header(path)


def test_stores_of_one_process_share_the_open_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Store(home, passphrase="pw", encryption=CHEAP) as first:
        assert is_encrypted(home) and first.encrypted
        first.con.execute("INSERT INTO meta VALUES ('note', 'kept')")
        with Store(home, passphrase="pw") as second:
            assert second.con.execute("SELECT value FROM meta WHERE key = 'note'").fetchall() == [
                ("kept",)
            ]
        assert first.con.execute("SELECT count(*) FROM meta").fetchall() == [(2,)]
    with Store(home, passphrase="pw") as again:  # the file was let go and opens afresh
        assert again.con.execute("SELECT count(*) FROM meta").fetchall() == [(2,)]


def test_a_missing_extension_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(encryption, "_extension_file", lambda: None)
    with pytest.raises(EncryptionUnavailableError, match="duckdb-extension-httpfs"):
        Store(tmp_path / "home", passphrase="pw", encryption=CHEAP)
    assert not is_encrypted(tmp_path / "home")  # no key file left without a store
