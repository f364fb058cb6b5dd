"""The file handle every importer reads through, and the limits it enforces.

Every byte an importer reads comes through :class:`ExportFile`, which is where hostile or broken
files are stopped (limits in :class:`InputLimits`): a line too long to be a message, a zip bomb,
a zip entry that names a path outside the archive or a link, a file that changes while it is
read, a device or pipe instead of a file. Each gives an ``InputError`` that names the file;
a limit passed gives ``InputLimitError``, which also names the limit. :class:`ExportZip` reads a
zip export entry by entry under the same limits; :func:`decode_bytes` turns bytes into text
(BOM-aware, strict or lenient).
"""

from __future__ import annotations

import codecs
import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO

from pushpull.errors import InputLimitError, ParseError, UnreadableFileError
from pushpull.model import ParseIssue

__all__ = [
    "DEFAULT_LIMITS",
    "HEAD_BYTES",
    "ExportFile",
    "ExportZip",
    "InputLimits",
    "decode_bytes",
]

#: How many bytes ``sniff`` gets to look at.
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class InputLimits:
    """How much one export may ask of pushpull before it is refused as hostile or broken."""

    #: Longer than any line an export writes (WhatsApp caps a message at 65,536 characters; MMS
    #: media inlined as base64 stays under a few MB), short enough that a file with no line
    #: breaks cannot fill memory: reading stops at the first line this long. It also bounds
    #: one value read from a database (chat.db).
    max_line_bytes: int = 64 << 20
    #: Deflated chat text and JSON pack about 3-10 to 1; a zip bomb packs about 1,000 to 1.
    max_zip_ratio: float = 100.0
    #: A member smaller than this cannot hurt however well it packs; its ratio is not checked.
    zip_ratio_floor_bytes: int = 1 << 20
    #: All the text read out of one archive: the largest real chat texts are a few hundred MB.
    max_unzipped_bytes: int = 1 << 30
    #: An archive's index (its central directory): Meta's largest downloads list ~100k files in
    #: about 10 MB, and Python's zipfile holds ~10 times the index in memory.
    max_zip_index_bytes: int = 32 << 20


#: The limits every ``ExportFile`` gets unless it is given its own.
DEFAULT_LIMITS = InputLimits()


def _mib(n: int) -> str:
    return f"{n / (1 << 20):g} MiB" if n >= 1 << 20 else f"{n:,} bytes"


class _LineGuard:
    """Follows the bytes of a text as they are read and stops at a line that is too long."""

    def __init__(self, path: Path, max_line_bytes: int, where: str = "") -> None:
        self._path = path
        self._max = max_line_bytes
        self._where = where
        self._run = 0  # bytes since the last line break
        self._line = 1

    def feed(self, data: bytes) -> None:
        first = data.find(b"\n")
        if first < 0:
            self._run += len(data)
        else:
            if self._run + first > self._max:
                raise self._too_long()
            self._line += data.count(b"\n")
            self._run = len(data) - data.rfind(b"\n") - 1
        if self._run > self._max:
            raise self._too_long()

    def _too_long(self) -> InputLimitError:
        return InputLimitError(
            f"{self._where}this line runs past the limit without a line break; no chat export "
            "writes lines that long.",
            path=self._path,
            setting="max_line_bytes",
            limit=_mib(self._max),
            line=self._line,
            hint="The file is damaged or not a chat export; check that it is the file the app "
            "exported.",
        )


class _GuardedReader(io.RawIOBase):
    """A read-only binary stream that reports every byte it hands out (for progress bars) and,
    for text, stops at a line longer than the limit (reads are capped at that length, so a
    line that long always spans two reads and is seen)."""

    def __init__(
        self, raw: IO[bytes], on_bytes: Callable[[int], None], guard: _LineGuard | None, cap: int
    ) -> None:
        super().__init__()
        self._raw = raw
        self._on_bytes = on_bytes
        self._guard = guard
        self._cap = cap

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._guard is None:
            n = int(self._raw.readinto(buffer) or 0)  # type: ignore[attr-defined]
        else:
            data = self._raw.read(min(len(buffer), self._cap))
            n = len(data)
            memoryview(buffer)[:n] = data
            self._guard.feed(data)
        if n:
            self._on_bytes(n)
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def _ignore_bytes(_: int) -> None:
    return None


#: How much ``read_bytes`` asks for at a time.
_READ_CHUNK = 64 << 20


class ExportFile:
    """A file offered for import: its head for sniffing, and counted, guarded reading."""

    def __init__(
        self,
        path: Path | str,
        *,
        options: Mapping[str, str] | None = None,
        on_bytes: Callable[[int], None] | None = None,
        limits: InputLimits | None = None,
    ):
        self.path = Path(path)
        #: Format-specific settings from the user (e.g. CSV column names); see each format.
        self.options: Mapping[str, str] = dict(options or {})
        self.on_bytes = on_bytes or _ignore_bytes
        self.limits = limits if limits is not None else DEFAULT_LIMITS
        try:
            status = self.path.stat()
        except FileNotFoundError:
            raise UnreadableFileError(f"{self.path} does not exist.", path=self.path) from None
        except OSError as exc:
            raise UnreadableFileError(
                f"{self.path} cannot be read: {exc.strerror}.", path=self.path
            ) from exc
        if stat.S_ISDIR(status.st_mode):
            raise UnreadableFileError(
                f"{self.path} is a folder, not a file.",
                path=self.path,
                hint="Point pushpull at the exported file itself (for Messenger/Instagram, "
                "each message_1.json).",
            )
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFileError(
                f"{self.path} is not a regular file (a device, pipe or socket cannot be imported).",
                path=self.path,
                hint="Save the export as a file first, then import that file.",
            )
        self._fingerprint = _fingerprint(status)

    @property
    def name(self) -> str:
        return self.path.name

    @cached_property
    def size(self) -> int:
        return self.path.stat().st_size

    @cached_property
    def head(self) -> bytes:
        """The first bytes of the file (the whole file when it is small)."""
        try:
            with self.path.open("rb") as f:
                return f.read(HEAD_BYTES)
        except OSError as exc:
            raise UnreadableFileError(
                f"{self.path} cannot be read: {exc.strerror}.", path=self.path
            ) from exc

    @cached_property
    def head_text(self) -> str:
        """The head decoded leniently (BOM-aware), for sniffing text formats."""
        return decode_bytes(self.head, strict=False)

    @cached_property
    def is_zip(self) -> bool:
        return self.head[:4] == b"PK\x03\x04"

    def open(self, *, text: bool = True) -> IO[bytes]:
        """The file as a binary stream whose reads drive the progress bar.

        ``text`` (the default) guards the reads: a line longer than ``limits.max_line_bytes``
        raises ``InputLimitError``. A reader that bounds its own memory, or reads binary data,
        passes ``text=False``.
        """
        try:
            raw = self.path.open("rb", buffering=0)
        except OSError as exc:
            raise UnreadableFileError(
                f"{self.path} cannot be read: {exc.strerror}.", path=self.path
            ) from exc
        guard = _LineGuard(self.path, self.limits.max_line_bytes) if text else None
        cap = max(1, self.limits.max_line_bytes)
        return io.BufferedReader(_GuardedReader(raw, self.on_bytes, guard, cap), 1 << 20)

    def read_bytes(self) -> bytes:
        """The whole file (text: a line longer than the limit raises ``InputLimitError``).

        Read in large pieces straight from the file, each checked as it arrives: a buffered
        stream would copy every byte once more.
        """
        guard = _LineGuard(self.path, self.limits.max_line_bytes)
        piece = max(1, min(_READ_CHUNK, self.limits.max_line_bytes))
        chunks = []
        try:
            with self.path.open("rb", buffering=0) as f:
                while chunk := f.read(piece):
                    guard.feed(chunk)
                    self.on_bytes(len(chunk))
                    chunks.append(chunk)
        except OSError as exc:
            raise UnreadableFileError(
                f"{self.path} cannot be read: {exc.strerror}.", path=self.path
            ) from exc
        return b"".join(chunks)

    def read_text(self) -> str:
        """The whole file as text: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
        return decode_bytes(self.read_bytes(), strict=True, path=self.path)

    def zip(self) -> ExportZip:
        """The file as a zip archive whose members are read in memory, within the limits."""
        stream = self.open(text=False)
        try:
            index_bytes = _zip_index_bytes(stream, self.size)
            if index_bytes is not None and index_bytes > self.limits.max_zip_index_bytes:
                raise InputLimitError(
                    f"the zip archive's index is {_mib(index_bytes)}, more than pushpull reads.",
                    path=self.path,
                    setting="max_zip_index_bytes",
                    limit=_mib(self.limits.max_zip_index_bytes),
                    hint="A zip this large is not an export pushpull can take; it may be built "
                    "to exhaust memory.",
                )
            stream.seek(0)
            archive = zipfile.ZipFile(stream)
        except UnreadableFileError:
            stream.close()
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            stream.close()
            raise ParseError(
                f"the zip archive is damaged ({exc}).", path=self.path, expected="a complete .zip"
            ) from exc
        return ExportZip(archive, stream, self)

    def check_unchanged(self) -> None:
        """Raise ``UnreadableFileError`` if the file changed since this object was made."""
        try:
            now = _fingerprint(self.path.stat())
        except OSError:
            now = None
        if now != self._fingerprint:
            raise UnreadableFileError(
                f"{self.path.name} changed while pushpull was reading it, so what was read may "
                "mix two versions; nothing was imported.",
                path=self.path,
                hint="Wait until the file has finished downloading or copying, then import it "
                "again.",
            )


def _fingerprint(status: os.stat_result) -> tuple[int, int, int, int]:
    """What changes when a file is written to or replaced."""
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def _zip_index_bytes(stream: IO[bytes], size: int) -> int | None:
    """The size of a zip's central directory as its end records declare it (None if they
    cannot be found; zipfile then reports the damage)."""
    tail_length = min(size, 22 + 0xFFFF)
    stream.seek(size - tail_length)
    tail = stream.read(tail_length)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    index = int.from_bytes(tail[at + 12 : at + 16], "little")
    locator = at - 20
    if index != 0xFFFFFFFF or locator < 0 or tail[locator : locator + 4] != b"PK\x06\x07":
        return index
    # Zip64: the locator points at a larger end record that holds the real size.
    stream.seek(int.from_bytes(tail[locator + 8 : locator + 16], "little"))
    record = stream.read(56)
    if len(record) < 48 or record[:4] != b"PK\x06\x06":
        return None
    return int.from_bytes(record[40:48], "little")


#: A zip entry name that starts at a root: "/x", "\\x", "C:x".
_ROOTED = re.compile(r"^(?:[/\\]|[A-Za-z]:)")
#: How each zip compression method is named in messages; only these two are read (see
#: ``ExportZip.read``).
_READABLE_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}


def _unsafe_entry(info: zipfile.ZipInfo) -> str:
    """Why a zip entry must not be read ("" when it is an ordinary file or folder)."""
    name = info.filename
    if _ROOTED.match(name):
        return "names an absolute path"
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return "names a path outside the archive (..)"
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link"
    return ""


class ExportZip:
    """An export's zip archive. Members are read by name into memory and never extracted.

    Entries that name an absolute path, climb out with ``..`` or are symbolic links are left
    out of :meth:`infolist` and listed in :attr:`issues` (as warnings). Reading a member checks
    its compression method, its compression ratio and the total unpacked so far against the
    file's :class:`InputLimits`.
    """

    def __init__(self, archive: zipfile.ZipFile, stream: IO[bytes], file: ExportFile) -> None:
        self._archive = archive
        self._stream = stream
        self._file = file
        self._unzipped = 0
        members: list[zipfile.ZipInfo] = []
        issues: list[ParseIssue] = []
        for info in archive.infolist():
            why = _unsafe_entry(info)
            if why:
                issues.append(
                    ParseIssue(
                        line=None,
                        reason=f"the zip entry {info.filename!r} {why}",
                        raw=info.filename[:200],
                        action="ignored that entry",
                    )
                )
            else:
                members.append(info)
        self._members = members
        self._by_name = {info.filename: info for info in members}
        #: One warning per entry left out (see the class docstring).
        self.issues: tuple[ParseIssue, ...] = tuple(issues)

    def __enter__(self) -> ExportZip:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._archive.close()
        self._stream.close()

    def infolist(self) -> list[zipfile.ZipInfo]:
        """The entries that are safe to read (files and folders), in archive order."""
        return list(self._members)

    def namelist(self) -> list[str]:
        return [info.filename for info in self._members]

    def read(self, member: str | zipfile.ZipInfo, *, limit: int | None = None) -> bytes:
        """A member's bytes, within the limits; with ``limit``, only its first bytes (at most
        ``HEAD_BYTES``, for sniffing: these do not count towards ``max_unzipped_bytes``).

        Raises ``InputLimitError`` when a limit is passed (``detect`` lets it through, as it
        does every ``UnreadableFileError``), and ``ParseError`` when the member is damaged.
        """
        info = self._by_name.get(member if isinstance(member, str) else member.filename)
        path = self._file.path
        if info is None or info.is_dir():
            raise ParseError(
                f"the zip archive has no readable file {member!r}.",
                path=path,
                expected="a complete .zip",
            )
        limits = self._file.limits
        where = f"{info.filename}: "
        inside = f"{path.name}: {info.filename} in it"
        method = _READABLE_METHODS.get(info.compress_type)
        if method is None:
            raise UnreadableFileError(
                f"{inside} is packed with compression method {info.compress_type}, which "
                "chat apps do not use and pushpull does not unpack.",
                path=path,
                hint="Use the zip the app exported, or re-pack it with ordinary zip compression.",
            )
        wanted = info.file_size if limit is None else min(limit, HEAD_BYTES, info.file_size)
        ratio = info.file_size / max(info.compress_size, 1)
        if wanted > limits.zip_ratio_floor_bytes and ratio > limits.max_zip_ratio:
            raise InputLimitError(
                f"{info.filename} in it unpacks to {ratio:,.0f} times its packed size, far more "
                "than text packs; it looks like a zip bomb.",
                path=path,
                setting="max_zip_ratio",
                limit=f"{limits.max_zip_ratio:g} times",
                hint="Nothing was unpacked. Use the zip the app exported.",
            )
        if limit is None and self._unzipped + wanted > limits.max_unzipped_bytes:
            raise InputLimitError(
                f"unpacking {info.filename} would pass the most text pushpull reads from one "
                "archive.",
                path=path,
                setting="max_unzipped_bytes",
                limit=_mib(limits.max_unzipped_bytes),
                hint="Nothing was unpacked. If this is a real export, unzip it and import the "
                "chat file inside.",
            )
        guard = _LineGuard(path, limits.max_line_bytes, where)
        chunks = []
        try:
            with self._archive.open(info) as stream:
                while len(chunk := stream.read(min(1 << 20, wanted))) > 0:
                    guard.feed(chunk)
                    chunks.append(chunk)
                    wanted -= len(chunk)
                    if wanted <= 0:
                        break
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise ParseError(
                f"{where}it cannot be unpacked: the archive is damaged ({exc}).",
                path=path,
                expected="a complete .zip",
            ) from exc
        except (NotImplementedError, RuntimeError) as exc:  # encrypted, or an unknown method
            raise ParseError(
                f"{where}it cannot be unpacked ({exc}).",
                path=path,
                expected="an unencrypted .zip as the app wrote it",
            ) from exc
        data = b"".join(chunks)
        if limit is None:
            self._unzipped += len(data)
        return data


def decode_bytes(data: bytes, *, strict: bool, path: Path | None = None) -> str:
    """Decode export bytes: honour a UTF-8/UTF-16 BOM, else UTF-8; strict mode names the line."""
    encoding = "utf-8"
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    if not strict:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ParseError(
            f"byte {exc.start} is not valid {encoding.upper()} text.",
            path=path,
            line=line,
            expected="a text export encoded as UTF-8 or UTF-16",
            hint="The file may be damaged, or it is not a chat export.",
        ) from exc
