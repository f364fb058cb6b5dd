"""Every error pushpull raises on purpose, each with a message a person can act on.

    PushPullError                 anything pushpull reports to the user
    ├── InputError                something about a file the user gave us
    │   ├── UnreadableFileError   missing, a folder, no permission, not text where text is needed
    │   │   └── InputLimitError   past one of the input limits (a zip bomb, a line with no end)
    │   ├── UnknownFormatError    no importer recognised the file (says what each one thought)
    │   ├── AmbiguousFormatError  two importers recognised it equally well
    │   ├── ParseError            a known format, broken at a given line
    │   └── StrictImportError     lines that needed repair, refused by ``import --strict``
    ├── UsageError                a command-line or API argument that cannot work
    │   └── ParticipantError      a name that is not in the conversation ("--me Sam")
    └── StoreError                the local database
        ├── ConversationNotFoundError
        ├── StoreBusyError        another pushpull process holds the store
        ├── PassphraseNeededError the store is encrypted and no passphrase was given
        ├── WrongPassphraseError  the passphrase does not unlock the store
        └── EncryptionUnavailableError  DuckDB's encryption extension is not installed

The CLI turns any of these into one paragraph and an exit code in exactly one place
(``pushpull.cli``); nothing else prints them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "AmbiguousFormatError",
    "ConversationNotFoundError",
    "EncryptionUnavailableError",
    "InputError",
    "InputLimitError",
    "ParseError",
    "ParticipantError",
    "PassphraseNeededError",
    "PushPullError",
    "StoreBusyError",
    "StoreError",
    "StrictImportError",
    "UnknownFormatError",
    "UnreadableFileError",
    "UsageError",
    "WrongPassphraseError",
    "describe_unread",
]


class PushPullError(Exception):
    """Base of the tree. ``message`` says what happened; ``hint`` says what to do next."""

    exit_code = 1
    title = "pushpull could not do that"

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class InputError(PushPullError):
    """A problem with a file the user handed to pushpull."""

    exit_code = 3
    title = "This file could not be imported"

    def __init__(self, message: str, *, path: Path | str | None = None, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.path = Path(path) if path is not None else None


class UnreadableFileError(InputError):
    """The file is missing, a folder, unreadable, or not the kind of bytes the format needs."""


class InputLimitError(UnreadableFileError):
    """The file asks more than an input limit allows (``pushpull.registry.InputLimits``).

    ``setting`` names the limit's field there (e.g. ``max_line_bytes``) and ``limit`` its value
    as people read it ("64 MiB"); ``line`` is where reading stopped, when known. Nothing of the
    file is imported.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | str,
        setting: str,
        limit: str,
        line: int | None = None,
        hint: str = "",
    ) -> None:
        where = Path(path).name if line is None else f"{Path(path).name}, line {line}"
        super().__init__(
            f"{where}: {message} The limit, {setting}, is {limit}.", path=path, hint=hint
        )
        self.setting = setting
        self.limit = limit
        self.line = line


class UnknownFormatError(InputError):
    """No importer recognised the file; ``attempts`` maps each format tried to why it said no.
    ``looks_like`` and ``advice`` say what the file seems to be instead ("a PDF document") and
    what to do, when its first bytes tell (:mod:`pushpull.file_kinds`)."""

    def __init__(
        self,
        path: Path | str,
        attempts: Sequence[tuple[str, str]],
        *,
        looks_like: str = "",
        advice: str = "",
    ) -> None:
        reasons = "; ".join(f"{name}: {why}" for name, why in attempts)
        name = Path(path).name
        opening = (
            f"{name} looks like {looks_like}, not a chat export."
            if looks_like
            else f"{name} is not a chat export pushpull knows."
        )
        super().__init__(
            f"{opening} Formats tried: {reasons}.",
            path=path,
            hint=(advice + " " if advice else "")
            + "Check that it is the file the app exported (not a screenshot or a copy edited "
            "by hand), or import it as CSV/JSONL with --format generic and column flags.",
        )
        self.attempts = list(attempts)
        self.looks_like = looks_like
        self.advice = advice
        self.opening = opening


class AmbiguousFormatError(InputError):
    """Two importers matched equally well, so pushpull refuses to guess."""

    def __init__(self, path: Path | str, names: Sequence[str]) -> None:
        super().__init__(
            f"{Path(path).name} looks like more than one export format ({', '.join(names)}).",
            path=path,
            hint="Name the format with --format.",
        )
        self.names = list(names)


class ParseError(InputError):
    """A file in a known format that breaks its rules at ``line``."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        expected: str = "",
        hint: str = "",
    ) -> None:
        where = ""
        if path is not None:
            where = f"{Path(path).name}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        text = f"{where}{message}"
        if expected:
            text += f" Expected {expected}."
        super().__init__(
            text,
            path=path,
            hint=hint or "The file may be truncated or damaged; export it again from the app.",
        )
        self.line = line
        self.expected = expected


def describe_unread(issues: Sequence[Any]) -> tuple[str, str]:
    """How many parts of a file could not be read as written, and on which lines ("" when no
    line is known), in the words the import summary and ``import --strict`` share:
    ("2 parts of the file could not be read as they were", "lines 3, 5")."""
    n = len(issues)
    lines = sorted({i.line for i in issues if getattr(i, "line", None)})
    shown = ", ".join(f"{line:,}" for line in lines[:10]) + (" …" if len(lines) > 10 else "")
    parts = (
        f"{n:,} part{'s' if n != 1 else ''} of the file could not be read as "
        f"{'they were' if n != 1 else 'it was'}"
    )
    return parts, (f"line{'s' if len(lines) != 1 else ''} {shown}" if lines else "")


class StrictImportError(InputError):
    """``import --strict`` met lines that could not be read as they were; nothing was imported.
    ``issues`` are those lines' :class:`~pushpull.model.ParseIssue` records."""

    def __init__(self, path: Path | str, issues: Sequence[Any]) -> None:
        parts, lines = describe_unread(issues)
        at = f" ({lines})" if lines else ""
        super().__init__(
            f"{Path(path).name}: {parts}{at}, so nothing was imported. "
            f"The first: {issues[0].reason}.",
            path=path,
            hint="Leave out --strict to import the file with those lines repaired as the import "
            "summary describes, or export the chat again.",
        )
        self.issues = list(issues)


class UsageError(PushPullError):
    """An argument that cannot work as given."""

    exit_code = 2
    title = "That command needs a change"


class ParticipantError(UsageError):
    """A name that is not one of the conversation's participants."""

    def __init__(self, name: str, conversation: str, participants: Sequence[str]) -> None:
        super().__init__(
            f"{name!r} is not in the conversation {conversation!r}.",
            hint=f"Its participants are: {', '.join(repr(p) for p in participants) or 'none'}.",
        )


class StoreError(PushPullError):
    """A problem with pushpull's own database."""

    exit_code = 4
    title = "pushpull's data folder needs attention"


class ConversationNotFoundError(StoreError):
    """No conversation matches the given name or number."""

    def __init__(self, ref: str, known: Sequence[str]) -> None:
        listing = ", ".join(repr(k) for k in known[:10]) or "none yet"
        super().__init__(
            f"There is no conversation called {ref!r}.",
            hint=f"Known conversations: {listing}. Run `pushpull conversations` to list them.",
        )


class StoreBusyError(StoreError):
    """Another pushpull process (the web app or another terminal) holds the store."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"pushpull is open in another window (its data at {path} is in use).",
            hint="Close the other pushpull window or command, then try again.",
        )


class PassphraseNeededError(StoreError):
    """The store is encrypted and was opened without a passphrase."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"pushpull's data at {path} is encrypted and needs its passphrase.",
            hint="Run the command in a terminal to be asked for it, or set PUSHPULL_PASSPHRASE "
            "in scripts.",
        )


class WrongPassphraseError(StoreError):
    """The passphrase given does not unlock the encrypted store."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Wrong passphrase: it does not unlock pushpull's data at {path}.",
            hint="Check the passphrase (capital letters, spaces) and try again. pushpull cannot "
            "recover a forgotten passphrase.",
        )


class EncryptionUnavailableError(StoreError):
    """DuckDB's OpenSSL-backed extension, needed to write an encrypted store, is missing."""

    def __init__(self) -> None:
        super().__init__(
            "pushpull cannot encrypt or open encrypted data here: DuckDB's encryption "
            "extension (the duckdb-extension-httpfs package) is not installed.",
            hint="Reinstall pushpull with its dependencies (pip install pushpull).",
        )
