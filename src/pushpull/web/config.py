"""Every setting of the local web app that is not the user's choice, each with its reason."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["WebConfig"]


@dataclass(frozen=True, slots=True, kw_only=True)
class WebConfig:
    """How the local server runs."""

    #: Loopback only: the pages hold private messages.
    host: str = "127.0.0.1"
    #: The addresses ``host`` may be without ``--allow-remote``: this computer only.
    loopback_hosts: tuple[str, ...] = ("127.0.0.1", "::1", "localhost")
    #: Names a request's Host header may carry: anything else is DNS rebinding or a stranger.
    allowed_host_names: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")
    #: Random bytes in the launch token: 256 bits cannot be guessed.
    token_bytes: int = 32
    #: Analyses kept in memory: a few conversations times a few date ranges.
    cache_entries: int = 12
    #: Conversations whose messages are kept in memory for quotes' context and reports.
    frame_entries: int = 2
    #: The largest export the page accepts (a WhatsApp export with media can be large).
    max_upload_bytes: int = 2 * 1024**3
    #: The largest body of any other request: a form of a few fields.
    max_form_bytes: int = 64 * 1024
    #: Uploads are copied in pieces of this size, so memory stays flat.
    upload_chunk_bytes: int = 1 << 20
    #: How often (milliseconds) the page asks how an import is going.
    poll_ms: int = 400
    #: From this many messages on, a dashboard's first analysis runs in the background while
    #: the page shows which step it is on (smaller ones take well under a second).
    background_from: int = 20_000
    #: How often (seconds) that page reloads itself to show the next step.
    working_refresh_s: int = 1
    #: How long such a reload waits for the analysis to finish before showing the step it is
    #: on: the dashboard then comes the moment it is ready, not at the next reload.
    working_wait_s: float = 1.5
    #: Finished imports remembered for their status, oldest dropped first.
    jobs_kept: int = 20
    #: How long encrypting or decrypting waits for the page's other requests to end: longer
    #: than a page load, shorter than an import (which makes it refuse instead).
    change_wait_s: float = 10.0
    #: An unlocked store locks itself after this long without a request that opens it, as a
    #: password manager does (None: only "Lock" or closing pushpull locks it).
    idle_lock_s: float | None = 30 * 60
