"""The one registry of export formats, and the file handle every importer reads through.

A format is a class in ``pushpull/sources/<name>.py`` decorated with :func:`register`. It has a
``name`` (used by ``--format``), a ``label`` for people, and two methods:

- ``sniff(file) -> Sniff``: how sure it is (0..1) that ``file`` is its format, judged by content,
  never by file name alone, and a short reason (shown when nothing matches);
- ``read(file) -> Iterator[Message | ParseIssue]``: the messages, in file order, with a
  ``ParseIssue`` for every line it had to repair. Unrecoverable damage raises ``ParseError``.

:func:`detect` asks every format and refuses to guess when two are equally sure. The registry
knows only what was registered: import ``pushpull.sources`` (which re-exports these functions) to
have the built-in formats.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO, ClassVar, Protocol, TypeVar

from pushpull.errors import (
    AmbiguousFormatError,
    ParseError,
    UnknownFormatError,
    UnreadableFileError,
    UsageError,
)
from pushpull.frame import MessageFrame, messages_to_frame
from pushpull.model import Message, ParseIssue

__all__ = [
    "ExportFile",
    "Sniff",
    "Source",
    "all_sources",
    "detect",
    "get_source",
    "read_frame",
    "register",
]

#: How many bytes ``sniff`` gets to look at.
HEAD_BYTES = 64 * 1024
#: A format must be at least this sure to be chosen.
MIN_CONFIDENCE = 0.5
#: Two formats closer than this are a tie, and a tie is an error.
TIE_MARGIN = 0.05


@dataclass(frozen=True, slots=True)
class Sniff:
    """A format's verdict on a file: confidence in 0..1 and why."""

    confidence: float
    reason: str

    @classmethod
    def no(cls, reason: str) -> Sniff:
        return cls(0.0, reason)


class _CountingReader(io.RawIOBase):
    """A read-only binary stream that reports every byte it hands out (for progress bars)."""

    def __init__(self, raw: IO[bytes], on_bytes: Callable[[int], None]) -> None:
        super().__init__()
        self._raw = raw
        self._on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        if n:
            self._on_bytes(n)
        return int(n or 0)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _ignore_bytes(_: int) -> None:
    return None


class ExportFile:
    """A file offered for import: its head for sniffing, and counted, decoded reading."""

    def __init__(
        self,
        path: Path | str,
        *,
        options: Mapping[str, str] | None = None,
        on_bytes: Callable[[int], None] | None = None,
    ):
        self.path = Path(path)
        #: Format-specific settings from the user (e.g. CSV column names); see each format.
        self.options: Mapping[str, str] = dict(options or {})
        self.on_bytes = on_bytes or _ignore_bytes
        if not self.path.exists():
            raise UnreadableFileError(f"{self.path} does not exist.", path=self.path)
        if self.path.is_dir():
            raise UnreadableFileError(
                f"{self.path} is a folder, not a file.",
                path=self.path,
                hint="Point pushpull at the exported file itself (for Messenger/Instagram, "
                "each message_1.json).",
            )

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

    def open(self) -> IO[bytes]:
        """The file as a binary stream whose reads drive the progress bar."""
        try:
            raw = self.path.open("rb", buffering=0)
        except OSError as exc:
            raise UnreadableFileError(
                f"{self.path} cannot be read: {exc.strerror}.", path=self.path
            ) from exc
        return io.BufferedReader(_CountingReader(raw, self.on_bytes), buffer_size=1 << 20)

    def read_bytes(self) -> bytes:
        with self.open() as f:
            return f.read()

    def read_text(self) -> str:
        """The whole file as text: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
        return decode_bytes(self.read_bytes(), strict=True, path=self.path)

    def zip(self) -> zipfile.ZipFile:
        try:
            return zipfile.ZipFile(self.open())
        except zipfile.BadZipFile as exc:
            raise ParseError(
                f"the zip archive is damaged ({exc}).", path=self.path, expected="a complete .zip"
            ) from exc


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


class Source(Protocol):
    """What an export format provides (see the module docstring)."""

    name: ClassVar[str]
    label: ClassVar[str]

    def sniff(self, file: ExportFile) -> Sniff: ...

    def read(self, file: ExportFile) -> Iterator[Message | ParseIssue]: ...


_SOURCES: dict[str, Source] = {}


_S = TypeVar("_S", bound=type)


def register(cls: _S) -> _S:
    """Class decorator: add an export format to the registry under its ``name``."""
    instance = cls()
    name = instance.name
    if name in _SOURCES:
        raise RuntimeError(f"two export formats are registered as {name!r}")
    _SOURCES[name] = instance
    return cls


def all_sources() -> list[Source]:
    """Every registered format, in registration order."""
    return list(_SOURCES.values())


def get_source(name: str) -> Source:
    """The format called ``name`` (as in ``--format NAME``)."""
    try:
        return _SOURCES[name]
    except KeyError:
        raise UsageError(
            f"There is no export format called {name!r}.",
            hint=f"Known formats: {', '.join(sorted(_SOURCES))}.",
        ) from None


def detect(file: ExportFile) -> Source:
    """The one format that recognises ``file`` by content; an error when none or several do."""
    verdicts: list[tuple[Source, Sniff]] = []
    for source in all_sources():
        try:
            verdict = source.sniff(file)
        except UnreadableFileError:
            raise
        except Exception as exc:  # a sniffer must never crash detection
            verdict = Sniff.no(f"could not look inside ({type(exc).__name__})")
        verdicts.append((source, verdict))
    if file.size == 0:
        raise UnknownFormatError(file.path, [("all formats", "the file is empty")])
    verdicts.sort(key=lambda sv: sv[1].confidence, reverse=True)
    best_source, best = verdicts[0]
    if best.confidence < MIN_CONFIDENCE:
        raise UnknownFormatError(file.path, [(s.name, v.reason) for s, v in verdicts])
    tied = [s.name for s, v in verdicts if best.confidence - v.confidence < TIE_MARGIN]
    if len(tied) > 1:
        raise AmbiguousFormatError(file.path, tied)
    return best_source


def read_frame(source: Source, file: ExportFile) -> MessageFrame:
    """All of ``file`` as a message frame, by the format's fast path when it has one."""
    fast = getattr(source, "read_frame", None)
    if fast is not None:
        frame: MessageFrame = fast(file)
        return frame
    return messages_to_frame(source.read(file))
