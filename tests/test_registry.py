"""Detection by content, ties refused, the counting reader, and text decoding."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

import pushpull
from pushpull import registry
from pushpull.errors import (
    AmbiguousFormatError,
    ParseError,
    UnknownFormatError,
    UnreadableFileError,
    UsageError,
)
from pushpull.model import Message, ParseIssue
from pushpull.registry import ExportFile, Sniff, decode_bytes, detect, get_source


class _Twin:
    name: ClassVar[str] = "twin"
    label: ClassVar[str] = "twin"

    def sniff(self, file: ExportFile) -> Sniff:
        return Sniff(0.9, "twin") if file.head.startswith(b"#twin") else Sniff.no("no")

    def read(self, file: ExportFile) -> Iterator[Message | ParseIssue]:
        return iter(())


def test_two_equally_sure_formats_are_a_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = dict(registry._SOURCES)
    a, b = _Twin(), _Twin()
    sources["twin-a"], sources["twin-b"] = a, b
    monkeypatch.setattr(registry, "_SOURCES", sources)
    path = tmp_path / "x.txt"
    path.write_bytes(b"#twin\n")
    with pytest.raises(AmbiguousFormatError) as info:
        detect(ExportFile(path))
    assert "--format" in info.value.hint


def test_unknown_format_names_every_format_tried(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"Dear diary, today was fine.\n")
    with pytest.raises(UnknownFormatError) as info:
        detect(ExportFile(path))
    tried = {name for name, _ in info.value.attempts}
    assert {"whatsapp", "telegram", "signal", "generic", "messenger"} <= tried
    assert "x.txt" in str(info.value)


def test_missing_file_and_folder_are_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="does not exist"):
        ExportFile(tmp_path / "nope.txt")
    with pytest.raises(UnreadableFileError, match="is a folder"):
        ExportFile(tmp_path)


def test_unknown_format_name_lists_the_known_ones() -> None:
    with pytest.raises(UsageError) as info:
        get_source("carrier-pigeon")
    assert "whatsapp" in info.value.hint


def test_reading_reports_every_byte(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"x" * 3_000_000)
    seen: list[int] = []
    file = ExportFile(path, on_bytes=seen.append)
    assert len(file.read_bytes()) == 3_000_000
    assert sum(seen) == 3_000_000


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (codecs.BOM_UTF8 + "héllo".encode(), "héllo"),
        (codecs.BOM_UTF16_LE + "héllo".encode("utf-16-le"), "héllo"),
        (codecs.BOM_UTF16_BE + "héllo".encode("utf-16-be"), "héllo"),
        ("plain ✓".encode(), "plain ✓"),
    ],
)
def test_decoding_honours_byte_order_marks(data: bytes, text: str) -> None:
    assert decode_bytes(data, strict=True) == text


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ParseError) as info:
        decode_bytes(b"line one\nline two\n\xff\xfe broken", strict=True, path=tmp_path / "c.txt")
    assert info.value.line == 3 and "c.txt, line 3" in str(info.value)
    assert decode_bytes(b"ok \xff", strict=False) == "ok \ufffd"


def test_public_api_is_pinned() -> None:
    assert set(pushpull.__all__) == {
        "Analysis",
        "Kind",
        "Message",
        "ParseIssue",
        "PushPullError",
        "__version__",
        "analyze",
    }


def test_zip_archives_open_through_the_counting_reader(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("chat.txt", "hello")
    with ExportFile(path).zip() as archive:
        assert archive.read("chat.txt") == b"hello"


def test_synth_render_stays_a_function_after_renderers_load() -> None:
    import importlib

    import pushpull.synth as synth

    importlib.import_module("pushpull.synth.render.messenger")
    assert callable(synth.render)
