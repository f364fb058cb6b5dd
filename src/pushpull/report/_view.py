"""What the dashboard shows, computed once from an :class:`Analysis`: the charts (as Plotly
figures, each with a sentence and a table that say the same in text), the findings in the order
they are shown, and the messages around each quote."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import polars as pl

from pushpull.analysis import Analysis, Resource
from pushpull.assess import LEVELS, Finding
from pushpull.assess.safety import emergency_number, helplines_for
from pushpull.report._format import chance_words, day, delay, number, percent, span
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
    "timeline_words",
]

#: Colours of the charts: the two people differ in hue and in line style (for colour-blind
#: readers); the shading of warm and distant stretches uses hues of its own (gold and grey), pale
#: enough for the lines to keep their contrast.
PALETTE: Mapping[str, str] = {
    "me": "#1d4f91",
    "partner": "#a63c06",
    "warm": "rgba(222, 170, 0, 0.26)",
    "distant": "rgba(110, 110, 130, 0.22)",
    "cycle": "#5a5a5a",
    "grid": "#e2e2e2",
    "text": "#1a1a1a",
    "even": "#5a5a5a",
}
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_EFFORT_KINDS = (
    ("initiations", "Conversations started"),
    ("messages", "Messages"),
    ("words", "Words"),
    ("questions", "Questions"),
)
#: The engagement axis in words instead of numbers (0 is each person's usual level).
_LEVEL_TICKS = ((-2, "much less"), (-1, "less"), (0, "usual"), (1, "more"), (2, "much more"))


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """A chart's numbers as a table (its text alternative)."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """One chart: a Plotly figure, a sentence saying what it shows (``description``, from the
    same numbers as the figure) and the numbers as a table."""

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
    #: The user's own helplines first, the others after (empty without a safety box).
    helplines: tuple[Resource, ...] = ()
    other_helplines: tuple[Resource, ...] = ()
    #: The emergency number of the reader's country, when known.
    emergency: str | None = None
    #: Messages around each quoted message, by its ``ref`` (filled for the report; the app
    #: loads them when a reader asks).
    contexts: Mapping[int, tuple[ContextMessage, ...]] = field(default_factory=dict)
    redacted: bool = False

    @property
    def key_facts(self) -> tuple[str, ...]:
        """The summary's facts about the cycles, each in the words of the chart it comes from."""
        a = self.analysis
        if not a.cycles.count:
            return ()
        facts = [self.charts["timeline"].description.split(". ")[0] + "."]
        if a.cycles.mean_period_days:
            facts.append(f"A cycle takes about {number(a.cycles.mean_period_days)} days.")
        facts.append(f"This is {chance_words(a.cycles.p_value, a.cycles.count)}.")
        facts.append(self.charts["initiations"].description)
        return tuple(facts)

    @property
    def calm(self) -> bool:
        """Nothing to point out: no cycle, no sign or red flag above "not seen"."""
        return self.analysis.cycles.count == 0 and all(
            f.level == "none" for f in (*self.signs, *self.red_flags)
        )


def _by_level(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Most worrying first; the analysis order otherwise."""
    return tuple(sorted(findings, key=lambda f: -LEVELS.index(f.level)))


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{number(n)} {one if n == 1 else (many or one + 's')}"


def _layout(config: ReportConfig, y_title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "height": config.chart_height_px,
        "margin": {"l": 56, "r": 16, "t": 24, "b": 48},
        "font": {"family": _FONT, "size": 13, "color": PALETTE["text"]},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "showlegend": True,
        # above the plot: a legend pushes the margin out, and up there it meets no axis title
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
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


def _you(a: Analysis, person: str) -> str:
    """``you`` for the user, the name otherwise (for sentences)."""
    return "you" if person == a.me else person


def _during(a: Analysis) -> str:
    """Where the pursuit figures were counted, to open their sentences with."""
    pw = a.pursue_withdraw
    return f"In {pw.measured_on}, " if pw.measured_days else "Over the whole time, "


def _opening(a: Analysis, lead: str) -> str:
    """``lead`` opened by :func:`_during` (keeping names capitalised, lowering "You")."""
    first = lead.split(" ", 1)[0]
    if first in ("You", "There", "The", "More"):
        lead = lead[0].lower() + lead[1:]
    return _during(a) + lead


def _shaded(a: Analysis) -> list[Any]:
    """The warm and distant stretches the timeline shades: those of the person who cycles."""
    return [p for p in a.phases if p.person == a.cycles.person and p.state in ("warm", "distant")]


def timeline_words(a: Analysis) -> str:
    """The cycle count in words, as the timeline's shading shows it."""
    who = a.cycles.person
    shaded = _shaded(a)
    n_warm = sum(p.state == "warm" for p in shaded)
    n_distant = len(shaded) - n_warm
    if a.cycles.count == 0:
        return "No hot-and-cold pattern: warm and distant times did not take turns."
    stretches = (
        f"{_plural(n_warm, 'warm stretch', 'warm stretches')} and "
        f"{_plural(n_distant, 'distant stretch', 'distant stretches')} of {_you(a, who)}"
    )
    return (
        f"{stretches[0].upper()}{stretches[1:]} make "
        f"{_plural(a.cycles.count, 'full cycle')}: warm, distant, then warm again. "
        "A dotted line marks where each cycle ends."
    )


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
                "y": [round(p.smoothed, 3) for p in points],
                "customdata": [p.messages for p in points],
                "line": {"color": _colour(a, person), "width": 2.5, "dash": dash},
                "hovertemplate": "%{x|%d %b %Y}: %{customdata} messages"
                f"<extra>{_label(a, person)}</extra>",
            }
        )
    who = a.cycles.person
    shaded = _shaded(a)
    shapes: list[dict[str, Any]] = []
    in_legend: set[str] = set()
    for p in shaded:
        shapes.append(
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
                "name": f"{p.state} stretch of {_you(a, who)}",
                "legendgroup": p.state,
                "showlegend": p.state not in in_legend,
            }
        )
        in_legend.add(p.state)
    swings = a.cycles.swings
    for k in range(a.cycles.count):
        at = swings[2 * k + 1].start.isoformat()
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
                "name": "end of a cycle",
                "legendgroup": "cycle",
                "showlegend": k == 0,
            }
        )
    rows = tuple(
        (_label(a, p.person), p.state, span(p.start, p.end), number(p.days))
        for p in a.phases
        if p.state != "neutral"
    )
    figure = {
        "data": traces,
        "layout": _layout(
            config,
            "how much, against their usual",
            shapes=shapes,
            xaxis={"gridcolor": PALETTE["grid"], "automargin": True},  # the dates are the unit
            yaxis={
                "title": {"text": "writing and replying"},
                "tickvals": [v for v, _ in _LEVEL_TICKS],
                "ticktext": [t for _, t in _LEVEL_TICKS],
                "gridcolor": PALETTE["grid"],
                "zerolinecolor": "#9a9a9a",
                "automargin": True,
            },
            height=config.chart_height_px + 60,
        ),
    }
    return Chart(
        key="timeline",
        title="How close each of you was, day by day",
        description=timeline_words(a),
        figure=figure,
        table=Table(
            caption="Warm and distant stretches",
            headers=("who", "stretch", "dates", "days"),
            rows=rows,
        ),
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
        height=min(config.chart_height_px, 190),
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
    seconds = a.pursue_withdraw.median_reply_s
    minutes = {p: (None if s is None else s / 60) for p, s in seconds.items()}
    text = {p: delay(seconds.get(p)) for p in (a.me, a.partner)}
    mine, theirs = seconds.get(a.me), seconds.get(a.partner)
    if mine is None or theirs is None:
        lead = "There were too few answers to say who usually takes longer"
    elif abs(mine - theirs) <= 0.2 * max(mine, theirs, 60.0):
        lead = "You both usually answer about as fast"
    elif theirs > mine:
        lead = f"{a.partner} usually takes longer to answer than you"
    else:
        lead = f"You usually take longer to answer than {a.partner}"
    return _bars(
        a,
        config,
        key="replies",
        title="How long each of you takes to answer",
        description=(
            f"{_opening(a, lead)}: you {text[a.me]}, {a.partner} {text[a.partner]} (a typical "
            "answer, counted in waking hours)."
        ),
        values=minutes,
        text=text,
        axis="minutes",
        table_header="typical time to answer",
    )


def _initiations(a: Analysis, config: ReportConfig) -> Chart:
    shares = a.pursue_withdraw.initiation_share
    text = {p: percent(shares.get(p)) for p in (a.me, a.partner)}
    mine, theirs = shares.get(a.me) or 0.0, shares.get(a.partner) or 0.0
    if abs(mine - theirs) < 0.1:
        lead = "You took turns starting the conversations"
    elif mine > theirs:
        lead = "You started more of the conversations"
    else:
        lead = f"{a.partner} started more of the conversations"
    return _bars(
        a,
        config,
        key="initiations",
        title="Who starts the conversations",
        description=f"{_opening(a, lead)}: you {text[a.me]}, {a.partner} {text[a.partner]}.",
        values={p: 100 * (v or 0) for p, v in shares.items()},
        text=text,
        axis="% of the conversations started",
        table_header="share of the conversations started",
    )


#: The ways of following up, as the chart and its sentence name them.
_FOLLOW_UPS = (
    ("double_texts", "A second message<br>before any answer"),
    ("barrages", "Five or more in a row,<br>over an hour or more"),
    ("unanswered_openings", "A first message<br>with no answer"),
)


def _follow_ups(a: Analysis, config: ReportConfig) -> Chart:
    pw = a.pursue_withdraw
    counts = {name: getattr(pw, name) for name, _ in _FOLLOW_UPS}
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": _label(a, person),
            "y": [label for _, label in _FOLLOW_UPS],
            "x": [counts[name].get(person, 0) for name, _ in _FOLLOW_UPS],
            "marker": {"color": _colour(a, person)},
            "hovertemplate": "%{y}: %{x}" + f"<extra>{_label(a, person)}</extra>",
        }
        for person in (a.me, a.partner)
    ]
    rows = tuple(
        (_label(a, p), *(number(counts[name].get(p, 0)) for name, _ in _FOLLOW_UPS))
        for p in (a.me, a.partner)
    )

    def said(person: str) -> str:
        c = {name: counts[name].get(person, 0) for name, _ in _FOLLOW_UPS}
        return (
            f"{_plural(c['double_texts'], 'second message')} before an answer, "
            f"{_plural(c['barrages'], 'long string')} of five or more, and "
            f"{_plural(c['unanswered_openings'], 'first message')} that got no answer"
        )

    description = _opening(a, f"You sent {said(a.me)}; {a.partner} sent {said(a.partner)}.")
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
            headers=("who", *(label.replace("<br>", " ").lower() for _, label in _FOLLOW_UPS)),
            rows=rows,
        ),
    )


def _effort(a: Analysis, config: ReportConfig) -> Chart:
    overall = a.effort.overall
    shares = [(label, getattr(overall, name)) for name, label in _EFFORT_KINDS]
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": [label for label, _ in shares],
        "x": [None if v is None else round(100 * v) for _, v in shares],
        "text": [percent(v) for _, v in shares],
        "textposition": "auto",
        "marker": {"color": PALETTE["me"]},
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    parts = [f"{percent(v)} of the {label.lower()}" for label, v in shares if v is not None]
    mean = [v for _, v in shares if v is not None]
    if not mean:
        lead = "There is too little to compare"
    elif all(abs(v - 0.5) < 0.1 for v in mean):
        lead = "The effort was about even"
    elif sum(mean) / len(mean) > 0.5:
        lead = "More of the effort came from you"
    else:
        lead = f"More of the effort came from {a.partner}"
    lead = "Over the whole time, " + lead[0].lower() + lead[1:]
    description = (
        f"{lead}: your share was {', '.join(parts[:-1])} and {parts[-1]} (half is even)."
        if len(parts) > 1
        else f"{lead}."
    )
    periods = a.effort.periods or [overall]
    rows = tuple(
        (span(p.start, p.end), *(percent(getattr(p, name)) for name, _ in _EFFORT_KINDS))
        for p in periods
    )
    layout = _layout(
        config,
        "",
        showlegend=False,
        height=min(config.chart_height_px, 240),
        xaxis={
            "title": {"text": "your share (%)"},
            "range": [0, 100],
            "gridcolor": PALETTE["grid"],
        },
        yaxis={"autorange": "reversed", "automargin": True},
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": 50,
                "x1": 50,
                "y0": 0,
                "y1": 1,
                "line": {"color": PALETTE["even"], "width": 1.5, "dash": "dot"},
            }
        ],
    )
    return Chart(
        key="effort",
        title="Your share of the effort",
        description=description,
        figure={"data": [trace], "layout": layout},
        table=Table(
            caption="Your share of the effort, period by period (50% is even)",
            headers=("period", *(label.lower() for _, label in _EFFORT_KINDS)),
            rows=rows,
        ),
    )


def _bids(a: Analysis, config: ReportConfig) -> Chart:
    bids = a.bids
    n = bids.n_bid_days
    pulled = round((bids.share_followed_by_withdrawal or 0.0) * n)
    labels = (f"{a.partner} pulled back", f"{a.partner} did not pull back")
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": list(labels),
        "x": [pulled, n - pulled],
        "text": [str(pulled), str(n - pulled)],
        "textposition": "auto",
        "marker": {"color": [PALETTE["partner"], PALETTE["even"]]},
        "hovertemplate": "%{y}: %{x} days<extra></extra>",
    }
    description = (
        f"Of the {_plural(n, 'day')} you reached out warmly, {number(pulled)} "
        f"({percent(pulled / n if n else None)}) were followed by {a.partner} pulling back "
        f"over the next week, and {number(n - pulled)} were not."
    )
    pull = bids.pull_back
    if pull.n_events:
        description += (
            f" After the {_plural(pull.n_events, 'time')} you held back, {a.partner} "
            + ("came back closer than usual." if pull.present else "did not come back closer.")
        )
    rows = tuple((day(d.date), number(d.n_bids), "less engaged") for d in bids.worst)
    layout = _layout(
        config,
        "",
        showlegend=False,
        height=min(config.chart_height_px, 190),
        xaxis={"title": {"text": "days"}, "gridcolor": PALETTE["grid"], "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return Chart(
        key="bids",
        title="What followed when you reached out warmly",
        description=description,
        figure={"data": [trace], "layout": layout},
        table=Table(
            caption=f"The days {a.partner} pulled back most after you reached out",
            headers=("day", "your warm messages", f"{a.partner} in the next week"),
            rows=rows,
        ),
    )


def build_dashboard(
    analysis: Analysis,
    *,
    contexts: Mapping[int, tuple[ContextMessage, ...]] | None = None,
    redacted: bool = False,
    region: str | None = None,
    config: ReportConfig = DEFAULT_CONFIG,
) -> Dashboard:
    """The dashboard of ``analysis`` (see :class:`Dashboard`); ``region`` (an ISO country code)
    puts that country's helplines first."""
    charts = [
        _timeline(analysis, config),
        _replies(analysis, config),
        _initiations(analysis, config),
        _follow_ups(analysis, config),
        _effort(analysis, config),
    ]
    if analysis.bids.n_bid_days:
        charts.append(_bids(analysis, config))
    helplines: tuple[list[Resource], list[Resource]] = ([], [])
    if analysis.safety is not None:
        helplines = helplines_for(analysis.safety.resources, region)
    return Dashboard(
        emergency=emergency_number(region) if analysis.safety is not None else None,
        helplines=tuple(helplines[0]),
        other_helplines=tuple(helplines[1]),
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
