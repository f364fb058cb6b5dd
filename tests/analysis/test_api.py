from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import jsonschema
import polars as pl
import pytest

import pushpull
from pushpull.analysis import Analysis, analyze
from pushpull.analysis.schema import analysis_schema, published_schema
from pushpull.errors import ParticipantError, UsageError
from pushpull.synth import as_frame, generate

REQUIRED_KEYS = {
    "conversation",
    "me",
    "partner",
    "period",
    "data_sufficiency",
    "people",
    "phases",
    "cycles",
    "pursue_withdraw",
    "bids",
    "effort",
    "signs",
    "red_flags",
    "guidance",
}


@pytest.fixture(scope="module")
def hot_cold() -> tuple[pl.DataFrame, Analysis]:
    chat = generate("hot_cold", seed=11, days=150, n_cycles=4)
    frame = as_frame(chat)
    return frame, analyze(frame)


def test_the_json_has_the_documented_keys_and_validates(
    hot_cold: tuple[pl.DataFrame, Analysis],
) -> None:
    data = json.loads(hot_cold[1].model_dump_json())
    assert set(data) >= REQUIRED_KEYS
    assert {"count", "mean_period_days", "p_value", "strength"} <= set(data["cycles"])
    for finding in [*data["signs"], *data["red_flags"]]:
        assert {"id", "level", "confidence", "summary", "evidence"} <= set(finding)
    jsonschema.validate(data, published_schema())


def test_the_published_schema_matches_the_models() -> None:
    assert published_schema() == json.loads(json.dumps(analysis_schema(), sort_keys=True)), (
        "regenerate with: python -m pushpull.analysis.schema"
    )


def test_the_schema_rejects_a_broken_result(hot_cold: tuple[pl.DataFrame, Analysis]) -> None:
    data = json.loads(hot_cold[1].model_dump_json())
    data["signs"][0]["level"] = "catastrophic"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, published_schema())


def test_every_sign_and_flag_is_reported_once(hot_cold: tuple[pl.DataFrame, Analysis]) -> None:
    a = hot_cold[1]
    assert [f.id for f in a.signs] == [
        "emotional_distancing",
        "communication_breakdown",
        "increased_solitude",
        "irritability",
        "future_avoidance",
    ]
    assert [f.id for f in a.red_flags] == [
        "emotional_unavailability",
        "gaslighting",
        "repeated_cycles",
        "lack_of_effort",
        "abuse",
    ]


def test_me_comes_from_the_from_me_column(hot_cold: tuple[pl.DataFrame, Analysis]) -> None:
    frame, a = hot_cold
    me = frame.filter(pl.col("from_me"))["sender"][0]
    assert a.me == me
    assert a.partner != me


def test_the_api_is_exported_lazily() -> None:
    assert pushpull.analyze is analyze
    assert "analyze" in pushpull.__all__


def test_pandas_frames_work_and_give_the_same_result(
    hot_cold: tuple[pl.DataFrame, Analysis],
) -> None:
    frame, a = hot_cold
    b = analyze(frame.select("ts", "sender", "text", "kind").to_pandas(), me=a.me)
    assert b.cycles == a.cycles
    assert b.signs == a.signs


def test_the_same_input_gives_the_same_result(hot_cold: tuple[pl.DataFrame, Analysis]) -> None:
    frame, a = hot_cold
    assert analyze(frame).model_dump() == a.model_dump()


def test_since_and_until_limit_the_period(hot_cold: tuple[pl.DataFrame, Analysis]) -> None:
    frame, a = hot_cold
    start = a.period.start + timedelta(days=30)
    end = a.period.start + timedelta(days=90)
    b = analyze(frame, since=start, until=end)
    assert (b.period.start, b.period.end) == (start, end)
    assert sum(p.messages for p in b.people) < sum(p.messages for p in a.people)


def test_iso_strings_and_time_zones_are_accepted() -> None:
    t0 = datetime(2025, 5, 1, 20, 0)
    rows = [(t0 + timedelta(hours=3 * i)).isoformat() for i in range(40)]
    frame = pl.DataFrame({"ts": rows, "sender": ["A", "B"] * 20, "text": ["hi there"] * 40})
    a = analyze(frame, me="B")
    assert (a.me, a.partner) == ("B", "A")
    aware = frame.with_columns(pl.col("ts").str.to_datetime().dt.replace_time_zone("Europe/Madrid"))
    assert analyze(aware, me="B").period == a.period


def test_bad_input_gives_the_projects_errors() -> None:
    with pytest.raises(UsageError, match="column"):
        analyze(pl.DataFrame({"ts": [datetime(2025, 1, 1)], "sender": ["A"]}))
    with pytest.raises(UsageError, match="DataFrame"):
        analyze([1, 2, 3])
    three = pl.DataFrame(
        {
            "ts": [datetime(2025, 1, 1, h) for h in range(3)],
            "sender": ["A", "B", "C"],
            "text": ["x", "y", "z"],
        }
    )
    with pytest.raises(UsageError, match="3 people"):
        analyze(three, me="A")
    assert analyze(three, me="A", partner="C").partner == "C"
    with pytest.raises(ParticipantError):
        analyze(three, me="Zoe")
    with pytest.raises(UsageError, match="no messages"):
        analyze(three, me="A", since=date(2030, 1, 1))
