"""Opening pushpull's DuckDB file, creating its tables, and running work in one transaction.

The store file is attached to an in-memory DuckDB (with its key when encrypted, see
:mod:`pushpull.store.encryption`); DuckDB lets one process attach a file only once, so the Stores
of one process share that attachment (each with its own cursor), and the last one closed lets
the file go, so that another process can open it.

Values reach SQL through :func:`execute`, as small tables, never through DuckDB's parameter
binding: binding a Python value makes DuckDB import pandas (and NumPy) whenever pandas is
installed, a quarter of a second per process, longer than a large import's whole write.

The store's files are this user's alone (0600, in a 0700 folder): DuckDB creates them with the
mode the umask leaves (usually 0644), so :func:`make_owner_only` narrows them after every
open, copy and commit; the umask itself is left alone, as it belongs to the whole process.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import polars as pl

from pushpull.config import EncryptionConfig
from pushpull.errors import (
    PassphraseNeededError,
    StoreBusyError,
    StoreError,
    UsageError,
    WrongPassphraseError,
)
from pushpull.store.encryption import (
    KEY_FILE,
    derive_key,
    load_encryption_extension,
    new_header,
    read_header,
    write_header,
)

__all__ = [
    "OWNER_ONLY",
    "SCHEMA_VERSION",
    "STORE_FILE",
    "Store",
    "copy_database",
    "execute",
    "keep_spills_private",
    "make_owner_only",
    "private_folder",
    "values",
]

#: What an encrypted store's file is called inside the in-memory DuckDB it is attached to.
ATTACHED_NAME = "store"

STORE_FILE = "pushpull.duckdb"
SCHEMA_VERSION = "1"
#: DuckDB's on-disk format: 1.5's takes a large import about a third faster than the older
#: format DuckDB writes by default; every DuckDB this project allows (pyproject.toml) reads it.
_STORAGE_VERSION = "v1.5.0"
#: The mode of every file pushpull writes in its data folder: read and write for its owner only.
OWNER_ONLY = 0o600
#: Where DuckDB writes what a query cannot hold in memory: inside the private data folder, not
#: DuckDB's default ``.tmp`` in whatever folder pushpull was started from.
SPILL_FOLDER = ".spill"


def values(**columns: object) -> pl.DataFrame:
    """A one-row table of the given values, for :func:`execute`."""
    return pl.DataFrame({name: [value] for name, value in columns.items()})


def execute(
    con: duckdb.DuckDBPyConnection, sql: str, **tables: pl.DataFrame | pl.Series
) -> list[tuple[Any, ...]]:
    """Run ``sql``, in which each keyword names a table holding that frame's rows; return the
    rows it yields.

    Each frame travels as an Arrow stream, which DuckDB reads once (so name each table once in
    ``sql``), while the statement runs: its rows are fetched before the streams are let go. A
    frame streams as one batch; a struct column in several chunks streams one batch per chunk,
    which DuckDB reads (and writes) on all its threads.
    """
    for name, frame in tables.items():
        con.register(name, frame.__arrow_c_stream__())
    try:
        return con.execute(sql).fetchall()
    finally:
        for name in tables:
            con.unregister(name)


def keep_spills_private(con: duckdb.DuckDBPyConnection, home: Path, *, encrypted: bool) -> None:
    """Make ``con``'s DuckDB spill to the data folder ``home``, encrypted when the store is
    (DuckDB leaves temporary files plain unless told otherwise). Call it before ATTACH."""
    con.execute(f"SET temp_directory = '{_quoted(str(Path(home) / SPILL_FOLDER))}'")
    con.execute(f"SET temp_file_encryption = {'true' if encrypted else 'false'}")


def make_owner_only(path: Path) -> None:
    """Let only this user read or write the file ``path`` (and a DuckDB file's WAL, when
    present).

    A file system without Unix modes (FAT on a USB stick) refuses chmod; the store must still
    open there, so that refusal is ignored.
    """
    for candidate in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            candidate.chmod(OWNER_ONLY)


def private_folder(path: Path) -> Path:
    """Create the data folder ``path`` as 0700, or tighten an existing one to 0700.

    A folder that belongs to another account is refused (its owner could read everything);
    a file system without Unix modes (FAT) keeps its modes, as with :func:`make_owner_only`.
    """
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreError(
            f"pushpull cannot create its data folder {path}: {exc.strerror}.",
            hint="Choose another folder with --home or PUSHPULL_HOME.",
        ) from exc
    info = path.stat()
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise StoreError(
            f"pushpull's data folder {path} belongs to another user account.",
            hint="Use a folder of your own with --home or PUSHPULL_HOME.",
        )
    if info.st_mode & 0o077:
        with contextlib.suppress(PermissionError):
            path.chmod(0o700)
    return path


class Store:
    """The local database in a data folder. Use as a context manager; close when done."""

    def __init__(
        self,
        home: Path,
        *,
        read_only: bool = False,
        passphrase: str | None = None,
        encryption: EncryptionConfig | None = None,
    ) -> None:
        """Open (or create) the store in ``home``.

        An encrypted store needs ``passphrase``; a new store given one is created encrypted
        (with ``encryption``'s scrypt cost). A plain store refuses a passphrase rather than
        leave someone believing their data is encrypted.
        """
        self.home = Path(home)
        self.path = self.home / STORE_FILE
        self.read_only = read_only
        self._shared: _SharedAttachment | None = None
        key_file = self.home / KEY_FILE
        if read_only and not self.path.exists():
            read_only = False  # nothing to protect yet: create it
        private_folder(self.home)
        self.encrypted = key_file.exists() or (passphrase is not None and not self.path.exists())
        key: str | None = None
        new_key_file = False
        if self.encrypted:
            if passphrase is None:
                raise PassphraseNeededError(self.path)
            if not key_file.exists():
                write_header(key_file, new_header(encryption))
                new_key_file = True
            key = derive_key(passphrase, read_header(key_file))
        elif passphrase is not None:
            raise UsageError(
                f"pushpull's data at {self.path} is not encrypted, so it takes no passphrase.",
                hint="Encrypt it with `pushpull encrypt`.",
            )
        try:
            self._shared = _attach(self.path, key, read_only=read_only)
        except BaseException:
            if new_key_file and not self.path.exists():
                key_file.unlink(missing_ok=True)  # no store was made to go with it
            raise
        self.con = self._cursor()
        if not read_only:
            self._create_schema()

    def _create_schema(self) -> None:
        sql = resources.files("pushpull.store").joinpath("schema.sql").read_text("utf-8")
        with self.transaction():
            self.con.execute(sql)
            execute(
                self.con,
                "INSERT INTO meta SELECT 'schema_version', version FROM args "
                "ON CONFLICT DO NOTHING",
                args=values(version=SCHEMA_VERSION),
            )

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All of the block's writes, or none of them."""
        self.con.begin()
        try:
            yield self.con
        except BaseException:
            self.con.rollback()
            raise
        else:
            self.con.commit()
            make_owner_only(self.path)  # DuckDB creates a new WAL after each checkpoint

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        assert self._shared is not None
        con = self._shared.con.cursor()
        con.execute(f"USE {ATTACHED_NAME}")
        return con

    @property
    def key(self) -> str | None:
        """The encryption key (hex) of an encrypted store, for copying it; None when plain."""
        return self._shared.key if self._shared is not None else None

    def check_compactable(self) -> None:
        """Raise StoreBusyError unless :meth:`compact` can run (no other Store on this file)."""
        assert self._shared is not None
        with _attached_lock:
            if self._shared.n_users > 1:
                raise StoreBusyError(self.path)

    def compact(self) -> None:
        """Rewrite the file without deleted rows, so removed text cannot be read back from it.

        DuckDB reuses the space of deleted rows but does not wipe it, so the rows are copied
        into a fresh file that then replaces the old one. Other Stores open on the same file in
        this process would lose their connection, so they make this refuse (StoreBusyError).
        """
        shared = self._shared
        assert shared is not None
        fresh = self.path.with_name(self.path.name + ".compacting")
        _remove_database_files(fresh)
        with _attached_lock:
            if shared.n_users > 1:
                raise StoreBusyError(self.path)
            try:
                copy_database(shared.con, ATTACHED_NAME, fresh, shared.key)
                self.con.close()
                shared.con.close()
                _remove_database_files(self.path, keep_main=True)
                fresh.replace(self.path)
                shared.con = _open_attachment(self.path, shared.key, read_only=False)
            finally:
                _remove_database_files(fresh)
        self.con = self._cursor()

    def close(self) -> None:
        self.con.close()
        if self._shared is not None:
            _detach(self._shared)
            self._shared = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _open_error(path: Path, exc: duckdb.Error) -> StoreError:
    text = str(exc)
    if isinstance(exc, duckdb.IOException) and "lock" in text.lower():
        return StoreBusyError(path)
    if "file handle conflict" in text.lower():
        return StoreBusyError(path)
    if "is not encrypted" in text:
        return StoreError(
            f"pushpull's data at {path} is not encrypted, yet the key file of an encrypted "
            "store lies next to it: encrypting or decrypting it was interrupted.",
            hint=f"Run `pushpull encrypt` to finish encrypting it, or delete {KEY_FILE} in "
            "that folder to keep it unencrypted.",
        )
    if "without a key" in text:
        return StoreError(
            f"pushpull's data at {path} is encrypted, but its key file {KEY_FILE} is missing.",
            hint="Put the key file back (from the same backup as the data); without it the "
            "data cannot be unlocked.",
        )
    if isinstance(exc, duckdb.IOException):
        return StoreError(
            f"pushpull cannot open its database {path}: {exc}.",
            hint="If the file was damaged, restore a backup or move it away to start afresh.",
        )
    return StoreError(
        f"{path} is not a pushpull database or is damaged ({exc}).",
        hint="Move the file away to start afresh, or choose another --home.",
    )


@dataclass(slots=True, kw_only=True)
class _SharedAttachment:
    """One process's attachment of a store file, shared by its open Stores."""

    path: Path
    con: duckdb.DuckDBPyConnection
    key: str | None
    read_only: bool
    n_users: int


_attached: dict[Path, _SharedAttachment] = {}
_attached_lock = threading.Lock()


def _attach(path: Path, key: str | None, *, read_only: bool) -> _SharedAttachment:
    """This process's attachment of the store file at ``path``, checking ``key``."""
    where = path.resolve()
    with _attached_lock:
        shared = _attached.get(where)
        if shared is not None:
            if not hmac.compare_digest(shared.key or "", key or ""):
                raise WrongPassphraseError(path)
            if shared.read_only and not read_only:
                raise StoreBusyError(path)
            shared.n_users += 1
            return shared
        con = _open_attachment(path, key, read_only=read_only)
        shared = _SharedAttachment(path=where, con=con, key=key, read_only=read_only, n_users=1)
        _attached[where] = shared
        return shared


def _open_attachment(path: Path, key: str | None, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the store file attached as ``ATTACHED_NAME``."""
    options = ["READ_ONLY"] if read_only else [f"STORAGE_VERSION '{_STORAGE_VERSION}'"]
    con = duckdb.connect(":memory:")
    try:
        if key is not None:
            load_encryption_extension(con)
            options.append(f"ENCRYPTION_KEY '{key}'")
        keep_spills_private(con, path.parent, encrypted=key is not None)
        con.execute(f"ATTACH '{_quoted(str(path))}' AS {ATTACHED_NAME} ({', '.join(options)})")
        if not read_only:
            make_owner_only(path)
    except duckdb.InvalidInputException as exc:
        con.close()
        if "encryption key" in str(exc).lower():
            raise WrongPassphraseError(path) from exc
        raise _open_error(path, exc) from exc
    except duckdb.Error as exc:
        con.close()
        raise _open_error(path, exc) from exc
    except BaseException:
        con.close()
        raise
    return con


def copy_database(
    con: duckdb.DuckDBPyConnection, source: str, target: Path, key: str | None
) -> None:
    """Copy every table of attached database ``source`` into a new file ``target`` (encrypted
    with ``key`` when given), with ``con``'s DuckDB; the copy is complete on return."""
    options = [f"STORAGE_VERSION '{_STORAGE_VERSION}'"]
    if key is not None:
        options.append(f"ENCRYPTION_KEY '{key}'")
    try:
        con.execute(f"ATTACH '{_quoted(str(target))}' AS copy_target ({', '.join(options)})")
        try:
            make_owner_only(target)  # before any row is written to it
            con.execute(f"COPY FROM DATABASE {source} TO copy_target")
        finally:
            con.execute("DETACH copy_target")
    except duckdb.Error as exc:
        raise StoreError(
            f"pushpull could not write a copy of its data to {target} ({exc}).",
            hint="Check that the folder has free space and is writable, then try again.",
        ) from exc


def _remove_database_files(path: Path, *, keep_main: bool = False) -> None:
    """Remove a DuckDB file's write-ahead log (and the file itself unless ``keep_main``)."""
    for candidate in (path.with_name(path.name + ".wal"), None if keep_main else path):
        if candidate is not None:
            candidate.unlink(missing_ok=True)


def _detach(shared: _SharedAttachment) -> None:
    with _attached_lock:
        shared.n_users -= 1
        if shared.n_users <= 0:
            _attached.pop(shared.path, None)
            shared.con.close()


def _quoted(text: str) -> str:
    return text.replace("'", "''")
