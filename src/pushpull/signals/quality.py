"""How well a lexicon finds the families in a labelled set of messages."""

from __future__ import annotations

import json
from pathlib import Path

from pushpull.errors import UsageError
from pushpull.signals._lexicon import FAMILIES, languages
from pushpull.signals.markers import find_markers

__all__ = ["evaluate"]


def evaluate(path: Path | str, lang: str | None = None) -> dict[str, tuple[float, float, int]]:
    """Per family: (precision, recall, number of labelled positives) over a labelled set.

    ``path`` is JSON Lines of ``{"text": ..., "families": [...]}``; a message counts as found
    for a family when it has at least one hit of it. ``lang`` defaults to the file's name
    (``es.jsonl`` is Spanish). A family never predicted has precision 1.0; one never labelled
    has recall 1.0.
    """
    path = Path(path)
    language = lang or path.stem
    if language not in languages():
        raise UsageError(
            f"No lexicon for {language!r} to evaluate {path.name} with.",
            hint=f"Name the language: one of {', '.join(languages())}.",
        )
    true_pos = dict.fromkeys(FAMILIES, 0)
    predicted = dict.fromkeys(FAMILIES, 0)
    labelled = dict.fromkeys(FAMILIES, 0)
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        wanted = set(item["families"])
        unknown = wanted - set(FAMILIES)
        if unknown:
            raise UsageError(f"{path.name}, line {number}: unknown families {sorted(unknown)}.")
        found = {h.family for h in find_markers(item["text"], language)}
        for family in FAMILIES:
            labelled[family] += family in wanted
            predicted[family] += family in found
            true_pos[family] += family in wanted and family in found
    return {
        f: (
            true_pos[f] / predicted[f] if predicted[f] else 1.0,
            true_pos[f] / labelled[f] if labelled[f] else 1.0,
            labelled[f],
        )
        for f in FAMILIES
    }
