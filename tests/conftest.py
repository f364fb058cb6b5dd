"""Shared fixtures. ``fixture-lines`` is a tiny test-only export format for store and CLI tests:

#fixture chat=Sam
2024-01-31T21:15:07|Sam|hello there
2024-01-31T21:16:00|Alex|hi!        (a line "!boom" raises ParseError there)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import ClassVar

import pytest

import pushpull.sources  # noqa: F401  (the built-in formats first)
from pushpull.errors import ParseError
from pushpull.model import Message, ParseIssue
from pushpull.registry import ExportFile, Sniff, register
from pushpull.store import Store

MAGIC = "#fixture"

# Compiled lexicons go to a cache of this run's own, never the user's (CLI subprocesses too).
os.environ.setdefault("PUSHPULL_CACHE", tempfile.mkdtemp(prefix="pushpull-test-cache-"))


@register
class FixtureLines:
    name: ClassVar[str] = "fixture-lines"
    label: ClassVar[str] = "test fixture lines"

    def sniff(self, file: ExportFile) -> Sniff:
        if file.head_text.startswith(MAGIC):
            return Sniff(1.0, "fixture header")
        return Sniff.no("no #fixture header")

    def read(self, file: ExportFile) -> Iterator[Message | ParseIssue]:
        lines = file.read_text().splitlines()
        chat = lines[0].partition("chat=")[2].strip()
        for number, line in enumerate(lines[1:], start=2):
            if line == "!boom":
                raise ParseError("boom", path=file.path, line=number, expected="no boom")
            stamp, sender, text = line.split("|", 2)
            yield Message(
                sent_at=datetime.fromisoformat(stamp),
                sender=sender,
                text=text,
                from_me=True if sender.endswith("(me)") else None,
                line=number,
                chat=chat,
            )


def write_fixture(path: Path, chat: str, rows: list[tuple[str, str, str]]) -> Path:
    body = "\n".join("|".join(r) for r in rows)
    path.write_text(f"{MAGIC} chat={chat}\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "home") as s:
        yield s
