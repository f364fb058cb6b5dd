from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from pushpull.config import EncryptionConfig
from pushpull.store import (
    KEY_FILE,
    STORE_FILE,
    Store,
    backup_store,
    decrypt_store,
    encrypt_store,
    import_file,
    restore_store,
)
from tests.conftest import write_fixture
from tests.store.conftest import file_mode

CHEAP = EncryptionConfig(scrypt_n=2**10)
PASSPHRASE = "correct horse battery staple"
ROWS = [("2024-01-01T10:00:00", "Sam", "hello"), ("2024-01-01T10:01:00", "Alex", "hi")]


def _loose_backup(home: Path, target: Path) -> Path:
    """A backup as an earlier pushpull (or another tool) may have packed it: members 0644."""
    with tarfile.open(target, "w") as tar:
        for name in (STORE_FILE, KEY_FILE):
            if (home / name).exists():
                info = tar.gettarinfo(home / name, arcname=name)
                info.mode = 0o644
                with (home / name).open("rb") as f:
                    tar.addfile(info, f)
    return target


def _assert_owner_only(home: Path) -> None:
    files = sorted(p.name for p in home.iterdir() if p.is_file())
    assert STORE_FILE in files
    assert {name: file_mode(home / name) for name in files} == dict.fromkeys(files, 0o600)


@pytest.mark.usefixtures("loose_umask")
def test_conversion_backup_and_restore_write_owner_only_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Store(home) as store:
        import_file(store, write_fixture(tmp_path / "sam.txt", "Sam", ROWS))
    plain_backup = _loose_backup(home, tmp_path / "plain.tar")
    assert restore_store(tmp_path / "restored-plain", plain_backup) == 2
    _assert_owner_only(tmp_path / "restored-plain")

    assert encrypt_store(home, PASSPHRASE, encryption=CHEAP) == 2
    _assert_owner_only(home)
    assert (home / KEY_FILE).exists()
    secret_backup = _loose_backup(home, tmp_path / "secret.tar")
    restored = tmp_path / "restored-secret"
    assert restore_store(restored, secret_backup, passphrase=PASSPHRASE) == 2
    _assert_owner_only(restored)
    assert (restored / KEY_FILE).exists()

    assert decrypt_store(home, PASSPHRASE) == 2
    _assert_owner_only(home)

    target = tmp_path / "elsewhere" / "backup.tar"
    with Store(home) as store:
        assert backup_store(store, target) == 2
    assert file_mode(target) == 0o600
    with tarfile.open(target) as tar:
        assert tar.getmember(STORE_FILE).mode == 0o600
