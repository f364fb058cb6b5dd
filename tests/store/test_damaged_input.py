"""Truncated, binary or wrong-format files give one clear error and leave the store unchanged.

A line-based export cut short is still a valid (shorter) export: it must import a prefix of the
messages, never fail half-way. Every other cut must be refused as a whole.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pushpull.errors import InputError, UnknownFormatError
from pushpull.store import Store, import_file, load_messages
from pushpull.synth import FORMATS, generate, render, write
from tests.store.test_ingest import table_counts


@pytest.fixture(scope="module")
def chat():  # type: ignore[no-untyped-def]
    return generate("hot_cold", seed=21, days=25)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("keep", [0.5, 0.93])
def test_a_truncated_export_is_refused_or_yields_a_prefix(
    fmt: str,
    keep: float,
    chat,
    store: Store,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    export = render(chat, fmt)
    path = write(export, tmp_path / "export")
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    before = table_counts(store)
    try:
        result = import_file(store, path)
    except InputError as error:
        assert path.name in str(error) or "line" in str(error) or "format" in str(error)
        assert "Traceback" not in str(error)
        assert table_counts(store) == before
        return
    # Accepted: then it must be a true prefix of the conversation, nothing invented.
    conv = result.conversations[0].conversation
    got = load_messages(store, conv).sort("seq")
    want = [m for m in export.expected if (m.chat or conv) == conv] or list(export.expected)
    n = got.height
    assert 0 < n <= len(want)
    assert got.get_column("sender").to_list()[: n - 1] == [m.sender for m in want[: n - 1]]


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        json.dumps({"hello": "world", "items": [1, 2, 3]}).encode(),
        b"<?xml version='1.0'?><rss><channel><title>news</title></channel></rss>",
        b"PK\x03\x04" + b"\x00" * 200,
        b"SQLite format 3\x00" + b"\x00" * 2000,
    ],
    ids=["png", "pdf", "json", "xml", "broken-zip", "empty-sqlite"],
)
def test_wrong_formats_are_refused(content: bytes, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    before = table_counts(store)
    with pytest.raises(InputError) as info:
        import_file(store, path)
    assert "upload.bin" in str(info.value)
    if isinstance(info.value, UnknownFormatError):
        assert len(info.value.attempts) >= len(FORMATS)
    assert table_counts(store) == before
