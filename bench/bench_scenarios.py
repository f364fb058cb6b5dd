"""The realistic scenario suite: every family of :mod:`pushpull.synth.realistic` over several
seeds, analysed and judged against its truth; prints the confusion table and every wrong case.

    python bench/bench_scenarios.py                 # seeds 0-4, every family
    python bench/bench_scenarios.py --seeds 5 10 --family teasing --family stable
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor

from pushpull.synth.realistic import CALM_FAMILIES, FAMILIES
from pushpull.testing.scenarios import Verdict, confusion_table, run_case


def _one(job: tuple[str, int]) -> Verdict:
    return run_case(*job)[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs=2, type=int, default=(0, 5), metavar=("FIRST", "END"))
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    families = args.family or list(FAMILIES)
    jobs = [(f, s) for f in families for s in range(*args.seeds)]
    started = time.perf_counter()
    with ProcessPoolExecutor(args.workers) as pool:
        verdicts = list(pool.map(_one, jobs))
    elapsed = time.perf_counter() - started
    print(confusion_table(verdicts))
    right = sum(v.right for v in verdicts)
    calm = [v for v in verdicts if v.family in CALM_FAMILIES]
    alarms = sum(v.false_alarm for v in calm)
    print(
        f"\n{right}/{len(verdicts)} cases right; calm false alarms {alarms}/{len(calm)}; "
        f"{elapsed:.0f} s"
    )
    for v in verdicts:
        if not v.right:
            print(f"  {v.family} seed {v.seed} ({v.variant}): {'; '.join(v.problems)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
