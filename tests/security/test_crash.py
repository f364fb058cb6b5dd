"""Crash safety: an import killed (SIGKILL) at random points leaves a store that opens and holds
none or all of the file's messages, and a re-run then completes with exact counts."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pushpull.store import Store

N_MESSAGES = 200_000
N_KILLS = 20


def _write_whatsapp_export(path: Path, n: int) -> None:
    """A WhatsApp (Android, 24-hour, day first) export of ``n`` messages, one a minute."""
    start = datetime(2023, 1, 1)
    lines = []
    for i in range(n):
        at = start + timedelta(minutes=i)
        sender = "Sam" if i % 3 else "Alex"
        lines.append(f"{at:%d/%m/%Y, %H:%M} - {sender}: message {i} about day {at:%j}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _import(home: Path, export: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pushpull", "--home", str(home), "import", str(export)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _count(home: Path) -> int:
    with Store(home) as store:
        [(n,)] = store.con.execute("SELECT count(*) FROM messages").fetchall()
        [(n_imports,)] = store.con.execute("SELECT count(*) FROM imports").fetchall()
    assert (n_imports, n) in {(0, 0), (1, N_MESSAGES)}, (n_imports, n)
    return int(n)


@pytest.mark.slow
def test_an_import_killed_anywhere_leaves_none_or_all(tmp_path: Path) -> None:
    export = tmp_path / "WhatsApp Chat with Sam.txt"
    _write_whatsapp_export(export, N_MESSAGES)
    started = time.monotonic()
    full = _import(tmp_path / "timing", export)
    assert full.wait(timeout=60) == 0
    full_s = time.monotonic() - started
    assert _count(tmp_path / "timing") == N_MESSAGES

    rng = random.Random(5)
    home = tmp_path / "home"
    outcomes = []
    for _ in range(N_KILLS):
        child = _import(home, export)
        time.sleep(rng.uniform(0.0, full_s))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        n = _count(home)  # opens, and holds none or all
        outcomes.append(n)
        if n == N_MESSAGES:  # it finished first: start again from nothing
            for path in home.iterdir():
                path.unlink()
    assert 0 in outcomes  # some kills did land mid-import

    again = _import(home, export)
    assert again.wait(timeout=60) == 0
    assert _count(home) == N_MESSAGES
    again = _import(home, export)  # and a second run adds nothing
    assert again.wait(timeout=60) == 0
    assert _count(home) == N_MESSAGES
