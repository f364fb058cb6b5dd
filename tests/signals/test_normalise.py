"""Folding maps one character to one character, the same way in Python and in Polars."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pushpull.signals._normalise import fold, fold_expr, fold_table


@given(st.text())
def test_fold_keeps_every_offset(text: str) -> None:
    assert len(fold(text)) == len(text)


@given(st.lists(st.text(), max_size=30))
@settings(max_examples=50)
def test_python_and_polars_fold_alike(texts: list[str]) -> None:
    frame = pl.DataFrame({"text": texts}, schema={"text": pl.String})
    folded = frame.select(fold_expr(pl.col("text")))["text"].to_list()
    assert folded == [fold(t) for t in texts]


def test_table_maps_single_characters_to_single_characters() -> None:
    table = fold_table()
    assert all(len(key) == 1 and len(value) == 1 for key, value in table.items())


def test_case_accents_apostrophes_quotes_and_invisible_marks() -> None:
    assert fold("Está ÑOÑO") == "esta nono"
    assert fold("don’t don´t don't") == "don_t don_t don_t"
    assert fold("“hi” „ja“") == '"hi" "ja"'
    assert fold("a\u200eb\u202fc\u00a0d") == "a b c d"
    assert fold("so… ok") == "so. ok"


def test_other_scripts_and_emoji_stay_as_they_are() -> None:
    assert fold("привет ❤️ 😂 ¿qué?") == "привет ❤️ 😂 ¿que?"
