"""The ``pushpull`` command: each command is a thin layer over ``pushpull.store``."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.prompt import Prompt

from pushpull.cli.markup import plain
from pushpull.cli.render import print_conversations, print_import, print_summary
from pushpull.config import HOME_ENV, PASSPHRASE_ENV, data_home
from pushpull.errors import UsageError
from pushpull.sources import all_sources
from pushpull.store import (
    EXPORT_FORMATS,
    STORE_FILE,
    ImportResult,
    Store,
    backup_is_encrypted,
    backup_store,
    check_new_passphrase,
    decrypt_store,
    encrypt_store,
    export_conversation,
    forget_conversation,
    forget_everything,
    import_file,
    is_encrypted,
    list_conversations,
    load_messages,
    require_me,
    restore_store,
    set_me,
)

if TYPE_CHECKING:  # the analysis is imported only by the commands that run it
    from pushpull.analysis import Progress as StepProgress  # (rich has a Progress too)

app = typer.Typer(
    name="pushpull",
    help="Find hot-and-cold, push-pull cycles in your own chat exports, privately.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@dataclass
class Settings:
    """Global options, set by the callback for the command that follows."""

    home: Path | None = None
    debug: bool = False


settings = Settings()


def out() -> Console:
    return Console(soft_wrap=False, highlight=False)


def ask_passphrase(*, new: bool = False) -> str:
    """The passphrase: from PUSHPULL_PASSPHRASE (scripts), else a hidden prompt; a ``new`` one
    is typed twice and must be long enough."""
    given: str = os.environ.get(PASSPHRASE_ENV) or ""
    if not given and new:
        given = typer.prompt(
            "Choose a passphrase (pushpull cannot recover it if it is lost)",
            hide_input=True,
            confirmation_prompt=True,
        )
    elif not given:
        given = typer.prompt("Passphrase", hide_input=True)
    if new:
        check_new_passphrase(given)
    return given


def open_store(*, must_exist: bool = False) -> Store:
    """The store in the data folder, unlocked with a passphrase when it is encrypted.

    ``must_exist`` is for commands that only read: with nothing imported yet they say so and
    create nothing (no data folder appears on a machine where pushpull was only asked).
    """
    home = data_home(settings.home)
    if must_exist and not (home / STORE_FILE).exists():
        raise UsageError(
            f"Nothing imported yet (no pushpull data in {home}).",
            hint="Import a chat export first: pushpull import FILE",
        )
    return Store(home, passphrase=ask_passphrase() if is_encrypted(home) else None)


@app.callback()
def _global(
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            envvar=HOME_ENV,
            help="Data folder (default: your user data folder).",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    """pushpull reads chat exports you already have. Nothing leaves this computer."""
    settings.home = home
    settings.debug = debug


def _options(chat: str | None, columns: list[str]) -> dict[str, str]:
    options: dict[str, str] = {}
    if chat is not None:
        options["chat"] = chat
    for item in columns:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise UsageError(
                f"--column {item!r} is not KEY=VALUE.",
                hint="For example: --column ts=Date --column sender=From --column text=Body.",
            )
        options[key.strip()] = value
    return options


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="Export files (.txt, .zip, .json, ...).")],
    me: Annotated[str | None, typer.Option("--me", help="Your name in the chat.")] = None,
    as_: Annotated[
        str | None, typer.Option("--as", help="Name for the conversation (default: its title).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="Skip detection and read as this format (see `formats`)."),
    ] = None,
    chat: Annotated[
        str | None,
        typer.Option("--chat", help="In exports holding many chats: import only this one."),
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            help="For CSV/JSONL: KEY=COLUMN with KEY one of ts, sender, text, kind, chat, "
            "from_me, time_format.",
        ),
    ] = None,
    date_order: Annotated[
        str | None,
        typer.Option(
            "--date-order",
            help="WhatsApp: read dates as dmy (day first) or mdy (month first) when the file "
            "cannot tell (no day above 12).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse a file with any line that could not be read as it was (nothing of it "
            "is imported) instead of repairing it.",
        ),
    ] = False,
) -> None:
    """Import chat exports into the local store (safe to repeat: nothing is added twice)."""
    console = out()
    options = _options(chat, column or [])
    if date_order is not None:
        options["date_order"] = date_order
    with open_store() as store:
        for path in paths:
            result = _import_one(store, path, me, as_, fmt, options, console, strict=strict)
            print_import(console, result)
            for conv in result.conversations:
                if conv.me is None:
                    _ask_me(store, console, conv.conversation, conv.participants)


def _import_one(
    store: Store,
    path: Path,
    me: str | None,
    name: str | None,
    fmt: str | None,
    options: dict[str, str],
    console: Console,
    *,
    strict: bool = False,
) -> ImportResult:
    size = path.stat().st_size if path.is_file() else 0
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(f"Reading {path.name}", total=size or None)

        def advance(n: int) -> None:
            progress.advance(task, n)

        return import_file(
            store,
            path,
            me=me,
            name=name,
            fmt=fmt,
            options=options,
            on_bytes=advance,
            strict=strict,
        )


def _ask_me(store: Store, console: Console, conversation: str, people: tuple[str, ...]) -> None:
    """Ask which participant is the user when that could not be inferred (terminals only)."""
    if len(people) >= 2 and sys.stdin.isatty() and console.is_terminal:
        answer = Prompt.ask(
            f"Which of these is you in [bold]{plain(conversation)}[/]?",
            choices=list(people),
            console=console,
        )
        set_me(store, conversation, answer)
        console.print(f"Noted: you are [bold]{plain(answer)}[/] in {plain(conversation)}.")
    else:
        console.print(
            f"[yellow]Who is you in {plain(conversation)}?[/] Tell pushpull with "
            f"`pushpull me {plain(json.dumps(conversation))} NAME` "
            f"(one of: {plain(', '.join(people))})."
        )


@app.command("conversations")
def conversations(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """List imported conversations: people, message counts per sender and kind, dates, files."""
    with open_store(must_exist=True) as store:
        summaries = list_conversations(store)
    if as_json:
        sys.stdout.write(json.dumps([s.to_json() for s in summaries], indent=2, ensure_ascii=False))
        sys.stdout.write("\n")
        return
    print_conversations(out(), summaries)


#: ``--since`` and ``--until``, shared by the commands that look at part of a conversation.
SinceOption = Annotated[
    str | None, typer.Option("--since", help="First day to include (YYYY-MM-DD).")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Last day to include (YYYY-MM-DD).")
]


def days(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """The ``--since`` and ``--until`` days, checked."""
    from pushpull.analysis import parse_day

    hint = "Write it as YYYY-MM-DD."
    return parse_day(since, label="--since", hint=hint), parse_day(
        until, label="--until", hint=hint
    )


@contextmanager
def steps() -> Iterator[StepProgress]:
    """A progress callback that shows each step of a long job on a terminal's error stream
    (a spinner with "2/4 Reading the words of 812,000 messages"); silent elsewhere."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield lambda step, of, what: None
        return
    with console.status("Starting", spinner="dots") as status:

        def show(step: int, of: int, what: str) -> None:
            status.update(f"[bold]{step}/{of}[/] {what}")

        yield show


@app.command("analyze")
def analyze_(
    conversation: Annotated[str, typer.Argument(help="Conversation name or number.")],
    since: SinceOption = None,
    until: UntilOption = None,
    partner: Annotated[
        str | None, typer.Option("--partner", help="The other person, in a group chat.")
    ] = None,
    json_out: Annotated[
        str | None,
        typer.Option(
            "--json", help="Write the analysis as JSON to FILE, or - for standard output."
        ),
    ] = None,
) -> None:
    """Look for hot-and-cold cycles, who pursues, signs and red flags, and what to do."""
    from pushpull.analysis import analyze
    from pushpull.cli.analysis_view import print_analysis

    first, last = days(since, until)
    with open_store(must_exist=True) as store:
        name, me = require_me(store, conversation)
        frame = load_messages(store, name)
    with steps() as progress:
        result = analyze(
            frame,
            me=me,
            partner=partner,
            since=first,
            until=last,
            conversation=name,
            progress=progress,
        )
    if json_out is None:
        print_analysis(out(), result)
        return
    text = result.model_dump_json(indent=2)
    if json_out == "-":
        sys.stdout.write(text + "\n")
    else:
        Path(json_out).write_text(text + "\n", encoding="utf-8")
        out().print(plain(f"Wrote the analysis of {name} to {json_out}."))


@app.command("me")
def me_(
    conversation: Annotated[str, typer.Argument(help="Conversation name or number.")],
    name: Annotated[str, typer.Argument(help="Your name in it.")],
) -> None:
    """Say which participant is you in a conversation (you can change it any time)."""
    with open_store(must_exist=True) as store:
        conv = set_me(store, conversation, name)
    out().print(f"You are [bold]{plain(name)}[/] in {plain(conv)}.")


@app.command("export")
def export(
    conversation: Annotated[str, typer.Argument(help="Conversation name or number.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(EXPORT_FORMATS)}.")
    ] = "jsonl",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: standard output)."),
    ] = None,
) -> None:
    """Write a conversation's messages as JSON Lines, CSV or Parquet."""
    if output is None and fmt == "parquet":
        raise UsageError("Parquet is a binary format.", hint="Name a file with -o FILE.parquet.")
    with open_store(must_exist=True) as store:
        if output is None:
            export_conversation(store, conversation, fmt, sys.stdout.buffer)
            sys.stdout.flush()
        else:
            n = export_conversation(store, conversation, fmt, output)
            out().print(plain(f"Wrote {n:,} messages to {output}."))


@app.command("forget")
def forget(
    conversation: Annotated[
        str | None, typer.Argument(help="Conversation name or number.", show_default=False)
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Delete every conversation and import.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a conversation (or, with --all, everything) and compact the file so the deleted
    text cannot be read back from it."""
    if (conversation is None) == (not all_):
        raise UsageError(
            "Name one conversation, or give --all to delete everything.",
            hint="For example: pushpull forget Sam, or pushpull forget --all.",
        )
    what = "every conversation" if all_ else repr(conversation)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                f"Not deleting {what} without asking, and there is no terminal to ask in.",
                hint="Add --yes to delete without being asked.",
            )
        typer.confirm(f"Delete {what} and all its messages?", abort=True)
    with open_store(must_exist=True) as store:
        if conversation is None:
            n = forget_everything(store)
            out().print(f"Forgot everything: {n:,} messages deleted.")
            return
        name, n = forget_conversation(store, conversation)
    out().print(plain(f"Forgot {name}: {n:,} messages deleted."))


@app.command("init")
def init(
    encrypt: Annotated[
        bool,
        typer.Option(
            "--encrypt",
            help="Encrypt the store with a passphrase (an existing store is converted).",
        ),
    ] = False,
) -> None:
    """Create the data folder and its store (encrypted with --encrypt)."""
    home = data_home(settings.home)
    if encrypt and not is_encrypted(home):
        n = encrypt_store(home, ask_passphrase(new=True))
        out().print(plain(f"Encrypted pushpull's data in {home} ({n:,} messages)."))
        return
    with open_store():
        pass
    state = "encrypted" if is_encrypted(home) else "not encrypted"
    out().print(plain(f"pushpull's data is in {home} ({state})."))


@app.command("encrypt")
def encrypt() -> None:
    """Encrypt the store with a passphrase you choose (nothing is lost)."""
    home = data_home(settings.home)
    n = encrypt_store(home, ask_passphrase(new=True))
    out().print(plain(f"Encrypted pushpull's data in {home} ({n:,} messages)."))


@app.command("decrypt")
def decrypt() -> None:
    """Turn the encrypted store back into a plain one (nothing is lost)."""
    home = data_home(settings.home)
    if not is_encrypted(home):
        raise UsageError(f"pushpull's data in {home} is not encrypted.")
    n = decrypt_store(home, ask_passphrase())
    out().print(plain(f"Decrypted pushpull's data in {home} ({n:,} messages)."))


@app.command("backup")
def backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write.")],
) -> None:
    """Write a consistent copy of the store to FILE (encrypted when the store is)."""
    with open_store(must_exist=True) as store:
        n = backup_store(store, file)
        encrypted = store.encrypted
    note = " It needs the same passphrase to restore." if encrypted else ""
    out().print(plain(f"Backed up {n:,} messages to {file}.{note}"))


@app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="A file written by `pushpull backup`.")],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Replace the data pushpull holds now.")
    ] = False,
) -> None:
    """Replace the store by a backup, after checking that the backup opens."""
    home = data_home(settings.home)
    passphrase = ask_passphrase() if backup_is_encrypted(file) else None
    n = restore_store(home, file, passphrase=passphrase, replace=yes)
    out().print(plain(f"Restored {n:,} messages from {file} into {home}."))


@app.command("formats")
def formats() -> None:
    """List the chat export formats pushpull can read."""
    console = out()
    for source in all_sources():
        console.print(f"[bold]{source.name:10}[/] {source.label}")


SAMPLE = "data/sample"


@app.command("demo")
def demo() -> None:
    """Import the bundled sample conversation into a separate demo store, analyse it and write
    its report."""
    from pushpull.analysis import analyze
    from pushpull.cli.analysis_view import print_analysis
    from pushpull.report import write_report

    console = out()
    home = data_home(settings.home) / "demo"
    sample_dir = resources.files("pushpull").joinpath(SAMPLE)
    samples = json.loads(sample_dir.joinpath("samples.json").read_text("utf-8"))
    reports: list[Path] = []
    with Store(home) as store:
        for sample in samples:
            with resources.as_file(sample_dir.joinpath(sample["file"])) as path:
                print_import(console, import_file(store, path, me=sample["me"]))
        for summary in list_conversations(store):
            print_summary(console, store, summary)
            frame = load_messages(store, summary.name)
            print_analysis(console, analyze(frame, me=summary.me, conversation=summary.name))
            target = home / f"{summary.name.lower().replace(' ', '-')}-report.html"
            reports.append(write_report(store, summary.name, target))
    for report in reports:
        console.print(f"\n[bold]Report written:[/] {plain(report.resolve())}")
    console.print(plain(f"Demo data is in {home}. Try: pushpull --home {home} serve"))
