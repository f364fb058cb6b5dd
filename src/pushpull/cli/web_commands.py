"""``pushpull serve`` and ``pushpull report``: importing this module adds both commands to the
``pushpull`` app. The web and report packages load only when one of them runs."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

import typer

from pushpull.cli.app import (
    SinceOption,
    UntilOption,
    app,
    days,
    open_store,
    out,
    settings,
    steps,
)
from pushpull.cli.markup import plain
from pushpull.config import PASSPHRASE_ENV, data_home
from pushpull.errors import UsageError
from pushpull.store import Store, is_encrypted

__all__ = ["report", "serve"]


@app.command("serve")
def serve(
    port: Annotated[
        int, typer.Option("--port", help="Port on this computer (default: any free one).")
    ] = 0,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open the browser; just print the link.")
    ] = False,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on: 127.0.0.1 (default), ::1 or localhost."),
    ] = "127.0.0.1",
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Allow a --host other computers can reach (they still need the link's key).",
        ),
    ] = False,
) -> None:
    """Open pushpull's page in your browser (it runs on this computer only)."""
    from pushpull.web import WebConfig
    from pushpull.web import serve as run_server

    console = out()
    home = data_home(settings.home)
    if allow_remote and host not in WebConfig().loopback_hosts:
        console.print(
            f"[bold yellow]Warning:[/] pushpull will listen on {plain(host)}, which other "
            "computers may reach. Anyone with the link can read your messages; traffic is not "
            "encrypted."
        )

    def announce(url: str) -> None:
        # soft_wrap: the link must stay on one line to be copied whole
        console.print(f"pushpull is running at [bold]{plain(url)}[/]", soft_wrap=True)
        if not no_browser:
            console.print("Your browser should open it now; if not, open that link.")
        console.print("Keep this window open while you use the page; press Ctrl+C to stop.")

    encrypted = is_encrypted(home)
    # Scripts may unlock at launch; a person types the passphrase into the page.
    passphrase = (os.environ.get(PASSPHRASE_ENV) or None) if encrypted else None
    if passphrase is not None:
        # Check it now, in the terminal, rather than on the first page load.
        with Store(home, passphrase=passphrase):
            pass
    elif encrypted:
        console.print("Your data is encrypted: the page will ask for your passphrase.")
    run_server(
        home,
        passphrase=passphrase,
        port=port,
        open_browser=not no_browser,
        announce=announce,
        debug=settings.debug,
        host=host,
        allow_remote=allow_remote,
    )
    console.print("pushpull's page is closed.")


@app.command("report")
def report(
    conversation: Annotated[str, typer.Argument(help="Conversation name or number.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")],
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help='Replace names with "You"/"Partner" and hide phone numbers, e-mail addresses, '
            "links and street addresses.",
        ),
    ] = False,
    since: SinceOption = None,
    until: UntilOption = None,
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            help="The file's permissions in octal: 600 (the default) lets only you read it; "
            "644 lets every account on this computer read it.",
        ),
    ] = "600",
    country: Annotated[
        str | None,
        typer.Option(
            "--country",
            help="Whose helplines come first if the report shows safety information: a "
            "two-letter country code such as GB (default: your system's region).",
        ),
    ] = None,
) -> None:
    """Write one self-contained HTML file with everything the dashboard shows."""
    from pushpull.report import write_report

    try:
        file_mode = int(mode, 8)
        if not 0 <= file_mode <= 0o777:
            raise ValueError(mode)
    except ValueError:
        raise UsageError(
            f"--mode {mode} is not a file mode.", hint="Give three octal digits, such as 600."
        ) from None

    region = None
    if country is not None:
        region = country.strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", region):
            raise UsageError(
                f"--country {country} is not a country code.",
                hint="Give two letters, such as GB, US or ES.",
            )
    first, last = days(since, until)
    with open_store(must_exist=True) as store, steps() as progress:
        path = write_report(
            store,
            conversation,
            output,
            redact=redact,
            since=first,
            until=last,
            mode=file_mode,
            region=region,
            progress=progress,
        )
    size_mb = path.stat().st_size / 1_000_000
    out().print(
        plain(f"Wrote the report to {path} ({size_mb:.1f} MB). It opens in any browser, offline.")
        + (" Names and contact details are hidden." if redact else "")
    )
