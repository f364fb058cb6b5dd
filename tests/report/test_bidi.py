"""Names and messages in right-to-left scripts keep the text around them in order: every name
the page shows sits in its own <bdi>, every message text in a dir="auto" element."""

from __future__ import annotations

import re

from pushpull.analysis import analyze
from pushpull.report import build_report
from pushpull.synth import as_frame, generate

PARTNER = "نور"  # Arabic


def test_right_to_left_names_are_isolated() -> None:
    chat = generate("hot_cold", seed=2, days=90, n_cycles=2, me="Alex", partner=PARTNER)
    html = build_report(analyze(as_frame(chat), me="Alex"))
    body = html[html.index("<main") :]
    # attribute values (labels for screen readers, tooltips) cannot hold markup: leave them out
    text = re.sub(r'="[^"]*"', '=""', re.sub(r"='[^']*'", "=''", body))
    assert text.count(PARTNER) > 10
    bare = re.findall(rf".{{0,30}}(?<!<bdi>){PARTNER}(?!</bdi>).{{0,30}}", text)
    assert bare == []
    assert f"<h1>What pushpull found in your messages with <bdi>{PARTNER}</bdi></h1>" in body
    assert f"and <bdi>{PARTNER}</bdi>," in body
