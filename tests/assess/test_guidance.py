"""Guidance and explanations: every item reachable, safe under abuse, plain, kind and neutral."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from importlib import resources
from itertools import combinations, product
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pushpull.assess.guidance import (
    FACTS,
    FINDING_IDS,
    LEVELS,
    RED_FLAGS,
    SIGNS,
    Advice,
    Level,
    _book,
    _read_book,
    choose_explanations,
    choose_guidance,
    level_reached,
)
from pushpull.assess.safety import safety_first
from pushpull.errors import UsageError

#: Items that speak to the user as the one who chases.
PURSUER_IDS = {"no_barrage", "shared_loop"}
#: Items that suggest couples therapy; never shown once abuse reaches "concern".
COUPLES_IDS = {"couples_counselling"}
MAX_WORDS = 70
MAX_TITLE_WORDS = 8
_SENTENCE_END = re.compile(r"[.!?][”’\"]?(?=\s|$)")
_GENDERED = re.compile(r"\b(he|she|his|her|hers|him|himself|herself|boyfriend|girlfriend)\b", re.I)
_DIAGNOSTIC = ("narcissis", "disorder", "diagnos", "psychopath", "borderline", "avoidant")
_ALARMING = ("therap", "counsel", "walk away", "leav", "safe", "abuse", "helpline", "danger")

Findings = dict[str, Level]


def _raw() -> dict[str, Any]:
    text = resources.files("pushpull").joinpath("data/guidance/en.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _all_items() -> list[tuple[str, str, str]]:
    book = _book("en")
    return [(r.id, r.title, r.text) for r in (*book.guidance, *book.explanations)]


def _finding_maps() -> Iterator[Findings]:
    """Calm, each finding alone, each pair together and everything at once, at every level."""
    yield {}
    raised: tuple[Level, ...] = LEVELS[1:]
    for level in raised:
        for name in FINDING_IDS:
            yield {name: level}
        for a, b in combinations(FINDING_IDS, 2):
            yield {a: level, b: level}
        yield dict.fromkeys(FINDING_IDS, level)


_FACT_VALUES = list(product((True, False, None), (True, False), (True, False)))


def _guidance(
    findings: Findings,
    me_pursues: bool | None = None,
    *,
    pull_back: bool = False,
    low_data: bool = False,
) -> list[Advice]:
    return choose_guidance(findings, me_pursues=me_pursues, pull_back=pull_back, low_data=low_data)


def _ids(advice: list[Advice]) -> list[str]:
    return [a.id for a in advice]


# --------------------------------------------------------------------------- the data


def test_constants_name_the_five_signs_and_five_red_flags() -> None:
    assert len(SIGNS) == len(set(SIGNS)) == 5
    assert len(RED_FLAGS) == len(set(RED_FLAGS)) == 5
    assert "abuse" in RED_FLAGS and not set(SIGNS) & set(RED_FLAGS)
    assert FINDING_IDS == SIGNS + RED_FLAGS


def test_bundled_file_covers_the_required_topics() -> None:
    book = _book("en")
    guidance = {r.id for r in book.guidance}
    assert {
        "safety_first",
        "low_data",
        "walking_away",
        "keep_records",
        "one_sided_effort",
        "no_barrage",
        "steady_yourself",
        "calm_opener",
        "giving_space",
        "plans_talk",
        "couples_counselling",
        "trusted_people",
        "all_calm",
    } <= guidance
    assert len(book.explanations) >= 5
    assert "couples_counselling" in {r.id for r in book.guidance if r.joint}


def _set_first_findings(raw: dict[str, Any], value: object) -> None:
    raw["guidance"][0]["when"]["findings"] = value


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda raw: _set_first_findings(raw, ["ghosting"]), "unknown finding 'ghosting'"),
        (lambda raw: raw["guidance"][0]["when"].update(at_least="severe"), "unknown level"),
        (lambda raw: raw["guidance"][2]["when"].update(fact="lonely"), "unknown fact"),
        (lambda raw: raw["guidance"][0]["when"].update(weight=2), "unknown condition"),
        (lambda raw: raw["guidance"][1].update(id=raw["guidance"][0]["id"]), "repeated ids"),
        (lambda raw: raw["guidance"][0].pop("text"), "missing"),
        (lambda raw: raw["explanations"][0].update(joint=True), "unexpected"),
        (lambda raw: raw["guidance"][0]["when"].update(min_count=3), "min_count"),
        (lambda raw: raw.update(extra=[]), "expected an object"),
    ],
)
def test_spoilt_data_is_refused(spoil: Callable[[dict[str, Any]], object], message: str) -> None:
    raw = copy.deepcopy(_raw())
    _read_book(raw, "en.json")  # the untouched copy is fine
    spoil(raw)
    with pytest.raises(ValueError, match=re.escape(message)):
        _read_book(raw, "en.json")


def test_every_guidance_item_is_reachable() -> None:
    seen = {
        a.id
        for findings in _finding_maps()
        for me_pursues, pull_back, low_data in _FACT_VALUES
        for a in _guidance(findings, me_pursues, pull_back=pull_back, low_data=low_data)
    }
    assert seen == {r.id for r in _book("en").guidance}


def test_every_explanation_is_reachable() -> None:
    seen = {
        a.id
        for findings in _finding_maps()
        for me_pursues, pull_back, _ in _FACT_VALUES
        for a in choose_explanations(findings, me_pursues=me_pursues, pull_back=pull_back)
    }
    assert seen == {r.id for r in _book("en").explanations}


# --------------------------------------------------------------------------- the texts


@pytest.mark.parametrize(("item_id", "title", "text"), _all_items())
def test_texts_are_short(item_id: str, title: str, text: str) -> None:
    assert 2 <= len(_SENTENCE_END.findall(text)) <= 4, item_id
    assert len(text.split()) <= MAX_WORDS, item_id
    assert len(title.split()) <= MAX_TITLE_WORDS, item_id


@pytest.mark.parametrize(("item_id", "title", "text"), _all_items())
def test_texts_are_gender_neutral_and_never_diagnose(item_id: str, title: str, text: str) -> None:
    both = f"{title} {text}"
    assert not _GENDERED.search(both), item_id
    assert not any(word in both.lower() for word in _DIAGNOSTIC), item_id


def test_explanations_are_offered_as_possibilities() -> None:
    assert all(r.text.startswith("One possibility is") for r in _book("en").explanations)


# --------------------------------------------------------------------------- the choices


@pytest.mark.parametrize("me_pursues", [True, False, None])
def test_a_calm_couple_gets_only_reassurance(me_pursues: bool | None) -> None:
    calm: Findings = dict.fromkeys(FINDING_IDS, "none")
    advice = _guidance(calm, me_pursues)
    assert _ids(advice) == ["all_calm"]
    assert advice[0].because == ()
    assert not any(word in advice[0].text.lower() for word in _ALARMING)
    assert choose_explanations(calm, me_pursues=me_pursues, pull_back=False) == []


def test_little_data_says_so_even_when_calm() -> None:
    assert _ids(_guidance({}, low_data=True)) == ["low_data", "all_calm"]
    assert _guidance({}, low_data=True)[0].because == ("low_data",)


@pytest.mark.parametrize("abuse", ["concern", "serious"])
def test_abuse_puts_safety_first_and_drops_couples_work(abuse: Level) -> None:
    everything: Findings = dict.fromkeys(FINDING_IDS, "serious")
    everything["abuse"] = abuse
    advice = _guidance(everything, True, pull_back=True, low_data=True)
    assert advice[0].id == "safety_first"
    joint = {r.id for r in _book("en").guidance if r.joint}
    assert not joint & set(_ids(advice))
    assert not COUPLES_IDS & set(_ids(advice))
    assert {"walking_away", "keep_records", "trusted_people"} <= set(_ids(advice))
    assert choose_explanations(everything, me_pursues=True, pull_back=True) == []


def test_harsh_words_below_the_safety_level_get_a_gentler_item() -> None:
    ids = _ids(_guidance({"abuse": "watch", "repeated_cycles": "watch"}))
    assert "harsh_words" in ids and "safety_first" not in ids
    assert "couples_counselling" in ids


def test_walking_away_needs_a_serious_red_flag() -> None:
    together = _guidance({"repeated_cycles": "concern", "lack_of_effort": "concern"})
    assert "walking_away" not in _ids(together)
    noticing = next(a for a in together if a.id == "worth_noticing")
    assert noticing.because == ("repeated_cycles", "lack_of_effort")
    serious = _guidance({"gaslighting": "serious", "lack_of_effort": "concern"})
    walk = next(a for a in serious if a.id == "walking_away")
    assert walk.because == ("gaslighting",)
    assert "worth_noticing" not in _ids(serious)  # the tone follows the strongest evidence


def test_no_red_flag_above_watch_brings_neither_tone() -> None:
    ids = _ids(_guidance({"repeated_cycles": "watch", "emotional_distancing": "concern"}))
    assert "walking_away" not in ids and "worth_noticing" not in ids


def test_gaslighting_brings_record_keeping() -> None:
    keep = next(a for a in _guidance({"gaslighting": "watch"}) if a.id == "keep_records")
    assert keep.because == ("gaslighting",)


def test_stress_is_not_offered_when_there_is_hostility() -> None:
    quiet: Findings = {"emotional_distancing": "concern"}
    assert "stress_overload" in _ids(choose_explanations(quiet, me_pursues=None, pull_back=False))
    sharp: Findings = {**quiet, "irritability": "watch"}
    assert "stress_overload" not in _ids(
        choose_explanations(sharp, me_pursues=None, pull_back=False)
    )


def test_fear_of_closeness_needs_pull_back_or_cycles() -> None:
    avoid: Findings = {"future_avoidance": "concern"}
    alone = _ids(choose_explanations(avoid, me_pursues=None, pull_back=False))
    assert "relationship_uncertainty" in alone and "closeness_feels_risky" not in alone
    with_pull = choose_explanations(avoid, me_pursues=None, pull_back=True)
    risky = next(a for a in with_pull if a.id == "closeness_feels_risky")
    assert risky.because == ("future_avoidance", "pull_back")


def test_space_needs_only_with_otherwise_steady_effort() -> None:
    solitude: Findings = {"increased_solitude": "watch"}
    assert "space_needs" in _ids(choose_explanations(solitude, me_pursues=None, pull_back=False))
    one_sided: Findings = {**solitude, "lack_of_effort": "watch"}
    assert "space_needs" not in _ids(
        choose_explanations(one_sided, me_pursues=None, pull_back=False)
    )


_levels = st.sampled_from(LEVELS)


@given(
    findings=st.dictionaries(st.sampled_from(FINDING_IDS), _levels),
    me_pursues=st.sampled_from([True, False, None]),
    pull_back=st.booleans(),
    low_data=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_choices_keep_their_promises(
    findings: Findings, me_pursues: bool | None, pull_back: bool, low_data: bool
) -> None:
    advice = choose_guidance(
        findings, me_pursues=me_pursues, pull_back=pull_back, low_data=low_data
    )
    explanations = choose_explanations(findings, me_pursues=me_pursues, pull_back=pull_back)
    book = _book("en")
    ids = _ids(advice)
    # In the file's order of importance, each at most once.
    order = [r.id for r in book.guidance]
    assert ids == sorted(ids, key=order.index) and len(set(ids)) == len(ids)
    # Safety first, and no work "together" under abuse.
    unsafe = safety_first(findings)
    assert (ids[:1] == ["safety_first"]) is unsafe
    if unsafe:
        assert not {r.id for r in book.guidance if r.joint} & set(ids) and explanations == []
    # Pursuer items only for the pursuer.
    if me_pursues is not True:
        assert not PURSUER_IDS & {*ids, *_ids(explanations)}
    # "because" names only raised findings and true facts.
    facts = {"me_pursues": me_pursues, "pull_back": pull_back, "low_data": low_data}
    for a in [*advice, *explanations]:
        for name in a.because:
            assert name in FINDING_IDS + FACTS
            assert facts[name] is True if name in FACTS else findings.get(name, "none") != "none"
    # Reassurance exactly when nothing is raised, and then nothing alarming beside it.
    calm = all(level == "none" for level in findings.values()) and not pull_back
    assert ("all_calm" in ids) is calm
    if calm:
        assert set(ids) <= {"all_calm", "low_data"}


# --------------------------------------------------------------------------- arguments


def test_unknown_findings_and_levels_are_refused() -> None:
    with pytest.raises(UsageError, match="ghosting"):
        _guidance({"ghosting": "serious"})
    with pytest.raises(UsageError, match="severe"):
        _guidance({"abuse": "severe"})  # type: ignore[dict-item]
    with pytest.raises(UsageError, match="Unknown finding"):
        level_reached({}, "ghosting", "watch")


def test_level_reached_treats_missing_as_none() -> None:
    assert level_reached({}, "abuse", "none")
    assert not level_reached({}, "abuse", "watch")
    assert level_reached({"abuse": "serious"}, "abuse", "concern")


@pytest.mark.parametrize("lang", ["xx", "../en", "EN", ""])
def test_languages_without_a_file_fall_back_to_english(lang: str) -> None:
    findings: Findings = {"future_avoidance": "watch", "irritability": "concern"}
    english = choose_guidance(findings, me_pursues=True, pull_back=False, low_data=False)
    assert (
        choose_guidance(findings, me_pursues=True, pull_back=False, low_data=False, lang=lang)
        == english
    )
