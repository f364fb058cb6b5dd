"""How the CLI shows results: Rich tables and short paragraphs, no logic of their own."""

from __future__ import annotations

import polars as pl
from rich.console import Console
from rich.table import Table

from pushpull.cli.markup import plain
from pushpull.errors import describe_unread
from pushpull.store import ConversationSummary, ImportResult, Store, load_messages

__all__ = ["print_conversations", "print_import", "print_summary"]


def _when(summary: ConversationSummary) -> str:
    if summary.first_at is None or summary.last_at is None:
        return "no messages"
    return f"{summary.first_at:%Y-%m-%d} → {summary.last_at:%Y-%m-%d}"


def print_import(console: Console, result: ImportResult) -> None:
    """One line per conversation touched, then any warnings."""
    if result.already_imported:
        names = plain(", ".join(c.conversation for c in result.conversations))
        console.print(
            f"[dim]{plain(result.path.name)} was imported before ({result.n_read:,} messages, "
            f"{names}); nothing to add.[/]"
        )
        return
    for conv in result.conversations:
        me = f"; you are {plain(conv.me)} ({plain(conv.me_from)})" if conv.me else ""
        console.print(
            f"[green]Imported[/] {plain(result.path.name)} as {result.source_format} → "
            f"[bold]{plain(conv.conversation)}[/]: {conv.n_added:,} new of {conv.n_read:,} "
            f"messages{me}."
        )
    if result.warnings:
        parts, lines = describe_unread(result.warnings)
        at = f" — {lines}" if lines else ""
        console.print(f"[yellow]{parts}{at}[/]; for example:")
        for issue in result.warnings[:3]:
            where = f"line {issue.line}: " if issue.line else ""
            console.print(
                f"  {where}{plain(issue.reason)} ({plain(issue.action)})"
                + (f" — {plain(repr(issue.raw[:80]))}" if issue.raw else "")
            )


def print_conversations(console: Console, summaries: list[ConversationSummary]) -> None:
    if not summaries:
        console.print("No conversations yet. Import one with: pushpull import FILE")
        return
    for s in summaries:
        table = Table(
            title=f"#{s.id} {plain(s.name)} — {s.n_messages:,} messages, {_when(s)}",
            title_justify="left",
        )
        table.add_column("person")
        table.add_column("messages", justify="right")
        kinds = sorted(s.by_kind)
        for kind in kinds:
            table.add_column(kind, justify="right")
        for p in s.participants:
            label = plain(f"{p.name} (you)" if p.is_me else p.name)
            table.add_row(label, f"{p.n_messages:,}", *(f"{p.by_kind.get(k, 0):,}" for k in kinds))
        console.print(table)
        console.print(f"  files: {plain(', '.join(s.source_files))}")


def print_summary(console: Console, store: Store, summary: ConversationSummary) -> None:
    """A plain-text overview: counts, and each person's messages per month as bars."""
    print_conversations(console, [summary])
    frame = load_messages(store, summary.name).filter(pl.col("sender") != "")
    if frame.height == 0:
        return
    monthly = (
        frame.group_by(pl.col("sent_at").dt.strftime("%Y-%m").alias("month"), "sender")
        .len()
        .pivot(on="sender", index="month", values="len")
        .fill_null(0)
        .sort("month")
    )
    people = [c for c in monthly.columns if c != "month"]
    peak = max(int(v) for c in people for v in monthly[c].to_list()) or 1
    console.print(f"\nMessages per month (each █ ≈ {max(1, peak // 30):,}):")
    for row in monthly.iter_rows(named=True):
        for person in people:
            n = int(row[person])
            bar = "█" * max(0, round(30 * n / peak))
            console.print(f"  {row['month']}  {plain(f'{person[:14]:14}')} {bar} {n:,}")
