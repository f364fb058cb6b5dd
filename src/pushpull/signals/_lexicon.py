"""Lexicon files and the small pattern language they are written in.

Each language is one file, ``pushpull/data/lexicons/<lang>.json``; adding a language is adding
a file. Its keys:

``language``, ``name``
    the code (the file's name) and the language's name in English.
``stopwords``
    common words, for :func:`pushpull.signals.detect_language`.
``quotes``
    pairs of quotation marks; quoted text is not the writer's own. Typographic marks fold to
    plain ones (“…” to "…", ‘…’ to '…'). A single quote only opens after a non-letter and only
    closes before one, so the apostrophe in "we'll" is not a quotation mark.
``reporting``
    patterns such as "said" or "told me": the rest of the clause after one is someone else's
    words ("he said we'll see" is not the writer's deflection).
``negation``
    ``cues`` (patterns such as "not", "never", "don't") and ``window``: a cue cancels the next
    ``window`` words of its clause for the families marked ``negatable`` ("I'm not busy").
    A pattern that itself contains a cue ("can't talk", "that never happened") is matched with
    the negation left in place, so it still counts.
``valence``
    word -> valence on VADER's scale (-4..4), for the warmth of languages VADER cannot read.
``words``
    named lists of alternatives, used in patterns as ``@name``.
``families``
    for each marker family: ``cues`` (patterns), optional ``except`` (patterns whose matches are
    blanked out before the cues are searched: "the shop was so busy" is not the writer's
    distancing), ``negatable`` (default true) and ``reported`` (default false: true lets the
    cues read reported speech, for denials such as "I never said that"). Exceptions are also
    searched after negation blanking, where a negation cue stays but the words it cancels are
    gone: write "este finde
    no", not "este finde no puedo".

Pattern syntax (a pattern is folded like message text, so "Cómo" and "como" are the same):

    word      a whole word; each letter also matches repeats ("so" matches "sooo"), and an
              apostrophe is optional ("don't" matches "dont")
    word*     any word that starts with this ("apologi*")
    ❤ ? ¿     other characters match literally, repeats included (U+FE0F is optional)
    (a|b c)   one of the alternatives; [a|b c]: the same, optional
    @name     one of the phrases listed under ``words``
    ~  ~3     up to 2 (or 3) arbitrary words
    ^         at the start of a clause: start of a line, or after . ! ? , ; :
    $         at the end of a clause
    …         the rest of the clause and its question marks (one hit for a whole question)

Consecutive items may be separated by any run of characters other than letters, digits, . ! ?
and line breaks ("oh, please" matches "oh please"). A family's patterns compile to one regular
expression in two dialects that match identically: Rust's (Polars, for counting every message)
and Python's (for the spans of :func:`pushpull.signals.find_markers`). Both use ASCII word
boundaries on folded text, no look-around and no back-references.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any, Literal

import polars as pl

from pushpull.errors import UsageError
from pushpull.signals._normalise import APOSTROPHE, fold

__all__ = [
    "FAMILIES",
    "Cues",
    "FamilyRules",
    "Lexicon",
    "Mask",
    "compile_pattern",
    "languages",
    "load",
]

#: The marker families, in their fixed order.
FAMILIES: tuple[str, ...] = (
    "affection",
    "question",
    "disclosure",
    "future",
    "deflection",
    "distancing",
    "criticism",
    "contempt",
    "defensiveness",
    "stonewalling",
    "repair",
    "gaslighting",
    "dismissal",
    "control",
    "threat",
    "insult",
    "laughter",
    "hurt",
)

Dialect = Literal["python", "rust"]

_WORD = "a-z0-9_"
_SEP = f"[^{_WORD}.!?\\n]*"
_SCOPE_GAP = f"[^{_WORD}.!?,;:\\n]"
_START = f"(?:^|[.!?,;:]){_SCOPE_GAP}*"
_END = f"{_SCOPE_GAP}*(?:[.!?,;:]|$)"
_REST = "[^.!?\\n]*\\?*"
_URL = "(?:https?://|www\\.)[^ \\n]+"
_META = set("\\.^$|?*+()[]{}-#&~")
_DEFAULT_GAP = 2


def _escape(char: str) -> str:
    return "\\" + char if char in _META else char


def _boundary(dialect: Dialect) -> str:
    return "\\b" if dialect == "python" else "(?-u:\\b)"


def _flags(source: str, dialect: Dialect) -> str:
    return source if dialect == "python" else "(?m)" + source


# --- parsing -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    prefix: bool


@dataclass(frozen=True, slots=True)
class _Symbol:
    text: str


@dataclass(frozen=True, slots=True)
class _Group:
    options: tuple[_Phrase, ...]
    optional: bool


@dataclass(frozen=True, slots=True)
class _Gap:
    words: int


@dataclass(frozen=True, slots=True)
class _Anchor:
    kind: str  # "^", "$" or "…"


_Item = _Word | _Symbol | _Group | _Gap | _Anchor
_Phrase = tuple[_Item, ...]
_Words = Mapping[str, tuple[_Phrase, ...]]
_Fail = Callable[[str], UsageError]


def _is_word_char(char: str) -> bool:
    folded = fold(char)
    return folded.isascii() and (folded.isalnum() or folded == APOSTROPHE)


_OPERATORS = "()[]|^$…"


def _run_end(pattern: str, start: int, accept: Callable[[str], bool]) -> int:
    end = start
    while end < len(pattern) and accept(pattern[end]):
        end += 1
    return end


def _is_symbol_char(char: str) -> bool:
    return not (char.isspace() or char in _OPERATORS or char in "~@" or _is_word_char(char))


def _tokens(pattern: str) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs: kind is "op", "gap", "name", "word" or "symbol"."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char.isspace():
            end = i + 1
        elif char in _OPERATORS:
            end = i + 1
            out.append(("op", char))
        elif char == "~":
            end = _run_end(pattern, i + 1, str.isdigit)
            out.append(("gap", pattern[i + 1 : end]))
        elif char == "@":
            end = _run_end(pattern, i + 1, lambda c: c.isalnum() or c == "_")
            out.append(("name", pattern[i + 1 : end]))
        elif _is_word_char(char):
            end = _run_end(pattern, i, _is_word_char)
            end += pattern.startswith("*", end)
            out.append(("word", fold(pattern[i:end])))
        else:
            end = _run_end(pattern, i, _is_symbol_char)
            out.append(("symbol", pattern[i:end]))
        i = end
    return out


class _Parser:
    def __init__(self, pattern: str, words: _Words) -> None:
        self.pattern = pattern
        self.tokens = _tokens(pattern)
        self.pos = 0
        self.words = words

    def fail(self, why: str) -> UsageError:
        return UsageError(f"Lexicon pattern {self.pattern!r}: {why}.")

    def _at(self, *texts: str) -> bool:
        return self.pos < len(self.tokens) and self.tokens[self.pos] in [("op", t) for t in texts]

    def sequence(self) -> _Phrase:
        items: list[_Item] = []
        while self.pos < len(self.tokens) and not self._at(")", "]", "|"):
            kind, text = self.tokens[self.pos]
            self.pos += 1
            if kind == "op" and text in "([":
                options = [self.sequence()]
                while self._at("|"):
                    self.pos += 1
                    options.append(self.sequence())
                closer = ")" if text == "(" else "]"
                if not self._at(closer):
                    raise self.fail(f"{text} without {closer}")
                self.pos += 1
                items.append(_Group(tuple(options), optional=text == "["))
            elif kind == "op":
                items.append(_Anchor(text))
            elif kind == "gap":
                items.append(_Gap(int(text) if text else _DEFAULT_GAP))
            elif kind == "name":
                if text not in self.words:
                    raise self.fail(f"@{text} is not defined under 'words'")
                items.append(_Group(self.words[text], optional=False))
            elif kind == "symbol":
                items.append(_Symbol(text))
            else:
                items.append(_Word(text.rstrip("*"), prefix=text.endswith("*")))
        return tuple(items)

    def whole(self) -> _Phrase:
        items = self.sequence()
        if self.pos != len(self.tokens):
            raise self.fail(f"unexpected {self.tokens[self.pos][1]!r}")
        if not items:
            raise self.fail("it is empty")
        return items


# --- compiling ---------------------------------------------------------------------------------


def _word(word: _Word, dialect: Dialect) -> str:
    b = _boundary(dialect)
    body = ""
    for char in word.text:
        if char == APOSTROPHE:
            body += APOSTROPHE + "?"
        elif char.isalpha():
            body += char + "+"
        else:
            body += char
    if word.prefix:
        body += f"[{_WORD}]*"
    return b + body + b


def _symbol(symbol: _Symbol) -> str:
    chars = [c for c in fold(symbol.text) if c not in ("\ufe0f", " ")]
    return "".join(f"(?:{_escape(c)}\ufe0f?)+" for c in chars)


def _is_optional(item: _Item) -> bool:
    return isinstance(item, _Gap) or (isinstance(item, _Group) and item.optional)


def _item(item: _Item, dialect: Dialect, fail: _Fail) -> str:
    if isinstance(item, _Word):
        return _word(item, dialect)
    if isinstance(item, _Symbol):
        return _symbol(item)
    if isinstance(item, _Group):
        return "(?:" + "|".join(_sequence(o, dialect, fail) for o in item.options) + ")"
    raise fail("^, $ and … may only begin or end a whole pattern")


def _sequence(items: Sequence[_Item], dialect: Dialect, fail: _Fail) -> str:
    out = ""
    started = False
    for item in items:
        if isinstance(item, _Anchor) and item.kind == "…":
            if not started:
                raise fail("… needs something before it")
            out += _REST
            continue
        if isinstance(item, _Gap):
            gap = f"[{_WORD}]+"
            out += (
                f"(?:{_SEP}{gap}){{0,{item.words}}}"
                if started
                else f"(?:{gap}{_SEP}){{0,{item.words}}}"
            )
            continue
        body = _item(item, dialect, fail)
        if _is_optional(item):
            out += f"(?:{_SEP}{body})?" if started else f"(?:{body}{_SEP})?"
        else:
            out += (_SEP + body) if started else body
            started = True
    if not started:
        raise fail("everything in it is optional, so it would match nothing")
    return out


def compile_pattern(
    pattern: str,
    dialect: Dialect,
    words: _Words = MappingProxyType({}),
    *,
    capture: bool = False,
) -> str:
    """One pattern as regex source; ``capture`` wraps its core (without anchors) in a group."""
    parser = _Parser(pattern, words)
    items = list(parser.whole())
    prefix = suffix = ""
    if isinstance(items[0], _Anchor) and items[0].kind == "^":
        prefix = _START
        items.pop(0)
    if items and isinstance(items[-1], _Anchor) and items[-1].kind == "$":
        suffix = _END
        items.pop()
    core = _sequence(items, dialect, parser.fail)
    opener = "(" if capture else "(?:"
    return f"{prefix}{opener}{core}){suffix}"


def _parse_words(raw: Mapping[str, Sequence[str]]) -> dict[str, tuple[_Phrase, ...]]:
    words: dict[str, tuple[_Phrase, ...]] = {}
    for name, phrases in raw.items():
        words[name] = tuple(_Parser(p, words).whole() for p in phrases)
    return words


# --- compiled pieces ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class _Regex:
    """One pattern in both dialects: Rust's for Polars, Python's (with groups) for spans."""

    rust: str
    python_source: str

    @property
    def python(self) -> re.Pattern[str]:
        """The Python regex, compiled on first use (only evidence spans need it)."""
        return _compile_python(self.python_source)


@dataclass(frozen=True, slots=True, kw_only=True)
class Mask(_Regex):
    """A regex whose matches are blanked out, keeping the text of some groups.

    Python writes spaces over the blanked characters (offsets stay put); Polars writes one space
    (only counts matter there). Every pattern treats a run of spaces like a single one.
    """

    keep: tuple[int, ...] = ()

    @property
    def template(self) -> str:
        """The Polars replacement: the kept groups around a single space."""
        if not self.keep:
            return " "
        first, *rest = self.keep
        return f"${{{first}}} " + "".join(f"${{{g}}}" for g in rest)

    def _blank(self, match: re.Match[str]) -> str:
        start = match.start()
        chars = [" "] * (match.end() - start)
        for group in self.keep:
            a, b = match.span(group)
            if a >= 0:
                chars[a - start : b - start] = match.group(group)
        return "".join(chars)

    def apply(self, text: str) -> str:
        """``text`` with every match blanked; same length as ``text``."""
        return self.python.sub(self._blank, text)

    def expr(self, text: pl.Expr) -> pl.Expr:
        """:meth:`apply` as a Polars expression (blanked runs shortened to one space)."""
        return text.str.replace_all(self.rust, self.template)


@dataclass(frozen=True, slots=True, kw_only=True)
class Cues(_Regex):
    """A family's patterns as one regex; each Python alternative has one group, its core."""

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Start and end of each hit's core."""
        for match in self.python.finditer(text):
            group = match.lastindex or 0
            yield match.span(group)

    def count(self, text: pl.Expr) -> pl.Expr:
        """Number of hits per row (0 for null)."""
        return text.str.count_matches(self.rust).fill_null(0)


@dataclass(frozen=True, slots=True, kw_only=True)
class FamilyRules:
    """How one family is found: cues with negation in place, cues after it, and exceptions."""

    family: str
    fixed: Cues | None
    negatable: Cues | None
    exclude: Mask | None
    #: The cues read reported speech too (the reporting mask is not applied): "I never said
    #: that" is the writer's own denial, not someone else's words.
    reported: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Lexicon:
    """One language's compiled lexicon."""

    language: str
    name: str
    #: URLs, quotations and reported speech, blanked in this order before anything is matched.
    masks: tuple[Mask, ...]
    #: The masks before the reported-speech one (a prefix of ``masks``), for families marked
    #: ``reported``.
    unreported_masks: tuple[Mask, ...]
    #: Blanks the words a negation cue cancels; ``None`` when the language lists no cues.
    negation: Mask | None
    #: Python source of the regex matching a negation cue; ``None`` when there are none.
    negation_cue_source: str | None
    #: How many words after a negation cue it cancels.
    negation_window: int
    families: tuple[FamilyRules, ...]
    stopwords: frozenset[str]
    valence: Mapping[str, float]

    @property
    def negation_cue(self) -> re.Pattern[str] | None:
        """Matches a negation cue (compiled on first use); ``None`` when there are none."""
        source = self.negation_cue_source
        return None if source is None else _compile_python(source)


def _regex(sources: Sequence[str], dialect: Dialect) -> str:
    return _flags("|".join(sources), dialect)


@functools.cache
def _compile_python(source: str) -> re.Pattern[str]:
    return re.compile(source, re.ASCII | re.MULTILINE)


def _cues(patterns: Sequence[str], words: _Words) -> Cues | None:
    if not patterns:
        return None
    rust = [compile_pattern(p, "rust", words) for p in patterns]
    python = [compile_pattern(p, "python", words, capture=True) for p in patterns]
    return Cues(rust=_regex(rust, "rust"), python_source=_regex(python, "python"))


def _union_mask(patterns: Sequence[str], words: _Words) -> Mask | None:
    if not patterns:
        return None
    rust = [compile_pattern(p, "rust", words) for p in patterns]
    python = [compile_pattern(p, "python", words) for p in patterns]
    return Mask(rust=_regex(rust, "rust"), python_source=_regex(python, "python"))


def _quote_mask(pairs: Sequence[Sequence[str]]) -> Mask | None:
    plain: list[str] = []
    apostrophe = False
    for pair in pairs:
        opening, closing = (fold(mark) for mark in pair)
        if opening == closing == APOSTROPHE:
            apostrophe = True
        else:
            o, c = _escape(opening), _escape(closing)
            plain.append(f"{o}[^{c}\\n]+{c}")
    sources = list(dict.fromkeys(plain))
    keep: tuple[int, ...] = ()
    if apostrophe:
        # Groups 1 and 2: the characters before and after, kept (they were only looked at).
        a = APOSTROPHE
        sources.append(f"(^|[^{_WORD}]){a}(?:[^{a}\\n]|{a}[a-z0-9])+{a}([^{_WORD}]|$)")
        keep = (1, 2)
    if not sources:
        return None
    return Mask(
        rust=_regex(sources, "rust"),
        python_source=_regex(sources, "python"),
        keep=keep,
    )


def _prefixed_mask(cues: Sequence[str], tail: str, words: _Words) -> Mask | None:
    """Blank ``tail`` after any of ``cues``, keeping the cue itself (group 1)."""
    if not cues:
        return None
    out: dict[Dialect, str] = {}
    for dialect in ("python", "rust"):
        alternatives = "|".join(compile_pattern(c, dialect, words) for c in cues)
        out[dialect] = _flags(f"((?:{alternatives})){tail}", dialect)
    return Mask(
        rust=out["rust"],
        python_source=out["python"],
        keep=(1,),
    )


def _structure(pattern: str, words: Mapping[str, Sequence[str]]) -> str:
    """A pattern's words (those of its ``@name`` lists included), to look for negation cues."""
    expanded = re.sub(r"@(\w+)", lambda m: " ".join(words.get(m.group(1), ())), pattern)
    return fold(re.sub(r"[()\[\]|^$…~*]", " ", expanded))


class _Spec:
    """Checks on the raw JSON of one lexicon file."""

    def __init__(self, language: str) -> None:
        self.language = language

    def fail(self, why: str) -> UsageError:
        return UsageError(f"Lexicon {self.language}.json: {why}.")

    def strings(self, value: Any, where: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{where} must be a list of strings")
        return list(value)


def _build(language: str, data: Mapping[str, Any]) -> Lexicon:
    spec = _Spec(language)
    if data.get("language") != language:
        raise spec.fail(f"its 'language' must be {language!r}")
    raw_words = data.get("words", {})
    if not isinstance(raw_words, dict):
        raise spec.fail("'words' must map names to lists of phrases")
    words = _parse_words({k: spec.strings(v, f"words.{k}") for k, v in raw_words.items()})
    negation_spec = data.get("negation", {})
    negation_cues = spec.strings(negation_spec.get("cues", []), "negation.cues")
    window = int(negation_spec.get("window", 3))
    negation = _prefixed_mask(negation_cues, f"((?:{_SCOPE_GAP}+[{_WORD}]+){{1,{window}}})", words)
    finder = _cues(negation_cues, words)
    masks = [Mask(rust=_flags(_URL, "rust"), python_source=_URL)]
    pairs = data.get("quotes", [])
    if not all(len(spec.strings(p, "quotes")) == 2 for p in pairs):
        raise spec.fail("'quotes' must list pairs of opening and closing marks")
    quotes = _quote_mask(pairs)
    if quotes is not None:
        masks.append(quotes)
    unreported = tuple(masks)
    reporting = _prefixed_mask(
        spec.strings(data.get("reporting", []), "reporting"),
        f"(?:{_SCOPE_GAP}+[{_WORD}]+)+",
        words,
    )
    if reporting is not None:
        masks.append(reporting)

    raw_families = data.get("families", {})
    unknown = set(raw_families) - set(FAMILIES)
    if unknown:
        raise spec.fail(f"unknown families {sorted(unknown)}; the families are {FAMILIES}")
    families: list[FamilyRules] = []
    for family in FAMILIES:
        entry = raw_families.get(family, {})
        cues = spec.strings(entry.get("cues", []), f"families.{family}.cues")
        excluded = spec.strings(entry.get("except", []), f"families.{family}.except")
        fixed, rest = cues, []
        if negation is not None and finder is not None and entry.get("negatable", True):
            fixed = [c for c in cues if finder.python.search(_structure(c, raw_words))]
            rest = [c for c in cues if c not in fixed]
        families.append(
            FamilyRules(
                family=family,
                fixed=_cues(fixed, words),
                negatable=_cues(rest, words),
                exclude=_union_mask(excluded, words),
                reported=bool(entry.get("reported", False)),
            )
        )
    valence = data.get("valence", {})
    if not all(isinstance(v, int | float) for v in valence.values()):
        raise spec.fail("'valence' must map words to numbers")
    return Lexicon(
        language=language,
        name=str(data.get("name", language)),
        masks=tuple(masks),
        unreported_masks=unreported,
        negation=negation,
        negation_cue_source=finder.python_source if finder is not None else None,
        negation_window=window,
        families=tuple(families),
        stopwords=stopwords(language),
        valence=MappingProxyType({fold(k): float(v) for k, v in valence.items()}),
    )


def _folder() -> Traversable:
    return resources.files("pushpull").joinpath("data/lexicons")


@functools.cache
def languages() -> tuple[str, ...]:
    """Languages with a lexicon file, sorted."""
    names = (f.name for f in _folder().iterdir() if f.name.endswith(".json"))
    return tuple(sorted(n.removesuffix(".json") for n in names))


@functools.cache
def _data(language: str) -> Mapping[str, Any]:
    """The lexicon file of ``language``, parsed; :class:`UsageError` when there is none."""
    data: Mapping[str, Any] = json.loads(_file_bytes(language).decode("utf-8"))
    return data


@functools.cache
def stopwords(language: str) -> frozenset[str]:
    """The folded stopwords of ``language``, without compiling the rest of its lexicon."""
    listed = _Spec(language).strings(_data(language).get("stopwords", []), "stopwords")
    return frozenset(fold(w) for w in listed)


@functools.cache
def _file_bytes(language: str) -> bytes:
    """The lexicon file of ``language`` as stored; :class:`UsageError` when there is none."""
    if language not in languages():
        raise UsageError(
            f"There is no lexicon for the language {language!r}.",
            hint=f"Choose one of: {', '.join(languages())}.",
        )
    return _folder().joinpath(f"{language}.json").read_bytes()


@functools.cache
def load(language: str) -> Lexicon:
    """The compiled lexicon of ``language``; :class:`UsageError` when there is none.

    Compiling a lexicon's patterns takes a quarter of a second of pure Python, so the result
    is kept in the user's cache folder, keyed by the file and by this compiler
    (:mod:`pushpull.signals._lexicon_cache`); a missing or stale entry is rebuilt.
    """
    from pushpull.signals import _lexicon_cache

    key = _lexicon_cache.key(_file_bytes(language))
    cached = _lexicon_cache.read(language, key)
    if cached is not None:
        return cached
    built = _build(language, _data(language))
    _lexicon_cache.write(built, key)
    return built
