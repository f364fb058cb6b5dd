from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest

from pushpull.analysis import Analysis, analyze
from pushpull.errors import UsageError
from pushpull.report import ReportConfig, build_report, inline_script, plotly_js, write_report
from pushpull.store import Store, import_file
from pushpull.synth import as_frame, generate

NAMES = ("Alex", "Sam", "Taylor")


class Resources(HTMLParser):
    """Every address the document would load, and its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.scripts = 0
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for key in ("src", "href") if tag != "a" else ():
            if found.get(key):
                self.loads.append(str(found[key]))
        self.handlers += [k for k in found if k.startswith("on")]


def without_plotly(html: str) -> str:
    bundle = str(inline_script(plotly_js()))
    assert bundle in html
    return html.replace(bundle, "")


@pytest.fixture(scope="module")
def report(sam: tuple[pl.DataFrame, Analysis]) -> str:
    frame, analysis = sam
    return build_report(analysis, messages=frame)


@pytest.fixture(scope="module")
def redacted(sam: tuple[pl.DataFrame, Analysis]) -> str:
    frame, analysis = sam
    return build_report(analysis, messages=frame, redact=True)


def test_the_report_is_one_self_contained_file(report: str) -> None:
    parser = Resources()
    parser.feed(report)
    assert parser.loads == []
    assert parser.scripts == 2  # Plotly and page.js; the figures are data attributes
    assert parser.handlers == []
    assert len(report.encode()) < ReportConfig().max_report_bytes
    assert "<style>" in report and "Plotly" in report


def test_the_report_holds_the_dashboard(report: str, sam: tuple[pl.DataFrame, Analysis]) -> None:
    _, analysis = sam
    assert analysis.headline in report
    assert f'data-cycles="{analysis.cycles.count}"' in report
    assert f"make {analysis.cycles.count} full cycles" in report
    for finding in [*analysis.signs, *analysis.red_flags]:
        assert f'id="finding-{finding.id}"' in report
    for advice in analysis.guidance:
        assert advice.title in report
    assert 'data-exit="about:blank"' in report and 'id="quick-exit"' in report
    if any(f.evidence.quotes for f in analysis.signs):
        assert "See it in the conversation" in report and 'class="message quoted"' in report


def test_the_redacted_report_names_nobody(redacted: str) -> None:
    text = without_plotly(redacted)
    for name in NAMES:
        assert not re.search(rf"\b{name}\b", text, re.IGNORECASE), name
    assert "Partner" in text and "You" in text
    assert "Names are replaced" in text


def test_an_unredacted_report_does_name_them(report: str) -> None:
    text = without_plotly(report)
    assert all(re.search(rf"\b{name}\b", text) for name in NAMES)


def test_write_report_from_the_store(sam_store_home: Path, tmp_path: Path) -> None:
    with Store(sam_store_home, read_only=True) as store:
        path = write_report(store, "Sam Taylor", tmp_path / "out.html", redact=True)
    html = path.read_text("utf-8")
    assert html.startswith("<!doctype html>")
    assert not re.search(r"\bTaylor\b", without_plotly(html))


def test_write_report_needs_to_know_who_you_are(tmp_path: Path) -> None:
    export = tmp_path / "chat.txt"
    export.write_text(
        "06/01/2025, 10:00 - Alex: hi\n06/01/2025, 10:01 - Sam: hello\n", encoding="utf-8"
    )
    with Store(tmp_path / "home") as store:
        import_file(store, export, name="Sam")
        with pytest.raises(UsageError, match="which person is you"):
            write_report(store, "Sam", tmp_path / "out.html")
    assert not (tmp_path / "out.html").exists()


def test_safety_comes_before_everything_else() -> None:
    chat = generate("abuse", seed=5, days=90, me="Alex", partner="Sam")
    analysis = analyze(as_frame(chat), me="Alex", conversation="Sam")
    assert analysis.safety is not None
    html = build_report(analysis)
    assert html.index('id="safety"') < html.index('id="headline"')
    first = analysis.safety.resources[0]
    assert first.name in html
    redacted = without_plotly(build_report(analysis, redact=True))
    assert first.name in redacted and (first.url or first.phone or "") in redacted


def test_a_short_conversation_says_there_is_too_little(short: Analysis) -> None:
    html = build_report(short)
    assert short.headline in html and "too little to go on" in html
    assert "Too little data" in html


def test_the_vendored_plotly_bundle_is_the_pinned_basic_one() -> None:
    from pushpull.report._templates import PLOTLY_SHA256

    bundle = plotly_js()
    assert hashlib.sha256(bundle.encode("utf-8")).hexdigest() == PLOTLY_SHA256
    assert bundle.startswith("/**\n* plotly.js (basic - minified) v")
    assert len(bundle.encode()) < 1_300_000  # a quarter of the full bundle


def test_every_chart_draws_only_traces_the_bundle_has(sam: tuple[pl.DataFrame, Analysis]) -> None:
    from pushpull.report import build_dashboard
    from pushpull.report._templates import PLOTLY_TRACES

    charts = build_dashboard(sam[1]).charts.values()
    assert {t["type"] for c in charts for t in c.figure["data"]} <= set(PLOTLY_TRACES)


def test_a_long_history_report_stays_under_the_size_bound() -> None:
    """Two years of daily texting, quotes and all: still small enough to e-mail."""
    from pushpull.testing.scenarios import run_case

    _, analysis, _ = run_case("long_history", 0)
    assert analysis.period.days > 700
    html = build_report(analysis, redact=True)
    assert len(html.encode()) < ReportConfig().max_report_bytes == 1_500_000
