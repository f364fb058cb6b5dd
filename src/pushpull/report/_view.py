"""What the dashboard shows, computed once from an :class:`Analysis`: the charts (as Plotly
figures, each with a sentence and a table that say the same in text), the findings in the order
they are shown, and the messages around each quote."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import polars as pl

from pushpull.analysis import Analysis
from pushpull.assess import LEVELS, Finding
from pushpull.report._format import day, delay, number, percent, span
from pushpull.report.config import DEFAULT_CONFIG, ReportConfig

__all__ = [
    "PALETTE",
    "Chart",
    "ContextMessage",
    "Dashboard",
    "Table",
    "build_dashboard",
    "messages_around",
    "quoted_refs",
]

#: Colours of the charts: the two people differ in hue and in line style (for colour-blind
#: readers), the shaded phases are pale enough for the lines to keep their contrast.
PALETTE: Mapping[str, str] = {
    "me": "#1d4f91",
    "partner": "#a63c06",
    "warm": "rgba(214, 96, 20, 0.16)",
    "distant": "rgba(40, 90, 190, 0.16)",
    "cycle": "#5a5a5a",
    "grid": "#e2e2e2",
    "text": "#1a1a1a",
    "even": "#5a5a5a",
}
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_EFFORT_KINDS = (
    ("initiations", "Starting conversations", "solid"),
    ("messages", "Messages", "dot"),
    ("words", "Words", "dash"),
    ("questions", "Questions", "dashdot"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """A chart's numbers as a table (its text alternative)."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """One chart: a Plotly figure plus a sentence and a table saying the same in words."""

    key: str
    title: str
    description: str
    figure: dict[str, Any]
    table: Table


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextMessage:
    """One message of the conversation shown around a quote."""

    ref: int
    at: datetime
    sender: str
    text: str
    kind: str
    is_quote: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Dashboard:
    """Everything the dashboard template needs."""

    analysis: Analysis
    charts: Mapping[str, Chart]
    signs: tuple[Finding, ...]
    red_flags: tuple[Finding, ...]
    low_data: bool
    #: Messages around each quoted message, by its ``ref`` (filled for the report; the app
    #: loads them when a reader asks).
    contexts: Mapping[int, tuple[ContextMessage, ...]] = field(default_factory=dict)
    redacted: bool = False


def _by_level(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Most worrying first; the analysis order otherwise."""
    return tuple(sorted(findings, key=lambda f: -LEVELS.index(f.level)))


def _layout(config: ReportConfig, y_title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "height": config.chart_height_px,
        "margin": {"l": 56, "r": 16, "t": 16, "b": 40},
        "font": {"family": _FONT, "size": 13, "color": PALETTE["text"]},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": 1.12},
        "xaxis": {"gridcolor": PALETTE["grid"], "automargin": True},
        "yaxis": {
            "title": {"text": y_title},
            "gridcolor": PALETTE["grid"],
            "zerolinecolor": "#9a9a9a",
            "automargin": True,
        },
    }
    layout.update(extra)
    return layout


def _colour(a: Analysis, person: str) -> str:
    return PALETTE["me"] if person == a.me else PALETTE["partner"]


def _label(a: Analysis, person: str) -> str:
    if person != a.me or person.casefold() == "you":
        return person
    return f"{person} (you)"


def _timeline(a: Analysis, config: ReportConfig) -> Chart:
    traces: list[dict[str, Any]] = []
    for person, dash in ((a.me, "solid"), (a.partner, "dash")):
        points = [p for p in a.timeline if p.person == person]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": _label(a, person),
                "x": [p.date.isoformat() for p in points],
                "y": [p.smoothed for p in points],
                "customdata": [p.messages for p in points],
                "line": {"color": _colour(a, person), "width": 2.5, "dash": dash},
                "hovertemplate": "%{x|%d %b %Y}: %{y:.2f} (%{customdata} messages)"
                f"<extra>{_label(a, person)}</extra>",
            }
        )
    shaded = [p for p in a.phases if p.person == a.cycles.person and p.state != "neutral"]
    shapes: list[dict[str, Any]] = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "paper",
            "x0": p.start.isoformat(),
            "x1": (p.end + timedelta(days=1)).isoformat(),
            "y0": 0,
            "y1": 1,
            "fillcolor": PALETTE[p.state],
            "line": {"width": 0},
            "layer": "below",
        }
        for p in shaded
    ]
    annotations: list[dict[str, Any]] = []
    swings = a.cycles.swings
    for k in range(a.cycles.count):
        closing = swings[2 * k + 1]
        at = closing.start.isoformat()
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": at,
                "x1": at,
                "y0": 0,
                "y1": 1,
                "line": {"color": PALETTE["cycle"], "width": 1.5, "dash": "dot"},
            }
        )
        annotations.append(
            {
                "x": at,
                "y": 1,
                "xref": "x",
                "yref": "paper",
                "yanchor": "bottom",
                "text": f"cycle {k + 1}",
                "showarrow": False,
                "font": {"size": 12, "color": PALETTE["text"]},
            }
        )
    who = a.cycles.person
    n_warm = sum(p.state == "warm" for p in shaded)
    n_distant = len(shaded) - n_warm
    description = (
        f"Each person's engagement from {day(a.period.start)} to {day(a.period.end)}, where 0 is "
        f"their usual. Shaded: {who}'s {n_warm} warm stretch{'es' if n_warm != 1 else ''} "
        f"(orange) and {n_distant} distant stretch{'es' if n_distant != 1 else ''} (blue); "
        f"dotted lines mark the end of each of the {a.cycles.count} "
        f"hot-and-cold cycle{'s' if a.cycles.count != 1 else ''}."
    )
    rows = tuple(
        (_label(a, p.person), p.state, span(p.start, p.end), number(p.days), f"{p.level:+.2f}")
        for p in a.phases
    )
    figure = {
        "data": traces,
        "layout": _layout(
            config,
            "Engagement (0 = usual)",
            shapes=shapes,
            annotations=annotations,
            margin={"l": 56, "r": 16, "t": 40, "b": 40},
            legend={"orientation": "h", "x": 0, "y": -0.18},
        ),
    }
    table = Table(
        caption="Warm, neutral and distant stretches",
        headers=("who", "stretch", "dates", "days", "level"),
        rows=rows,
    )
    return Chart(
        key="timeline",
        title="How close each of you was, day by day",
        description=description,
        figure=figure,
        table=table,
    )


def _bars(
    a: Analysis,
    config: ReportConfig,
    *,
    key: str,
    title: str,
    description: str,
    values: Mapping[str, float | None],
    text: Mapping[str, str],
    axis: str,
    table_header: str,
) -> Chart:
    people = [a.me, a.partner]
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": [_label(a, p) for p in people],
        "x": [values.get(p) or 0 for p in people],
        "text": [text[p] for p in people],
        "textposition": "auto",
        "marker": {"color": [_colour(a, p) for p in people]},
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    layout = _layout(
        config,
        "",
        showlegend=False,
        height=min(config.chart_height_px, 180),
        xaxis={"title": {"text": axis}, "gridcolor": PALETTE["grid"], "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    table = Table(
        caption=title,
        headers=("who", table_header),
        rows=tuple((_label(a, p), text[p]) for p in people),
    )
    return Chart(
        key=key,
        title=title,
        description=description,
        figure={"data": [trace], "layout": layout},
        table=table,
    )


def _replies(a: Analysis, config: ReportConfig) -> Chart:
    minutes = {
        p: (None if s is None else s / 60) for p, s in a.pursue_withdraw.median_reply_s.items()
    }
    text = {p: delay(a.pursue_withdraw.median_reply_s.get(p)) for p in (a.me, a.partner)}
    return _bars(
        a,
        config,
        key="replies",
        title="How long each of you takes to answer",
        description=(
            f"Typical time to answer (waking hours only): you {text[a.me]}, "
            f"{a.partner} {text[a.partner]}."
        ),
        values=minutes,
        text=text,
        axis="minutes (median)",
        table_header="typical time to answer",
    )


def _initiations(a: Analysis, config: ReportConfig) -> Chart:
    shares = a.pursue_withdraw.initiation_share
    text = {p: percent(shares.get(p)) for p in (a.me, a.partner)}
    return _bars(
        a,
        config,
        key="initiations",
        title="Who starts the conversations",
        description=(
            f"You started {text[a.me]} of the conversations and {a.partner} {text[a.partner]}."
        ),
        values={p: 100 * (v or 0) for p, v in shares.items()},
        text=text,
        axis="% of conversations started",
        table_header="share of conversations started",
    )


def _follow_ups(a: Analysis, config: ReportConfig) -> Chart:
    pw = a.pursue_withdraw
    kinds = (
        ("Double texts", pw.double_texts),
        ("Barrages", pw.barrages),
        ("Openings left unanswered", pw.unanswered_openings),
    )
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": _label(a, person),
            "y": [label for label, _ in kinds],
            "x": [counts.get(person, 0) for _, counts in kinds],
            "marker": {"color": _colour(a, person)},
            "hovertemplate": "%{y}: %{x}" + f"<extra>{_label(a, person)}</extra>",
        }
        for person in (a.me, a.partner)
    ]
    rows = tuple(
        (_label(a, p), *(number(counts.get(p, 0)) for _, counts in kinds))
        for p in (a.me, a.partner)
    )
    description = (
        f"You sent {number(pw.double_texts.get(a.me, 0))} double texts and "
        f"{number(pw.barrages.get(a.me, 0))} barrages; {a.partner} sent "
        f"{number(pw.double_texts.get(a.partner, 0))} and {number(pw.barrages.get(a.partner, 0))}."
    )
    layout = _layout(
        config,
        "",
        barmode="group",
        xaxis={"title": {"text": "how many times"}, "gridcolor": PALETTE["grid"]},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return Chart(
        key="follow_ups",
        title="Following up when there is no answer",
        description=description,
        figure={"data": traces, "layout": layout},
        table=Table(
            caption="Following up when there is no answer",
            headers=("who", *(label.lower() for label, _ in kinds)),
            rows=rows,
        ),
    )


def _effort(a: Analysis, config: ReportConfig) -> Chart:
    periods = a.effort.periods or [a.effort.overall]
    x = [p.start.isoformat() for p in periods]
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": label,
            "x": x,
            "y": [None if getattr(p, name) is None else 100 * getattr(p, name) for p in periods],
            "line": {"dash": dash, "width": 2},
            "hovertemplate": "%{x|%b %Y}: %{y:.0f}%" + f"<extra>{label}</extra>",
        }
        for name, label, dash in _EFFORT_KINDS
    ]
    overall = a.effort.overall
    description = (
        f"Your share of the effort over the whole time: {percent(overall.initiations)} of the "
        f"conversations started, {percent(overall.messages)} of the messages, "
        f"{percent(overall.words)} of the words and {percent(overall.questions)} of the "
        "questions (50% is even)."
    )
    rows = tuple(
        (span(p.start, p.end), *(percent(getattr(p, name)) for name, _, _ in _EFFORT_KINDS))
        for p in periods
    )
    layout = _layout(
        config,
        "your share (%)",
        colorway=["#1d4f91", "#a63c06", "#2f6b34", "#6a3d9a"],
        yaxis={
            "title": {"text": "your share (%)"},
            "range": [0, 100],
            "gridcolor": PALETTE["grid"],
        },
        shapes=[
            {
                "type": "line",
                "xref": "paper",
                "yref": "y",
                "x0": 0,
                "x1": 1,
                "y0": 50,
                "y1": 50,
                "line": {"color": PALETTE["even"], "width": 1, "dash": "dot"},
            }
        ],
    )
    return Chart(
        key="effort",
        title="Your share of the effort, month by month",
        description=description,
        figure={"data": traces, "layout": layout},
        table=Table(
            caption="Your share of the effort (50% is even)",
            headers=("period", *(label.lower() for _, label, _ in _EFFORT_KINDS)),
            rows=rows,
        ),
    )


def _bids(a: Analysis, config: ReportConfig) -> Chart:
    days = sorted(a.bids.worst, key=lambda d: d.date)[: config.max_bid_days]
    pulls = sorted(a.bids.pull_back.events, key=lambda d: d.date)[: config.max_bid_days]
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": "after you reached out warmly",
            "x": [day(d.date) for d in days],
            "y": [d.response for d in days],
            "customdata": [d.n_bids for d in days],
            "marker": {"color": PALETTE["me"]},
            "hovertemplate": "%{x}: %{y:+.2f} (%{customdata} warm messages)<extra></extra>",
        }
    ]
    if pulls:
        traces.append(
            {
                "type": "bar",
                "name": "after you held back",
                "x": [day(d.date) for d in pulls],
                "y": [d.response for d in pulls],
                "marker": {"color": PALETTE["partner"]},
                "hovertemplate": "%{x}: %{y:+.2f}<extra></extra>",
            }
        )
    rows = tuple(
        (day(d.date), "reached out warmly", number(d.n_bids), f"{d.response:+.2f}") for d in days
    ) + tuple((day(d.date), "held back", number(d.n_bids), f"{d.response:+.2f}") for d in pulls)
    description = (
        f"The days you reached out warmly that were followed by the biggest change in "
        f"{a.partner}'s engagement over the next week; below zero, {a.partner} became less "
        "engaged than on comparable days."
    )
    return Chart(
        key="bids",
        title="What followed when you reached out",
        description=description,
        figure={
            "data": traces,
            "layout": _layout(
                config,
                f"{a.partner}'s change (SD)",
                barmode="group",
                xaxis={"type": "category", "automargin": True},
            ),
        },
        table=Table(
            caption="What followed when you reached out",
            headers=("day", "you", "warm messages", f"{a.partner}'s change"),
            rows=rows,
        ),
    )


def build_dashboard(
    analysis: Analysis,
    *,
    contexts: Mapping[int, tuple[ContextMessage, ...]] | None = None,
    redacted: bool = False,
    config: ReportConfig = DEFAULT_CONFIG,
) -> Dashboard:
    """The dashboard of ``analysis`` (see :class:`Dashboard`)."""
    charts = [
        _timeline(analysis, config),
        _replies(analysis, config),
        _initiations(analysis, config),
        _follow_ups(analysis, config),
        _effort(analysis, config),
    ]
    if analysis.bids.worst or analysis.bids.pull_back.events:
        charts.append(_bids(analysis, config))
    return Dashboard(
        analysis=analysis,
        charts={c.key: c for c in charts},
        signs=_by_level(analysis.signs),
        red_flags=_by_level(analysis.red_flags),
        low_data=not analysis.data_sufficiency.enough,
        contexts=dict(contexts or {}),
        redacted=redacted,
    )


def quoted_refs(analysis: Analysis) -> list[int]:
    """The ``ref`` of every quoted message, in order of first appearance."""
    refs: dict[int, None] = {}
    for finding in [*analysis.signs, *analysis.red_flags]:
        for quote in finding.evidence.quotes:
            refs.setdefault(quote.ref, None)
    return list(refs)


def messages_around(
    messages: pl.DataFrame, refs: Sequence[int], *, config: ReportConfig = DEFAULT_CONFIG
) -> dict[int, tuple[ContextMessage, ...]]:
    """For each ``ref`` (a store ``seq``), the messages around it in time order.

    ``messages`` is what :func:`pushpull.store.load_messages` returns (time-ordered, with
    ``seq``, ``sent_at``, ``sender``, ``text``, ``kind``). Refs not found are left out.
    """
    if not refs or messages.is_empty():
        return {}
    positions = (
        messages.select(pl.col("seq"))
        .with_row_index("position")
        .filter(pl.col("seq").is_in(list(refs)))
    )
    where = dict(zip(positions["seq"].to_list(), positions["position"].to_list(), strict=True))
    n = config.context_messages
    found: dict[int, tuple[ContextMessage, ...]] = {}
    for ref in refs:
        if ref not in where:
            continue
        middle = int(where[ref])
        start = max(0, middle - n)
        rows = messages.slice(start, middle + n + 1 - start)
        found[ref] = tuple(
            ContextMessage(
                ref=int(seq),
                at=at,
                sender=str(sender),
                text=str(text),
                kind=str(kind),
                is_quote=int(seq) == ref,
            )
            for seq, at, sender, text, kind in rows.select(
                "seq", "sent_at", "sender", "text", "kind"
            ).iter_rows()
        )
    return found
