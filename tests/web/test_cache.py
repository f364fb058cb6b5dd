from __future__ import annotations

import threading

import pytest

from pushpull.web._cache import MemoryCache


def test_least_recently_used_entries_go_first() -> None:
    cache: MemoryCache[str] = MemoryCache(2)
    calls: list[str] = []

    def make(key: str) -> str:
        calls.append(key)
        return key.upper()

    assert cache.get_or_compute("a", lambda: make("a")) == "A"
    cache.get_or_compute("b", lambda: make("b"))
    cache.get_or_compute("a", lambda: make("a"))  # a is now the most recent
    cache.get_or_compute("c", lambda: make("c"))  # so b goes
    cache.get_or_compute("a", lambda: make("a"))
    cache.get_or_compute("b", lambda: make("b"))
    assert calls == ["a", "b", "c", "b"]
    assert (cache.hits, cache.misses, len(cache)) == (2, 4, 2)


def test_drop_forgets_what_is_not_kept() -> None:
    cache: MemoryCache[int] = MemoryCache(5)
    for key in ((1, "x"), (2, "x"), (1, "y")):
        cache.get_or_compute(key, lambda: 0)
    cache.drop(lambda key: key[0] != 1)  # type: ignore[index]
    assert len(cache) == 1


def test_concurrent_requests_compute_once() -> None:
    cache: MemoryCache[int] = MemoryCache(2)
    started = threading.Barrier(4)
    computed: list[int] = []

    def slow() -> int:
        computed.append(1)
        return 42

    def ask() -> None:
        started.wait()
        assert cache.get_or_compute("k", slow) == 42

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert computed == [1]


def test_a_failed_computation_is_not_cached() -> None:
    cache: MemoryCache[int] = MemoryCache(2)

    def broken() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        cache.get_or_compute("k", broken)
    assert cache.get_or_compute("k", lambda: 7) == 7
    assert cache.misses == 2
