"""Files that are not chats are named for what they are, from their first bytes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from pushpull.errors import UnknownFormatError
from pushpull.file_kinds import what_file_is
from pushpull.registry import ExportFile, detect


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "key"),
    [
        (b"", "empty"),
        (b"%PDF-1.4\n", "pdf"),
        (b"{\\rtf1\\ansi", "word"),
        (_zip({"word/document.xml": b"<w/>"}), "word"),
        (_zip({"content.xml": b"<office/>"}), "word"),
        (b"\x89PNG\r\n\x1a\n" + bytes(20), "image"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image"),
        (b"\x00\x00\x00\x18ftypavif", "image"),
        (b"\xef\xbb\xbf<!DOCTYPE html>\n<html>", "html"),
        (b"  <div><html lang='en'>", "html"),
        (_zip({"photo.jpg": b"\xff\xd8\xff"}), "zip"),
        (bytes(range(32)) * 50, "binary"),
    ],
)
def test_a_file_is_named_for_what_it_is(head: bytes, key: str) -> None:
    kind = what_file_is(head, size=len(head))
    assert kind is not None and kind.key == key
    assert kind.advice and "--" not in kind.advice


@pytest.mark.parametrize(
    "head",
    [b"some notes\nabout nothing\n", "día 1: hola\n".encode(), "\ufeffa,b\n".encode("utf-16")],
)
def test_text_of_an_unknown_layout_is_left_to_the_readers(head: bytes) -> None:
    assert what_file_is(head, size=len(head)) is None


def test_the_import_error_says_what_the_file_looks_like(tmp_path: Path) -> None:
    pdf = tmp_path / "chat.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(100))
    with pytest.raises(UnknownFormatError) as caught:
        detect(ExportFile(pdf))
    assert caught.value.looks_like == "a PDF document"
    assert str(caught.value).startswith("chat.pdf looks like a PDF document, not a chat export.")
    assert "printout" in caught.value.hint
