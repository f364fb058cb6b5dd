"""What the text after ``Name: `` is: plain text, a marker (media, deleted, edited, calls, polls,
locations, attachments) or a system line."""

from __future__ import annotations

from pushpull.model import Kind
from pushpull.sources.whatsapp._words import (
    _LRM,
    _MARK_SET,
    _MARKS,
    _MAX_NAME,
    _NO_MARKS,
    _SPACES,
    _TRAILING,
    _vocabulary,
)


def _kind_of_file(name: str) -> Kind:
    upper = name.upper()
    if upper.startswith("STK-") or "-STICKER-" in upper or upper.endswith(".WEBP"):
        return Kind.STICKER
    return Kind.MEDIA


class _Bodies:
    """Turns the text after ``Name: `` into (sender, text, kind, attachments)."""

    def __init__(self, names: frozenset[str]) -> None:
        self.v = _vocabulary()
        self.names = names
        self.senders: dict[str, str | None] = {}

    def sender(self, raw: str) -> str | None:
        """The display name in ``raw`` (the text before ": "), or None if it is no name."""
        name = self.senders.get(raw, "")
        if name == "":
            name = raw.strip(_MARKS + _SPACES)
            if name.startswith("~"):  # iOS: "~ Alice" is Alice, not in the phone's contacts
                name = name[1:].lstrip(_SPACES + _MARKS)
            if not name or len(name) > _MAX_NAME or self.v.system_with_colon.search(name):
                name = None
            if len(self.senders) < 10_000:
                self.senders[raw] = name
        return name

    def special(self, raw_sender: str | None, body: str) -> tuple[str, str, Kind, tuple[str, ...]]:
        """The slow path: a body that may be a marker, or a line without a sender."""
        sender = None if raw_sender is None else self.sender(raw_sender)
        if raw_sender is not None and sender is None:
            body = raw_sender + ": " + body
        if sender is None:
            text = body.lstrip(_MARKS)
            first, newline, _ = text.partition("\n")
            kind = self.exact_kind(first, not newline)
            return "", text, Kind.CALL if kind is Kind.CALL else Kind.SYSTEM, ()
        text, kind, files = self.classify(body)
        return ("" if kind is Kind.SYSTEM else sender), text, kind, files

    def exact_kind(self, first: str, single_line: bool) -> Kind | None:
        """The kind a whole-line marker (a message's ``first`` line) stands for, if any.

        Markers count only at the very start of a body: the fast paths in ``_rows`` and
        ``_frame`` decide "plain text" by how a body starts (see ``_Vocabulary.heads``).
        """
        line = first.rstrip(_TRAILING)
        kind = self.v.exact.get(line)
        if (
            kind is None
            and single_line
            and line[:4] in self.v.heads
            and self.v.call_with_suffix.match(line)
        ):
            return Kind.CALL
        return kind

    def classify(self, body: str) -> tuple[str, Kind, tuple[str, ...]]:
        """(text, kind, attachments) of a body written after ``Name: ``."""
        v = self.v
        edited = body[-1:] == ">" and body.endswith(v.edited)
        if edited:
            marker = next(m for m in v.edited if body.endswith(m))
            body = body[: -len(marker)].rstrip(_MARKS)
            body = body[:-1] if body.endswith(" ") else body
        led = body[:1] in _MARKS and body != ""
        text = body.lstrip(_MARKS) if led else body
        first, newline, rest = text.partition("\n")
        kind = self.exact_kind(first, not newline)
        if kind is Kind.CALL:
            return text.replace(_LRM, ""), kind, ()
        if kind is not None:  # media omitted, deleted: what follows is a caption
            return rest, kind, ()
        end = first[-1:]
        if end == ")" or end == ">":
            attachment = self.attachment(first)
            if attachment is not None:
                name, caption = attachment
                if caption and rest:
                    caption += "\n" + rest
                return caption or rest, _kind_of_file(name), (name,)
        if first.strip(_MARKS) in v.polls:
            return self.poll(rest), Kind.POLL, ()
        if text.startswith(v.location):
            prefix = next(p for p in v.location if text.startswith(p))
            return text[len(prefix) :], Kind.LOCATION, ()
        if text.startswith(v.notices) or (led and not edited):
            return text, Kind.SYSTEM, ()
        return body, (Kind.EDITED if edited else Kind.TEXT), ()

    def attachment(self, first: str) -> tuple[str, str] | None:
        """(file name, caption before it) when ``first`` (ending in ")" or ">") names a file."""
        line = first if _MARK_SET.isdisjoint(first) else first.translate(_NO_MARKS)
        if line.endswith(self.v.file_attached):
            suffix = next(s for s in self.v.file_attached if line.endswith(s))
            name = line[: -len(suffix)].strip(" ")
            if name not in self.names and " • " in name:
                name = name.partition(" • ")[0].strip(" ")
            return (name, "") if name else None
        if line.endswith(">"):
            for prefix in self.v.attached:
                at = line.rfind(prefix)
                if at >= 0:
                    name = line[at + len(prefix) : -1].strip(" ")
                    return (name, line[:at].rstrip(" ")) if name else None
        return None

    def poll(self, rest: str) -> str:
        """The question of a poll whose options follow it."""
        question: list[str] = []
        for line in rest.split("\n"):
            bare = line.lstrip(_MARKS)
            if bare.startswith(self.v.poll_options):
                break
            question.append(bare)
        return "\n".join(question)
