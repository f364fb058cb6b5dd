"""Markers per message: negation, quoting, elongation, spans, and Polars agreeing with Python."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pushpull.errors import UsageError
from pushpull.signals import FAMILIES, Hit, find_markers, languages, mark_frame

LABELLED = Path(__file__).resolve().parents[1] / "data" / "lexicon"
PHRASES: dict[str, list[str]] = json.loads(
    resources.files("pushpull").joinpath("data/synth/phrases.json").read_text("utf-8")
)
HOSTILE = {
    "criticism",
    "contempt",
    "defensiveness",
    "stonewalling",
    "gaslighting",
    "control",
    "threat",
    "insult",
}


def families_of(text: str, lang: str = "en") -> set[str]:
    return {h.family for h in find_markers(text, lang)}


def count(text: str, family: str, lang: str = "en") -> int:
    return sum(h.family == family for h in find_markers(text, lang))


@pytest.mark.parametrize(
    ("text", "family", "expected"),
    [
        ("I'm busy", "distancing", 1),
        ("I'm not busy at all, call me!", "distancing", 0),
        ("sooo busyyy today", "distancing", 1),
        ("I can't talk now", "distancing", 1),
        ("the shop was so busy today", "distancing", 0),
        ("That never happened.", "gaslighting", 1),
        ("that never happened to me before lol", "gaslighting", 0),
        ("we'll see", "deflection", 1),
        ("he said we'll see", "deflection", 0),
        ('he said "we\'ll see"', "deflection", 0),
        ("‘we’ll see’ is all you ever say", "deflection", 0),
        ("I'm not mad at you, promise", "criticism", 0),
        ("love you ❤️", "affection", 2),
        ("I don't love you anymore", "affection", 0),
        ("how was your day", "question", 1),
        ("what a day", "question", 0),
        ("look https://example.com/watch?v=1", "question", 0),
        ("you're not stupid", "insult", 0),
    ],
)
def test_english_families(text: str, family: str, expected: int) -> None:
    assert count(text, family) == expected


@pytest.mark.parametrize(
    ("text", "family", "expected"),
    [
        ("estoy muy ocupadooo", "distancing", 1),
        ("no estoy ocupada, ¡llámame!", "distancing", 0),
        ("ahora no puedo hablar", "distancing", 1),
        ("eso nunca pasó", "gaslighting", 1),
        ("me dijo «ya veremos»", "deflection", 0),
        ("ya veremos", "deflection", 1),
        ("ya no te quiero", "affection", 0),
        ("te quiero ❤️", "affection", 2),
        ("¿cómo estás?", "question", 1),
        ("qué día más largo", "question", 0),
    ],
)
def test_spanish_families(text: str, family: str, expected: int) -> None:
    assert count(text, family, "es") == expected


def test_hits_point_into_the_original_text() -> None:
    text = "Ok 👍\u200e Sooo BUSYYY today… talk tmrw 😘"
    hits = find_markers(text)
    assert all(text[h.start : h.end] == h.text for h in hits)
    assert [(h.family, h.text) for h in hits] == [
        ("distancing", "BUSYYY today"),
        ("distancing", "talk tmrw"),
        ("affection", "😘"),
    ]


def test_hits_are_frozen_keyword_only_records() -> None:
    hit = find_markers("love you")[0]
    assert hit == Hit(family="affection", start=0, end=8, text="love you")
    with pytest.raises(AttributeError):
        hit.start = 3  # type: ignore[misc]


def test_hits_come_in_text_order() -> None:
    hits = find_markers("sorry babe, I'm swamped. let's get brunch sunday? 🙄")
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    assert {h.family for h in hits} == {
        "repair",
        "affection",
        "distancing",
        "future",
        "question",
        "contempt",
    }


def test_an_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        find_markers("hola", "xx")


def test_mark_frame_adds_counts_and_warmth_and_keeps_the_rest() -> None:
    frame = pl.DataFrame(
        {"ref": [1, 2, 3, 4], "text": ["love you ❤️", None, "", "I hate you, you idiot"]},
        schema={"ref": pl.Int64, "text": pl.String},
    )
    marked = mark_frame(frame)
    assert marked.columns == ["ref", "text", *[f"m_{f}" for f in FAMILIES], "warmth"]
    assert all(marked.schema[f"m_{f}"] == pl.UInt16 for f in FAMILIES)
    assert marked.schema["warmth"] == pl.Float64
    assert marked["ref"].to_list() == [1, 2, 3, 4]
    assert marked["m_affection"].to_list() == [2, 0, 0, 0]
    assert marked["m_insult"].to_list() == [0, 0, 0, 1]
    warmth = marked["warmth"].to_list()
    assert warmth[1] == warmth[2] == 0.0
    assert warmth[0] > 0 > warmth[3]


def test_mark_frame_replaces_marker_columns_it_finds() -> None:
    frame = pl.DataFrame({"text": ["hey"], "m_affection": [9], "warmth": [0.9]})
    marked = mark_frame(frame)
    assert marked["m_affection"].to_list() == [0]
    assert marked["warmth"].to_list() == [0.0]
    assert marked.columns.count("m_affection") == 1


def test_mark_frame_takes_an_empty_frame() -> None:
    marked = mark_frame(pl.DataFrame({"text": []}, schema={"text": pl.String}), "es")
    assert marked.height == 0 and "m_threat" in marked.columns


def test_mark_frame_takes_a_text_column_of_nulls_only() -> None:
    marked = mark_frame(pl.DataFrame({"text": [None, None]}))
    assert marked["m_affection"].to_list() == [0, 0]
    assert marked["warmth"].to_list() == [0.0, 0.0]


def test_mark_frame_needs_a_text_column() -> None:
    with pytest.raises(UsageError, match="text"):
        mark_frame(pl.DataFrame({"body": ["hi"]}))


# --- Polars and Python agree ---------------------------------------------------------------------


def _labelled_texts() -> list[str]:
    out: list[str] = []
    for path in sorted(LABELLED.glob("*.jsonl")):
        out += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines()]
    return out


_PIECES = _labelled_texts() + [t for texts in PHRASES.values() for t in texts]
_GLUE = [
    "not",
    "no",
    "never",
    "don't",
    "can't",
    "nunca",
    "no estoy",
    "he said",
    "she told me",
    "dijo que",
    '"',
    "“",
    "”",
    "'",
    "‘",
    "’",
    "«",
    "»",
    ".",
    ",",
    "?",
    "¿",
    "!",
    "…",
    "\n",
    "  ",
    "🙄",
    "❤️",
    "😂",
    "\u200e",
    "\u202f",
    "http://x.io/?a",
    "sooo",
    "busyyy",
    "I'm",
    "maybe",
    "now",
    "whatever",
    "we'll see",
    "ya veremos",
    "quizás",
    "ocupada",
    "привет",
    "αγάπη",
    "日本",
    "İ",
    "\u0301",
]
_fragment = st.one_of(
    st.sampled_from(_PIECES),
    st.sampled_from(_GLUE),
    st.text(alphabet="abdeilmnorstuyáñ'’ ?.,¿", max_size=12),
    st.text(max_size=6),
)
_message = st.lists(
    st.tuples(_fragment, st.sampled_from(["", " ", ", ", ". ", "\n", " ' "])), max_size=5
).map(lambda parts: "".join(a + b for a, b in parts))


@example(
    texts=["maybe not now", "busy? not really", "he said 'we'll see' 🙄", "busyпривет"], lang="en"
)
@example(texts=["quizás no hoy", "no estoy ocupada, ¿vale?", "dijo «ya veremos»"], lang="es")
@given(
    texts=st.lists(st.one_of(_message, st.none()), min_size=1, max_size=25),
    lang=st.sampled_from(languages()),
)
@settings(max_examples=60, deadline=None)
def test_mark_frame_counts_exactly_what_find_markers_finds(
    texts: list[str | None], lang: str
) -> None:
    marked = mark_frame(pl.DataFrame({"text": texts}, schema={"text": pl.String}), lang)
    for text, row in zip(texts, marked.iter_rows(named=True), strict=True):
        hits = find_markers(text or "", lang)
        expected = {f: sum(h.family == f for h in hits) for f in FAMILIES}
        assert {f: row[f"m_{f}"] for f in FAMILIES} == expected, text


def test_counts_agree_on_every_labelled_message() -> None:
    for path in sorted(LABELLED.glob("*.jsonl")):
        texts = [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines()]
        marked = mark_frame(pl.DataFrame({"text": texts}), path.stem)
        for text, row in zip(texts, marked.iter_rows(named=True), strict=True):
            hits = find_markers(text, path.stem)
            assert [row[f"m_{f}"] for f in FAMILIES] == [
                sum(h.family == f for h in hits) for f in FAMILIES
            ], text


# --- the synthetic generator's phrase bank reads as intended ------------------------------------


@pytest.mark.parametrize("text", PHRASES["gaslighting"])
def test_every_gaslighting_phrase_denies_or_dismisses(text: str) -> None:
    assert families_of(text) & {"gaslighting", "dismissal"}


@pytest.mark.parametrize("text", PHRASES["abuse"])
def test_every_abusive_phrase_is_a_threat_insult_or_control(text: str) -> None:
    assert families_of(text) & {"threat", "insult", "control"}


@pytest.mark.parametrize("text", [t for t in PHRASES["distant"] if len(t.split()) >= 2])
def test_every_distant_phrase_of_some_words_is_distance(text: str) -> None:
    assert families_of(text) & {"distancing", "deflection"}


def test_most_distant_phrases_are_distance() -> None:
    found = [bool(families_of(t) & {"distancing", "deflection"}) for t in PHRASES["distant"]]
    assert sum(found) >= 0.8 * len(found)


def test_most_warm_phrases_are_affection_plans_or_disclosure() -> None:
    found = [bool(families_of(t) & {"affection", "future", "disclosure"}) for t in PHRASES["warm"]]
    assert sum(found) >= 0.75 * len(found)


@pytest.mark.parametrize("text", PHRASES["neutral"] + PHRASES["pursue"] + PHRASES["warm"])
def test_everyday_pursuing_and_warm_phrases_are_not_hostile(text: str) -> None:
    assert not families_of(text) & HOSTILE


@pytest.mark.parametrize("text", PHRASES["spanish"])
def test_the_spanish_phrases_are_not_hostile(text: str) -> None:
    assert not families_of(text, "es") & HOSTILE
