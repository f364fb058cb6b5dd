"""VADER's compound score for a whole column of texts at once, with vaderSentiment's answers.

vaderSentiment scores one text at a time in Python, about 35 µs a text. :func:`compound`
reads the same lexicon, emoji names, boosters and negations from the installed package and
applies the same rules to every text together:

1. each emoji VADER knows (one code point) becomes a space and its name, and the texts are
   split on whitespace as Python's ``str.split`` does (Polars, in its own threads);
2. each *distinct* token is looked at once, in Python, as VADER does: its punctuation strip,
   lower case, ALL-CAPS test, lexicon valence, booster value and negation (so every string
   test is Python's own);
3. the rules that look at neighbours are applied to all lexicon words at once with NumPy, in
   VADER's order: "no" before a word, ALL CAPS among lower case, up to three preceding boosters
   (x1, x0.95, x0.9) and negations (x-0.74), "never so/this" (x1.25), "without doubt" and
   "least";
4. "but" halves the words before it and boosts those after it by half, reproduced with VADER's
   own list walk (which, for repeated values, changes the first equal value instead); the sum
   gets VADER's "!" and "?" emphasis, is squashed to (-1, 1) and rounded to 4 places.

Texts holding two neighbouring words of one of VADER's phrases ("kind of", "the shit", "yeah
right", "kiss of death", ...) are rare and are scored by vaderSentiment itself. With
``normalise`` (what warmth uses), invisible marks are dropped first and an elongated word VADER
does not know is read as a shorter form it knows ("goooood" -> "good").
"""

from __future__ import annotations

import functools
import re
import string
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

__all__ = ["compound", "shorter_forms"]

#: A run of characters Python's ``str.split()`` does not split on (not ``str.isspace``).
_TOKEN = (
    r"[^\x{9}-\x{d}\x{1c}-\x{20}\x{85}\x{a0}\x{1680}"
    r"\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+"
)
_INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200e", "\u200f", "\u2060", "\ufeff"]
_RUN = re.compile(r"(\w)\1{2,}")

# Words VADER's rules compare by name, as small codes.
_NAMED = ("no", "or", "nor", "never", "so", "this", "without", "doubt", "least", "at", "very")
_NO, _OR, _NOR, _NEVER, _SO, _THIS, _WITHOUT, _DOUBT, _LEAST, _AT, _VERY = range(1, 12)
_CODES = {word: code for code, word in enumerate(_NAMED, start=1)}


@dataclass(frozen=True, slots=True)
class _Rules:
    """What vaderSentiment knows, read once from the installed package."""

    analyzer: Any
    lexicon: dict[str, float]
    boosters: dict[str, float]
    negations: frozenset[str]
    emoji_chars: list[str]
    emoji_names: list[str]
    #: First word of a VADER phrase -> its bit; a word that may follow -> the bits it follows.
    phrase_bit: dict[str, int]
    phrase_follows: dict[str, int]
    #: Every word a rule looks at (an elongated word is shortened only to one of these).
    known: frozenset[str]
    c_incr: float
    n_scalar: float


@functools.cache
def _rules() -> _Rules:
    from vaderSentiment import vaderSentiment as vs

    analyzer = vs.SentimentIntensityAnalyzer()
    singles = {char: name for char, name in analyzer.emojis.items() if len(char) == 1}
    multi = [p for p in [*vs.SPECIAL_CASES, *vs.BOOSTER_DICT] if " " in p]
    pairs = {tuple(phrase.split()[:2]) for phrase in multi}
    bit = {first: 1 << i for i, first in enumerate(sorted({first for first, _ in pairs}))}
    follows: dict[str, int] = {}
    for first, second in pairs:
        follows[second] = follows.get(second, 0) | bit[first]
    known = (
        set(analyzer.lexicon)
        | set(vs.BOOSTER_DICT)
        | set(vs.NEGATE)
        | set(_NAMED)
        | {"but"}
        | {word for phrase in multi for word in phrase.split()}
    )
    return _Rules(
        analyzer=analyzer,
        lexicon=dict(analyzer.lexicon),
        boosters=dict(vs.BOOSTER_DICT),
        negations=frozenset(vs.NEGATE),
        emoji_chars=list(singles),
        emoji_names=[" " + name for name in singles.values()],
        phrase_bit=bit,
        phrase_follows=follows,
        known=frozenset(known),
        c_incr=float(vs.C_INCR),
        n_scalar=float(vs.N_SCALAR),
    )


def _strip(token: str) -> str:
    """VADER's punctuation strip: kept whole when two characters or fewer would be left."""
    stripped = token.strip(string.punctuation)
    return token if len(stripped) <= 2 else stripped


def shorter_forms(word: str) -> tuple[str, ...]:
    """An elongated word's shorter readings, runs of three or more letters cut to two, then to
    one ("goooood" -> "good", "god"); none for a word without such a run."""
    if not _RUN.search(word):
        return ()
    return (_RUN.sub(r"\1\1", word), _RUN.sub(r"\1", word))


def _shortened(token: str, word: str, known: frozenset[str]) -> str:
    """``token`` with an elongated unknown ``word`` read as a shorter known form, if any."""
    lowered = word.lower()
    if lowered in known or "n't" in lowered:
        return token
    for form in shorter_forms(word):
        if form.lower() in known:
            return token.replace(word, form, 1)
    return token


@dataclass(slots=True)
class _Tokens:
    """What each distinct token means to VADER, one array entry per token."""

    text: list[str]  # the token as VADER reads it (after ``normalise``)
    valence: np.ndarray  # lexicon valence, 0.0 when not in the lexicon
    in_lexicon: np.ndarray
    scored: np.ndarray  # in the lexicon and not a booster: gets a valence of its own
    booster: np.ndarray  # booster value, 0.0 for other words
    negation: np.ndarray
    upper: np.ndarray
    named: np.ndarray  # code of a word the rules name (_NO, ...), else 0
    but: np.ndarray
    phrase_first: np.ndarray  # the bit of a phrase's first word, else 0
    phrase_next: np.ndarray  # the bits of the first words this token may follow, else 0


def _read_tokens(tokens: list[str], rules: _Rules, *, normalise: bool) -> _Tokens:
    n = len(tokens)
    out = _Tokens(
        text=[],
        valence=np.zeros(n),
        in_lexicon=np.zeros(n, dtype=bool),
        scored=np.zeros(n, dtype=bool),
        booster=np.zeros(n),
        negation=np.zeros(n, dtype=bool),
        upper=np.zeros(n, dtype=bool),
        named=np.zeros(n, dtype=np.int8),
        but=np.zeros(n, dtype=bool),
        phrase_first=np.zeros(n, dtype=np.int64),
        phrase_next=np.zeros(n, dtype=np.int64),
    )
    for i, token in enumerate(tokens):
        word = _strip(token)
        if normalise:
            shorter = _shortened(token, word, rules.known)
            if shorter is not token:
                token = shorter
                word = _strip(token)
        out.text.append(token)
        low = word.lower()
        valence = rules.lexicon.get(low)
        booster = rules.boosters.get(low)
        if valence is not None:
            out.valence[i] = valence
            out.in_lexicon[i] = True
            out.scored[i] = booster is None
        if booster is not None:
            out.booster[i] = booster
        out.negation[i] = low in rules.negations or "n't" in low
        out.upper[i] = word.isupper()
        out.named[i] = _CODES.get(low, 0)
        out.but[i] = low == "but"
        out.phrase_first[i] = rules.phrase_bit.get(low, 0)
        out.phrase_next[i] = rules.phrase_follows.get(low, 0)
    return out


def _split(texts: pl.Series, rules: _Rules, *, normalise: bool) -> tuple[pl.Series, pl.Series]:
    """Each text's tokens (a list column) and the text VADER counts "!" and "?" in."""
    prepared = texts
    if normalise:
        prepared = prepared.str.replace_many(_INVISIBLE, [""] * len(_INVISIBLE))
    prepared = prepared.str.replace_many(rules.emoji_chars, rules.emoji_names)
    return prepared.str.extract_all(_TOKEN), prepared


def _emphasis(prepared: pl.Series) -> np.ndarray:
    """VADER's "!" (0.292 each, up to 4) and "?" (0.18 each from 2, 0.96 from 4) amplifier."""
    marks = pl.DataFrame({"t": prepared}).select(
        e=pl.col("t").str.count_matches("!", literal=True).fill_null(0).clip(0, 4),
        q=pl.col("t").str.count_matches("?", literal=True).fill_null(0),
    )
    e = marks["e"].to_numpy().astype(np.float64) * 0.292
    q = marks["q"].to_numpy()
    return e + np.where(q > 3, 0.96, np.where(q > 1, q.astype(np.float64) * 0.18, 0.0))


def _but_walk(values: list[float], but_at: int) -> list[float]:
    """VADER's "but" rule as it runs: each value, looked up by equality, is scaled where it is
    first found (x0.5 before the "but", x1.5 after it)."""
    for j in range(len(values)):
        value = values[j]
        first = values.index(value)
        if first < but_at:
            values[first] = value * 0.5
        elif first > but_at:
            values[first] = value * 1.5
    return values


#: Python's ``sum`` of floats is compensated (Neumaier) from 3.12 on, plain before.
_COMPENSATED = sys.version_info >= (3, 12)


def _sums(owner: np.ndarray, value: np.ndarray, n: int) -> np.ndarray:
    """Python's ``sum`` of each text's values (``owner``: sorted text of each value), exactly."""
    if not _COMPENSATED:
        return np.bincount(owner, weights=value, minlength=n)  # left to right, as ``sum``
    total = np.zeros(n)
    carry = np.zeros(n)
    starts = np.searchsorted(owner, np.arange(n))
    counts = np.bincount(owner, minlength=n)
    for k in range(int(counts.max(initial=0))):
        d = np.flatnonzero(counts > k)
        x = value[starts[d] + k]
        f = total[d]
        t = f + x
        carry[d] += np.where(np.abs(f) >= np.abs(x), (f - t) + x, (x - t) + f)
        total[d] = t
    return np.where(carry != 0, total + carry, total)


def _round4(values: np.ndarray) -> list[float]:
    """``round(v, 4)`` of each value: NumPy's rounding, and Python's own where the value lies
    within a hair of halfway between two results (where the two could differ)."""
    scaled = values * 1e4
    out = np.round(values, 4)
    near_half = np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) < 1e-6
    rounded: list[float] = out.tolist()
    for i in np.flatnonzero(near_half).tolist():
        rounded[i] = round(float(values[i]), 4)
    return rounded


def _valences(
    tok: _Tokens, code: np.ndarray, pos: np.ndarray, cap_diff: np.ndarray, doc: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Flat indices of the scored words and the valence VADER gives each, before "but"."""
    at = np.flatnonzero(tok.scored[code])
    value = tok.valence[code[at]]
    # Only a word in ALL CAPS, "no" itself, or a word within three after a booster, a negation
    # or a word the rules name can get other than its lexicon valence.
    cue = (tok.booster != 0) | tok.negation | (tok.named != 0)
    own = code[at]
    moved = (tok.named[own] == _NO) | (tok.upper[own] & cap_diff[doc[at]])
    p = pos[at]
    for k in (1, 2, 3):
        moved |= (p >= k) & cue[code[np.maximum(at - k, 0)]]
    some = at[moved]
    value[moved] = _in_context(tok, code, pos, cap_diff, doc, some)
    return at, value


def _in_context(
    tok: _Tokens,
    code: np.ndarray,
    pos: np.ndarray,
    cap_diff: np.ndarray,
    doc: np.ndarray,
    at: np.ndarray,
) -> np.ndarray:
    """The valence VADER gives the scored words at flat indices ``at``, with their neighbours."""
    rules = _rules()
    n_scalar, c_incr = rules.n_scalar, rules.c_incr
    base = tok.valence[code[at]]
    value = base.copy()
    p = pos[at]
    caps = cap_diff[doc[at]]

    def prev(k: int) -> tuple[np.ndarray, np.ndarray]:
        """Whether each word has a k-th preceding word, and that word's token code."""
        has = p >= k
        return has, np.where(has, code[np.maximum(at - k, 0)], 0)

    (h1, c1), (h2, c2), (h3, c3) = prev(1), prev(2), prev(3)
    n1 = np.where(h1, tok.named[c1], 0)
    n2 = np.where(h2, tok.named[c2], 0)
    n3 = np.where(h3, tok.named[c3], 0)
    # "no" right before another lexicon word says nothing itself
    last = at + 1 >= len(code)
    nxt = np.minimum(at + 1, len(code) - 1)
    has_next = ~last & (doc[nxt] == doc[at])
    is_no = tok.named[code[at]] == _NO
    value = np.where(is_no & has_next & tok.in_lexicon[code[nxt]], 0.0, value)
    # ...and turns a word one or two after it (or three, across "or"/"nor") around
    after_no = (n1 == _NO) | (n2 == _NO) | ((n3 == _NO) & ((n1 == _OR) | (n1 == _NOR)))
    value = np.where(after_no, base * n_scalar, value)
    shout = tok.upper[code[at]] & caps
    value = np.where(shout, np.where(value > 0, value + c_incr, value - c_incr), value)
    so_this1 = (n1 == _SO) | (n1 == _THIS)
    so_this2 = (n2 == _SO) | (n2 == _THIS)
    for k, (has, c) in enumerate(((h1, c1), (h2, c2), (h3, c3)), start=1):
        gate = has & ~tok.in_lexicon[c]
        boost = tok.booster[c]
        s = np.where(value < 0, -boost, boost)
        loud = (boost != 0) & tok.upper[c] & caps
        s = np.where(loud, np.where(value > 0, s + c_incr, s - c_incr), s)
        if k == 2:
            s = s * 0.95
        elif k == 3:
            s = s * 0.9
        value = np.where(gate, value + s, value)
        negated = tok.negation[c]
        if k == 1:
            factor = np.where(negated, n_scalar, 1.0)
        elif k == 2:
            never_so = (n2 == _NEVER) & so_this1
            doubtless = (n2 == _WITHOUT) & (n1 == _DOUBT)
            factor = np.where(never_so, 1.25, np.where(~doubtless & negated, n_scalar, 1.0))
        else:
            never_so = ((n3 == _NEVER) & so_this2) | so_this1
            doubtless = (n3 == _WITHOUT) & ((n2 == _DOUBT) | (n1 == _DOUBT))
            factor = np.where(never_so, 1.25, np.where(~doubtless & negated, n_scalar, 1.0))
        value = np.where(gate & (factor != 1.0), value * factor, value)
    # "least" before a word turns it around, unless it is "at least" or "very least"
    least = h1 & ~tok.in_lexicon[c1] & (n1 == _LEAST)
    spared = h2 & ((n2 == _AT) | (n2 == _VERY))
    return np.where(least & ~spared, value * n_scalar, value)


def compound(texts: Sequence[str | None], *, normalise: bool = False) -> list[float]:
    """VADER's compound score of each text (0.0 for an empty one or None), in order; see the
    module docstring. ``normalise`` drops invisible marks and shortens elongated words first."""
    n = len(texts)
    if n == 0:
        return []
    rules = _rules()
    series = pl.Series("t", list(texts), dtype=pl.String)
    lists, prepared = _split(series, rules, normalise=normalise)
    lengths = lists.list.len().fill_null(0).to_numpy().astype(np.int64)
    flat = lists.explode().drop_nulls()
    del lists
    distinct = flat.unique(maintain_order=True)
    code = flat.cast(pl.Enum(distinct)).to_physical().to_numpy().astype(np.int32)
    del flat
    tok = _read_tokens(distinct.to_list(), rules, normalise=normalise)
    del distinct
    doc = np.repeat(np.arange(n, dtype=np.int32), lengths)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    pos = np.arange(len(code), dtype=np.int32) - starts[doc].astype(np.int32)
    uppers = np.bincount(doc[tok.upper[code]], minlength=n)
    cap_diff = (uppers > 0) & (uppers < lengths)

    # Texts with a phrase of VADER's go to vaderSentiment whole.
    first = tok.phrase_first[code]
    phrase = np.zeros(n, dtype=bool)
    cand = np.flatnonzero(first[:-1] > 0) if len(code) > 1 else np.array([], dtype=np.int64)
    if len(cand):
        follows = (tok.phrase_next[code[cand + 1]] & first[cand]) != 0
        hit = follows & (doc[cand + 1] == doc[cand])
        phrase[doc[cand[hit]]] = True

    at, value = _valences(tok, code, pos, cap_diff, doc)
    keep = ~phrase[doc[at]]
    at, value = at[keep], value[keep]
    owner = doc[at]
    buts = np.flatnonzero(tok.but[code])
    with_but, first_at = np.unique(doc[buts], return_index=True)
    bounds = np.searchsorted(owner, np.stack([with_but, with_but + 1]))
    for d, b, lo, hi in zip(
        with_but.tolist(), pos[buts[first_at]].tolist(), *bounds.tolist(), strict=True
    ):
        if hi > lo:
            offsets = pos[at[lo:hi]]
            walked = np.zeros(int(lengths[d]))
            walked[offsets] = value[lo:hi]
            value[lo:hi] = np.array(_but_walk(walked.tolist(), b))[offsets]
    total = _sums(owner, value, n)
    amp = _emphasis(prepared)
    total = np.where(total > 0, total + amp, np.where(total < 0, total - amp, total))
    out = _round4(np.clip(total / np.sqrt(total * total + 15.0), -1.0, 1.0))
    for d in np.flatnonzero(phrase).tolist():
        lo = int(starts[d])
        text = " ".join(tok.text[c] for c in code[lo : lo + int(lengths[d])].tolist())
        out[d] = float(rules.analyzer.polarity_scores(text)["compound"])
    return out
