"""Judge an analysis against a realistic case's truth, and tabulate many of them.

    case = make_case("teasing", seed=2)
    verdict = judge(case, analyze(as_frame(case.chat), me=case.chat.me))
    print(confusion_table(verdicts))

The rules are those of the findings issue: a calm couple has no sign or red flag above "watch"
and no safety box and nobody named as pursuer; a hot-and-cold case reaches "concern" on
repeated cycles with the count within one and the right person cycling; roles are right when
they are clear; the expected flag reaches "concern"; too little data is said and nothing is
claimed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pushpull.analysis import Analysis, analyze
from pushpull.synth import as_frame
from pushpull.synth.realistic import Case, make_case

__all__ = ["RANK", "Verdict", "confusion_table", "judge", "run_case"]

RANK = {"none": 0, "watch": 1, "concern": 2, "serious": 3}
#: Flags that must stay quiet unless the case planted them.
_HOSTILE = ("gaslighting", "abuse")


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    family: str
    seed: int
    variant: str
    right: bool
    false_alarm: bool
    cycle_error: int | None  # found minus planted, when cycles are judged
    roles_right: bool | None
    flags_right: bool | None
    problems: tuple[str, ...] = field(default=())


def _levels(a: Analysis) -> dict[str, int]:
    return {f.id: RANK[f.level] for f in [*a.signs, *a.red_flags]}


def judge(case: Case, a: Analysis) -> Verdict:
    """How ``a`` (the analysis of ``case``) compares with the case's truth."""
    t = case.truth
    levels = _levels(a)
    problems: list[str] = []
    if not t.enough_data:
        ok = (
            not a.data_sufficiency.enough
            and a.cycles.count == 0
            and a.pursue_withdraw.pursuer is None
            and "too little" in a.headline.lower()
        )
        if not ok:
            problems.append(f"short chat not called too little: {a.headline}")
        return Verdict(
            family=t.family,
            seed=t.seed,
            variant=t.variant,
            right=ok,
            false_alarm=not ok,
            cycle_error=None,
            roles_right=None,
            flags_right=None,
            problems=tuple(problems),
        )
    raised = {k: v for k, v in levels.items() if v >= RANK["concern"]}
    if t.calm:
        false_alarm = bool(raised) or a.safety is not None
        if raised:
            problems.append("raised " + ", ".join(f"{k}={v}" for k, v in sorted(raised.items())))
        if a.safety is not None:
            problems.append("safety box shown")
    else:
        wrong = [k for k in _HOSTILE if k in raised and k not in t.expect_flags]
        false_alarm = bool(wrong) or (t.safety is False and a.safety is not None)
        if wrong:
            problems.append("raised " + ", ".join(wrong))
        if t.safety is False and a.safety is not None:
            problems.append("safety box shown")
    if t.safety is True and a.safety is None:
        problems.append("no safety box")
    cycle_error = None
    if t.n_cycles:
        cycle_error = a.cycles.count - t.n_cycles
        if abs(cycle_error) > 1:
            problems.append(f"cycles {a.cycles.count} vs {t.n_cycles} planted")
        if t.cycler is not None and a.cycles.person != t.cycler:
            problems.append(f"cycles read in {a.cycles.person}, planted in {t.cycler}")
    roles_right = None
    if t.roles_judged:
        pw = a.pursue_withdraw
        roles_right = pw.pursuer == t.pursuer and pw.withdrawer == t.withdrawer
        if not roles_right:
            problems.append(
                f"pursuer {pw.pursuer} / withdrawer {pw.withdrawer}, "
                f"truth {t.pursuer} / {t.withdrawer}"
            )
    flags_right = None
    if t.expect_flags:
        flags_right = any(levels.get(f, 0) >= RANK["concern"] for f in t.expect_flags)
        if not flags_right:
            got = ", ".join(f"{f}={levels.get(f, 0)}" for f in t.expect_flags)
            problems.append(f"expected flag not raised ({got})")
    if t.shared_change and a.shared_change is None:
        problems.append("shared change not noticed")
    if t.n_cycles and a.shared_change is not None:
        problems.append("a withdrawal called a shared change")
    if t.recent_calm and not (a.recent is not None and a.recent.calm):
        problems.append("recent calm not said")
    right = not problems
    return Verdict(
        family=t.family,
        seed=t.seed,
        variant=t.variant,
        right=right,
        false_alarm=false_alarm,
        cycle_error=cycle_error,
        roles_right=roles_right,
        flags_right=flags_right,
        problems=tuple(problems),
    )


def run_case(family: str, seed: int) -> tuple[Case, Analysis, Verdict]:
    """Make, analyse and judge one case."""
    case = make_case(family, seed)
    a = analyze(as_frame(case.chat), me=case.chat.me)
    return case, a, judge(case, a)


def _share(values: Sequence[bool]) -> str:
    return f"{sum(values)}/{len(values)}" if values else "-"


def confusion_table(verdicts: Iterable[Verdict]) -> str:
    """Per family: cases right, calm false alarms, cycle-count error, roles right, flags right."""
    by: dict[str, list[Verdict]] = {}
    for v in verdicts:
        by.setdefault(v.family, []).append(v)
    header = (
        "family",
        "right",
        "false alarms",
        "cycle error (mean |err|, max)",
        "roles right",
        "flags right",
    )
    rows = [header]
    for fam, vs in by.items():
        errors = [abs(v.cycle_error) for v in vs if v.cycle_error is not None]
        err = f"{sum(errors) / len(errors):.2f}, {max(errors)}" if errors else "-"
        rows.append(
            (
                fam,
                _share([v.right for v in vs]),
                _share([v.false_alarm for v in vs]),
                err,
                _share([bool(v.roles_right) for v in vs if v.roles_right is not None]),
                _share([bool(v.flags_right) for v in vs if v.flags_right is not None]),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
