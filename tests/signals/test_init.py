"""The public API of ``pushpull.signals`` is small and pinned."""

from __future__ import annotations

import pushpull.signals as signals


def test_public_names_are_pinned() -> None:
    assert signals.__all__ == [
        "FAMILIES",
        "Hit",
        "detect_language",
        "evaluate",
        "find_markers",
        "languages",
        "mark_frame",
        "set_aside_teasing",
        "warmth",
    ]


def test_families_are_the_issue_ids_in_order() -> None:
    assert signals.FAMILIES == (
        "affection",
        "question",
        "disclosure",
        "future",
        "deflection",
        "distancing",
        "criticism",
        "contempt",
        "defensiveness",
        "stonewalling",
        "repair",
        "gaslighting",
        "dismissal",
        "control",
        "threat",
        "insult",
        "laughter",
        "hurt",
    )


def test_english_and_spanish_have_lexicons() -> None:
    assert {"en", "es"} <= set(signals.languages())
