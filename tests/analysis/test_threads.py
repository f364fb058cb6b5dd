"""Both cores give the one-core answer: Polars' threads, and VADER scoring beside the marker
counts, change how fast the analysis is, never what it finds (the one-core run is pinned to a
single CPU where the system allows it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from pushpull.synth import SCENARIOS

# The child prints the analysis JSON of one generated conversation per scenario.
_CHILD = textwrap.dedent(
    """
    import json, os, sys
    if os.environ["POLARS_MAX_THREADS"] == "1" and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, literally
    import polars as pl
    from pushpull.analysis import analyze
    from pushpull.synth import as_frame, generate

    out = {}
    for name in sys.argv[1:]:
        frame = as_frame(generate(name, seed=11, days=150))
        out[name] = analyze(frame).model_dump_json()
    print(json.dumps({"threads": pl.thread_pool_size(), "analyses": out}))
    """
)


def _run(threads: int, scenarios: list[str]) -> dict[str, object]:
    env = {**os.environ, "POLARS_MAX_THREADS": str(threads)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *scenarios],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores to compare with one")
def test_two_threads_find_exactly_what_one_finds() -> None:
    scenarios = sorted(SCENARIOS)
    one, two = _run(1, scenarios), _run(2, scenarios)
    assert (one["threads"], two["threads"]) == (1, 2)
    assert one["analyses"] == two["analyses"]
