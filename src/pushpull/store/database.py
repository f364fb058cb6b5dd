"""Opening pushpull's DuckDB file, creating its tables, and running work in one transaction.

Values reach SQL through :func:`execute`, as small tables, never through DuckDB's parameter
binding: binding a Python value makes DuckDB import pandas (and NumPy) whenever pandas is
installed, a quarter of a second per process, longer than a large import's whole write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import polars as pl

from pushpull.errors import StoreBusyError, StoreError

__all__ = ["SCHEMA_VERSION", "STORE_FILE", "Store", "execute", "values"]

STORE_FILE = "pushpull.duckdb"
SCHEMA_VERSION = "1"
#: DuckDB's on-disk format: 1.5's takes a large import about a third faster than the older
#: format DuckDB writes by default; every DuckDB this project allows (pyproject.toml) reads it.
_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "storage_compatibility_version": "v1.5.0"
}


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


class Store:
    """The local database in a data folder. Use as a context manager; close when done."""

    def __init__(self, home: Path, *, read_only: bool = False) -> None:
        self.home = Path(home)
        self.path = self.home / STORE_FILE
        self.read_only = read_only
        if read_only and not self.path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            read_only = False  # nothing to protect yet: create it
        try:
            self.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StoreError(
                f"pushpull cannot create its data folder {self.home}: {exc.strerror}.",
                hint="Choose another folder with --home or PUSHPULL_HOME.",
            ) from exc
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only, config=_CONFIG)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreBusyError(self.path) from exc
            raise StoreError(
                f"pushpull cannot open its database {self.path}: {exc}.",
                hint="If the file was damaged, restore a backup or move it away to start afresh.",
            ) from exc
        except duckdb.Error as exc:
            raise StoreError(
                f"{self.path} is not a pushpull database or is damaged ({exc}).",
                hint="Move the file away to start afresh, or choose another --home.",
            ) from exc
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

    def compact(self) -> None:
        """Rewrite the file without deleted rows, so removed text cannot be read back from it."""
        self.con.execute("CHECKPOINT")
        self.con.execute("VACUUM")
        self.con.execute("FORCE CHECKPOINT")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
