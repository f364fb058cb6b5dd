"""The one registry of export formats.

A format is a class in ``pushpull/sources/<name>.py`` decorated with :func:`register`. It has a
``name`` (used by ``--format``), a ``label`` for people, and two methods:

- ``sniff(file) -> Sniff``: how sure it is (0..1) that ``file`` is its format, judged by content,
  never by file name alone, and a short reason (shown when nothing matches);
- ``read(file) -> Iterator[Message | ParseIssue]``: the messages, in file order, with a
  ``ParseIssue`` for every line it had to repair. Unrecoverable damage raises ``ParseError``.

:func:`detect` asks every format and refuses to guess when two are equally sure. The registry
knows only what was registered: import ``pushpull.sources`` (which re-exports these functions) to
have the built-in formats.

Every byte an importer reads comes through :class:`~pushpull.export_files.ExportFile` (in its
own module, with the zip reader and the input limits); it is re-exported here, where the
formats find it.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Protocol, TypeVar

import polars as pl

from pushpull.errors import (
    AmbiguousFormatError,
    InputError,
    UnknownFormatError,
    UnreadableFileError,
    UsageError,
)
from pushpull.export_files import (
    DEFAULT_LIMITS,
    HEAD_BYTES,
    ExportFile,
    ExportZip,
    InputLimits,
    decode_bytes,
)
from pushpull.file_kinds import what_file_is
from pushpull.frame import MessageFrame, messages_to_frame
from pushpull.model import Message, ParseIssue

__all__ = [
    "DEFAULT_LIMITS",
    "HEAD_BYTES",
    "ExportFile",
    "ExportZip",
    "InputLimits",
    "Sniff",
    "Source",
    "all_sources",
    "decode_bytes",
    "detect",
    "get_source",
    "read_frame",
    "register",
]

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
        raise _unknown(file, [("all formats", "the file is empty")])
    verdicts.sort(key=lambda sv: sv[1].confidence, reverse=True)
    best_source, best = verdicts[0]
    if best.confidence < MIN_CONFIDENCE:
        if _utf16_without_bom(file.head):
            raise UnreadableFileError(
                f"{file.name} looks like UTF-16 text without a byte-order mark, which cannot be "
                "told apart from binary data reliably.",
                path=file.path,
                hint="Save the file as UTF-8 (or UTF-16 with a byte-order mark) and import it "
                "again.",
            )
        raise _unknown(file, [(s.name, v.reason) for s, v in verdicts])
    tied = [s.name for s, v in verdicts if best.confidence - v.confidence < TIE_MARGIN]
    if len(tied) > 1:
        raise AmbiguousFormatError(file.path, tied)
    return best_source


def _unknown(file: ExportFile, attempts: list[tuple[str, str]]) -> UnknownFormatError:
    """The error for a file no format recognised, saying what it seems to be instead."""
    kind = what_file_is(file.head if file.size else b"", size=file.size)
    return UnknownFormatError(
        file.path,
        attempts,
        looks_like=kind.words if kind else "",
        advice=kind.advice if kind else "",
    )


def _utf16_without_bom(head: bytes) -> bool:
    """Whether the bytes look like mostly-Latin UTF-16 text that lacks its byte-order mark."""
    sample = head[:4096]
    if len(sample) < 64 or sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    fewer, more = sorted((sample[0::2].count(0), sample[1::2].count(0)))
    half = len(sample) // 2
    return fewer < half // 10 and more > half * 9 // 10


def read_frame(source: Source, file: ExportFile) -> MessageFrame:
    """All of ``file`` as a message frame, by the format's fast path when it has one.

    The file must not have changed since ``file`` was made (``UnreadableFileError``); NUL
    bytes, which no chat app writes, are removed from the text with a warning per message.
    """
    fast = getattr(source, "read_frame", None)
    try:
        frame: MessageFrame = (
            fast(file) if fast is not None else messages_to_frame(source.read(file))
        )
    except InputError:
        file.check_unchanged()  # a change explains the damage better than the damage does
        raise
    file.check_unchanged()
    return _without_nul_bytes(frame)


_NUL = "\x00"
#: The text columns NUL bytes are removed from.
_TEXT_COLUMNS = ("text", "sender", "chat", "reply_to", "record_id")


def _without_nul_bytes(frame: MessageFrame) -> MessageFrame:
    messages = frame.messages
    # One quick pass over every column first: a clean frame (nearly all) ends here.
    found = messages.select(
        *(pl.col(name).str.contains(_NUL, literal=True).any() for name in _TEXT_COLUMNS),
        pl.col("attachments").explode().str.contains(_NUL, literal=True).any(),
    )
    if not any(found.row(0)):
        return frame
    in_attachments = pl.col("attachments").list.eval(pl.element().str.contains(_NUL, literal=True))
    damaged = pl.any_horizontal(
        *(pl.col(name).str.contains(_NUL, literal=True) for name in _TEXT_COLUMNS),
        in_attachments.list.any(),
    ).fill_null(False)
    hit = messages.select(damaged.alias("hit")).get_column("hit")
    issues = [
        ParseIssue(
            line=line,
            reason="the message holds NUL bytes, which no chat app writes (a sign of damage)",
            raw=(text or "").replace(_NUL, "")[:200],
            action="removed the NUL bytes",
        )
        for line, text in messages.filter(hit).select("line", "text").iter_rows()
    ]
    cleaned = messages.with_columns(
        *(pl.col(name).str.replace_all(_NUL, "", literal=True) for name in _TEXT_COLUMNS),
        pl.col("attachments").list.eval(pl.element().str.replace_all(_NUL, "", literal=True)),
    )
    return MessageFrame(cleaned, [*frame.issues, *issues])
