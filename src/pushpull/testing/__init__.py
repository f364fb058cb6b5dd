"""Checks every export format must pass; format tests call these instead of re-writing them.

messages, issues = read_export(path)                 # detect, then read
check_round_trip(chat, "telegram", variant, tmp_path)  # render -> detect -> read -> compare
tally(messages)                                      # {(sender, kind): count}
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from pushpull.model import Message, ParseIssue, content_key
from pushpull.sources import ExportFile, detect, get_source
from pushpull.synth import SynthChat, render, write

__all__ = ["check_round_trip", "first_difference", "read_export", "tally"]


def read_export(
    path: Path, fmt: str | None = None, options: Mapping[str, str] | None = None
) -> tuple[list[Message], list[ParseIssue]]:
    """Read a file with the named format, or the detected one; split messages from issues."""
    file = ExportFile(path, options=options)
    source = get_source(fmt) if fmt else detect(file)
    messages: list[Message] = []
    issues: list[ParseIssue] = []
    for item in source.read(file):
        if isinstance(item, Message):
            messages.append(item)
        else:
            issues.append(item)
    return messages, issues


def tally(messages: Iterable[Message]) -> dict[tuple[str, str], int]:
    """How many messages each sender sent of each kind."""
    return dict(Counter((m.sender, m.kind.value) for m in messages))


def first_difference(got: list[Message], want: list[Message]) -> str:
    """A readable account of where two message lists first disagree ("" when they agree)."""
    for i, (g, w) in enumerate(zip(got, want, strict=False)):
        if content_key(g) != content_key(w):
            return f"message {i} differs:\n  got  {content_key(g)!r}\n  want {content_key(w)!r}"
    if len(got) != len(want):
        return f"got {len(got)} messages, want {len(want)}"
    return ""


def check_round_trip(chat: SynthChat, fmt: str, variant: str | None, folder: Path) -> list[Message]:
    """Render ``chat`` as ``fmt``, import it back, and assert nothing changed or was lost.

    The file must be detected as ``fmt`` by content, must read without any ``ParseIssue``, and
    must give back exactly the renderer's ``expected`` messages (time, sender, text, kind,
    attachments), in order. Returns the messages read.
    """
    export = render(chat, fmt, variant)
    path = write(export, folder)
    source = detect(ExportFile(path))
    assert source.name == fmt, f"{fmt}/{variant} was detected as {source.name}"
    messages, issues = read_export(path, fmt)
    assert not issues, f"{fmt}/{variant}: unexpected parse issues {issues[:3]}"
    difference = first_difference(messages, list(export.expected))
    assert not difference, f"{fmt}/{variant}: {difference}"
    return messages
