"""How ``pushpull analyze`` shows an analysis on a terminal: safety first, then the headline,
the findings as a table, and what to do."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from pushpull.analysis import Analysis
from pushpull.assess import Finding
from pushpull.assess.safety import emergency_number, helplines_for, system_region
from pushpull.cli.markup import plain

__all__ = ["print_analysis"]

LEVEL_STYLE = {"none": "green", "watch": "yellow", "concern": "dark_orange", "serious": "bold red"}


def _delay(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _findings(title: str, findings: list[Finding]) -> Table:
    table = Table(title=title, title_justify="left", expand=True, show_lines=False)
    table.add_column("", no_wrap=True)
    table.add_column("level", no_wrap=True)
    table.add_column("sure", justify="right", no_wrap=True)
    table.add_column("what we found", ratio=1)
    for f in findings:
        style = LEVEL_STYLE[f.level]
        table.add_row(f.title, f"[{style}]{f.level}[/]", f"{f.confidence:.0%}", plain(f.summary))
    return table


def print_analysis(console: Console, a: Analysis) -> None:
    """Print ``a`` for a person reading a terminal."""
    if a.safety is not None:
        region = system_region()
        own, rest = helplines_for(a.safety.resources, region)
        lines = [plain(a.safety.headline), ""]
        emergency = emergency_number(region)
        if emergency:
            lines += [plain(f"In danger right now? Call {emergency}."), ""]
        for r in (own + rest)[:6]:
            contact = " · ".join(x for x in (r.phone, r.text, r.url) if x)
            lines.append(plain(f"{r.country}: {r.name} — {contact}"))
        lines += ["", plain(a.safety.note)]
        console.print(Panel("\n".join(lines), title="Your safety comes first", style="bold red"))
    console.print(f"\n[bold]{plain(a.headline)}[/]")
    console.print(
        plain(
            f"{a.conversation or a.partner}: you are {a.me}, with {a.partner}; {a.period.start}"
            f" → {a.period.end} ({a.period.days} days). {a.data_sufficiency.note}"
        )
    )
    people = Table(title="Each of you", title_justify="left")
    for col in (
        "",
        "messages",
        "started",
        "typical reply",
        "double texts",
        "barrages",
        "warm/neutral/distant days",
    ):
        people.add_column(col, justify="left" if not col else "right")
    for p in a.people:
        people.add_row(
            plain(f"{p.name} (you)" if p.is_me else p.name),
            f"{p.messages:,}",
            f"{p.initiations:,}",
            _delay(p.median_reply_s),
            f"{p.double_texts:,}",
            f"{p.barrages:,}",
            f"{p.days_warm}/{p.days_neutral}/{p.days_distant}",
        )
    console.print(people)
    console.print(f"\n[bold]Who pursues?[/] {plain(a.pursue_withdraw.summary)}")
    console.print(f"[bold]Reaching out:[/] {plain(a.bids.summary)}")
    if a.shared_change is not None:
        console.print(f"[bold]A change you share:[/] {plain(a.shared_change.summary)}")
    if a.recent is not None:
        console.print(f"[bold]Lately:[/] {plain(a.recent.summary)}")
    console.print(_findings("Signs", a.signs))
    console.print(_findings("Red flags (when to think about walking away)", a.red_flags))
    if a.guidance:
        console.print("\n[bold]What you could do[/]")
        for item in a.guidance:
            console.print(f"• [bold]{plain(item.title)}.[/] {plain(item.text)}")
    if a.explanations:
        console.print("\n[bold]Possible reasons that are not about you[/]")
        for item in a.explanations:
            console.print(f"• [bold]{plain(item.title)}.[/] {plain(item.text)}")
