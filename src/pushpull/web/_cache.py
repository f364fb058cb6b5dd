"""Analyses (and loaded messages) kept in memory, keyed by what they were computed from, so a
conversation's dashboard opens at once the second time."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["MemoryCache"]

V = TypeVar("V")


class MemoryCache(Generic[V]):
    """A small least-recently-used map, safe to share between request threads.

    Two requests for the same missing value compute it once (the second waits for the
    first); values for other keys are served, and computed, meanwhile.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _hit(self, key: Hashable) -> list[V]:
        """``[value]`` when ``key`` is cached (counting the hit), else ``[]``."""
        with self._lock:
            if key not in self._entries:
                return []
            self._entries.move_to_end(key)
            self.hits += 1
            return [self._entries[key]]

    def get(self, key: Hashable) -> V | None:
        """The value of ``key`` if it is cached (never computes it)."""
        hit = self._hit(key)
        return hit[0] if hit else None

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        if hit := self._hit(key):
            return hit[0]
        with self._lock:
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            if hit := self._hit(key):
                return hit[0]
            with self._lock:
                self.misses += 1
            try:
                computed = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop(key, None)
                raise
            with self._lock:
                self._entries[key] = computed
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
                self._computing.pop(key, None)
            return computed

    def drop(self, keep: Callable[[Hashable], bool]) -> None:
        """Forget every entry whose key ``keep`` rejects."""
        with self._lock:
            for key in [k for k in self._entries if not keep(k)]:
                del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)
