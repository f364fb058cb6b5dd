"""Markers per message: the families of :data:`FAMILIES`, found by the language's lexicon.

:func:`find_markers` gives the hits of one message with their spans (for evidence);
:func:`mark_frame` counts them for a whole frame with Polars. Both run the same steps on the same
folded text (:mod:`pushpull.signals._normalise`), so their counts agree exactly:

1. blank URLs, quotations and reported speech ("he said we'll see"; families marked
   ``reported`` read reported speech too: "I never said that" is the writer's own denial);
2. blank the words a negation cancels ("I'm not busy"), in a second copy of the text;
3. for each family, blank its exceptions ("the shop was so busy") in both copies, then count
   its cues: those containing a negation in the first copy, the others in the second.
"""

from __future__ import annotations

from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from pushpull.errors import UsageError
from pushpull.signals._lexicon import FAMILIES, Cues, FamilyRules, Lexicon, load
from pushpull.signals._normalise import fold, fold_expr
from pushpull.signals.warmth import warmth

__all__ = ["FAMILIES", "Hit", "find_markers", "mark_frame", "marker_columns"]

_COUNT_MAX = 65535  # the UInt16 ceiling of a count column


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    """One marker: its family and where it is (Python string offsets into the original text)."""

    family: str
    start: int
    end: int
    text: str


def marker_columns() -> list[str]:
    """The count columns :func:`mark_frame` adds, in order (``warmth`` comes after them)."""
    return [f"m_{f}" for f in FAMILIES]


def _prepared(text: str, lexicon: Lexicon) -> dict[bool, tuple[str, str]]:
    """(text, text with negated words blanked) as the families read it, keyed by whether they
    read reported speech too (``_count_table`` prepares the same two, column-wise)."""

    def negated(base: str) -> str:
        return lexicon.negation.apply(base) if lexicon.negation is not None else base

    plain = fold(text)
    for mask in lexicon.unreported_masks:
        plain = mask.apply(plain)
    base = plain
    for mask in lexicon.masks[len(lexicon.unreported_masks) :]:
        base = mask.apply(base)
    texts = {False: (base, negated(base))}
    if any(r.reported for r in lexicon.families):
        texts[True] = (plain, negated(plain))
    return texts


def _sources(rules: FamilyRules) -> list[tuple[Cues, bool]]:
    """The family's cue sets, each with whether it reads the negation-blanked text."""
    out: list[tuple[Cues, bool]] = []
    if rules.fixed is not None:
        out.append((rules.fixed, False))
    if rules.negatable is not None:
        out.append((rules.negatable, True))
    return out


def find_markers(text: str, lang: str = "en", families: Collection[str] | None = None) -> list[Hit]:
    """Every marker in ``text`` (of ``families`` only, when given), in order of position; each
    keeps its span and matched text."""
    lexicon = load(lang)
    texts = _prepared(text, lexicon)
    hits: list[Hit] = []
    for rules in lexicon.families:
        if families is not None and rules.family not in families:
            continue
        base, negated = texts[rules.reported]
        kept, kept_negated = base, negated
        if rules.exclude is not None:
            kept, kept_negated = rules.exclude.apply(base), rules.exclude.apply(negated)
        for cues, after_negation in _sources(rules):
            hits.extend(
                Hit(family=rules.family, start=a, end=b, text=text[a:b])
                for a, b in cues.spans(kept_negated if after_negation else kept)
            )
    order = {f: i for i, f in enumerate(FAMILIES)}
    hits.sort(key=lambda h: (h.start, order[h.family], h.end))
    return hits


def _count_table(texts: pl.Series, lexicon: Lexicon) -> pl.DataFrame:
    """Marker counts for distinct, non-null ``texts`` (a frame with ``text`` and ``m_*``)."""
    # The masks before reported speech are shared: "_plain" is the text the families marked
    # ``reported`` read, "_base" the same with reported speech blanked too.
    plain = fold_expr(pl.col("text"))
    for mask in lexicon.unreported_masks:
        plain = mask.expr(plain)
    frame = pl.LazyFrame({"text": texts}).with_columns(_plain=plain)
    base = pl.col("_plain")
    for mask in lexicon.masks[len(lexicon.unreported_masks) :]:
        base = mask.expr(base)
    frame = frame.with_columns(_base=base)
    columns = {False: ("_base", "_negated"), True: ("_plain", "_plain_negated")}
    needs = {False} | {True for r in lexicon.families if r.reported and r.negatable is not None}
    for reported in needs:
        source, target = columns[reported]
        negated = pl.col(source)
        if lexicon.negation is not None:
            negated = lexicon.negation.expr(negated)
        frame = frame.with_columns(negated.alias(target))
    counts: list[pl.Expr] = []
    for rules in lexicon.families:
        source, target = columns[rules.reported]
        kept, kept_negated = pl.col(source), pl.col(target)
        if rules.exclude is not None:
            kept, kept_negated = rules.exclude.expr(kept), rules.exclude.expr(kept_negated)
        parts = [
            cues.count(kept_negated if after_negation else kept)
            for cues, after_negation in _sources(rules)
        ]
        total = pl.sum_horizontal(parts) if parts else pl.lit(0)
        counts.append(total.clip(0, _COUNT_MAX).cast(pl.UInt16).alias(f"m_{rules.family}"))
    return frame.select("text", *counts).collect()


def mark_frame(frame: pl.DataFrame, lang: str = "en") -> pl.DataFrame:
    """``frame`` with one ``UInt16`` column ``m_<family>`` per family and ``warmth`` (Float64).

    ``frame`` needs a string column ``text`` (nulls allowed: no markers, warmth 0.0); its other
    columns are kept, and marker or warmth columns it already has are replaced. Each distinct
    text is marked once.
    """
    lexicon = load(lang)
    if "text" in frame.columns and frame.schema["text"] == pl.Null:  # a column of nulls only
        frame = frame.with_columns(pl.col("text").cast(pl.String))
    if "text" not in frame.columns or frame.schema["text"] != pl.String:
        raise UsageError(
            "mark_frame needs a frame with a string column 'text'.",
            hint=f"Its columns are: {', '.join(frame.columns) or 'none'}.",
        )
    added = [*marker_columns(), "warmth"]
    kept = frame.drop([c for c in added if c in frame.columns])
    distinct = kept.get_column("text").drop_nulls().unique()
    # Polars counts in its own threads (without the GIL) while VADER scores in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        counting = pool.submit(_count_table, distinct, lexicon)
        values = warmth(distinct.to_list(), lang)
        table = counting.result()
    table = table.with_columns(warmth=pl.Series("warmth", values, dtype=pl.Float64))
    # ``_count_table`` keeps the order of ``distinct``, so the warmth list lines up with it.
    joined = kept.join(table, on="text", how="left", maintain_order="left")
    return joined.with_columns(
        *[pl.col(c).fill_null(0) for c in marker_columns()],
        pl.col("warmth").fill_null(0.0),
    )
