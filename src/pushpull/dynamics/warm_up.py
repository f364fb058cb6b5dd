"""Import the change-point and test libraries in the background while the words are read.

ruptures (with the parts of SciPy it loads) takes most of a second to import, nearly all of it
Python executing module code. :func:`import_in_background` starts that import on a daemon
thread as the analysis begins, so it overlaps with reading the store and the word-level passes
(which spend their time in Polars and DuckDB, outside the interpreter lock). Whoever needs the
module later simply imports it: Python's import lock makes them wait for the thread to finish,
and an import that fails in the thread fails again, visibly, where it is used.
"""

from __future__ import annotations

import importlib
import sys
import threading

__all__ = ["import_in_background"]

#: The modules the dynamics import lazily (ruptures loads ``scipy.stats`` itself).
HEAVY = ("ruptures",)

_started = threading.Lock()


def _load() -> None:
    for name in HEAVY:
        try:
            importlib.import_module(name)
        except Exception:
            return


def import_in_background() -> None:
    """Start importing :data:`HEAVY` on a daemon thread (once; a no-op when already loaded)."""
    if all(name in sys.modules for name in HEAVY) or not _started.acquire(blocking=False):
        return
    threading.Thread(target=_load, name="pushpull-imports", daemon=True).start()
