"""What the user chose on the Settings page, kept in the data folder as a small JSON file."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal

__all__ = ["PREFERENCES_FILE", "NamesShown", "Preferences", "load_preferences", "save_preferences"]

PREFERENCES_FILE = "web-settings.json"
NamesShown = Literal["real", "roles"]
_COUNTRY = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Preferences:
    """``names``: "real", or "roles" for You/Partner; ``language``: "auto" or a lexicon code;
    ``country``: "auto" (from the browser's language and region) or an ISO code, for helplines."""

    names: NamesShown = "real"
    language: str = "auto"
    country: str = "auto"

    @property
    def lang(self) -> str | None:
        return None if self.language == "auto" else self.language

    def with_choices(
        self, *, names: str | None, language: str | None, country: str | None = None
    ) -> Preferences:
        """These preferences with the given choices (ignoring values that are not offered)."""
        chosen = self
        if names in ("real", "roles"):
            chosen = replace(chosen, names=names)  # type: ignore[arg-type]
        if language:
            chosen = replace(chosen, language=language)
        if country == "auto" or (country and _COUNTRY.fullmatch(country)):
            chosen = replace(chosen, country=country)
        return chosen


def load_preferences(home: Path) -> Preferences:
    """The saved preferences, or the defaults when there are none (or the file is damaged)."""
    path = home / PREFERENCES_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return Preferences()
    if not isinstance(data, dict):
        return Preferences()
    return Preferences().with_choices(
        names=str(data.get("names", "")),
        language=str(data.get("language", "")),
        country=str(data.get("country", "")),
    )


def save_preferences(home: Path, preferences: Preferences) -> None:
    """Write ``preferences`` (readable by the user only)."""
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = home / PREFERENCES_FILE
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(preferences), indent=2) + "\n", encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)
