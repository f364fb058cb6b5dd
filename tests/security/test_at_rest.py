"""The store at rest: encryption, conversion both ways, deletion that leaves no text behind,
backups, and private temporary folders (issue 5, "At rest" and "Backups")."""

from __future__ import annotations

import random
import stat
import tarfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pushpull.config import EncryptionConfig
from pushpull.errors import (
    PassphraseNeededError,
    StoreError,
    UsageError,
    WrongPassphraseError,
)
from pushpull.store import (
    KEY_FILE,
    Store,
    backup_store,
    decrypt_store,
    encrypt_store,
    forget_conversation,
    forget_everything,
    import_file,
    restore_store,
)
from pushpull.store.copies import private_folder
from pushpull.store.encryption import derive_key, read_header
from tests.conftest import write_fixture

#: scrypt at a test's cost: the real cost is a property of the key file, tested separately.
CHEAP = EncryptionConfig(scrypt_n=2**10)
PHRASE = "violet harbour lantern"
PASSPHRASE = "correct horse battery staple"


def _rows(n: int, seed: int, planted: bool) -> list[tuple[str, str, str]]:
    """Messages of varied words (so DuckDB stores them as text, not as a few dictionary
    entries), every tenth with the planted phrase when ``planted``."""
    rng = random.Random(seed)
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(3000)
    ]
    start = datetime(2024, 1, 1)
    rows = []
    for i in range(n):
        text = " ".join(rng.choices(words, k=12))
        if planted and i % 10 == 0:
            text = f"{PHRASE} {i} {text}"
        sender = "Sam" if i % 2 else "Alex"
        rows.append(((start + timedelta(minutes=i)).isoformat(), sender, text))
    return rows


def _fill(home: Path, tmp_path: Path, **store_args: object) -> None:
    """A store with a large conversation "Sam" and a smaller "Jo" holding the planted phrase."""
    sam = write_fixture(tmp_path / "sam.txt", "Sam", _rows(20_000, 1, planted=False))
    jo = write_fixture(tmp_path / "jo.txt", "Jo", _rows(2_000, 2, planted=True))
    with Store(home, **store_args) as store:  # type: ignore[arg-type]
        import_file(store, sam, me="Alex")
        import_file(store, jo, me="Alex")


def _found(home: Path, text: str) -> bool:
    """Whether ``text`` can be read from any file of the data folder (database, WAL, ...)."""
    needle = text.encode("utf-8")
    return any(needle in p.read_bytes() for p in home.rglob("*") if p.is_file())


def _tables(store: Store) -> dict[str, list[tuple[object, ...]]]:
    names = [
        str(n)
        for (n,) in store.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    ]
    return {n: sorted(store.con.execute(f"FROM {n}").fetchall(), key=repr) for n in names}


def test_the_phrase_is_readable_in_a_plain_store_and_not_in_an_encrypted_one(
    tmp_path: Path,
) -> None:
    plain, secret = tmp_path / "plain", tmp_path / "secret"
    _fill(plain, tmp_path)
    _fill(secret, tmp_path, passphrase=PASSPHRASE, encryption=CHEAP)
    assert _found(plain, PHRASE)  # the check below can fail
    assert (secret / KEY_FILE).exists()
    assert not _found(secret, PHRASE)
    with Store(secret, passphrase=PASSPHRASE) as store:
        [(n,)] = store.con.execute("SELECT count(*) FROM messages").fetchall()
    assert n == 22_000


def test_neither_the_passphrase_nor_the_key_is_written(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _fill(home, tmp_path, passphrase=PASSPHRASE, encryption=CHEAP)
    key = derive_key(PASSPHRASE, read_header(home / KEY_FILE))
    assert not _found(home, PASSPHRASE)
    assert not _found(home, key)
    assert stat.S_IMODE((home / KEY_FILE).stat().st_mode) == 0o600


def test_a_wrong_or_missing_passphrase_is_a_clear_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Store(home, passphrase=PASSPHRASE, encryption=CHEAP).close()
    with pytest.raises(WrongPassphraseError, match="Wrong passphrase"):
        Store(home, passphrase="correct horse battery stapler")
    with pytest.raises(PassphraseNeededError):
        Store(home)
    with Store(home, passphrase=PASSPHRASE) as store, pytest.raises(WrongPassphraseError):
        Store(home, passphrase="guess")  # also while the store is open in this process
    plain = tmp_path / "plain"
    Store(plain).close()
    with pytest.raises(UsageError, match="not encrypted"):
        Store(plain, passphrase=PASSPHRASE)
    assert store.con is not None


def test_encrypting_and_decrypting_lose_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _fill(home, tmp_path)
    with Store(home) as store:
        before = _tables(store)
    assert encrypt_store(home, PASSPHRASE, encryption=CHEAP) == 22_000
    assert not _found(home, PHRASE)
    with Store(home, passphrase=PASSPHRASE) as store:
        assert _tables(store) == before
    with pytest.raises(WrongPassphraseError):
        decrypt_store(home, "not it")
    assert decrypt_store(home, PASSPHRASE) == 22_000
    assert not (home / KEY_FILE).exists()
    with Store(home) as store:
        assert _tables(store) == before
    assert not [p for p in home.iterdir() if p.name.startswith(".pushpull-")]


def test_encrypting_twice_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    encrypt_store(home, PASSPHRASE, encryption=CHEAP)
    with pytest.raises(UsageError, match="encrypted already"):
        encrypt_store(home, PASSPHRASE, encryption=CHEAP)


@pytest.mark.parametrize("encrypted", [False, True])
def test_forget_leaves_no_trace_of_the_text(tmp_path: Path, encrypted: bool) -> None:
    home = tmp_path / "home"
    args: dict[str, object] = {"passphrase": PASSPHRASE, "encryption": CHEAP} if encrypted else {}
    _fill(home, tmp_path, **args)
    with Store(home, passphrase=PASSPHRASE if encrypted else None) as store:
        assert forget_conversation(store, "Jo") == ("Jo", 2_000)
        [(n,)] = store.con.execute("SELECT count(*) FROM messages").fetchall()
        assert n == 20_000
        [(hits,)] = store.con.execute(
            f"SELECT count(*) FROM messages WHERE contains(text, '{PHRASE}')"
        ).fetchall()
        assert hits == 0
    if not encrypted:
        assert not _found(home, PHRASE)
    with Store(home, passphrase=PASSPHRASE if encrypted else None) as store:
        [(n,)] = store.con.execute("SELECT count(*) FROM messages").fetchall()
    assert n == 20_000


def test_forget_everything_leaves_an_empty_store_without_the_text(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _fill(home, tmp_path)
    with Store(home) as store:
        assert forget_everything(store) == 22_000
        for table in ("messages", "conversations", "imports", "participants"):
            [(n,)] = store.con.execute(f"SELECT count(*) FROM {table}").fetchall()
            assert n == 0, table
    assert not _found(home, PHRASE)
    assert not _found(home, "Jo")  # not even the conversation's name


def test_forget_refuses_while_another_store_object_is_open(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _fill(home, tmp_path)
    with Store(home) as store, Store(home) as other:
        with pytest.raises(StoreError, match="another window"):
            forget_everything(store)
        [(n,)] = other.con.execute("SELECT count(*) FROM messages").fetchall()
    assert n == 22_000  # refused before deleting anything


@pytest.mark.parametrize("encrypted", [False, True])
def test_a_backup_restores_exactly(tmp_path: Path, encrypted: bool) -> None:
    home, copy = tmp_path / "home", tmp_path / "elsewhere" / "backup.tar"
    passphrase = PASSPHRASE if encrypted else None
    args: dict[str, object] = {"passphrase": PASSPHRASE, "encryption": CHEAP} if encrypted else {}
    _fill(home, tmp_path, **args)
    with Store(home, passphrase=passphrase) as store:
        before = _tables(store)
        assert backup_store(store, copy) == 22_000
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert _found(copy.parent, PHRASE) is not encrypted
    with Store(home, passphrase=passphrase) as store:
        forget_conversation(store, "Jo")
    with pytest.raises(UsageError, match="--yes"):
        restore_store(home, copy, passphrase=passphrase)
    if encrypted:
        with pytest.raises(WrongPassphraseError):
            restore_store(home, copy, passphrase="not it", replace=True)
    assert restore_store(home, copy, passphrase=passphrase, replace=True) == 22_000
    with Store(home, passphrase=passphrase) as store:
        assert _tables(store) == before
    restored_elsewhere = tmp_path / "new-home"
    assert restore_store(restored_elsewhere, copy, passphrase=passphrase) == 22_000
    assert not [p for p in home.iterdir() if p.name.startswith(".pushpull-")]


def test_a_damaged_backup_is_refused_and_the_store_kept(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _fill(home, tmp_path)
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar archive at all" * 100)
    with pytest.raises(StoreError, match="not a pushpull backup"):
        restore_store(home, junk, replace=True)
    sneaky = tmp_path / "sneaky.tar"
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    with tarfile.open(sneaky, "w") as tar:
        tar.add(outside, arcname="../pushpull.duckdb")
    with pytest.raises(StoreError, match="not a pushpull backup"):
        restore_store(home, sneaky, replace=True)
    truncated = tmp_path / "truncated.tar"
    with Store(home) as store:
        backup_store(store, tmp_path / "good.tar")
    truncated.write_bytes((tmp_path / "good.tar").read_bytes()[:50_000])
    with pytest.raises(StoreError):
        restore_store(home, truncated, replace=True)
    with Store(home) as store:
        [(n,)] = store.con.execute("SELECT count(*) FROM messages").fetchall()
    assert n == 22_000


def test_a_backup_inside_the_data_folder_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Store(home) as store, pytest.raises(UsageError, match="lost with it"):
        backup_store(store, home / "backup.tar")


def test_temporary_folders_are_private_and_removed_even_on_error(tmp_path: Path) -> None:
    seen: list[Path] = []
    with pytest.raises(RuntimeError), private_folder(tmp_path) as folder:
        seen.append(folder)
        (folder / "media-list.txt").write_text("private")
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        raise RuntimeError
    assert not seen[0].exists()


def test_an_interrupted_encryption_is_explained_and_can_be_finished(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _fill(home, tmp_path)
    encrypt_store(home, PASSPHRASE, encryption=CHEAP)
    decrypt_store(home, PASSPHRASE)
    # As if encrypting had stopped after writing the key file, before replacing the data.
    (tmp_path / "spare").mkdir()
    Store(tmp_path / "spare", passphrase=PASSPHRASE, encryption=CHEAP).close()
    (tmp_path / "spare" / KEY_FILE).replace(home / KEY_FILE)
    with pytest.raises(StoreError, match="interrupted"):
        Store(home, passphrase=PASSPHRASE)
    assert encrypt_store(home, PASSPHRASE, encryption=CHEAP) == 22_000
    with Store(home, passphrase=PASSPHRASE) as store:
        [(n,)] = store.con.execute("SELECT count(*) FROM messages").fetchall()
    assert n == 22_000
    (home / KEY_FILE).unlink()
    with pytest.raises(StoreError, match="key file"):
        Store(home)
