"""What a file that is not a chat export looks like, in words a person recognises ("a PDF
document", "a picture"), told from its first bytes. Used to say why an import was refused."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

__all__ = ["FileKind", "what_file_is"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FileKind:
    """``words`` names the kind ("a PDF document"); ``advice`` says what to do instead."""

    key: str
    words: str
    advice: str


_EXPORT_AGAIN = "Export the chat from the app itself and give pushpull the file it makes."
_KINDS = {
    "empty": FileKind(
        key="empty",
        words="an empty file",
        advice="The file has nothing in it; the export may not have finished. " + _EXPORT_AGAIN,
    ),
    "pdf": FileKind(
        key="pdf",
        words="a PDF document",
        advice="A PDF or a printout of a chat cannot be read back. " + _EXPORT_AGAIN,
    ),
    "word": FileKind(
        key="word",
        words="a Word or office document",
        advice="A chat pasted into a document loses its times and senders. " + _EXPORT_AGAIN,
    ),
    "image": FileKind(
        key="image",
        words="a picture",
        advice="Screenshots cannot be read as messages. " + _EXPORT_AGAIN,
    ),
    "html": FileKind(
        key="html",
        words="a web page (HTML)",
        advice="Telegram, Facebook and Instagram can export as HTML or as JSON: choose JSON.",
    ),
    "zip": FileKind(
        key="zip",
        words="a zip file with no chat inside",
        advice="The zip holds no chat file pushpull knows. WhatsApp's zip has a _chat.txt or "
        "a file named after the chat; check that you chose the right zip.",
    ),
    "binary": FileKind(
        key="binary",
        words="binary data",
        advice="The file may be damaged or of another kind. " + _EXPORT_AGAIN,
    ),
}
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")
_OFFICE_PARTS = ("word/", "xl/", "ppt/", "content.xml")


def what_file_is(head: bytes, *, size: int | None = None) -> FileKind | None:
    """The kind of file ``head`` (its first bytes) starts, when it is plainly not a chat; None
    for text of an unknown layout (which a reader's own complaints describe better)."""
    if size == 0 or not head:
        return _KINDS["empty"]
    if head.startswith(b"%PDF"):
        return _KINDS["pdf"]
    if head.startswith(b"\xd0\xcf\x11\xe0") or head.startswith(b"{\\rtf"):
        return _KINDS["word"]
    if head.startswith(_IMAGES) or _is_modern_image(head):
        return _KINDS["image"]
    if head.startswith(b"PK\x03\x04"):
        return _KINDS["word"] if _is_office(head) else _KINDS["zip"]
    text = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        text.startswith(b"<") and b"<html" in text
    ):
        return _KINDS["html"]
    if _looks_binary(head):
        return _KINDS["binary"]
    return None


def _is_modern_image(head: bytes) -> bool:
    """WebP, HEIC/AVIF (phones' own photo formats)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return True
    return head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"avif", b"hevc")


def _is_office(head: bytes) -> bool:
    """Whether a zip's first entry names are those of a Word/Excel/OpenDocument file."""
    try:
        names = zipfile.ZipFile(io.BytesIO(head)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        # The head may cut the central directory off: read the first local entry's name.
        length = int.from_bytes(head[26:28], "little")
        names = [head[30 : 30 + length].decode("utf-8", "replace")]
    return any(n.startswith(_OFFICE_PARTS) or n == "[Content_Types].xml" for n in names)


def _looks_binary(head: bytes) -> bool:
    """Control bytes a text export never has (NUL aside from UTF-16, which readers handle)."""
    sample = head[:4096]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > len(sample) // 20
