"""Compiled lexicons kept on disk: what is read back is what was built, and a stale, damaged or
unwritable cache only costs the rebuild."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pushpull.signals import _lexicon, _lexicon_cache
from pushpull.signals._lexicon import languages, load


def _built(language: str) -> _lexicon.Lexicon:
    return _lexicon._build(language, _lexicon._data(language))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("PUSHPULL_CACHE", str(tmp_path))
    load.cache_clear()
    yield tmp_path
    load.cache_clear()


@pytest.mark.parametrize("language", languages())
def test_a_cached_lexicon_is_the_one_built(cache: Path, language: str) -> None:
    first = load(language)  # builds and writes
    assert (cache / "lexicons" / f"{language}.json").is_file()
    load.cache_clear()
    again = load(language)  # reads
    assert again == first == _built(language)
    assert again.negation_cue is not None
    assert again.negation_cue.pattern == _built(language).negation_cue_source


def test_an_entry_for_another_file_or_compiler_is_not_used(cache: Path) -> None:
    load("en")
    path = cache / "lexicons" / "en.json"
    raw = json.loads(path.read_text("utf-8"))
    raw["name"] = "Not English"
    path.write_text(json.dumps(raw), "utf-8")
    key = _lexicon_cache.key(_lexicon._file_bytes("en"))
    assert _lexicon_cache.read("en", key) is not None  # same key: trusted as written
    assert _lexicon_cache.key(b"{}") != key
    raw["key"] = "0" * 64
    path.write_text(json.dumps(raw), "utf-8")
    load.cache_clear()
    assert load("en").name == _built("en").name  # rebuilt
    assert json.loads(path.read_text("utf-8"))["key"] == key  # and written again


@pytest.mark.parametrize("damage", ["", "{", '{"key": 3}', "[]"])
def test_a_damaged_entry_is_rebuilt(cache: Path, damage: str) -> None:
    (cache / "lexicons").mkdir(parents=True)
    (cache / "lexicons" / "es.json").write_text(damage, "utf-8")
    assert load("es") == _built("es")


def test_an_unwritable_cache_folder_is_not_used(cache: Path) -> None:
    (cache / "lexicons").write_text("a file where the folder would be", "utf-8")
    assert load("en") == _built("en")
    assert list(cache.iterdir()) == [cache / "lexicons"]


def test_an_entry_with_a_null_mask_is_rebuilt_not_shortened(cache: Path) -> None:
    load("en")
    path = cache / "lexicons" / "en.json"
    raw = json.loads(path.read_text("utf-8"))
    raw["masks"][0] = None
    path.write_text(json.dumps(raw), "utf-8")
    assert _lexicon_cache.read("en", raw["key"]) is None
    load.cache_clear()
    assert load("en") == _built("en")
