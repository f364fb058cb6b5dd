from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pushpull.config import EncryptionConfig
from pushpull.store import Store
from pushpull.store.database import execute, values
from tests.store.conftest import file_mode

CHEAP = EncryptionConfig(scrypt_n=2**10)


def test_values_reach_sql_as_data_and_the_tables_are_let_go(store: Store) -> None:
    odd = "it's; DROP TABLE meta; --"
    sent = datetime(2024, 1, 2, 3, 4, 5)
    rows = execute(
        store.con, "SELECT name, sent, n FROM args", args=values(name=odd, sent=sent, n=7)
    )
    assert rows == [(odd, sent, 7)]
    with pytest.raises(duckdb.CatalogException):
        store.con.execute("SELECT * FROM args")
    assert store.con.execute("SELECT count(*) FROM meta").fetchall() == [(1,)]


def test_a_chunked_struct_column_streams_every_batch(store: Store) -> None:
    frame = pl.DataFrame({"n": range(10), "s": [str(i) for i in range(10)]})
    chunked = pl.concat([frame.slice(at, 3).to_struct("row") for at in range(0, 10, 3)])
    assert chunked.n_chunks() > 1
    rows = execute(store.con, "SELECT sum(n), string_agg(s, '' ORDER BY n) FROM rows", rows=chunked)
    assert rows == [(45, "0123456789")]


def test_a_table_is_let_go_when_the_statement_fails(store: Store) -> None:
    with pytest.raises(duckdb.Error):
        execute(store.con, "SELECT no_such_column FROM args", args=values(n=1))
    assert execute(store.con, "SELECT n FROM args", args=values(n=2)) == [(2,)]


def test_a_new_store_is_written_in_the_newer_format(store: Store) -> None:
    [(tags,)] = execute(
        store.con,
        "SELECT d.tags FROM duckdb_databases() d JOIN args a ON d.path = a.path",
        args=values(path=str(store.path)),
    )
    assert tags["storage_version"].startswith("v1.5")


@pytest.mark.usefixtures("loose_umask")
def test_the_store_file_and_its_wal_are_owner_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Store(home) as store:
        path, wal = store.path, store.path.with_name(store.path.name + ".wal")
        assert file_mode(path) == 0o600
        with store.transaction() as con:
            con.execute("INSERT INTO meta VALUES ('note', 'kept')")
        assert wal.exists(), "a commit leaves a WAL until the next checkpoint"
        assert file_mode(wal) == 0o600
        store.compact()
        assert file_mode(path) == 0o600
        with store.transaction() as con:
            con.execute("DELETE FROM meta WHERE key = 'note'")
        assert wal.exists() and file_mode(wal) == 0o600
    path.chmod(0o644)  # as an earlier pushpull left it
    Store(home).close()
    assert file_mode(path) == 0o600


@pytest.mark.parametrize("passphrase", [None, "a long passphrase"])
def test_queries_too_large_for_memory_spill_into_the_private_folder(
    tmp_path: Path, passphrase: str | None
) -> None:
    with Store(tmp_path / "home", passphrase=passphrase, encryption=CHEAP) as store:
        folder = store.con.execute("SELECT current_setting('temp_directory')").fetchone()
        encrypted = store.con.execute("SELECT current_setting('temp_file_encryption')").fetchone()
    assert folder is not None and Path(folder[0]).parent == tmp_path / "home"
    assert encrypted == (passphrase is not None,)
