"""Every importer fuzzed with Hypothesis: real rendered exports with bytes flipped, inserted,
deleted or cut off, JSON with values swapped for others of any type, chat.db cells set to odd
values, and random bytes. Whatever the input, the only exception that may leave ``read()``,
detection or ``import_file`` is the project's own ``PushPullError``, and a failed import leaves
the store as it was.

The examples are bounded so that the file runs in well under 40 s; ``make fuzz`` runs the
atheris harnesses in ``fuzz/`` for longer.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushpull.errors import PushPullError
from pushpull.registry import ExportFile, detect, get_source, read_frame
from pushpull.store import Store, import_file
from pushpull.synth import FORMATS, generate, render, variants

FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
#: Byte strings that mean something to one format or another.
TOKENS = (
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\n",
    b"\r\n",
    b'"',
    b"\\",
    b"\\ud800",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"<",
    b"&",
    b"&#55357;",
    b"<!DOCTYPE x>",
    b"encoding='UTF-7'",
    b"null",
    b"-1",
    b"99999999999999999999999",
    b"1e999",
    b"31/02/2024, 25:61 - ",
    b"[",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"PK\x03\x04",
)


@dataclass(frozen=True, slots=True)
class Seed:
    """One rendered export: the file to import, and the files beside it."""

    fmt: str
    variant: str
    main: str
    files: tuple[tuple[str, bytes], ...]

    @property
    def data(self) -> bytes:
        return dict(self.files)[self.main]

    def write(self, folder: Path, main_bytes: bytes) -> Path:
        for name, data in self.files:
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(main_bytes if name == self.main else data)
        return folder / self.main


@cache
def _seeds() -> tuple[Seed, ...]:
    chat = generate("hot_cold", seed=5, days=2, messages_per_day=20)
    seeds = []
    for fmt in FORMATS:
        for variant in variants(fmt):
            export = render(chat, fmt, variant)
            seeds.append(Seed(fmt, variant, export.main, tuple(sorted(export.files.items()))))
    return tuple(seeds)


def _json_seeds() -> tuple[Seed, ...]:
    return tuple(
        s for s in _seeds() if s.main.endswith((".json", ".jsonl")) and not s.main.endswith(".zip")
    )


def _read_everything(path: Path, fmt: str) -> None:
    """Read ``path`` as ``fmt`` and as whatever it is detected as; only our errors may leave."""
    try:
        for _ in get_source(fmt).read(ExportFile(path)):
            pass
    except PushPullError:
        pass
    try:
        file = ExportFile(path)
        read_frame(detect(file), file)
    except PushPullError:
        pass


@st.composite
def _mutations(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        size = len(out)
        at = draw(st.integers(0, max(0, size - 1)))
        op = draw(st.sampled_from(("flip", "insert", "token", "delete", "truncate", "repeat")))
        if op == "flip" and size:
            out[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "token":
            out[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del out[at:]
        elif op == "repeat":
            out[at:at] = out[at : at + draw(st.integers(1, 256))] * draw(st.integers(2, 20))
    return bytes(out)


@st.composite
def _mutated_export(draw: st.DrawFn) -> tuple[Seed, bytes]:
    seed = draw(st.sampled_from(_seeds()))
    return seed, draw(_mutations(seed.data))


@settings(FUZZ, max_examples=800)
@given(case=_mutated_export())
def test_mutated_exports_raise_only_our_errors(tmp_path: Path, case: tuple[Seed, bytes]) -> None:
    seed, data = case
    _read_everything(seed.write(tmp_path, data), seed.fmt)


_NAMES = (
    "WhatsApp Chat with Sam.txt",
    "chat.zip",
    "result.json",
    "message_1.json",
    "chat.md",
    "data.json",
    "chat.csv",
    "chat.jsonl",
    "chat.db",
    "sms-1.xml",
    "Direct Messages - Sam [1].json",
)


@settings(FUZZ, max_examples=300)
@given(
    data=st.binary(max_size=2048) | st.sampled_from(TOKENS).map(lambda t: t * 100),
    name=st.sampled_from(_NAMES),
    fmt=st.sampled_from(FORMATS),
)
def test_random_bytes_raise_only_our_errors(
    tmp_path: Path, data: bytes, name: str, fmt: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    _read_everything(path, fmt)


_JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["\ud800", "2024-01-01T00:00:00", "1700000000", "user1", "personal_chat"])
)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _replace(node: object, path: tuple[object, ...], value: object) -> object:
    if not path:
        return value
    parent = node
    for key in path[:-1]:
        parent = parent[key]  # type: ignore[index]
    parent[path[-1]] = value  # type: ignore[index]
    return node


@st.composite
def _retyped_json(draw: st.DrawFn) -> tuple[Seed, bytes]:
    """A JSON export with a few of its values replaced by values of any type."""
    seed = draw(st.sampled_from(_json_seeds()))
    text = seed.data.decode("utf-8-sig")
    lines = seed.main.endswith(".jsonl") or seed.fmt in ("generic", "signal")
    docs: object = [json.loads(x) for x in text.splitlines() if x.strip()] if lines else None
    if docs is None:
        docs = json.loads(text)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(docs)[1:]
        if not paths:
            break
        docs = _replace(docs, draw(st.sampled_from(paths)), draw(_JSON_VALUES))
    if lines and isinstance(docs, list):
        out = "".join(json.dumps(d) + "\n" for d in docs)
    else:
        out = json.dumps(docs, indent=1)
    return seed, out.encode("utf-8")


@settings(FUZZ, max_examples=600)
@given(case=_retyped_json())
def test_json_with_values_of_the_wrong_type_raises_only_our_errors(
    tmp_path: Path, case: tuple[Seed, bytes]
) -> None:
    seed, data = case
    _read_everything(seed.write(tmp_path, data), seed.fmt)


_CELL_VALUES = (
    st.none()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats()
    | st.text(max_size=8)
    | st.binary(max_size=16)
    | st.sampled_from([b"streamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84", 2000, 2006, 1000, 3000])
)


@settings(FUZZ, max_examples=120)
@given(
    variant=st.sampled_from(variants("imessage")),
    changes=st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 10_000), _CELL_VALUES),
        min_size=1,
        max_size=6,
    ),
)
def test_chat_db_cells_of_any_type_raise_only_our_errors(
    tmp_path: Path, variant: str, changes: list[tuple[int, int, object]]
) -> None:
    seed = next(s for s in _seeds() if s.fmt == "imessage" and s.variant == variant)
    path = seed.write(tmp_path, seed.data)
    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for pick_table, pick_column, value in changes:
            table = tables[pick_table % len(tables)]
            columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
            column = columns[pick_column % len(columns)]
            with contextlib.suppress(sqlite3.IntegrityError):  # a primary key, a constraint
                db.execute(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE rowid % 3 = ?',
                    (value, pick_column % 3),
                )
    db.close()
    _read_everything(path, "imessage")


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 2.0**80])
def test_chat_db_floats_no_integer_can_hold_raise_only_our_errors(
    tmp_path: Path, value: float
) -> None:
    seed = next(s for s in _seeds() if s.fmt == "imessage")
    for table in _tables(seed.write(tmp_path / "probe", seed.data)):
        path = seed.write(tmp_path / table, seed.data)
        with sqlite3.connect(path) as db:
            for (column,) in db.execute(f'SELECT name FROM pragma_table_info("{table}")'):
                with contextlib.suppress(sqlite3.IntegrityError):
                    db.execute(f'UPDATE "{table}" SET "{column}" = ?', (value,))
        db.close()
        _read_everything(path, "imessage")


def _tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        found = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    db.close()
    return found


@settings(FUZZ, max_examples=80)
@given(case=_mutated_export())
def test_a_failed_import_leaves_the_store_as_it_was(
    tmp_path: Path, case: tuple[Seed, bytes]
) -> None:
    seed, data = case
    folder = tmp_path / "export"
    path = seed.write(folder, data)
    with Store(tmp_path / "home") as store:
        tables = ("imports", "messages", "conversations", "participants", "import_warnings")

        def counts() -> list[int]:
            return [store.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables]

        before = counts()
        try:
            import_file(store, path)
        except PushPullError:
            assert counts() == before
