from __future__ import annotations

import json

import polars as pl

from pushpull.analysis import Analysis
from pushpull.report import build_dashboard, messages_around, quoted_refs
from pushpull.report.config import ReportConfig


def test_every_chart_has_a_sentence_and_a_table(sam: tuple[pl.DataFrame, Analysis]) -> None:
    _, analysis = sam
    dashboard = build_dashboard(analysis)
    assert {"timeline", "replies", "initiations", "follow_ups", "effort"} <= set(dashboard.charts)
    for chart in dashboard.charts.values():
        assert chart.title and chart.description.endswith(".")
        assert chart.table.rows and all(
            len(row) == len(chart.table.headers) for row in chart.table.rows
        )
        json.dumps(chart.figure)  # plain data Plotly can read


def test_the_timeline_marks_each_cycle_and_shades_the_phases(
    sam: tuple[pl.DataFrame, Analysis],
) -> None:
    _, analysis = sam
    timeline = build_dashboard(analysis).charts["timeline"]
    layout = timeline.figure["layout"]
    assert analysis.cycles.count >= 2
    ends = [s for s in layout["shapes"] if s["type"] == "line"]
    assert len(ends) == analysis.cycles.count
    assert [s["showlegend"] for s in ends] == [True] + [False] * (len(ends) - 1)
    shaded = [s for s in layout["shapes"] if s["type"] == "rect"]
    # the shading has a legend entry per kind, and hues of its own (not the lines' colours)
    assert sorted(s["name"].split()[0] for s in shaded if s["showlegend"]) == ["distant", "warm"]
    line_colours = {t["line"]["color"] for t in timeline.figure["data"]}
    assert not line_colours & {s["fillcolor"] for s in shaded}
    phases = [
        p for p in analysis.phases if p.person == analysis.cycles.person and p.state != "neutral"
    ]
    assert len(shaded) == len(phases)
    names = [t["name"] for t in timeline.figure["data"]]
    assert names == [f"{analysis.me} (you)", analysis.partner]
    assert len(timeline.figure["data"][0]["x"]) == analysis.period.days
    n_warm = sum(p.state == "warm" for p in phases)
    assert timeline.description.startswith(
        f"{n_warm} warm stretch{'es' if n_warm != 1 else ''} and {len(phases) - n_warm} distant"
    )
    assert f"make {analysis.cycles.count} full cycles" in timeline.description
    assert layout["yaxis"]["ticktext"][2] == "usual"


def test_findings_are_ordered_most_worrying_first(sam: tuple[pl.DataFrame, Analysis]) -> None:
    _, analysis = sam
    order = ("serious", "concern", "watch", "none")
    dashboard = build_dashboard(analysis)
    for shown in (dashboard.signs, dashboard.red_flags):
        ranks = [order.index(f.level) for f in shown]
        assert ranks == sorted(ranks)
    assert {f.id for f in dashboard.signs} == {f.id for f in analysis.signs}


def test_little_data_is_flagged(short: Analysis) -> None:
    assert build_dashboard(short).low_data
    assert not short.data_sufficiency.enough


def test_messages_around_a_quote(sam: tuple[pl.DataFrame, Analysis]) -> None:
    frame, analysis = sam
    refs = quoted_refs(analysis)
    assert refs
    config = ReportConfig(context_messages=3)
    found = messages_around(frame, [*refs, 10**9], config=config)
    assert 10**9 not in found
    for ref in refs:
        messages = found[ref]
        quoted = [m for m in messages if m.is_quote]
        assert len(quoted) == 1 and quoted[0].ref == ref
        assert len(messages) <= 7
        times = [m.at for m in messages]
        assert times == sorted(times)
    first_seq = int(frame["seq"][0])
    assert len(messages_around(frame, [first_seq], config=config)[first_seq]) == 4
