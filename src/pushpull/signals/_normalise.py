"""Fold message text for matching without moving a single character.

Folding maps every character to exactly one character, so an offset into the folded text is the
same offset into the original and a marker's span needs no mapping back:

- ASCII and accented Latin capitals become lowercase ASCII letters (``"Está"`` -> ``"esta"``,
  ``"ñ"`` -> ``"n"``): chats often drop accents, so the lexicons are written without them;
- apostrophes (``'`` ``’`` ``´`` …) become ``_``, a word character, so that ``\\b`` keeps
  ``don't`` one word; double quotation marks (``“ ” „``) become ``"``; ``…`` becomes ``.``;
- invisible marks (U+200E, U+FEFF, …) and unusual spaces (U+00A0, U+202F, …) become a space.

Elongated words ("sooo busyyy") are not shortened here: every letter of a lexicon pattern matches
one or more copies of itself instead (see :mod:`pushpull.signals._lexicon`). The same table runs
as :func:`fold` in Python and as :func:`fold_expr` in Polars, so both see the same text.
"""

from __future__ import annotations

import unicodedata

import polars as pl

__all__ = ["APOSTROPHE", "fold", "fold_expr", "fold_table"]

#: What every apostrophe folds to (a regex word character, so contractions stay one word).
APOSTROPHE = "_"

_APOSTROPHES = "'\u2018\u2019\u201a\u201b\u2032\u02bc\u00b4`"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033"
_INVISIBLE = (
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
_SPACES += "\u202f\u205f\u3000\t"
_LINE_BREAKS = "\u2028\u2029\u0085"
#: Letters whose decomposition does not start with their ASCII base letter.
_EXTRA_LETTERS = {
    "ø": "o",
    "Ø": "o",
    "ł": "l",
    "Ł": "l",
    "đ": "d",
    "Đ": "d",
    "ß": "s",
    "\u212a": "k",
}


def _build_table() -> dict[str, str]:
    table: dict[str, str] = {chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for code in range(start, end + 1):
            base = unicodedata.normalize("NFD", chr(code))[:1]
            if base.isascii() and base.isalpha():
                table[chr(code)] = base.lower()
    table.update(_EXTRA_LETTERS)
    table.update(dict.fromkeys(_APOSTROPHES, APOSTROPHE))
    table.update(dict.fromkeys(_DOUBLE_QUOTES, '"'))
    table.update(dict.fromkeys(_INVISIBLE + _SPACES, " "))
    table.update(dict.fromkeys(_LINE_BREAKS, "\n"))
    table["\u2026"] = "."
    table["\uff1f"] = "?"
    return table


_TABLE = _build_table()
_TRANSLATION = str.maketrans(_TABLE)
_KEYS = list(_TABLE)
_VALUES = [_TABLE[k] for k in _KEYS]


def fold_table() -> dict[str, str]:
    """The character map (a copy): every key and value is a single character."""
    return dict(_TABLE)


def fold(text: str) -> str:
    """``text`` folded for matching; always the same length as ``text``."""
    return text.translate(_TRANSLATION)


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """:func:`fold` as a Polars expression on a string column."""
    return expr.str.replace_many(_KEYS, _VALUES)
