"""The pattern language, the lexicon files, and adding a language as one file."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from pushpull.errors import UsageError
from pushpull.signals import FAMILIES, _lexicon, detect_language, find_markers, languages
from pushpull.signals._lexicon import compile_pattern, load
from pushpull.signals._normalise import fold


def matches(pattern: str, text: str) -> bool:
    regex = re.compile(compile_pattern(pattern, "python"), re.ASCII | re.MULTILINE)
    return regex.search(fold(text)) is not None


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("so busy", "sooo busyyy", True),
        ("so busy", "SO BUSY", True),
        ("don't", "dont", True),
        ("don't", "don’t", True),
        ("love", "lovely", False),
        ("we", "we'll", False),
        ("apologi*", "I apologised", True),
        ("i'm [so|really] busy", "im really busy", True),
        ("i'm [so|really] busy", "i'm busy", True),
        ("i'm [so|really] busy", "i'm not busy", False),
        ("(miss|missing) you", "missing you", True),
        ("let's ~2 go", "let's just finally go", True),
        ("let's ~2 go", "let's not ever again go", False),
        ("^ maybe $", "maybe.", True),
        ("^ maybe $", "well, maybe", True),
        ("^ maybe $", "maybe we should", False),
        ("❤", "❤️❤️", True),
        ("oh please", "oh, please", True),
        ("busy today", "busy. today", False),
        ("cómo estás", "como estas", True),
        ("^ why …", "ok. why would you do that???", True),
    ],
)
def test_pattern_syntax(pattern: str, text: str, expected: bool) -> None:
    assert matches(pattern, text) is expected


def test_words_lists_expand_where_named() -> None:
    words = _lexicon._parse_words({"pet": ["babe", "honey bun"]})
    regex = re.compile(compile_pattern("hi @pet", "python", words), re.ASCII)
    assert regex.search("hi honey bun") and regex.search("hi babe")
    assert not regex.search("hi bun")


@pytest.mark.parametrize("pattern", ["(a|b", "[x]", "~2", "@nope x", "a )", "busy ^ now", ""])
def test_a_broken_pattern_says_what_is_wrong(pattern: str) -> None:
    with pytest.raises(UsageError, match="Lexicon pattern"):
        compile_pattern(pattern, "python")


def test_the_rust_dialect_uses_ascii_word_boundaries() -> None:
    source = compile_pattern("busy", "rust")
    assert "(?-u:\\b)" in source
    assert "\\b" not in source.replace("(?-u:\\b)", "")


@pytest.mark.parametrize("language", languages())
def test_every_lexicon_loads_with_cues_for_every_family(language: str) -> None:
    lexicon = load(language)
    assert lexicon.language == language
    assert [r.family for r in lexicon.families] == list(FAMILIES)
    assert all(r.fixed is not None or r.negatable is not None for r in lexicon.families)
    assert lexicon.stopwords and lexicon.negation is not None


def test_a_cue_containing_a_negation_is_matched_with_it() -> None:
    rules = {r.family: r for r in load("en").families}
    assert rules["distancing"].fixed is not None
    assert rules["distancing"].fixed.python.search(fold("i can't talk now"))
    assert rules["distancing"].negatable is not None
    assert not rules["distancing"].negatable.python.search(fold("i can't talk now"))


def test_an_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no lexicon") as caught:
        load("xx")
    assert "en" in caught.value.hint


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        ({"language": "yy"}, "'language' must be"),
        ({"language": "xx", "families": {"romance": {"cues": ["x"]}}}, "unknown families"),
        ({"language": "xx", "families": {"affection": {"cues": "love"}}}, "list of strings"),
        ({"language": "xx", "valence": {"good": "yes"}}, "'valence'"),
    ],
)
def test_a_broken_lexicon_file_says_what_is_wrong(data: dict[str, object], complaint: str) -> None:
    with pytest.raises(UsageError, match=complaint):
        _lexicon._build("xx", data)


FRENCH = {
    "language": "fr",
    "name": "French",
    "stopwords": ["je", "tu", "le", "la", "les", "et", "est", "pas", "que", "un", "une", "pour"],
    "negation": {"cues": ["(ne|pas|jamais)"], "window": 3},
    "valence": {"adore": 3.0},
    "families": {
        "affection": {"cues": ["je t'aime", "je t'adore", "❤"]},
        "distancing": {"cues": ["(occupé|occupée)"]},
    },
}


@pytest.fixture
def lexicon_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A lexicon folder holding copies of the shipped files; caches cleared around the test."""
    for language in languages():
        name = f"{language}.json"
        text = _lexicon._folder().joinpath(name).read_text("utf-8")
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(_lexicon, "_folder", lambda: tmp_path)
    _lexicon.languages.cache_clear()
    _lexicon.load.cache_clear()
    yield tmp_path
    _lexicon.languages.cache_clear()
    _lexicon.load.cache_clear()


def test_a_new_language_is_one_data_file(lexicon_folder: Path) -> None:
    (lexicon_folder / "fr.json").write_text(json.dumps(FRENCH), encoding="utf-8")
    assert "fr" in languages()
    assert [h.family for h in find_markers("je t’aime ❤️", "fr")] == ["affection", "affection"]
    assert find_markers("je ne suis pas occupée", "fr") == []
    chat = ["je suis occupée pour le moment", "tu es là ? je t'aime", "la soirée est finie"] * 10
    assert detect_language(chat) == "fr"
