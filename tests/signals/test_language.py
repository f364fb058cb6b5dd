"""Language detection from stopword shares, with English when unsure."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from pushpull.signals import detect_language

LABELLED = Path(__file__).resolve().parents[1] / "data" / "lexicon"


def labelled_texts(language: str) -> list[str]:
    lines = (LABELLED / f"{language}.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines]


def test_detects_english_and_spanish_chats() -> None:
    assert detect_language(labelled_texts("en")) == "en"
    assert detect_language(labelled_texts("es")) == "es"


def test_a_mostly_spanish_chat_with_english_words_is_spanish() -> None:
    chat = labelled_texts("es")[:60] + ["ok", "lol", "see you", "👍"] * 5
    assert detect_language(chat) == "es"


def test_english_when_unsure() -> None:
    assert detect_language([]) == "en"
    assert detect_language(["ok", "👍", "jaja", "12:30"]) == "en"
    assert detect_language(["xyzzy plugh"] * 50) == "en"


def test_empty_and_missing_texts_are_skipped() -> None:
    assert detect_language([None, "", *labelled_texts("es")[:80]]) == "es"


def test_reads_only_a_sample_of_a_long_conversation() -> None:
    endless = itertools.cycle(labelled_texts("es"))
    assert detect_language(endless) == "es"
