"""The WhatsApp layout table (``data/whatsapp/layouts.json``) checked against the reader: a
three-message sample file per layout, and whether both reading paths give exactly its messages.

The tests hold each layout's ``supported`` flag to :func:`reads_exactly`; the README's layout
coverage table is made from the same file (``tools/layout_table.py``)."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pushpull.errors import PushPullError
from pushpull.frame import messages_to_frame
from pushpull.model import Message, ParseIssue
from pushpull.registry import ExportFile, detect, get_source
from pushpull.sources import read_frame

__all__ = ["LAYOUTS_FILE", "layouts", "reads_exactly", "sample_export"]

LAYOUTS_FILE = "data/whatsapp/layouts.json"
_SENDERS = ("Ana Lima", "Ben", "Ana Lima")
_TEXTS = ("first message: hello", "second one", "third, with a line\nbelow it")


@cache
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        resources.files("pushpull").joinpath(LAYOUTS_FILE).read_text("utf-8")
    )
    return loaded


def layouts() -> list[dict[str, Any]]:
    """Every layout: ``locale``, ``language``, ``platform``, ``source``, ``headers``,
    ``supported``."""
    return [dict(row) for row in _data()["layouts"]]


def moments() -> list[datetime]:
    return [datetime.fromisoformat(m) for m in _data()["moments"]]


def sample_export(row: dict[str, Any]) -> str:
    """A three-message export in the layout ``row``."""
    return "".join(
        f"{header}{sender}: {text}\n"
        for header, sender, text in zip(row["headers"], _SENDERS, _TEXTS, strict=True)
    )


def _expected_times(row: dict[str, Any]) -> list[datetime]:
    with_seconds = row["platform"] == "ios" or ":07" in row["headers"][0]
    return [m if with_seconds else m.replace(second=0) for m in moments()]


def reads_exactly(row: dict[str, Any]) -> bool:
    """Whether the WhatsApp reader, on both paths, gives the sample's three messages exactly
    (times, senders, texts) with no warning, and detection picks WhatsApp."""
    source = get_source("whatsapp")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "WhatsApp Chat with Ben.txt"
        path.write_text(sample_export(row), "utf-8")
        try:
            file = ExportFile(path)
            if detect(file).name != "whatsapp":
                return False
            items = list(source.read(file))
            frame = read_frame(source, ExportFile(path))
        except PushPullError:
            return False
    messages = [i for i in items if isinstance(i, Message)]
    issues = [i for i in items if isinstance(i, ParseIssue)]
    if issues or frame.issues or not frame.messages.equals(messages_to_frame(messages).messages):
        return False
    got = [(m.sent_at, m.sender, m.text) for m in messages]
    return got == list(zip(_expected_times(row), _SENDERS, _TEXTS, strict=True))


#: Where the README keeps the table (``tools/layout_table.py`` writes between these lines).
TABLE_START = "<!-- whatsapp layout table: made by tools/layout_table.py -->"
TABLE_END = "<!-- end of whatsapp layout table -->"


def coverage_table() -> str:
    """The README's layout coverage table (Markdown), one row per language and platform."""
    every = layouts()
    n_read = sum(bool(r["supported"]) for r in every)
    n_languages = len({r["language"] for r in every if r["source"] == "cldr"})
    rows = [
        f"<details><summary>The table: {len(every)} layouts in {n_languages} phone languages, "
        f"{n_read} read exactly</summary>",
        "",
        "| phone language | phone | first line of a message | read |",
        "|---|---|---|---|",
    ]
    for row in sorted(every, key=lambda r: (r["language"], r["platform"], r["source"])):
        header = row["headers"][0] + "Ana Lima: first message: hello"
        shown = "".join(
            c if c.isprintable() and c not in "|`" else f"\\u{ord(c):04x}" for c in header
        )
        phone = "Android" if row["platform"] == "android" else "iPhone"
        if row["source"] == "seen":
            phone += " (seen in real exports)"
        rows.append(
            f"| {row['language']} (`{row['locale']}`) | {phone} | `{shown}` | "
            f"{'yes' if row['supported'] else 'no'} |"
        )
    rows += ["", "</details>"]
    return "\n".join(rows)
