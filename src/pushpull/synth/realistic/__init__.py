"""A second, independent simulator of realistic couples, for testing the analysis honestly.

``pushpull.synth.generate`` plants sharp phases in one model; a detector tuned on it can agree
with it by construction. This package models people instead (their own clocks and habits, see
:mod:`~pushpull.synth.realistic._people` and :mod:`~pushpull.synth.realistic._engine`) and
scripts what couples do over months (:mod:`~pushpull.synth.realistic._families`): irregular and
subtle hot-and-cold, pursuing, reversed roles, long histories, life changes, teasing,
gaslighting in many wordings, and the calm couples that must not be flagged.

    case = make_case("irregular_hot_cold", seed=3)
    case.chat        # a SynthChat: as_frame(case.chat), render(case.chat, "whatsapp")
    case.truth       # what a right analysis says (Truth)
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pushpull.synth._chat import GroundTruth, Phase, SynthChat
from pushpull.synth.realistic._engine import simulate
from pushpull.synth.realistic._families import CALM_FAMILIES, FAMILIES, FLAGGED_FAMILIES, Truth

__all__ = ["CALM_FAMILIES", "FAMILIES", "FLAGGED_FAMILIES", "Case", "Truth", "make_case"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    chat: SynthChat
    truth: Truth
    planted: tuple[int, ...]  # indices into chat.messages of the scripted lines


def make_case(family: str, seed: int) -> Case:
    """The case of ``family`` (one of :data:`FAMILIES`) for ``seed``; same input, same case."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; choose from {', '.join(FAMILIES)}")
    rng = random.Random(f"realistic:{family}:{seed}")
    script, truth = FAMILIES[family](rng, seed)
    offset = int(rng.choice([-6, -5, -3, 0, 1, 2, 5.5, 9]) * 3600)
    sim = simulate(script, rng, utc_offset_s=offset)
    me, partner = script.people[0].name, script.people[1].name
    phases = tuple(
        Phase(
            person=s.person,
            state={"cold": "distant"}.get(s.state, s.state),
            start=s.first,
            end=s.last,
        )
        for s in truth.stretches
    )
    chat = SynthChat(
        title=partner,
        me=me,
        partner=partner,
        messages=sim.messages,
        truth=GroundTruth(
            scenario=f"realistic:{family}",
            seed=seed,
            phases=phases,
            n_cycles=truth.n_cycles or 0,
            pursuer=truth.pursuer,
            withdrawer=truth.withdrawer,
        ),
        utc_offset_s=offset,
    )
    return Case(chat=chat, truth=truth, planted=sim.planted)
