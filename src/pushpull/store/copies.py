"""Whole-store copies: encrypting or decrypting the store in place, backups and restoring one.

Each writes a complete new file first and only then moves it over the old one, so an
interruption leaves the old store as it was. A backup is an uncompressed tar archive holding
the database file and, for an encrypted store, its key file (salt and scrypt cost, not the key):
the copy is encrypted with the same key, so it needs the same passphrase.

Every file these write is this user's alone (0600): a backup from its creation, a store file
before it is moved into place.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pushpull.config import EncryptionConfig
from pushpull.errors import StoreBusyError, StoreError, UsageError
from pushpull.store.database import (
    OWNER_ONLY,
    STORE_FILE,
    Store,
    copy_database,
    keep_spills_private,
    make_owner_only,
)
from pushpull.store.encryption import (
    KEY_FILE,
    derive_key,
    is_encrypted,
    load_encryption_extension,
    new_header,
    write_header,
)

__all__ = [
    "backup_is_encrypted",
    "backup_store",
    "decrypt_store",
    "encrypt_store",
    "private_folder",
    "restore_store",
]

#: The largest member a backup may hold: far above any real store, small enough to stop a
#: crafted archive from filling the disk.
_MAX_MEMBER_BYTES = 64 << 30


@contextmanager
def private_folder(near: Path) -> Iterator[Path]:
    """A new folder only this user can open (0700) inside ``near``, removed even on error."""
    near.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder = Path(tempfile.mkdtemp(prefix=".pushpull-", dir=near))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def encrypt_store(
    home: Path, passphrase: str, *, encryption: EncryptionConfig | None = None
) -> int:
    """Encrypt the plain store in ``home`` with a key made from ``passphrase``; return how many
    messages it holds (the same before and after)."""
    home = Path(home)
    if is_encrypted(home) and _file_is_encrypted(home / STORE_FILE):
        raise UsageError(
            f"pushpull's data in {home} is encrypted already.",
            hint="To change the passphrase, decrypt it and encrypt it again.",
        )
    (home / KEY_FILE).unlink(missing_ok=True)  # left by an interrupted run, if any
    header = new_header(encryption)
    key = derive_key(passphrase, header)
    Store(home).close()  # creates an empty store if there is none yet
    with private_folder(home) as folder:
        fresh = folder / STORE_FILE
        n = _convert(home / STORE_FILE, None, fresh, key)
        write_header(home / KEY_FILE, header)
        _move_into_place(fresh, home / STORE_FILE)
    Store(home, passphrase=passphrase).close()
    return n


def decrypt_store(home: Path, passphrase: str) -> int:
    """Turn the encrypted store in ``home`` back into a plain one; return its message count."""
    home = Path(home)
    if not is_encrypted(home):
        raise UsageError(f"pushpull's data in {home} is not encrypted.")
    with Store(home, passphrase=passphrase) as store:
        key = store.key
    with private_folder(home) as folder:
        fresh = folder / STORE_FILE
        n = _convert(home / STORE_FILE, key, fresh, None)
        _move_into_place(fresh, home / STORE_FILE)
        (home / KEY_FILE).unlink()
    Store(home).close()
    return n


def backup_store(store: Store, target: Path) -> int:
    """Write a consistent copy of ``store`` to ``target`` (encrypted when the store is); return
    how many messages it holds."""
    target = Path(target)
    if target.resolve().parent == store.home.resolve():
        raise UsageError(
            "A backup inside pushpull's own data folder would be lost with it.",
            hint="Name a file on another disk, or at least in another folder.",
        )
    with private_folder(target.parent) as folder:
        copy = folder / STORE_FILE
        copy_database(store.con, "store", copy, store.key)
        archive = folder / "backup.tar"
        fd = os.open(archive, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
        ):
            tar.add(copy, arcname=STORE_FILE)
            if store.encrypted:
                tar.add(store.home / KEY_FILE, arcname=KEY_FILE)
        archive.replace(target)
    return _count_messages(store.con)


def restore_store(
    home: Path, backup: Path, *, passphrase: str | None = None, replace: bool = False
) -> int:
    """Replace the store in ``home`` by the one in ``backup`` after checking that the backup
    opens (with ``passphrase`` if it is encrypted); return how many messages it holds."""
    home = Path(home)
    if (home / STORE_FILE).exists() and not replace:
        raise UsageError(
            f"pushpull already holds data in {home}; restoring would replace all of it.",
            hint="Add --yes to replace it, or restore into another folder with --home.",
        )
    with private_folder(home) as folder:
        encrypted = _unpack(Path(backup), folder)
        with Store(folder, passphrase=passphrase if encrypted else None) as restored:
            n = _count_messages(restored.con)
        with _unused(home / STORE_FILE):
            _move_into_place(folder / STORE_FILE, home / STORE_FILE)
            if encrypted:
                make_owner_only(folder / KEY_FILE)  # the backup may hold it as 0644
                (folder / KEY_FILE).replace(home / KEY_FILE)
            else:
                (home / KEY_FILE).unlink(missing_ok=True)
    return n


@contextmanager
def _unused(path: Path) -> Iterator[None]:
    """Hold the lock DuckDB takes on an open store file, or raise StoreBusyError."""
    if not path.exists():
        yield None
        return
    with path.open("rb+") as f:
        try:
            fcntl.lockf(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise StoreBusyError(path) from exc
        yield None


def backup_is_encrypted(backup: Path) -> bool:
    """Whether the backup file ``backup`` holds an encrypted store (and needs a passphrase)."""
    try:
        with tarfile.open(backup, "r:") as tar:
            return KEY_FILE in tar.getnames()
    except (OSError, tarfile.TarError) as exc:
        raise StoreError(
            f"{backup} is not a pushpull backup or is damaged ({exc}).",
            hint="Choose a file written by `pushpull backup`. Your current data is unchanged.",
        ) from exc


def _unpack(backup: Path, folder: Path) -> bool:
    """Extract a backup's database (and key file) into ``folder``; whether it is encrypted."""
    wanted = {STORE_FILE, KEY_FILE}
    try:
        with tarfile.open(backup, "r:") as tar:
            members = [m for m in tar.getmembers() if m.name in wanted]
            names = {m.name for m in members}
            if STORE_FILE not in names or any(
                not m.isfile() or m.size > _MAX_MEMBER_BYTES for m in members
            ):
                raise tarfile.TarError("not a pushpull backup")
            for member in members:
                tar.extract(member, folder, filter="data")
    except (OSError, tarfile.TarError) as exc:
        raise StoreError(
            f"{backup} is not a pushpull backup or is damaged ({exc}).",
            hint="Choose a file written by `pushpull backup`. Your current data is unchanged.",
        ) from exc
    return KEY_FILE in names


def _convert(source: Path, source_key: str | None, target: Path, target_key: str | None) -> int:
    """Copy the store file ``source`` into a new file ``target`` with another key (or none),
    check that every table holds the same rows in both, and return the number of messages."""
    con = duckdb.connect(":memory:")
    try:
        load_encryption_extension(con)
        keep_spills_private(con, target.parent, encrypted=bool(source_key or target_key))
        key_option = f", ENCRYPTION_KEY '{source_key}'" if source_key else ""
        quoted = str(source).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS source (READ_ONLY{key_option})")
        copy_database(con, "source", target, target_key)
        key_option = f", ENCRYPTION_KEY '{target_key}'" if target_key else ""
        quoted = str(target).replace("'", "''")
        con.execute(f"ATTACH '{quoted}' AS target (READ_ONLY{key_option})")
        tables = [
            str(name)
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'source'"
            ).fetchall()
        ]
        for table in tables:
            differ = con.execute(
                f"SELECT count(*) FROM ((FROM source.{table} EXCEPT ALL FROM target.{table}) "
                f"UNION ALL (FROM target.{table} EXCEPT ALL FROM source.{table}))"
            ).fetchone()
            if differ is None or differ[0]:
                raise StoreError(
                    f"The converted copy of table {table} differs from the original.",
                    hint="Your data is unchanged. Please report this.",
                )
        return _count_messages(con, "source")
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreBusyError(source) from exc
        raise StoreError(
            f"pushpull could not read its data in {source.parent} ({exc}).",
            hint="Check the folder and try again; your data is unchanged.",
        ) from exc
    finally:
        con.close()


def _file_is_encrypted(path: Path) -> bool:
    """Whether the DuckDB file at ``path`` is encrypted: DuckDB refuses to open it without a
    key. Any other failure (busy, damaged) is raised, never taken for an answer."""
    if not path.exists():
        return False
    con = duckdb.connect(":memory:")
    quoted = str(path).replace("'", "''")
    try:
        con.execute(f"ATTACH '{quoted}' AS probe (READ_ONLY)")
    except duckdb.Error as exc:
        if "without a key" in str(exc):
            return True
        if "lock" in str(exc).lower():
            raise StoreBusyError(path) from exc
        raise StoreError(
            f"pushpull cannot read its data at {path} ({exc}).",
            hint="Check the folder; if the file was damaged, restore a backup.",
        ) from exc
    finally:
        con.close()
    return False


def _move_into_place(fresh: Path, target: Path) -> None:
    """Replace ``target`` by ``fresh`` (same folder tree, so the move is atomic), owner-only."""
    make_owner_only(fresh)
    with fresh.open("rb") as f:
        os.fsync(f.fileno())
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    fresh.replace(target)


def _count_messages(con: duckdb.DuckDBPyConnection, database: str = "store") -> int:
    row = con.execute(f"SELECT count(*) FROM {database}.messages").fetchone()
    return int(row[0]) if row else 0
