"""Reading JSON Lines exports: one JSON object per line, each failure named by its line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pushpull.errors import ParseError
from pushpull.registry import ExportFile

__all__ = ["json_objects"]


def json_objects(file: ExportFile, *, expected: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line of ``file`` as (1-based line number, parsed object).

    A line that is not UTF-8, not complete JSON, or not an object raises ``ParseError`` naming
    that line; ``expected`` says what the format wants there.
    """
    with file.open() as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ParseError(
                    f"byte {exc.start + 1} of this line is not valid UTF-8 text.",
                    path=file.path,
                    line=number,
                    expected=f"{expected}, encoded as UTF-8",
                ) from exc
            if number == 1:
                text = text.removeprefix("\ufeff")
            text = text.strip()
            if not text:
                continue
            try:
                record = json.loads(text)
            except RecursionError as exc:
                raise ParseError(
                    "this line nests JSON too deeply to be a message.",
                    path=file.path,
                    line=number,
                    expected=expected,
                ) from exc
            except ValueError as exc:
                raise ParseError(
                    f"this line is not complete JSON ({exc.args[0].split(':')[0]}).",
                    path=file.path,
                    line=number,
                    expected=expected,
                ) from exc
            if not isinstance(record, dict):
                raise ParseError(
                    "this line is not a JSON object.",
                    path=file.path,
                    line=number,
                    expected=expected,
                )
            yield number, record
