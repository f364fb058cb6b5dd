"""Detection by content, ties refused, the counting reader, and text decoding."""

from __future__ import annotations

import codecs
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

import pushpull
from pushpull import export_files, registry
from pushpull.errors import (
    AmbiguousFormatError,
    InputLimitError,
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


# --- limits on what a file may ask of the reader --------------------------------------------


def test_a_line_at_the_limit_is_read_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    limits = registry.InputLimits(max_line_bytes=1000)
    path = tmp_path / "lines.txt"
    body = b"a" * 1000 + b"\n" + b"b" * 10 + b"\n"
    path.write_bytes(body * 50)
    file = ExportFile(path, limits=limits)
    assert file.read_bytes() == body * 50
    with file.open() as stream:
        assert sum(1 for _ in stream) == 100
    path.write_bytes(body * 3 + b"c" * 1001 + b"\n")
    with pytest.raises(InputLimitError, match="without a line break") as info:
        ExportFile(path, limits=limits).read_bytes()
    error = info.value
    assert (error.setting, error.limit, error.line) == ("max_line_bytes", "1,000 bytes", 7)
    assert str(error).startswith("lines.txt, line 7: ")
    assert "The limit, max_line_bytes, is 1,000 bytes." in str(error)
    with pytest.raises(InputLimitError, match="without a line break"):
        list(ExportFile(path, limits=limits).open())


def test_binary_reads_are_not_held_to_the_line_limit(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"z" * 5000)
    with ExportFile(path, limits=registry.InputLimits(max_line_bytes=100)).open(text=False) as f:
        assert len(f.read()) == 5000


def test_a_change_after_opening_is_noticed(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"one\n")
    file = ExportFile(path)
    file.check_unchanged()
    path.write_bytes(b"one\ntwo\n")
    with pytest.raises(UnreadableFileError, match="changed while"):
        file.check_unchanged()


def _zip_with(path: Path, names: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name in names:
            z.writestr(name, f"content of {name}")
    return path


def test_unsafe_zip_entries_are_left_out_with_a_warning_each(tmp_path: Path) -> None:
    path = _zip_with(tmp_path / "a.zip", ["ok/chat.txt", "../up.txt", "/abs.txt", "C:/win.txt"])
    with ExportFile(path).zip() as archive:
        assert archive.namelist() == ["ok/chat.txt"]
        assert [issue.raw for issue in archive.issues] == ["../up.txt", "/abs.txt", "C:/win.txt"]
        assert archive.read("ok/chat.txt") == b"content of ok/chat.txt"
        with pytest.raises(ParseError, match="no readable file"):
            archive.read("../up.txt")


def test_a_head_read_is_capped_and_not_counted_against_the_archive(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.txt", b"line\n" * 100_000)
    limits = registry.InputLimits(max_unzipped_bytes=600_000)
    with ExportFile(path, limits=limits).zip() as archive:
        assert len(archive.read("big.txt", limit=10 << 20)) == registry.HEAD_BYTES
        assert len(archive.read("big.txt")) == 500_000
        with pytest.raises(InputLimitError, match="would pass") as info:
            archive.read("big.txt")
    assert info.value.setting == "max_unzipped_bytes"
    assert "a.zip: " in str(info.value) and "600,000 bytes" in str(info.value)


def test_the_zip_index_size_is_read_from_zip64_end_records_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [f"media/{i}.jpg" for i in range(30)]
    plain = _zip_with(tmp_path / "plain.zip", names)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 5)  # forces the Zip64 end records
    zip64 = _zip_with(tmp_path / "zip64.zip", names)
    assert b"PK\x06\x06" in zip64.read_bytes() and b"PK\x06\x06" not in plain.read_bytes()
    with zipfile.ZipFile(plain) as z:
        index_bytes = plain.stat().st_size - 22 - z.start_dir
    for path in (plain, zip64):
        with path.open("rb") as f:
            assert export_files._zip_index_bytes(f, path.stat().st_size) == index_bytes
        too_small = registry.InputLimits(max_zip_index_bytes=index_bytes - 1)
        with pytest.raises(InputLimitError, match="index") as info:
            ExportFile(path, limits=too_small).zip()
        assert info.value.setting == "max_zip_index_bytes"
