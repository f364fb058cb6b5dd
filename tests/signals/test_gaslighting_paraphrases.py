"""Gaslighting by meaning: labelled paraphrases (typos, slang, near misses) in English and
Spanish, in ``tests/data/gaslighting/<lang>.tsv``. "dev" lines were used while writing the
lexicon; "holdout" lines were written afterwards and not tuned on."""

from __future__ import annotations

from pathlib import Path

import pytest

from pushpull.signals import find_markers

DATA = Path(__file__).parents[1] / "data" / "gaslighting"
FAMILIES = {"gaslighting", "dismissal"}


def labelled(lang: str) -> list[tuple[bool, str, str]]:
    rows = []
    for line in (DATA / f"{lang}.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, split, text = line.split("\t")
            rows.append((label == "1", split, text))
    return rows


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_recall_and_precision_on_paraphrases(lang: str, split: str) -> None:
    rows = [(y, t) for y, s, t in labelled(lang) if s == split]
    assert sum(y for y, _ in rows) >= 20 and sum(not y for y, _ in rows) >= 20
    found = {t: any(h.family in FAMILIES for h in find_markers(t, lang)) for _, t in rows}
    tp = sum(found[t] for y, t in rows if y)
    fp = sum(found[t] for y, t in rows if not y)
    recall = tp / sum(y for y, _ in rows)
    precision = tp / (tp + fp)
    missed = [t for y, t in rows if y and not found[t]]
    wrong = [t for y, t in rows if not y and found[t]]
    assert recall >= 0.8, missed
    assert precision >= 0.9, wrong


def test_one_overthinking_is_not_a_pattern() -> None:
    from pushpull.synth.realistic import make_case
    from pushpull.testing.scenarios import RANK, run_case

    for seed in range(3):
        _, a, _ = run_case("overthinking_once", seed)
        flag = next(f for f in a.red_flags if f.id == "gaslighting")
        assert RANK[flag.level] <= RANK["watch"], flag.summary
    assert make_case("overthinking_once", 0).planted
