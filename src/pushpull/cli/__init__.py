"""The ``pushpull`` command line. :func:`main` is the one place errors become output."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.panel import Panel

import pushpull.cli.web_commands  # noqa: F401  (registers serve and report)
from pushpull.cli.app import app, settings
from pushpull.cli.markup import plain
from pushpull.errors import PushPullError

__all__ = ["app", "main", "run"]


def _report(error: PushPullError) -> None:
    console = Console(stderr=True, highlight=False)
    body = plain(error.message) + (f"\n\n{plain(error.hint)}" if error.hint else "")
    console.print(Panel(body, title=error.title, title_align="left", border_style="red"))


def run(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` and return its exit code (for tests and :func:`main`)."""
    settings.debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        app(args=argv, prog_name="pushpull", standalone_mode=False)
    except PushPullError as error:
        if settings.debug:
            raise
        _report(error)
        return error.exit_code
    except typer.Abort:
        Console(stderr=True).print("Cancelled.")
        return 1
    except typer.TyperException as error:  # a usage error: unknown command, bad option value
        show = getattr(error, "show", None)
        if callable(show):
            show()
        else:
            Console(stderr=True, highlight=False).print(error.format_message())
        return error.exit_code
    except KeyboardInterrupt:
        Console(stderr=True).print("Interrupted; nothing was half-written.")
        return 130
    return 0


def main() -> None:
    sys.exit(run())
