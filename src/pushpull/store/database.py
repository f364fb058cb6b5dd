"""Opening pushpull's DuckDB file, creating its tables, and running work in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from types import TracebackType

import duckdb

from pushpull.errors import StoreBusyError, StoreError

__all__ = ["SCHEMA_VERSION", "STORE_FILE", "Store"]

STORE_FILE = "pushpull.duckdb"
SCHEMA_VERSION = "1"


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
            self.con = duckdb.connect(str(self.path), read_only=read_only)
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
            self.con.execute(
                "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
                [SCHEMA_VERSION],
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
