"""The shared stylesheet and script: WCAG AA contrast for every text colour on the backgrounds
it is used on, and no inline event handlers or outside addresses."""

from __future__ import annotations

import re

import pytest

from pushpull.report import asset_text
from pushpull.report._view import PALETTE

#: (text colour, background colour) pairs the stylesheet puts together.
PAIRS = [
    ("text", "background"),
    ("text", "panel"),
    ("muted", "background"),
    ("muted", "panel"),
    ("accent", "background"),
    ("accent", "panel"),
    ("accent-text", "accent"),
    ("exit-text", "exit"),
    ("level-text", "serious"),
    ("level-text", "concern"),
    ("level-text", "watch"),
    ("level-text", "none"),
    ("level-text", "low"),
    ("serious", "background"),
    ("safety-text", "safety-bg"),
    ("text", "mark"),
    ("text", "me-bubble"),
    ("muted", "me-bubble"),
    ("text", "quoted"),
    ("muted", "quoted"),
]
#: WCAG 2 AA for normal-size text.
AA = 4.5


def colours() -> dict[str, str]:
    root = re.search(r":root\s*{(.*?)}", asset_text("pushpull.css"), re.DOTALL)
    assert root is not None
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", root.group(1)))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize(("fg", "bg"), PAIRS)
def test_text_meets_wcag_aa(fg: str, bg: str) -> None:
    named = colours()
    assert contrast(named[fg], named[bg]) >= AA, (fg, bg, named[fg], named[bg])


@pytest.mark.parametrize("who", ["me", "partner"])
def test_chart_colours_stand_out_from_white(who: str) -> None:
    assert contrast(PALETTE[who], "#ffffff") >= AA


@pytest.mark.parametrize("name", ["pushpull.css", "page.js"])
def test_assets_load_nothing_from_outside(name: str) -> None:
    text = asset_text(name)
    assert "http://" not in text and "https://" not in text and "@import" not in text
    assert not re.search(r"\bon[a-z]+\s*=", text)


def test_the_stylesheet_has_phone_and_print_rules() -> None:
    css = asset_text("pushpull.css")
    assert "@media (max-width: 40rem)" in css
    assert "@media print" in css and ".quick-exit" in css.split("@media print", 1)[1]
