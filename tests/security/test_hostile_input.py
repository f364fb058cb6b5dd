"""Hostile and broken files, imported through ``pushpull.store.import_file`` on a fresh store.

Each case ends in the project's clear error (an ``InputError`` that names the file) with the
store left exactly as it was, or in an import whose repairs are counted as warnings; never in a
crash, a hang or a partial store.
"""

from __future__ import annotations

import codecs
import os
import re
import sqlite3
import stat
import threading
import tracemalloc
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from pushpull import export_files
from pushpull.errors import InputError, InputLimitError, ParseError, UnreadableFileError
from pushpull.registry import InputLimits
from pushpull.store import ImportResult, Store, import_file
from pushpull.synth import FORMATS, Rendered, generate, render, write

CHAT = generate("hot_cold", seed=11, days=3)
#: Formats whose export is text (all but the iMessage database).
TEXT_FORMATS = tuple(f for f in FORMATS if f != "imessage")
#: Formats that read UTF-16 with a byte-order mark; the others refuse it clearly.
UTF16_FORMATS = ("whatsapp", "telegram", "generic", "messenger")
#: Formats that stream a JSON document and bound their own memory (no line limit needed).
SELF_BOUNDED = ("discord",)
STORE_TABLES = (
    "conversations",
    "participants",
    "imports",
    "import_conversations",
    "import_warnings",
    "messages",
)


def _export(fmt: str, variant: str | None = None) -> Rendered:
    return render(CHAT, fmt, variant)


def _main_bytes(export: Rendered) -> bytes:
    return export.files[export.main]


def _counts(store: Store) -> dict[str, int]:
    return {
        table: int(store.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
        for table in STORE_TABLES
    }


def _refused(
    tmp_path: Path,
    path: Path,
    error: type[InputError] = InputError,
    match: str | None = None,
    **kwargs: object,
) -> InputError:
    """Import ``path`` on a fresh store; it must fail with ``error`` and change nothing."""
    with Store(tmp_path / "home") as store:
        before = _counts(store)
        with pytest.raises(error, match=match) as info:
            import_file(store, path, **kwargs)  # type: ignore[arg-type]
        assert _counts(store) == before
    assert path.name in str(info.value), "the error must name the file"
    return info.value


def _imported(tmp_path: Path, path: Path, **kwargs: object) -> tuple[ImportResult, Store]:
    store = Store(tmp_path / "home")
    return import_file(store, path, **kwargs), store  # type: ignore[arg-type]


def _with_limits(monkeypatch: pytest.MonkeyPatch, **limits: int | float) -> None:
    monkeypatch.setattr(export_files, "DEFAULT_LIMITS", InputLimits(**limits))  # type: ignore[arg-type]


def _inside_a_message(export: Rendered) -> int:
    """A character offset inside the text of one message (plain letters, so every format
    writes it verbatim): what is inserted there lands inside a message."""
    text = _main_bytes(export).decode("utf-8-sig")
    for message in export.expected:
        if re.fullmatch(r"[A-Za-z ]{8,}", message.text) and message.text in text:
            return text.index(message.text) + 3
    raise AssertionError("no plain message text in the export")


def _insert(export: Rendered, extra: bytes, folder: Path) -> Path:
    path = write(export, folder)
    data = path.read_bytes()
    at = _inside_a_message(export)  # all ASCII before it in every rendered export
    path.write_bytes(data[:at] + extra + data[at:])
    return path


# --- zip archives --------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _bomb(path: Path, member: str, prefix: bytes, n_mib: int) -> Path:
    """A zip whose ``member`` is ``prefix`` then ``n_mib`` MiB of line breaks (~1000:1)."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w", force_zip64=True) as out,
    ):
        out.write(prefix)
        for _ in range(n_mib):
            out.write(b"\n" * (1 << 20))
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    chat_text = _main_bytes(_export("whatsapp"))
    path = _bomb(tmp_path / "WhatsApp Chat with Eitan.zip", "_chat.txt", chat_text, 32)
    assert path.stat().st_size < 100_000
    error = _refused(tmp_path, path, InputLimitError, match="zip bomb")
    assert "_chat.txt" in str(error)
    assert "The limit, max_zip_ratio, is 100 times." in str(error)


def test_a_zip_bomb_inside_a_meta_archive_is_refused(tmp_path: Path) -> None:
    thread = _main_bytes(_export("messenger"))
    member = "your_activity_across_facebook/messages/inbox/eitan_1/message_1.json"
    path = _bomb(tmp_path / "facebook.zip", member, thread, 16)
    _refused(tmp_path, path, InputLimitError, match="zip bomb")


def test_unpacking_stops_at_the_total_size_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export = _export("whatsapp", "zip-ios")
    path = write(export, tmp_path)
    with zipfile.ZipFile(path) as archive:
        text_size = max(info.file_size for info in archive.infolist())
    _with_limits(monkeypatch, max_unzipped_bytes=text_size - 1)
    _refused(tmp_path, path, InputLimitError, match="would pass the")
    _with_limits(monkeypatch, max_unzipped_bytes=text_size)
    result, store = _imported(tmp_path / "ok", path)
    store.close()
    assert result.n_read == len(export.expected)


def test_a_zip_with_a_huge_index_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    members = {f"media/IMG-{i:05d}.jpg": b"" for i in range(200)}
    members["_chat.txt"] = _main_bytes(_export("whatsapp"))
    path = _zip(tmp_path / "WhatsApp Chat with Eitan.zip", members)
    _with_limits(monkeypatch, max_zip_index_bytes=4096)
    _refused(tmp_path, path, InputLimitError, match="index")


def test_zip_entries_outside_the_archive_or_links_are_ignored_with_warnings(
    tmp_path: Path,
) -> None:
    export = _export("whatsapp")
    link = zipfile.ZipInfo("_chat.txt")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = tmp_path / "WhatsApp Chat with Eitan.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(link, "/etc/passwd")  # a link named like the chat, to a system file
        archive.writestr("../../escaped.txt", b"outside")
        archive.writestr("/tmp/absolute.txt", b"rooted")
        archive.writestr("WhatsApp Chat with Eitan.txt", _main_bytes(export))
    result, store = _imported(tmp_path, path)
    with store:
        assert result.n_read == len(export.expected)
        warned = {w.raw for w in result.warnings}
        assert {"_chat.txt", "../../escaped.txt", "/tmp/absolute.txt"} <= warned
        [(n_warnings,)] = store.con.execute("SELECT n_warnings FROM imports").fetchall()
        assert n_warnings == len(result.warnings) >= 3


def test_a_zip_whose_only_chat_climbs_out_is_refused(tmp_path: Path) -> None:
    path = _zip(tmp_path / "chat.zip", {"../_chat.txt": _main_bytes(_export("whatsapp"))})
    _refused(tmp_path, path)
    _refused(tmp_path, path, ParseError, fmt="whatsapp")


def test_a_zip_packed_with_an_unbounded_method_is_refused(tmp_path: Path) -> None:
    members = {"_chat.txt": _main_bytes(_export("whatsapp"))}
    path = _zip(tmp_path / "WhatsApp Chat with Eitan.zip", members, zipfile.ZIP_BZIP2)
    _refused(tmp_path, path, UnreadableFileError, match="compression method 12")


# --- XML ------------------------------------------------------------------------------------

_ENTITY_ATTACKS = {
    "billion-laughs": b'<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    b']><smses count="1"><sms address="+15550100" date="1700000000000" type="1" body="&c;" '
    b'contact_name="Eitan" /></smses>',
    "external-entity": b'<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY x SYSTEM '
    b'"file:///etc/passwd">]><smses count="1"><sms address="+15550100" date="1700000000000" '
    b'type="1" body="&x;" contact_name="Eitan" /></smses>',
    "external-dtd": b'<?xml version="1.0"?><!DOCTYPE smses SYSTEM "http://127.0.0.1:9/x.dtd">'
    b'<smses count="1"><sms address="+15550100" date="1700000000000" type="1" body="hi" '
    b'contact_name="Eitan" /></smses>',
}


@pytest.mark.parametrize("attack", sorted(_ENTITY_ATTACKS))
def test_xml_entities_and_dtds_are_refused(tmp_path: Path, attack: str) -> None:
    path = tmp_path / "sms-20240101000000.xml"
    path.write_bytes(_ENTITY_ATTACKS[attack])
    error = _refused(tmp_path, path, ParseError, match="DTD", fmt="sms")
    assert "root:" not in str(error)


# --- long lines ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_a_line_longer_than_the_limit_stops_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    _with_limits(monkeypatch, max_line_bytes=64 << 10)
    export = _export(fmt)
    path = _insert(export, b"x" * (1 << 20), tmp_path)
    if fmt in SELF_BOUNDED:
        result, store = _imported(tmp_path, path, fmt=fmt)
        store.close()
        assert result.n_read == len(export.expected)
        return
    _refused(tmp_path, path, InputLimitError, match="without a line break", fmt=fmt)


@pytest.mark.slow
def test_a_2_gb_single_line_is_refused_early_in_bounded_memory(tmp_path: Path) -> None:
    """A sparse 2 GiB file: a WhatsApp-looking start, then no line break at all. Only the
    store's hashing reads it through; the importer stops after the line limit (64 MiB)."""
    path = tmp_path / "WhatsApp Chat with Eitan.txt"
    with path.open("wb") as f:
        f.write(b"12/03/2024, 21:04 - Eitan: ")
        f.truncate(2 << 30)
    tracemalloc.start()
    try:
        _refused(tmp_path, path, InputLimitError, match="without a line break")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    limit = InputLimits().max_line_bytes
    assert peak < 4 * limit, f"peak {peak / 2**20:.0f} MiB"


# --- encodings and NUL bytes ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_invalid_utf8_is_a_parse_error(tmp_path: Path, fmt: str) -> None:
    path = _insert(_export(fmt), b"\xff\xfe\xc3", tmp_path)
    _refused(tmp_path, path, ParseError)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_utf16_with_a_bom_is_read_or_clearly_refused(tmp_path: Path, fmt: str) -> None:
    export = _export(fmt)
    path = write(export, tmp_path)
    text = path.read_bytes().decode("utf-8-sig")
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    if fmt in UTF16_FORMATS:
        result, store = _imported(tmp_path, path)
        store.close()
        assert result.n_read == len(export.expected)
    else:
        _refused(tmp_path, path)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_utf16_without_a_bom_is_named_as_such(tmp_path: Path, fmt: str) -> None:
    path = write(_export(fmt), tmp_path)
    path.write_bytes(path.read_bytes().decode("utf-8-sig").encode("utf-16-le"))
    error = _refused(tmp_path, path, UnreadableFileError)
    assert "byte-order mark" in str(error)


@pytest.mark.parametrize("fmt", UTF16_FORMATS)
def test_damaged_utf16_is_refused_or_repaired_with_a_warning(tmp_path: Path, fmt: str) -> None:
    """A lone low surrogate inside a message: JSON's own decoder lets it through (Messenger's
    reader uses it), and the import then replaces it with U+FFFD and warns."""
    export = _export(fmt)
    path = write(export, tmp_path)
    text = path.read_bytes().decode("utf-8-sig")
    at = _inside_a_message(export)
    damaged = (text[:at] + "\udc00" + text[at:]).encode("utf-16-le", "surrogatepass")
    path.write_bytes(codecs.BOM_UTF16_LE + damaged)
    if fmt != "messenger":
        _refused(tmp_path, path, ParseError)
        return
    result, store = _imported(tmp_path, path)
    store.close()
    assert result.n_read == len(export.expected)
    assert [w.action for w in result.warnings] == ["replaced it with U+FFFD"]


#: Where a NUL byte inside a message is legal syntax, it is removed with a warning; JSON and
#: XML forbid it, so there it is damage.
NUL_REPAIRED = ("whatsapp", "signal", "generic")


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_nul_bytes_are_removed_with_a_warning_or_refused(tmp_path: Path, fmt: str) -> None:
    export = _export(fmt)
    path = _insert(export, b"\x00\x00", tmp_path)
    if fmt not in NUL_REPAIRED:
        _refused(tmp_path, path, ParseError)
        return
    result, store = _imported(tmp_path, path)
    with store:
        assert result.n_read == len(export.expected)
        # (a short export may also say which day/month order it assumed)
        actions = [w.action for w in result.warnings if "date_order" not in w.action]
        assert actions == ["removed the NUL bytes"]
        [(n_nul,)] = store.con.execute(
            "SELECT count(*) FROM messages WHERE contains(text, chr(0)) OR contains(sender, chr(0))"
        ).fetchall()
        assert n_nul == 0


def test_lone_surrogates_in_json_text_become_replacement_characters(tmp_path: Path) -> None:
    export = _export("telegram")
    path = _insert(export, b"\\ud800", tmp_path)
    result, store = _imported(tmp_path, path)
    with store:
        assert result.n_read == len(export.expected)
        assert any("surrogate" in w.reason for w in result.warnings)
        [(n,)] = store.con.execute(
            "SELECT count(*) FROM messages WHERE contains(text, '\ufffd')"
        ).fetchall()
        assert n == 1


# --- deeply nested JSON -----------------------------------------------------------------------

_DEEP = b"[" * 100_000 + b"]" * 100_000
_NESTED = {
    "telegram": b'{"name": "Eitan", "type": "personal_chat", "id": 1, "messages": ['
    + _DEEP
    + b"]}",
    "messenger": b'{"participants": [{"name": "Eitan"}], "messages": [' + _DEEP + b"]}",
    "discord": b'{"guild": {"id": "0", "name": "Direct Messages"}, "channel": {"id": "1", '
    b'"type": "DirectTextChat", "name": "Eitan"}, "messages": [{"id": "1", "type": "Default", '
    b'"timestamp": "2024-01-01T00:00:00+00:00", "content": ' + _DEEP + b"}]}",
    "generic": b'{"timestamp": "2024-01-01T00:00:00", "sender": "Eitan", "text": ' + _DEEP + b"}\n",
    "signal": b'{"date": "2024-01-01T00:00:00", "sender": "Eitan", "body": ' + _DEEP + b"}\n",
}


@pytest.mark.parametrize("fmt", sorted(_NESTED))
def test_deeply_nested_json_is_a_parse_error(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(_NESTED[fmt])
    _refused(tmp_path, path, ParseError, match="nest", fmt=fmt)
    _refused(tmp_path, path)  # detection must not crash either


# --- SQLite offered as chat.db --------------------------------------------------------------


def _chat_db(folder: Path) -> Path:
    return write(_export("imessage"), folder)


def _random_after_header(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:100] + os.urandom(len(data) - 100))


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _wrong_schema(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE message (x)")
        db.execute("INSERT INTO message VALUES (1)")
    db.close()


def _computed_column(path: Path) -> None:
    """Swap in a handle table whose id is computed on every read (a 200 MB string each)."""
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE handle RENAME TO old_handle")
        db.execute(
            "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, service TEXT, "
            "id TEXT AS (printf('%.*c', 200000000, 'x')) VIRTUAL)"
        )
        db.execute("INSERT INTO handle (ROWID, service) SELECT ROWID, service FROM old_handle")
        db.execute("DROP TABLE old_handle")
    db.close()


def _header_only(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))


_DAMAGE: dict[str, Callable[[Path], None]] = {
    "random bytes after the header": _random_after_header,
    "header then random bytes": _header_only,
    "truncated": _truncated,
    "a valid database with the wrong schema": _wrong_schema,
    "computed columns": _computed_column,
}


@pytest.mark.parametrize("damage", sorted(_DAMAGE))
def test_a_crafted_or_corrupt_chat_db_is_refused(tmp_path: Path, damage: str) -> None:
    path = _chat_db(tmp_path / "export")
    _DAMAGE[damage](path)
    _refused(tmp_path, path, ParseError, fmt="imessage")
    _refused(tmp_path, path)


# --- files that change, and things that are not files ---------------------------------------


def _append_once(path: Path) -> Callable[[int], None]:
    done: list[bool] = []

    def on_bytes(_: int) -> None:
        if not done:
            done.append(True)
            with path.open("ab") as f:
                f.write(b"12/03/2024, 21:05 - Eitan: written while pushpull was reading\n")

    return on_bytes


@pytest.mark.parametrize("fmt", ["whatsapp", "imessage", "telegram"])
def test_a_file_that_grows_while_it_is_read_is_refused(tmp_path: Path, fmt: str) -> None:
    path = write(_export(fmt), tmp_path / "export")
    _refused(
        tmp_path, path, UnreadableFileError, match="changed while", on_bytes=_append_once(path)
    )


def test_a_file_replaced_while_it_is_read_is_refused(tmp_path: Path) -> None:
    path = write(_export("whatsapp"), tmp_path / "export")
    other = write(_export("whatsapp", "ios-24h-dmy"), tmp_path / "other")
    replaced: list[bool] = []

    def replace(_: int) -> None:
        if not replaced:
            replaced.append(True)
            other.replace(path)

    _refused(tmp_path, path, UnreadableFileError, match="changed while", on_bytes=replace)


def _finishes(action: Callable[[], object], timeout_s: float) -> bool:
    thread = threading.Thread(target=action, daemon=True)
    thread.start()
    thread.join(timeout_s)
    return not thread.is_alive()


def test_a_pipe_or_device_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "chat.txt"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        assert _finishes(
            partial(_refused, tmp_path, path, UnreadableFileError, match="not a regular file"),
            timeout_s=30,
        )
