from __future__ import annotations

import stat
from pathlib import Path

from pushpull.web._preferences import (
    PREFERENCES_FILE,
    Preferences,
    load_preferences,
    save_preferences,
)


def test_defaults_when_nothing_was_saved(tmp_path: Path) -> None:
    assert load_preferences(tmp_path) == Preferences()
    assert Preferences().lang is None


def test_saved_choices_come_back_readable_by_the_user_only(tmp_path: Path) -> None:
    chosen = Preferences().with_choices(names="roles", language="es")
    save_preferences(tmp_path / "home", chosen)
    assert load_preferences(tmp_path / "home") == chosen and chosen.lang == "es"
    mode = (tmp_path / "home" / PREFERENCES_FILE).stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_values_not_offered_are_ignored(tmp_path: Path) -> None:
    assert Preferences().with_choices(names="everyone", language=None) == Preferences()
    (tmp_path / PREFERENCES_FILE).write_text("[not json", encoding="utf-8")
    assert load_preferences(tmp_path) == Preferences()
    (tmp_path / PREFERENCES_FILE).write_text('["a list"]', encoding="utf-8")
    assert load_preferences(tmp_path) == Preferences()
