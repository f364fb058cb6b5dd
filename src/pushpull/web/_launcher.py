"""Opening the browser without putting the launch token on the process list.

A browser started as ``chromium http://127.0.0.1:8765/?token=…`` shows the token to every
account on the machine (``ps`` lists command lines). As Jupyter does, the browser is given a
small HTML file instead — private (0600, in the user's own data folder) — that forwards it to
the tokened address; the file is removed once the token has been used, or after
``LAUNCHER_LIFETIME_S`` at the latest, and when the server stops.
"""

from __future__ import annotations

import html
import os
import secrets
import threading
from pathlib import Path

from pushpull.store import private_folder

__all__ = ["LAUNCHER_LIFETIME_S", "remove_when_used", "write_launcher"]

#: The longest a launcher file stays on disk when its token is never used.
LAUNCHER_LIFETIME_S = 120.0


def write_launcher(folder: Path, url: str) -> Path:
    """A new private HTML file in ``folder`` that sends the browser to ``url``."""
    private_folder(folder)
    path = folder / f"open-pushpull-{secrets.token_hex(8)}.html"
    link = html.escape(url, quote=True)
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name="referrer" content="no-referrer">'
        f'<meta http-equiv="refresh" content="0;url={link}"><title>Opening pushpull</title>'
        f'</head><body><p><a href="{link}">Open pushpull</a></p></body></html>\n'
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(page)
    return path


def remove_when_used(
    path: Path, used: threading.Event, lifetime_s: float = LAUNCHER_LIFETIME_S
) -> threading.Thread:
    """Remove ``path`` as soon as ``used`` is set, or after ``lifetime_s`` seconds."""

    def wait_and_remove() -> None:
        used.wait(lifetime_s)
        path.unlink(missing_ok=True)

    thread = threading.Thread(target=wait_and_remove, name="pushpull-launcher", daemon=True)
    thread.start()
    return thread
