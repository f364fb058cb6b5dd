"""Each lexicon finds its families in the hand-labelled messages of ``tests/data/lexicon``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pushpull.errors import UsageError
from pushpull.signals import FAMILIES, evaluate

LABELLED = Path(__file__).resolve().parents[1] / "data" / "lexicon"
SETS = sorted(LABELLED.glob("*.jsonl"))
MIN_PRECISION = 0.9
MIN_RECALL = 0.8


def test_english_and_spanish_have_labelled_sets() -> None:
    assert {"en", "es"} <= {p.stem for p in SETS}


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_precision_and_recall_of_every_family(path: Path) -> None:
    scores = evaluate(path)
    assert list(scores) == list(FAMILIES)
    weak = {
        family: (round(precision, 2), round(recall, 2))
        for family, (precision, recall, _) in scores.items()
        if precision < MIN_PRECISION or recall < MIN_RECALL
    }
    assert not weak


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.stem)
def test_the_labelled_set_is_large_and_covers_every_family(path: Path) -> None:
    items = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    assert len(items) >= 300
    assert len({i["text"] for i in items}) == len(items)
    positives = Counter(f for i in items for f in i["families"])
    assert set(positives) <= set(FAMILIES)
    assert min(positives[f] for f in FAMILIES) >= 12
    assert sum(not i["families"] for i in items) >= 100  # negatives and near misses


def test_evaluate_scores_messages_with_at_least_one_hit(tmp_path: Path) -> None:
    path = tmp_path / "en.jsonl"
    items = [
        {"text": "love you ❤️ xx", "families": ["affection"]},
        {"text": "ok", "families": ["affection"]},
        {"text": "miss you", "families": []},
        {"text": "how are you?", "families": ["question"]},
    ]
    path.write_text("\n".join(json.dumps(i) for i in items), encoding="utf-8")
    scores = evaluate(path)
    assert scores["affection"] == (1 / 2, 1 / 2, 2)
    assert scores["question"] == (1.0, 1.0, 1)
    assert scores["insult"] == (1.0, 1.0, 0)


def test_evaluate_needs_a_language_with_a_lexicon(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text('{"text": "hi", "families": []}\n', encoding="utf-8")
    with pytest.raises(UsageError, match="lexicon"):
        evaluate(path)
    assert evaluate(path, "en")["affection"] == (1.0, 1.0, 0)
