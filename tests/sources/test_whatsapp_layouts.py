"""Every WhatsApp layout in ``data/whatsapp/layouts.json`` (each language the app offers, on
Android and iPhone, plus layouts seen in real exports) read from a sample file: the
``supported`` flag says exactly what the reader does, and the README's table is the file's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pushpull.testing.whatsapp_layouts import (
    TABLE_END,
    TABLE_START,
    coverage_table,
    layouts,
    reads_exactly,
)

README = Path(__file__).parent.parent.parent / "README.md"
ROWS = layouts()


def _id(row: dict[str, Any]) -> str:
    return f"{row['locale']}-{row['platform']}-{row['source']}"


@pytest.mark.parametrize("row", ROWS, ids=[_id(r) for r in ROWS])
def test_the_flag_says_what_the_reader_does(row: dict[str, Any]) -> None:
    assert reads_exactly(row) is row["supported"], (
        "run tools/layout_flags.py and tools/layout_table.py after changing the reader"
    )


def test_the_table_covers_the_apps_languages_and_most_are_read() -> None:
    languages = {r["locale"] for r in ROWS if r["source"] == "cldr"}
    assert len(languages) >= 60
    assert {r["platform"] for r in ROWS} == {"android", "ios"}
    assert sum(r["supported"] for r in ROWS) >= 0.9 * len(ROWS)
    for must in ("fi", "hu", "ko", "de", "en_US", "es", "pt_BR", "ru", "zh_CN", "ja", "hi"):
        assert any(r["locale"] == must and r["supported"] for r in ROWS), must


def test_the_readme_table_is_made_from_the_file() -> None:
    text = README.read_text("utf-8")
    inside = text.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0]
    assert inside.strip() == coverage_table().strip(), "run tools/layout_table.py"
