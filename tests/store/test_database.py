from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl
import pytest

from pushpull.store import Store
from pushpull.store.database import execute, values


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
