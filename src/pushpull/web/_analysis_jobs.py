"""Analyses of big conversations run in a background thread, so that the page can say which
step they are on instead of leaving the user before a blank wait."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from pushpull.analysis import STEPS, Progress

__all__ = ["AnalysisJob", "AnalysisJobs"]


@dataclass(slots=True)
class AnalysisJob:
    """How far one analysis got; ``error`` is what stopped it, if anything did."""

    step: int = 0
    of: int = len(STEPS)
    what: str = "Starting"
    started: float = field(default_factory=time.monotonic)
    error: BaseException | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    def tell(self, step: int, of: int, what: str) -> None:
        self.step, self.of, self.what = step, of, what

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started


class AnalysisJobs:
    """At most one running analysis per key (a conversation, its data version and filter)."""

    def __init__(self) -> None:
        self._jobs: dict[Hashable, AnalysisJob] = {}
        self._lock = threading.Lock()

    def start(
        self, key: Hashable, compute: Callable[[Progress], object]
    ) -> tuple[AnalysisJob, bool]:
        """The job computing ``key`` and whether it is new: the running one, else a new one
        started in a thread.

        A finished job is forgotten when it succeeded (its result is in the caller's cache);
        a failed one is kept until :meth:`take_failure` hands its error to a page."""
        with self._lock:
            job = self._jobs.get(key)
            if job is not None:
                return job, False
            job = self._jobs[key] = AnalysisJob()

        def run() -> None:
            try:
                compute(job.tell)
            except BaseException as error:  # shown on the next view of the page
                job.error = error
            else:
                with self._lock:
                    self._jobs.pop(key, None)
            finally:
                job.finished.set()

        threading.Thread(target=run, name="pushpull-analysis", daemon=True).start()
        return job, True

    def take_failure(self, key: Hashable) -> BaseException | None:
        """The error of the finished, failed job for ``key`` (forgetting it), else None."""
        with self._lock:
            job = self._jobs.get(key)
            if job is None or not job.finished.is_set() or job.error is None:
                return None
            del self._jobs[key]
            return job.error
