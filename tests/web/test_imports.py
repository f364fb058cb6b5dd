from __future__ import annotations

import pytest

from pushpull.web._imports import safe_file_name


@pytest.mark.parametrize(
    ("offered", "kept"),
    [
        ("WhatsApp Chat with Sam.txt", "WhatsApp Chat with Sam.txt"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\result.json", "result.json"),
        ("chat<script>.txt", "chat_script_.txt"),
        ("..", "export"),
        ("", "export"),
        (None, "export"),
        ("Chat with José 💕.zip", "Chat with José _.zip"),
    ],
)
def test_only_a_plain_last_name_is_kept(offered: str | None, kept: str) -> None:
    assert safe_file_name(offered) == kept


def test_long_names_keep_their_extension() -> None:
    name = safe_file_name("x" * 500 + ".json")
    assert len(name) <= 120 and name.endswith(".json")
