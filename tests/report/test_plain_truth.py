"""The page tells the truth plainly: every chart's sentence agrees with the chart, the main text
has no statistical or internal words, safety comes first when abuse is flagged (and nothing then
asks the user to soften or try harder), and a calm couple reads as calm.

The scenarios come from :mod:`pushpull.synth.realistic`; the checks read the rendered HTML and
the figures' own data, not the code that wrote the sentences."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from pushpull.analysis import Analysis
from pushpull.report import build_dashboard, build_report
from pushpull.testing.scenarios import run_case

FAMILIES = (
    "stable",
    "abuse",
    "irregular_hot_cold",
    "pursuer",
    "reversed_roles",
    "gaslighting",
    "controlling",
    "too_little",
    "teasing",
    "subtle_withdrawal",
)
#: Words that belong behind "how we know", never in the main text.
JARGON = re.compile(
    r"\bSD\b|\bp\s*[=<]|p-value|probability|engagement score|barrage|baseline|regime|"
    r"surrogate|z-score|quite sure|fairly sure|not very sure|--[a-z]+|That command",
    re.IGNORECASE,
)
#: Words that would read as a diagnosis or a forecast.
VERDICTS = re.compile(
    r"narcissis|borderline|disorder|sociopath|psychopath|avoidant attachment|"
    r"will (leave|cheat|change)|is going to",
    re.IGNORECASE,
)
#: Guidance that asks the user to give space, soften or try harder.
SOFTENING = ("giving_space", "calm_opener", "no_barrage", "couples_counselling", "plans_talk")


@pytest.fixture(scope="module")
def analyses() -> dict[str, Analysis]:
    return {family: run_case(family, 0)[1] for family in FAMILIES}


class MainText(HTMLParser):
    """The text a reader sees without opening a toggle: everything but scripts, styles, the
    contents of closed <details> (their <summary> stays) and attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0  # inside script/style
        self._details: list[bool] = []  # per open <details>: are we past its <summary>?
        self._in_summary = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "details":
            self._details.append(False)
        elif tag == "summary":
            self._in_summary += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag == "details":
            self._details.pop()
        elif tag == "summary":
            self._in_summary -= 1
            if self._details:
                self._details[-1] = True

    def handle_data(self, data: str) -> None:
        hidden = any(self._details) and not self._in_summary
        if not self._skip and not hidden:
            self.parts.append(data)

    @classmethod
    def of(cls, html: str) -> str:
        reader = cls()
        reader.feed(html)
        return re.sub(r"\s+", " ", " ".join(reader.parts))


@pytest.mark.parametrize("family", FAMILIES)
def test_the_main_text_has_no_jargon_and_no_verdict(
    analyses: dict[str, Analysis], family: str
) -> None:
    text = MainText.of(build_report(analyses[family]))
    assert "Warm and distant times" in text  # the reader does see the page's text
    assert not JARGON.search(text), JARGON.search(text)
    assert not VERDICTS.search(text), VERDICTS.search(text)


def test_the_figures_stay_behind_how_we_know(analyses: dict[str, Analysis]) -> None:
    html = build_report(analyses["irregular_hot_cold"])
    assert "p-value of the cycle count" in html
    assert "p-value" not in MainText.of(html)


def test_with_abuse_flagged_safety_comes_first_and_nothing_asks_to_soften(
    analyses: dict[str, Analysis],
) -> None:
    a = analyses["abuse"]
    assert a.safety is not None
    assert not {g.id for g in a.guidance} & set(SOFTENING)
    assert a.explanations == []
    html = build_report(a, region="GB")
    body = html[html.index("<main") :]
    assert body.index('id="safety"') < body.index("<h1")
    first_line = re.search(r'<ul class="helplines">.*?</li>', body, re.DOTALL)
    assert first_line is not None and "United Kingdom" in first_line.group(0)
    assert 'href="tel:08082000247"' in first_line.group(0)
    assert body.index('href="tel:999"') < body.index('<ul class="helplines">')  # danger now
    assert "Help in other countries" in body
    text = MainText.of(html)
    for softening in ("Give space", "Name the pattern calmly", "Consider couples counselling"):
        assert softening.casefold() not in text.casefold()


def test_helplines_follow_the_readers_country(analyses: dict[str, Analysis]) -> None:
    a = analyses["abuse"]
    us = build_dashboard(a, region="US")
    assert {r.region for r in us.helplines} == {"US"}
    assert us.other_helplines[0].region is None  # then the international directories
    unknown = build_dashboard(a, region="ZZ")
    assert {r.region for r in unknown.helplines} == {None}
    html = build_report(a, region="US")
    assert 'href="sms:88788?body=START"' in html


def test_a_calm_couple_reads_as_calm(analyses: dict[str, Analysis]) -> None:
    a = analyses["stable"]
    html = build_report(a)
    text = MainText.of(html)
    assert 'id="safety"' not in html
    assert "No hot-and-cold pattern in these messages." in text
    for alarm in ("walk away", "leaving", "Serious", "Worth noticing", "cycle 1"):
        assert alarm.casefold() not in text.casefold(), alarm
    assert not re.search(r"\b0 (warm|distant|full cycles)", text)


def test_walk_away_words_need_a_serious_red_flag(analyses: dict[str, Analysis]) -> None:
    for family, a in analyses.items():
        serious = any(f.level == "serious" for f in a.red_flags if f.id != "abuse")
        ids = {g.id for g in a.guidance}
        assert ("walking_away" in ids) == (serious and a.safety is None) or (
            "walking_away" in ids and serious
        ), family
        text = MainText.of(build_report(a))
        if not serious:
            assert "time to walk away" not in text.casefold(), family


# --------------------------------------------------------------------------- sentence = chart


def _numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def _bars(figure: dict[str, Any]) -> list[Any]:
    return [x for trace in figure["data"] for x in trace["x"]]


@pytest.mark.parametrize("family", FAMILIES)
def test_every_sentence_agrees_with_its_chart(analyses: dict[str, Analysis], family: str) -> None:
    a = analyses[family]
    charts = build_dashboard(a).charts

    starts = charts["initiations"]
    mine, theirs = (float(x) for x in _bars(starts.figure))
    said = re.search(r"you (\d+)%, .+ (\d+)%\.$", starts.description)
    assert said is not None
    assert (float(said.group(1)), float(said.group(2))) == (round(mine), round(theirs))
    if "you started more" in starts.description:
        assert mine > theirs
    elif "started more" in starts.description:
        assert theirs > mine
    else:
        assert "took turns" in starts.description and abs(mine - theirs) < 10

    replies = charts["replies"]
    mine, theirs = _bars(replies.figure)
    if "takes longer to answer than you" in replies.description:
        assert theirs > mine
    elif "take longer to answer than" in replies.description:
        assert mine > theirs
    for shown, minutes in zip(replies.figure["data"][0]["text"], (mine, theirs), strict=True):
        assert shown in replies.description
        assert minutes == 0 or shown != "–"

    follow = charts["follow_ups"]
    assert _numbers(follow.description) == [float(x) for x in _bars(follow.figure)]

    effort = charts["effort"]
    drawn = [x for x in _bars(effort.figure) if x is not None]
    assert _numbers(effort.description) == [float(x) for x in drawn]
    if "came from you" in effort.description:
        assert sum(drawn) / len(drawn) > 50
    elif "came from" in effort.description:
        assert sum(drawn) / len(drawn) < 50

    if "bids" in charts:
        bids = charts["bids"]
        pulled, not_pulled = _bars(bids.figure)
        told = _numbers(bids.description)
        assert told[0] == pulled + not_pulled and told[1] == pulled and told[3] == not_pulled

    timeline = charts["timeline"]
    shapes = timeline.figure["layout"].get("shapes", [])
    ends = [s for s in shapes if s["type"] == "line"]
    assert len(ends) == a.cycles.count
    if a.cycles.count:
        warm = sum(s["fillcolor"] == shapes[0]["fillcolor"] for s in shapes if s["type"] == "rect")
        told = _numbers(timeline.description)
        n_rect = sum(s["type"] == "rect" for s in shapes)
        assert told[0] + told[1] == n_rect and told[2] == a.cycles.count
        assert warm in (told[0], told[1])
    else:
        assert timeline.description.startswith("No hot-and-cold pattern")


def test_effort_card_and_chart_give_the_same_shares(analyses: dict[str, Analysis]) -> None:
    for a in analyses.values():
        card = next(f for f in a.red_flags if f.id == "lack_of_effort")
        if card.level == "none":
            continue
        chart = build_dashboard(a).charts["effort"].description
        for share in re.findall(r"\d+%", card.summary):
            assert share in chart


def _near(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance


@pytest.mark.parametrize("family", FAMILIES)
def test_every_card_states_what_its_numbers_show(
    analyses: dict[str, Analysis], family: str
) -> None:
    """Direction and size: "N% fewer" is a measured value N% under its usual one; "N times as
    long" is a value N times its usual; "made N% of the plans" is that share."""
    checked = 0
    for card in [*analyses[family].signs, *analyses[family].red_flags]:
        metrics = [m for m in card.evidence.metrics if m.value is not None]
        for n in re.findall(r"(\d+)% (?:less|fewer)", card.summary):
            assert any(
                m.baseline
                and m.value < m.baseline
                and _near(100 * (1 - m.value / m.baseline), int(n), 1.0)
                for m in metrics
            ), (card.id, card.summary)
            checked += 1
        for n in re.findall(r"(\d+(?:\.\d+)?) times as (?:long|often)", card.summary):
            assert any(
                m.baseline and m.value > m.baseline and _near(m.value / m.baseline, float(n), 0.51)
                for m in metrics
            ), (card.id, card.summary)
            checked += 1
        for n in re.findall(r"made (\d+)% of the plans", card.summary):
            assert any(m.unit == "share" and round(100 * m.value) == int(n) for m in metrics)
            checked += 1
    if family in ("irregular_hot_cold", "subtle_withdrawal"):
        assert checked >= 4  # the rules did meet the cards they are about
